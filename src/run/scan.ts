// Turns an effective configuration plus a scope (paths, --staged, --git-range, --diff, snippet) into a
// scan. Shared by every front end (CLI commands, MCP server); none of this touches `process`.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import type { SentrikConfig } from '../config/schema.js';
import { discoverFiles, excludeMatcher } from '../engine/discovery.js';
import { parseUnifiedDiff } from '../engine/diff.js';
import { rangeChanges, repositoryOf, stagedFiles, type ChangedFile } from '../engine/git.js';
import type { ScanProblem, ScanResult, ScanScope, SkippedFile } from '../engine/model.js';
import { buildRuleSet, type RuleSet } from '../engine/ruleset.js';
import { ScanCache } from '../engine/cache.js';
import { startWorkers, stopWorkers, threadsFor } from '../engine/pool.js';
import { blobRepoView, diskRepoView, memoryRepoView, MIN_FILES_FOR_WORKERS, scan } from '../engine/scanner.js';
import { loadSuppressions } from '../engine/suppressions.js';
import { META_RULES } from '../engine/findings.js';
import { enforceSuppressionApproval } from '../governance/policy.js';
import { OWN_FILE_PATTERNS, reportFilePatterns } from '../engine/own-output.js';
import { availablePackIds, loadPack, type LoadedPack } from '../packs/load.js';
import { getSpecCheck } from '../specs/index.js';

type PackRef = ReturnType<typeof availablePackIds>[number];
import { SentrikError } from '../util/errors.js';
import { closest } from '../util/text.js';
import { isInside, resolveInsideRoot, toPosix } from '../util/paths.js';
import { TOOL } from '../version.js';

export type ScopeRequest =
  | { mode: 'paths'; paths: string[] }
  | { mode: 'staged'; fullFiles?: boolean }
  | { mode: 'git-range'; range: string; fullFiles?: boolean }
  /** `diffText`: the diff itself (read from standard input), `diffFile` then only names it. */
  | { mode: 'diff'; diffFile: string; diffText?: string; fullFiles?: boolean }
  | { mode: 'snippet'; path: string; text: string };

export interface RunScanOptions {
  root: string;
  config: SentrikConfig;
  scope: ScopeRequest;
  /** Pack ids to run instead of config.standards_packs; ['all'] = every pack. */
  packs?: string[];
  noCache?: boolean;
  jobs?: number;
  now?: Date;
  /**
   * The process runs no other scan (a one-shot CLI command): the workers stop when this one ends, so the memory
   * they hold is returned before the caller builds its reports (peak RSS). A later scan would run unthreaded.
   */
  last?: boolean;
  /**
   * What this run writes (absolute paths): the --output file, or the --output-dir whose report files it
   * writes. Inside the root they are left out of this run's walk of the tree (see engine/own-output.ts).
   */
  ownOutputs?: { file?: string; dir?: string };
}

/** Load the selected packs: explicit ids, 'all', or the configured ones. Unknown ids name where they came from. */
export function selectPacks(available: PackRef[], requested: string[] | undefined, configured: string[], source: string): LoadedPack[] {
  const byId = new Map(available.map((p) => [p.id, p]));
  if (requested && requested.length === 1 && requested[0] === 'all') return available.map((p) => loadPack(p.dir, p.builtin, p.prefix));
  const ids = requested ?? configured;
  const unknown = ids.filter((id) => !byId.has(id));
  if (unknown.length) {
    throw new SentrikError(
      `unknown pack${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'`).join(', ')} in ${requested ? '--packs' : source}`,
      undefined,
      undefined,
      `available: ${available.map((p) => p.id).join(', ')} (or 'all')`,
    );
  }
  return [...new Set(ids)].map((id) => loadPack(byId.get(id)!.dir, byId.get(id)!.builtin, byId.get(id)!.prefix));
}

/**
 * pack_overrides must name packs that exist and, for the packs given (loaded), their rules: a typo would
 * otherwise leave a rule at the severity the user meant to change, silently.
 */
export function checkPackOverrides(available: ReadonlySet<string>, overrides: SentrikConfig['pack_overrides'], loaded: LoadedPack[]): void {
  for (const [packId, rules] of Object.entries(overrides)) {
    if (!available.has(packId)) {
      throw new SentrikError(`unknown pack '${packId}' in pack_overrides`, undefined, undefined, `available: ${[...available].join(', ')}`);
    }
    const pack = loaded.find((p) => p.id === packId);
    const unknown = pack ? Object.keys(rules).filter((id) => !pack.rules.some((r) => r.def.id === id)) : [];
    if (unknown.length) {
      const guess = closest(unknown[0], pack!.rules.map((r) => r.def.id));
      throw new SentrikError(`unknown rule${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'`).join(', ')} in pack_overrides.${packId}`, undefined, undefined, `${guess ? `did you mean '${guess}'? ` : ''}list its rules with: sentrik list-rules --pack ${packId}`);
    }
  }
}

/** The last rule set built, reused while its packs and overrides are the same (MCP server, watch). */
let lastRules: { key: string; rules: RuleSet } | undefined;

export function buildRules(root: string, config: SentrikConfig, packs?: string[], configuredFrom = 'standards_packs'): RuleSet {
  const available = availablePackIds(root);
  const selected = selectPacks(available, packs, config.standards_packs, configuredFrom);
  checkPackOverrides(new Set(available.map((p) => p.id)), config.pack_overrides, selected);
  const key = JSON.stringify([selected.map((p) => [p.dir, p.hash, p.prefix]), config.pack_overrides]);
  // Loaded packs are cached objects: the same objects and hashes mean the same rules.
  if (lastRules?.key === key && lastRules.rules.packs.every((p, i) => p === selected[i])) return lastRules.rules;
  const rules = buildRuleSet(selected, config.pack_overrides, TOOL.version);
  lastRules = { key, rules };
  return rules;
}

/**
 * Contracts that `spec` rules name by path (an imported spec's pack) but that the scan cannot check: moved or
 * deleted, or over max_file_size. Without this the rules would match nothing and the contract go unchecked
 * in silence. One problem per pack and file, at the pack.
 */
export function specFileProblems(root: string, rules: RuleSet, maxFileSize: number): ScanProblem[] {
  const out: ScanProblem[] = [];
  const seen = new Set<string>();
  const prefixOf = new Map(rules.packs.map((p) => [p.id, p.prefix]));
  const stale = new Set<string>();
  for (const { rule } of rules.fileRules) {
    if (rule.def.kind !== 'spec' || getSpecCheck(String((rule.def.match as { check?: unknown }).check))?.reads === 'code') continue;
    // A pack of an outer folder names files from there: only those under the scan root are this scan's.
    const prefix = prefixOf.get(rule.packId) ?? '';
    for (const named of rule.def.files ?? []) {
      if (prefix && !named.startsWith(`${prefix}/`)) continue;
      const file = prefix ? named.slice(prefix.length + 1) : named;
      if (/[*?[\]{}!]/.test(file) || seen.has(`${rule.packId}\0${file}`)) continue;
      seen.add(`${rule.packId}\0${file}`);
      let size: number | undefined;
      try {
        size = statSync(resolveInsideRoot(root, file)).size;
      } catch {
        size = undefined; // missing, or outside the root: either way nothing there is checked
      }
      const reimport = `re-import with \`sentrik import-spec NEW-PATH --id ${rule.packId} --overwrite\`, or remove the pack`;
      const why =
        size === undefined ? `is missing: pack ${rule.packId} checks nothing there; ${reimport}` : size > maxFileSize ? `is larger than max_file_size (${size} > ${maxFileSize} bytes) and is not checked; raise max_file_size in .sentrik/config.yaml` : undefined;
      if (why) out.push({ file: toPosix(relative(root, rule.source.file)), line: rule.source.line, ruleId: rule.def.id, code: size === undefined ? 'spec-missing' : 'spec-too-large', message: `imported spec ${file} ${why}` });
      else if (size !== undefined && !stale.has(rule.packId)) {
        stale.add(rule.packId);
        const problem = staleSpec(root, rule.source.file, prefix, rule.packId, maxFileSize);
        if (problem) out.push(problem);
      }
    }
  }
  return out;
}

/**
 * A generated pack records the sha256 of the spec it was made from (`# spec sha256:` in pack.yaml). When the
 * spec has changed since, its rules — the drift rules' operations above all — describe the old contract: a
 * route added to both the spec and the code would be "undeclared". Said as a problem, with the command to run.
 */
function staleSpec(root: string, packFile: string, prefix: string, packId: string, maxFileSize: number): ScanProblem | undefined {
  let header: string;
  try {
    header = readFileSync(packFile, 'utf8').slice(0, 2048);
  } catch {
    return undefined;
  }
  const m = /^# Generated by sentrik import-spec from (\S+)\r?\n# spec sha256: ([0-9a-f]{64})\r?$/m.exec(header);
  if (!m || (prefix && !m[1].startsWith(`${prefix}/`))) return undefined;
  const spec = prefix ? m[1].slice(prefix.length + 1) : m[1];
  let now: string;
  try {
    const abs = resolveInsideRoot(root, spec);
    if (statSync(abs).size > maxFileSize) return undefined; // reported as too large
    now = createHash('sha256').update(readFileSync(abs)).digest('hex');
  } catch {
    return undefined; // reported as missing
  }
  if (now === m[2]) return undefined;
  const line = header.slice(0, m.index).split('\n').length + 1;
  return {
    file: toPosix(relative(root, packFile)),
    line,
    code: 'spec-stale',
    message: `${packId} is stale: ${spec} changed since import, and its rules (drift above all) check the old contract; run \`sentrik import-spec ${m[1]} --id ${packId} --overwrite\``,
  };
}

/**
 * Every rule id a suppression may name: the rules of every available pack (enabled or not) and sentrik's own.
 * A pack that does not load is left out here: it is reported where it is enabled.
 */
export function knownRuleIds(root: string): string[] {
  const ids: string[] = META_RULES.map((r) => r.id);
  for (const p of availablePackIds(root)) {
    try {
      ids.push(...loadPack(p.dir, p.builtin, p.prefix).rules.map((r) => r.def.id));
    } catch {
      // not loadable: not known
    }
  }
  return ids;
}

/** What a scan never reads: the configured excludes, the report folder and sentrik's own folder. */
export function scanExcludes(config: Pick<SentrikConfig, 'scan_exclude' | 'output_dir'>): string[] {
  return [...config.scan_exclude, toPosix(config.output_dir).replace(/\/+$/, ''), ...OWN_FILE_PATTERNS];
}

/**
 * The diff file as reports show it (JSON, SARIF, metrics, terminal, history): relative to the root when
 * inside it, else its name only — an absolute path would put the user's home or CI workspace into
 * reports that get committed and published.
 */
export function shownDiffFile(root: string, diffPath: string): string {
  return isInside(root, diffPath) ? toPosix(relative(root, diffPath)) : basename(diffPath);
}

/**
 * Exclusion patterns (gitignore syntax, anchored at the root) for what this run writes inside the root: the
 * --output file itself, or the report file names in its --output-dir (the folder's other files are scanned).
 * A path that would need escaping in a pattern is not excluded (its reports are then scanned: nothing is hidden).
 */
function ownOutputPatterns(root: string, outputs: RunScanOptions['ownOutputs']): string[] {
  const at = (abs: string): string | undefined => {
    const rel = toPosix(relative(root, abs));
    return isInside(root, abs) && !/[*?[\]!#\\]|^\s|\s$/.test(rel) ? rel : undefined;
  };
  if (outputs?.file) {
    const rel = at(outputs.file);
    return rel ? [`/${rel}`] : [];
  }
  if (outputs?.dir) {
    const rel = outputs.dir === root ? '' : at(outputs.dir);
    return rel === undefined ? [] : reportFilePatterns(rel);
  }
  return [];
}

/**
 * Scan, then apply the profile's policies to the raw result: here, so that every command reporting on a scan
 * (gate, compliance-report, trust-center, evidence-export, suppressions list, fix, attest, MCP, watch) agrees.
 */
export async function runScan(opts: RunScanOptions): Promise<ScanResult> {
  try {
    const result = await scanScope(opts);
    if (opts.config.governance.suppressions_require_approval) enforceSuppressionApproval(result, opts.config.suppressions);
    // Reports that a forge reads (SARIF, check-run annotations) name files from the repository top.
    const repo = repositoryOf(opts.root);
    if (repo) result.repository = repo;
    return result;
  } finally {
    if (opts.last) await stopWorkers();
  }
}

async function scanScope(opts: RunScanOptions): Promise<ScanResult> {
  const { root, config } = opts;
  const phases: Record<string, number> = {};
  let t = Date.now();
  const rules = buildRules(root, config, opts.packs);
  phases.packs = Date.now() - t;
  t = Date.now();

  const fileSuppressions = loadSuppressions(root);
  const exclude = scanExcludes(config);
  const common = {
    root,
    rules,
    overrides: config.pack_overrides,
    tool: TOOL,
    rescoring: config.severity_rescoring_enabled,
    fileSuppressions,
    suppressionPolicy: config.suppressions,
    knownRuleIds: () => knownRuleIds(root),
    jobs: opts.jobs ?? config.jobs ?? (config.parallel_scan ? availableParallelism() : 1),
    maxFileSize: config.max_file_size,
    now: opts.now,
    agentScan: config.agent_scan,
    agentTimeoutMs: config.agent_timeout * 1000,
  };
  const scope = opts.scope;
  const specProblems = scope.mode === 'snippet' ? [] : specFileProblems(root, rules, config.max_file_size);

  if (scope.mode === 'paths') {
    const paths = (scope.paths.length ? scope.paths : ['.']).map((p) => resolveInsideRoot(root, p));
    for (const p of paths) if (!existsSync(p)) throw new SentrikError('no such file or directory', p);
    const cacheDir = opts.noCache || !config.cache ? undefined : join(root, '.sentrik', 'cache');
    // With no cache to answer from, a scan of many files will want workers: start them as soon as discovery
    // has found that many, so that their module loading overlaps the rest of the walk.
    const coldScan = !config.agent_scan && (!cacheDir || !ScanCache.exists(cacheDir, rules.hash));
    // As many as that many files use (the scan starts more if it finds more files): not every core's worth.
    const onManyFiles = coldScan ? { after: MIN_FILES_FOR_WORKERS, run: () => startWorkers(threadsFor(MIN_FILES_FOR_WORKERS, common.jobs)) } : undefined;
    // A stat per file serves the cache, and the largest-first order of a scan whose rules parse files (a parse
    // costs far more per byte than a pattern, so a large file handed out last would finish alone); a scan with
    // neither learns each file's size when it reads it.
    const stat = cacheDir !== undefined || rules.fileRules.some((r) => r.rule.def.kind === 'ast');
    const found = discoverFiles({ root, paths, exclude: [...exclude, ...ownOutputPatterns(root, opts.ownOutputs)], respectGitignore: config.respect_gitignore, maxFileSize: config.max_file_size, stat, listOversized: true, onManyFiles });
    phases.discovery = Date.now() - t;
    const rels = paths.map((p) => toPosix(relative(root, p)) || '.');
    const wholeRoot = rels.length === 1 && rels[0] === '.';
    const scanScope: ScanScope = { mode: 'paths', paths: rels };
    return scan({
      ...common,
      files: found.files,
      skipped: found.skipped,
      problems: [...specProblems, ...found.problems],
      // Obligations (what the repository must hold) need it whole in view; a sub-folder gets the rules about
      // single files (a committed .env, a keystore).
      repo: diskRepoView(root, found.files, config.max_file_size),
      repoFilesOnly: !wholeRoot,
      scope: scanScope,
      cacheDir,
      phasesMs: phases,
    });
  }

  if (scope.mode === 'snippet') {
    // The snippet is the file it is named as: the repository rules about single files (a committed .env, a
    // keystore) judge it as they would judge that file on disk, so check_code_snippet and scan_file agree.
    const repo = memoryRepoView(new Map([[scope.path, scope.text]]));
    return scan({ ...common, jobs: 1, texts: [{ path: scope.path, text: scope.text }], repo, repoFilesOnly: true, scope: { mode: 'snippet', paths: [scope.path] }, phasesMs: phases });
  }

  // Diff-scoped modes scan content from git (or the working tree for --diff) and report changed lines only.
  const texts: { path: string; text: string }[] = [];
  // The changed files, for the repository rules about single files.
  const changedFiles: ChangedFile[] = [];
  const skipped: SkippedFile[] = [];
  const problems: ScanProblem[] = [...specProblems];
  let changedLines: Map<string, Set<number>> | undefined;
  let scanScope: ScanScope;
  const excluded = excludeMatcher(exclude);
  const take = (files: ChangedFile[]): void => {
    for (const f of files) {
      if (excluded(f.path)) continue;
      if (f.text === undefined) skipped.push({ file: f.path, reason: (f.skip as SkippedFile['reason']) ?? 'unreadable' });
      else texts.push({ path: f.path, text: f.text });
      changedFiles.push(f);
      if (f.invalidUtf8) problems.push({ file: f.path, code: 'invalid-utf8', message: 'not valid UTF-8: scanned with replacement characters' });
      changedLines?.set(f.path, f.changedLines);
    }
  };
  // The change is the repository's: what lies outside a sub-folder root is counted as not scanned, never lost.
  const outsideRoot = (paths: string[]): void => {
    for (const file of paths) skipped.push({ file, reason: 'outside-root' });
  };
  if (scope.mode === 'staged') {
    const staged = stagedFiles(root, config.max_file_size);
    // A pre-commit hook reports what the commit adds, never old findings elsewhere in a touched file (unless
    // --full-files asks for them).
    changedLines = scope.fullFiles ? undefined : new Map();
    take(staged.files);
    outsideRoot(staged.outside);
    scanScope = { mode: 'staged', paths: staged.files.map((f) => f.path), changedLinesOnly: !scope.fullFiles };
  } else if (scope.mode === 'git-range') {
    const changes = rangeChanges(root, scope.range, config.max_file_size);
    changedLines = scope.fullFiles ? undefined : new Map();
    take(changes.files);
    outsideRoot(changes.outside);
    scanScope = { mode: 'git-range', paths: changes.files.map((f) => f.path), range: scope.range, changedLinesOnly: !scope.fullFiles };
  } else {
    // The diff is an input, like the configuration, and may live anywhere (CI writes it to a temporary
    // folder); the files it names must be inside the root.
    const diffPath = resolve(root, scope.diffFile);
    let diffText: string;
    try {
      diffText = scope.diffText ?? readFileSync(diffPath, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new SentrikError(code === 'ENOENT' ? 'no such diff file' : `cannot read the diff: ${code ?? (err as Error).message}`, scope.diffFile, undefined, 'write it with git diff > FILE, and give its path');
    }
    const changed = parseUnifiedDiff(diffText, scope.diffFile);
    const paths: string[] = [];
    // Files the diff names but that cannot be read count as not scanned (a diff none of whose files were
    // scanned is a coverage gap), and each is also a problem saying why.
    const notScanned: SkippedFile[] = [];
    for (const path of changed.keys()) {
      let abs: string;
      try {
        abs = resolveInsideRoot(root, path);
      } catch {
        notScanned.push({ file: path, reason: 'outside-root' });
        problems.push({ file: path, code: 'outside-root', message: 'the diff names a file outside the scan root; skipped' });
        continue;
      }
      if (existsSync(abs) && statSync(abs).isFile()) paths.push(abs);
      else {
        notScanned.push({ file: path, reason: 'missing' });
        problems.push({ file: path, code: 'missing', message: 'the diff names a file that is not in the working tree; skipped' });
      }
    }
    // The diff's files are read from the working tree through discovery (binary and size checks apply).
    const found = paths.length ? discoverFiles({ root, paths, exclude, respectGitignore: false, maxFileSize: config.max_file_size, listOversized: true }) : { files: [], skipped: [], problems: [] };
    phases.discovery = Date.now() - t;
    return scan({
      ...common,
      files: found.files,
      skipped: [...found.skipped, ...notScanned],
      problems: [...found.problems, ...problems],
      changedLines: scope.fullFiles ? undefined : changed,
      repo: diskRepoView(root, found.files, config.max_file_size),
      repoFilesOnly: true,
      // Every file the diff changes, excluded ones too (as --staged and --git-range list them): a review trigger
      // on .sentrik/suppressions.yaml needs to see it changed although no scan reads it.
      scope: { mode: 'diff', paths: paths.map((p) => toPosix(relative(root, p))).sort(), diffFile: scope.diffText === undefined ? shownDiffFile(root, diffPath) : scope.diffFile, changedLinesOnly: !scope.fullFiles },
      phasesMs: phases,
    });
  }
  phases.discovery = Date.now() - t;
  return scan({ ...common, texts, repo: blobRepoView(changedFiles), repoFilesOnly: true, skipped, problems, changedLines, scope: scanScope, phasesMs: phases });
}
