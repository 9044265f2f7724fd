// The `watch` loop: scan once, then re-scan when files change (debounced: a burst of saves is one scan,
// scans at most every `intervalMs`) and re-check dependencies against the local OSV database every
// `vulns.intervalMs` and whenever a lockfile changes. Each cycle prints only what changed — new and resolved
// findings, new and resolved advisories. New advisories are fixed (working tree) or turned into one pull
// request per advisory set. Errors are reported and the loop goes on; it ends when `signal` aborts or after
// `cycles` cycles. Nothing here touches `process`.
import { OWN_STATE_PATTERNS } from '../engine/own-output.js';
import { readFileSync, writeFileSync } from 'node:fs';
import type { UpgradeLevel } from '../advisories/fix.js';
import { scanVulns, type VulnScan } from '../advisories/scan.js';
import type { SentrikConfig } from '../config/schema.js';
import { formatFor } from '../ecosystems/index.js';
import { excludeMatcher } from '../engine/discovery.js';
import { SEVERITY_RANK, type Finding, type ScanProblem } from '../engine/model.js';
import { runScan } from '../run/scan.js';
import { errorMessage } from '../util/errors.js';
import { resolveInsideRoot, toPosix } from '../util/paths.js';
import { advisoryHits, fixBranch, fixSet, setHash, type AdvisoryHit } from './advisories.js';
import { watchChanges, type ChangeSource } from './changes.js';
import { fixPullRequest, type PullRequestTarget } from './pull-request.js';
import { loadState, saveState, STATE_FILE, type WatchState } from './state.js';

export interface WatchOptions {
  root: string;
  /** Called before every scan, so edits to .sentrik/config.yaml apply; may throw (reported, previous config kept). */
  loadConfig(): SentrikConfig;
  /** Least time between two scans; also the polling period. */
  intervalMs: number;
  /** Poll by mtime instead of file events. */
  poll?: boolean;
  vulns?: {
    db: string;
    intervalMs: number;
    level: UpgradeLevel;
    /** Apply fixes for new advisories: in the working tree, or (with `pullRequests`) on a branch. */
    fix?: boolean;
    pullRequests?: Omit<PullRequestTarget, 'root' | 'level'>;
  };
  /** Stop after this many cycles (tests, CI). */
  cycles?: number;
  /** Events (stdout) and problems (stderr). */
  out(line: string): void;
  err(line: string): void;
}

export interface WatchSummary {
  cycles: number;
  pullRequests: { number: number; url: string }[];
  errors: number;
}

/** A burst of saves settles within this time before a scan starts. */
export const DEBOUNCE_MS = 300;
const MAX_LINES_PER_CYCLE = 50;

export async function runWatch(o: WatchOptions, signal: AbortSignal): Promise<WatchSummary> {
  const summary: WatchSummary = { cycles: 0, pullRequests: [], errors: 0 };
  const fail = (what: string, err: unknown): void => {
    summary.errors++;
    o.err(`${what}: ${errorMessage(err)}`);
  };
  let config = o.loadConfig();
  const loaded = loadState(o.root);
  if (loaded.problem) o.err(loaded.problem);
  const state = loaded.state;

  const excluded = excludeMatcher([...config.scan_exclude, '.git', 'node_modules', toPosix(config.output_dir).replace(/^\.\/|\/+$/g, ''), ...OWN_STATE_PATTERNS, STATE_FILE, `${STATE_FILE}.*.tmp`]);
  const changed = new Set<string>();
  let lastChange = 0;
  let wake: (() => void) | undefined;
  const source: ChangeSource = watchChanges({
    root: o.root,
    ignored: (rel, isDir) => excluded(rel, isDir),
    onChange: (rel) => {
      changed.add(rel);
      lastChange = Date.now();
      wake?.();
    },
    onFallback: (why) => o.err(why),
    pollMs: o.intervalMs,
    poll: o.poll,
  });
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort);

  o.out(
    `watching ${o.root}: files (${source.mode === 'events' ? 'file events' : `polling every ${seconds(o.intervalMs)}`})` +
      (o.vulns ? `, dependencies every ${seconds(o.vulns.intervalMs)} and on lockfile changes` : '') +
      (o.vulns?.pullRequests ? `, fixes as pull requests to ${o.vulns.pullRequests.repo.owner}/${o.vulns.pullRequests.repo.repo}` : o.vulns?.fix ? ', fixes applied to the working tree' : '') +
      ' — Ctrl-C stops',
  );

  let previous: { findings: Map<string, Finding>; problems: Set<string> } | undefined;
  const reportedProblems = new Set<string>();
  let lastScan = 0;
  let nextVulns = 0;
  let firstCycle = true;
  try {
    while (!signal.aborted) {
      const now = Date.now();
      const filesSettled = changed.size > 0 && now - lastChange >= DEBOUNCE_MS && now - lastScan >= o.intervalMs;
      const doScan = firstCycle || filesSettled;
      const paths = doScan ? [...changed] : [];
      const lockfileChanged = paths.some((p) => formatFor(p) !== undefined);
      const doVulns = o.vulns !== undefined && (now >= nextVulns || lockfileChanged);
      if (doScan || doVulns) {
        if (doScan) changed.clear();
        firstCycle = false;
        if (doScan) {
          lastScan = Date.now();
          try {
            config = o.loadConfig();
          } catch (err) {
            fail('configuration (keeping the previous one)', err);
          }
          try {
            previous = await scanCycle(o, config, paths, previous);
          } catch (err) {
            fail('scan', err);
          }
        }
        if (doVulns && o.vulns && !signal.aborted) {
          nextVulns = Date.now() + o.vulns.intervalMs;
          try {
            await vulnCycle(o, config, state, summary, fail, signal, reportedProblems);
          } catch (err) {
            fail('dependencies', err);
          }
        }
        summary.cycles++;
        if (o.cycles && summary.cycles >= o.cycles) break;
        continue;
      }
      // Sleep until the next thing is due: settled changes, the next dependency check, or a stop.
      const waits = [changed.size ? Math.max(DEBOUNCE_MS - (now - lastChange), o.intervalMs - (now - lastScan)) : Infinity, o.vulns ? nextVulns - now : Infinity];
      await sleep(Math.max(10, Math.min(...waits)), (w) => (wake = w));
      wake = undefined;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    source.close();
  }
  return summary;
}

function sleep(ms: number, setWake: (wake: () => void) => void): Promise<void> {
  return new Promise((done) => {
    // A wait longer than setTimeout's limit (~24.8 days) would fire at once: cap it.
    const timer = setTimeout(done, Math.min(ms, 2 ** 31 - 1));
    setWake(() => {
      clearTimeout(timer);
      done();
    });
  });
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

function stamp(): string {
  return new Date().toTimeString().slice(0, 8);
}

function findingKey(f: Finding): string {
  return `${f.ruleId}\0${f.file}\0${f.fingerprint}`;
}

function worstFirst(a: Finding, b: Finding): number {
  return SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0);
}

function findingLine(sign: '+' | '-', f: Finding): string {
  return `  ${sign} ${f.severity.padEnd(8)} ${f.ruleId}  ${f.file}${f.line ? `:${f.line}` : ''}  ${f.title}`;
}

function problemLine(p: ScanProblem): string {
  return `${p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : ''}${p.message}`;
}

/** Print at most MAX_LINES_PER_CYCLE lines, then how many more there were. */
function printCapped(out: (line: string) => void, lines: string[]): void {
  for (const l of lines.slice(0, MAX_LINES_PER_CYCLE)) out(l);
  if (lines.length > MAX_LINES_PER_CYCLE) out(`  … and ${lines.length - MAX_LINES_PER_CYCLE} more`);
}

async function scanCycle(o: WatchOptions, config: SentrikConfig, paths: string[], previous: { findings: Map<string, Finding>; problems: Set<string> } | undefined) {
  const result = await runScan({ root: o.root, config, scope: { mode: 'paths', paths: [] } });
  const findings = new Map(result.findings.filter((f) => !f.suppressed).map((f) => [findingKey(f), f]));
  const problems = new Set(result.problems.map(problemLine));
  const added = [...findings].filter(([k]) => !previous?.findings.has(k)).map(([, f]) => f).sort(worstFirst);
  const resolved = previous ? [...previous.findings].filter(([k]) => !findings.has(k)).map(([, f]) => f).sort(worstFirst) : [];
  const why = previous ? `${paths.length} changed file${paths.length === 1 ? '' : 's'}${paths.length ? `: ${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ', …' : ''}` : ''}` : 'first scan';
  if (!previous || added.length || resolved.length) {
    o.out(`[${stamp()}] scan (${why}): ${findings.size} finding${findings.size === 1 ? '' : 's'}, ${added.length} new, ${resolved.length} resolved`);
    printCapped(o.out, [...added.map((f) => findingLine('+', f)), ...resolved.map((f) => findingLine('-', f))]);
  }
  for (const p of problems) if (!previous?.problems.has(p)) o.err(`problem: ${p}`);
  return { findings, problems };
}

function advisoryLine(sign: '+' | '-', h: { key: string; finding?: AdvisoryHit['finding'] }): string {
  if (!h.finding) return `  ${sign} ${h.key}`;
  const f = h.finding;
  return `  ${sign} ${f.severity.padEnd(8)} ${f.ruleId}  ${f.vuln.package} ${f.vuln.installed}  ${f.file}${f.line ? `:${f.line}` : ''}${f.vuln.fixedIn ? `  fixed in ${f.vuln.fixedIn}` : ''}`;
}

async function vulnCycle(
  o: WatchOptions,
  config: SentrikConfig,
  state: WatchState,
  summary: WatchSummary,
  fail: (what: string, err: unknown) => void,
  signal: AbortSignal,
  reportedProblems: Set<string>,
): Promise<void> {
  const v = o.vulns!;
  const scan = await scanVulns({ root: o.root, exclude: config.scan_exclude, db: v.db });
  const hits = advisoryHits(scan);
  const current = new Set(hits.map((h) => h.key));
  const added = hits.filter((h) => !state.advisories[h.key]);
  const resolved = Object.keys(state.advisories).filter((k) => !current.has(k));
  const at = new Date().toISOString();
  for (const h of added) state.advisories[h.key] = { firstSeen: at };
  for (const k of resolved) delete state.advisories[k];
  if (added.length || resolved.length) {
    o.out(`[${stamp()}] dependencies: ${hits.length} known vulnerabilit${hits.length === 1 ? 'y' : 'ies'}, ${added.length} new, ${resolved.length} resolved`);
    printCapped(o.out, [...added.map((h) => advisoryLine('+', h)), ...resolved.map((key) => advisoryLine('-', { key }))]);
  }
  for (const p of scan.result.problems.map(problemLine)) if (!reportedProblems.has(p)) (reportedProblems.add(p), o.err(`problem: ${p}`));

  if (v.fix && added.length) {
    if (v.pullRequests) {
      const hash = setHash(added.map((h) => h.key));
      state.fixes[hash] ??= { keys: added.map((h) => h.key), branch: fixBranch(hash), at };
    } else applyInWorkingTree(o, scan, added, v.level);
  }
  saveState(o.root, state);
  if (v.fix && v.pullRequests) await openPending(o, v.pullRequests, v.level, scan, hits, state, summary, fail, signal);
}

/** Every advisory set without a pull request yet: new ones, and those whose last attempt failed. */
async function openPending(
  o: WatchOptions,
  target: Omit<PullRequestTarget, 'root' | 'level'>,
  level: UpgradeLevel,
  scan: VulnScan,
  hits: AdvisoryHit[],
  state: WatchState,
  summary: WatchSummary,
  fail: (what: string, err: unknown) => void,
  signal: AbortSignal,
): Promise<void> {
  for (const [hash, record] of Object.entries(state.fixes)) {
    if (signal.aborted) return;
    if (record.pr || record.nothingToFix) continue;
    const setHits = hits.filter((h) => record.keys.includes(h.key));
    if (!setHits.length) {
      delete state.fixes[hash]; // every advisory of the set is gone (fixed by hand, or the lockfile changed)
      saveState(o.root, state);
      continue;
    }
    try {
      const outcome = await fixPullRequest({ ...target, root: o.root, level }, hash, setHits, scan);
      delete record.error;
      if (outcome.kind === 'nothing-to-fix') {
        record.nothingToFix = outcome.reason;
        o.out(`[${stamp()}] fix: nothing to commit for ${setHits.length} advisor${setHits.length === 1 ? 'y' : 'ies'} — ${outcome.reason}`);
      } else {
        record.pr = outcome.pr;
        if (outcome.kind === 'opened') summary.pullRequests.push(outcome.pr);
        o.out(`[${stamp()}] fix: ${outcome.kind === 'opened' ? 'opened' : 'found existing'} pull request #${outcome.pr.number} ${outcome.pr.url} (branch ${outcome.branch})`);
      }
    } catch (err) {
      record.error = errorMessage(err);
      fail(`fix ${record.branch}`, err);
    }
    saveState(o.root, state);
  }
}

/** --fix without --create-pr: edit the manifests in place, like `sentrik vulns --fix`. */
function applyInWorkingTree(o: WatchOptions, scan: VulnScan, hits: AdvisoryHit[], level: UpgradeLevel): void {
  const read = (rel: string): string | undefined => {
    try {
      return readFileSync(resolveInsideRoot(o.root, rel), 'utf8');
    } catch {
      return undefined;
    }
  };
  const fix = fixSet(scan, hits, level, read);
  for (const e of fix.applied.edits) {
    writeFileSync(resolveInsideRoot(o.root, e.file), e.after);
    o.out(`[${stamp()}] fix: edited ${e.file}: ${e.changes.join('; ')}`);
  }
  for (const p of fix.plans.filter((x) => !x.to)) o.out(`[${stamp()}] fix: ${p.package.name} ${p.from} not fixed — ${p.reason}`);
  const commands = [...new Set(fix.applied.commands)];
  if (commands.length) o.out(`[${stamp()}] fix: now run: ${commands.join(' ; ')}`);
}
