// The `vulns` use case: lockfiles → packages → advisories (offline index, or the OSV API with --online) →
// a ScanResult in the same model `scan` produces. Declared dependencies without a known version, and a
// missing or empty advisory database, are reported (result.dependencies and problems), never passed over.
import { readFileSync } from 'node:fs';
import type { Ecosystem, Package } from '../ecosystems/types.js';
import { SEVERITIES, type DependencyCoverage, type ScanProblem, type ScanResult } from '../engine/model.js';
import { errorMessage, SentrikError } from '../util/errors.js';
import { resolveInsideRoot } from '../util/paths.js';
import { TOOL } from '../version.js';
import { loadEcosystem, readManifest } from './db.js';
import { toFinding, ruleInfoFor, type VulnFinding } from './findings.js';
import { AdvisoryIndex, type Match } from './match.js';
import { queryOsv, type FetchFn } from './online.js';
import { describeUnchecked } from './coverage.js';
import { isLockfile, readProject, type ParsedLockfile } from './project.js';

export interface VulnScanOptions {
  root: string;
  exclude: string[];
  db: string;
  /** The OSV API, reached through the caller's network client (policy, proxy, CA): never a bare fetch. */
  online?: { baseUrl: string; fetch: FetchFn };
  paths?: string[];
}

export interface VulnScan {
  result: ScanResult;
  findings: VulnFinding[];
  matches: Match[];
  lockfiles: ParsedLockfile[];
  indexes: Map<Ecosystem, AdvisoryIndex>;
  /** Lockfiles read although a .gitignore excludes them. */
  gitignored: string[];
}

const IMPORT_HINT = 'run `sentrik vulns db import <all.zip|dir>` (or pass --online)';

export async function scanVulns(o: VulnScanOptions): Promise<VulnScan> {
  const started = Date.now();
  const t0 = performance.now();
  const project = readProject(o.root, o.exclude, o.paths);
  const tParse = performance.now();
  const problems: ScanProblem[] = project.problems.map((p) => ({ file: p.file, line: p.line, code: 'parse-error', message: p.message }));
  const ecosystems = [...new Set(project.lockfiles.filter((l) => l.packages.length).map((l) => l.ecosystem))];
  const indexes = new Map<Ecosystem, AdvisoryIndex>();
  // Declared dependencies without a known version: in the coverage, and each file a problem.
  const notChecked = project.unchecked.map((u) => ({ file: u.file, line: u.line, ecosystem: u.ecosystem, reason: u.reason, count: u.names.length, names: u.names, message: describeUnchecked(u) }));
  for (const u of notChecked) problems.push({ file: u.file, line: u.line, code: 'not-checked', message: u.message });
  let advisories: DependencyCoverage['advisories'];
  if (o.online) {
    const all = project.lockfiles.flatMap((l) => l.packages.map((pkg) => ({ pkg, eco: l.ecosystem })));
    const fetched = await queryOsv(o.online.baseUrl, dedupe(all), o.online.fetch);
    for (const eco of ecosystems) indexes.set(eco, new AdvisoryIndex(eco, fetched.get(eco) ?? []));
    advisories = { source: 'online', location: o.online.baseUrl, status: 'ok' };
  } else {
    advisories = { source: 'offline', location: o.db, status: 'ok' };
    let manifest: ReturnType<typeof readManifest>;
    try {
      manifest = readManifest(o.db);
    } catch (err) {
      // Unreadable: fatal when there are packages to check, otherwise said and the run goes on.
      if (ecosystems.length) throw err;
      problems.push({ code: 'no-advisory-database', message: errorMessage(err) });
      advisories.status = 'missing';
    }
    if (advisories.status === 'ok' && !manifest) {
      if (ecosystems.length) throw new SentrikError('no offline advisory database', o.db, undefined, IMPORT_HINT);
      advisories.status = 'missing';
      problems.push({ code: 'no-advisory-database', message: `no offline advisory database at ${o.db}: nothing could be checked against advisories; ${IMPORT_HINT}` });
    } else if (manifest && !Object.values(manifest.ecosystems).some((e) => e && e.records > 0)) {
      advisories.status = 'empty';
      // With packages to check, each ecosystem's own problem below says it.
      if (!ecosystems.length) problems.push({ code: 'no-advisory-database', message: `the offline advisory database at ${o.db} holds no advisories: nothing could be checked against advisories; ${IMPORT_HINT}` });
    }
    for (const eco of manifest ? ecosystems : []) {
      const loaded = loadEcosystem(o.db, eco.osv);
      if (!loaded?.length) problems.push({ code: 'no-advisory-data', message: `no ${eco.osv} advisories in ${o.db}: ${eco.osv} packages were not checked (import ${eco.osv}/all.zip)` });
      else indexes.set(eco, new AdvisoryIndex(eco, loaded));
    }
  }
  const tLoad = performance.now();
  const matches: Match[] = [];
  const findings: VulnFinding[] = [];
  const lineCache = new Map<string, string[]>();
  for (const lock of project.lockfiles) {
    const index = indexes.get(lock.ecosystem);
    if (!index) continue;
    for (const m of index.match(lock.packages)) {
      matches.push(m);
      findings.push(toFinding(m, lock.ecosystem, snippetOf(o.root, m.package, lineCache)));
    }
  }
  const tMatch = performance.now();
  const rules = new Map(matches.map((m) => [m.advisories[0].id, ruleInfoFor(m)]));
  findings.sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0));
  const count = <K extends string>(keys: K[]): Record<K, number> => keys.reduce((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {} as Record<K, number>);
  const result: ScanResult = {
    root: o.root,
    tool: { name: TOOL.name, version: TOOL.version },
    findings,
    problems,
    skipped: [],
    rules: [...rules.values()],
    metrics: {
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      phasesMs: { parse: Math.round(tParse - t0), advisories: Math.round(tLoad - tParse), match: Math.round(tMatch - tLoad) },
      filesScanned: project.lockfiles.length,
      bytesScanned: project.bytes,
      filesSkipped: 0,
      skippedByReason: {},
      cacheHits: 0,
      cacheMisses: 0,
      packs: ['vulns'],
      rulesEvaluated: indexes.size ? [...indexes.values()].reduce((n, i) => n + i.advisories.length, 0) : 0,
      findings: findings.length,
      suppressed: 0,
      bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length])) as Record<(typeof SEVERITIES)[number], number>,
      byRule: count(findings.map((f) => f.ruleId)),
      byPack: findings.length ? { vulns: findings.length } : {},
      jobs: 1,
      scope: { mode: 'paths', paths: o.paths ?? [] },
    },
    dependencies: {
      lockfiles: project.lockfiles.filter(isLockfile).length,
      packages: project.packages.length,
      checked: project.packages.filter((p) => [...indexes.keys()].some((e) => e.osv === p.ecosystem)).length,
      withoutAdvisories: advisories.status === 'ok' ? ecosystems.filter((e) => !indexes.has(e)).map((e) => ({ ecosystem: e.osv, packages: project.packages.filter((p) => p.ecosystem === e.osv).length })) : [],
      unchecked: project.unchecked.reduce((n, u) => n + u.names.length, 0),
      notChecked,
      advisories,
    },
  };
  return { result, findings, matches, lockfiles: project.lockfiles, indexes, gitignored: project.gitignored };
}

function dedupe(list: { pkg: Package; eco: Ecosystem }[]): { pkg: Package; eco: Ecosystem }[] {
  const seen = new Set<string>();
  return list.filter(({ pkg, eco }) => {
    const k = `${eco.osv}\0${pkg.name}\0${pkg.version}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function snippetOf(root: string, p: Package, cache: Map<string, string[]>): string | undefined {
  if (!p.line) return undefined;
  let lines = cache.get(p.file);
  if (!lines) {
    try {
      lines = readFileSync(resolveInsideRoot(root, p.file), 'utf8').split('\n');
    } catch {
      lines = [];
    }
    cache.set(p.file, lines);
  }
  return lines[p.line - 1]?.trim().slice(0, 200);
}
