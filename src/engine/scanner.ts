// The scan: files in, findings out. Knows nothing of configuration files, output formats or forges —
// the CLI turns configuration into ScanOptions and hands the ScanResult to reporters.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { DiscoveredFile, FileStat } from './discovery.js';
import type { ChangedFile } from './git.js';
import { repoKey, ScanCache, type RepoResults } from './cache.js';
import { compareFindings, countFindings, finalise, markDuplicates, META_RULES, nonGatingRules, rulesInfo, staleSuppressionFindings, uniqueByFingerprint, unknownRuleSuppressionFindings } from './findings.js';
import type { FileHit, InlineIgnore } from './file-scan.js';
import type { FileFacts } from './matchers/matcher.js';
import { type Finding, type ScanProblem, type ScanResult, type ScanScope, type SkippedFile } from './model.js';
import { processFile, type FileJob, type FileOutcome } from './process-file.js';
import { runInWorkers, threadsFor, workersAvailable, workerScript } from './pool.js';
import { runPackAgents, type AgentRun } from './agents.js';
import { decodeSource, readFileBytes, readSourceText } from './read.js';
import { releaseSyntaxTrees } from './ast/parse.js';
import { languageOf } from './ast/languages.js';
import type { ActiveRule, RuleOverride, RuleSet } from './ruleset.js';
import { ruleView, type RepoView } from './source.js';
import { suppressionInventory, type FileSuppression, type SuppressionPolicy, type SuppressionUsage } from './suppressions.js';
import { SentrikError } from '../util/errors.js';

export interface ScanOptions {
  root: string;
  rules: RuleSet;
  overrides: Record<string, Record<string, RuleOverride>>;
  tool: { name: string; version: string };
  /** Files on disk to scan (path mode); one over maxFileSize by its stat is skipped unread. */
  files?: DiscoveredFile[];
  /** Content to scan that is not (or not as is) on disk: staged blobs, a git revision, a snippet. */
  texts?: { path: string; text: string }[];
  /** Everything in the repository, for repository-level rules; omitted = those rules do not run. */
  repo?: RepoView;
  /** `repo` holds only the files in scope (a change, a sub-folder): only repository rules about single files run. */
  repoFilesOnly?: boolean;
  changedLines?: Map<string, Set<number>>;
  scope: ScanScope;
  /** Files skipped before scanning (discovery), carried into the result and metrics. */
  skipped?: SkippedFile[];
  problems?: ScanProblem[];
  rescoring: boolean;
  fileSuppressions: FileSuppression[];
  /** inline_allowed_for and the severities of suppression findings (config `suppressions:`). */
  suppressionPolicy?: SuppressionPolicy;
  /** Every rule id of every available pack (lazily): a file suppression naming none of them is reported (SENTRIK-SUP-005). */
  knownRuleIds?: () => readonly string[];
  jobs: number;
  /** Directory for the result cache; undefined = no cache. */
  cacheDir?: string;
  maxFileSize: number;
  now?: Date;
  phasesMs?: Record<string, number>;
  /** agent_scan: run each pack in its own worker (large scans), stopped after agentTimeoutMs. */
  agentScan?: boolean;
  agentTimeoutMs?: number;
}

/** Below this many files, worker start-up costs more than it saves. */
export const MIN_FILES_FOR_WORKERS = 200;

export async function scan(opts: ScanOptions): Promise<ScanResult> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const phases: Record<string, number> = { ...(opts.phasesMs ?? {}) };
  const now = opts.now ?? new Date();
  // The cache vouches for files by their stat: files discovered without one (stat: false) leave it off.
  const statted = opts.files?.every((f) => f.stat) ?? false;
  const cache = opts.cacheDir && statted ? ScanCache.open(opts.cacheDir, opts.rules.hash) : ScanCache.disabled();
  const skipped: SkippedFile[] = [...(opts.skipped ?? [])];
  const problems: ScanProblem[] = [...(opts.problems ?? [])];
  const results: { path: string; hits: FileHit[]; ignores?: InlineIgnore[] }[] = [];
  // Every scanned file as rules see it, from the cache or not: which rules had a file to judge.
  const scanned: FileFacts[] = [];
  let filesScanned = 0;
  let bytesScanned = 0;

  // 1. Per-file rules: what the cache cannot vouch for by stat is read (and maybe found unchanged by hash).
  const jobs: FileJob[] = [];
  for (const f of opts.files ?? []) {
    if (f.stat && f.stat.size > opts.maxFileSize) {
      skipped.push({ file: f.path, reason: 'too-large' });
      continue;
    }
    const hit = f.stat && cache.byStat(f.path, f.stat);
    if (hit === 'binary') {
      skipped.push({ file: f.path, reason: 'binary' });
      continue;
    }
    if (hit) {
      cache.hits++;
      filesScanned++;
      bytesScanned += f.stat!.size;
      results.push({ path: f.path, hits: hit.hits, ignores: hit.ignores });
      scanned.push(factsOf(hit));
      problems.push(...hit.problems);
      continue;
    }
    jobs.push({ path: f.path, abs: f.abs, size: f.stat?.size, knownHash: cache.hashOf(f.path), hash: cache.enabled });
  }
  for (const t of opts.texts ?? []) jobs.push({ path: t.path, text: t.text, size: t.text.length });

  const statOf = new Map((opts.files ?? []).map((f) => [f.path, f.stat]));
  const onOutcome = (o: FileOutcome): void => {
    const st = statOf.get(o.path);
    if (o.status === 'skipped') {
      skipped.push({ file: o.path, reason: o.reason });
      if (o.reason === 'binary' && st) cache.putBinary(o.path, st, started);
      else cache.forget(o.path);
      return;
    }
    filesScanned++;
    bytesScanned += o.bytes;
    if (o.status === 'unchanged') {
      cache.hits++;
      const prev = cache.resultFor(o.path)!;
      results.push({ path: o.path, hits: prev.hits, ignores: prev.ignores });
      scanned.push(factsOf(prev));
      problems.push(...prev.problems);
      if (st) cache.put(o.path, st, o.hash, prev, started);
      return;
    }
    cache.misses++;
    const result = { ...o.result, problems: [...o.problems, ...o.result.problems] };
    results.push({ path: o.path, hits: result.hits, ignores: result.ignores });
    scanned.push(factsOf(result));
    problems.push(...result.problems);
    if (st) cache.put(o.path, st, o.hash, result, started);
  };

  // Repository-level rules (obligations, file policies): from the cache while no file changed, else run — on
  // this thread before its share of the files, so in a parallel scan they overlap the workers' files.
  const perPackMs: Record<string, number> = {};
  const repoRules = !opts.repo ? [] : opts.repoFilesOnly ? opts.rules.repoRules.filter(runsOnSomeFiles) : opts.rules.repoRules;
  let repoResults: RepoResults | undefined;
  // The identity of the file set (paths and stats) under this rule set, for results about all files at once.
  let filesKey: { key: string; files: (FileStat & { path: string })[] } | undefined;
  const filesIdentity = (): NonNullable<typeof filesKey> => {
    // An enabled cache means every file has its stat.
    const files = (opts.files ?? []).map((f) => ({ path: f.path, ...f.stat! }));
    return (filesKey ??= { key: repoKey(`${opts.rules.hash}${opts.repoFilesOnly ? '\0files-only' : ''}`, opts.maxFileSize, files), files });
  };
  const repoPhase = (): void => {
    const ts = Date.now();
    if (opts.repo && repoRules.length) {
      const { key, files } = cache.enabled ? filesIdentity() : { key: '', files: [] };
      repoResults = cache.enabled ? cache.repoResults(key, files) : undefined;
      if (!repoResults) {
        repoResults = runRepoRules(repoRules, opts.repo, perPackMs);
        if (cache.enabled) cache.putRepoResults(key, repoResults, started);
      }
    }
    phases.repository = Date.now() - ts;
  };

  const t0 = Date.now();
  // Longest first (by size): the last files handed out are small, so the threads finish together.
  if (jobs.length > 1) jobs.sort((a, b) => (b.size ?? 0) - (a.size ?? 0));
  const threads = threadsFor(jobs.length, opts.jobs);
  let agents: AgentRun | undefined;
  const settings = { overrides: opts.overrides, toolVersion: opts.tool.version, maxFileSize: opts.maxFileSize };
  const agentScan = opts.agentScan && opts.rules.packs.length > 1 && jobs.length >= MIN_FILES_FOR_WORKERS && workerScript();
  const agentsCanRun = agentScan && workersAvailable();
  if (agentScan && !agentsCanRun) {
    problems.push({ code: 'agent-scan-unavailable', message: 'agent_scan: no worker is left in this process (one was stopped earlier), so the packs ran together on one thread, without per-pack time limits' });
  }
  if (agentsCanRun) {
    // agent_scan: one worker per pack (isolated, timed); see agents.ts.
    repoPhase();
    agents = await runPackAgents(jobs, opts.rules, settings, { concurrency: opts.jobs, timeoutMs: opts.agentTimeoutMs ?? 600_000 });
    for (const o of agents.outcomes) onOutcome(o);
    problems.push(...agents.problems);
    for (const [pack, ms] of Object.entries(agents.perPackMs)) perPackMs[pack] = (perPackMs[pack] ?? 0) + ms;
  } else if (threads > 1 && jobs.length >= MIN_FILES_FOR_WORKERS && workerScript() && workersAvailable()) {
    try {
      await runInWorkers(jobs, threads, opts.rules, settings, onOutcome, repoPhase);
    } catch (err) {
      throw new SentrikError(`parallel scan failed: ${(err as Error).message}`, undefined, undefined, 'retry with --jobs 1 and report the problem');
    }
  } else {
    repoPhase();
    for (const job of jobs) {
      onOutcome(processFile(job, opts.rules, opts.maxFileSize));
      // Syntax trees are native memory V8 frees only after a collection and a turn of the event loop.
      if (releaseSyntaxTrees()) await new Promise(setImmediate);
    }
  }
  phases.match = Date.now() - t0 - (phases.repository ?? 0);
  if (repoResults) {
    results.push(...repoResults.hits);
    problems.push(...repoResults.problems);
  }

  // 3. Findings.
  const wholeRepository = opts.scope.mode === 'paths' && opts.scope.paths.length === 1 && opts.scope.paths[0] === '.';
  const usage: SuppressionUsage = { matched: new Map(), refused: new Map() };
  const findings: Finding[] = uniqueByFingerprint(
    finalise(results, opts.rules, { rescoring: opts.rescoring, fileSuppressions: opts.fileSuppressions, changedLines: opts.changedLines, now, policy: opts.suppressionPolicy, usage }),
  );
  const rules = [...rulesInfo(opts.rules), ...META_RULES];
  markDuplicates(findings, nonGatingRules(rules), opts.suppressionPolicy);
  // Every suppression and what it did; the ones that matched nothing are reported (SENTRIK-SUP-003).
  const suppressions = suppressionInventory({
    fileSuppressions: opts.fileSuppressions,
    ignores: results.filter((r) => r.ignores?.length).map((r) => ({ path: r.path, ignores: r.ignores! })),
    usage,
    evaluated: new Set([...opts.rules.fileRules, ...repoRules].map((r) => r.rule.def.id)),
    knownRuleIds: opts.knownRuleIds,
    wholeRepository,
    changedLinesOnly: Boolean(opts.changedLines),
    now,
  });
  findings.push(...staleSuppressionFindings(suppressions, opts.suppressionPolicy), ...unknownRuleSuppressionFindings(suppressions));
  findings.sort(compareFindings);

  // Applied: a file rule that had at least one scanned file to judge, whatever it found; a repository rule
  // that ran without failing. The others were loaded but are no evidence (compliance says so). When every file
  // was served by its stat, the files are those of a scan whose answer the cache holds (no glob is matched).
  const failed = new Set(repoResults?.problems.flatMap((p) => (p.code === 'rule-error' && p.ruleId ? [p.ruleId] : [])) ?? []);
  const unfinished = new Set(agents?.unfinished);
  const sameFiles = cache.enabled && jobs.length === 0 ? filesIdentity().key : undefined;
  let withoutFile = sameFiles === undefined ? undefined : cache.idleRulesFor(sameFiles);
  if (!withoutFile) {
    withoutFile = withoutFiles(opts.rules.fileRules, scanned).map((r) => r.rule.def.id);
    if (cache.enabled) cache.putIdleRules(filesIdentity().key, withoutFile);
  }
  // A scan with a failed pack agent is incomplete: never remember it as the result for these files.
  if (cache.enabled && (agents?.complete ?? true)) {
    if (wholeRepository) cache.retainOnly(new Set(statOf.keys()));
    const err = cache.save();
    if (err) problems.push({ code: 'cache', message: err });
  }
  const notApplied = [
    ...new Set([
      ...withoutFile,
      ...[...opts.rules.fileRules.filter((r) => unfinished.has(r.rule.def.id)), ...repoRules.filter((r) => !repoResults || failed.has(r.rule.def.id))].map((r) => r.rule.def.id),
    ]),
  ].sort();
  const counts = countFindings(findings);
  const skippedByReason: Record<string, number> = {};
  for (const s of skipped) skippedByReason[s.reason] = (skippedByReason[s.reason] ?? 0) + 1;

  return {
    root: opts.root,
    tool: opts.tool,
    findings,
    problems,
    skipped,
    rules,
    suppressions,
    ...(opts.changedLines ? { changedLines: opts.changedLines } : {}),
    metrics: {
      startedAt,
      durationMs: Date.now() - started + (opts.phasesMs ? Object.values(opts.phasesMs).reduce((a, b) => a + b, 0) : 0),
      phasesMs: phases,
      filesScanned,
      bytesScanned,
      filesSkipped: skipped.length,
      skippedByReason,
      cacheHits: cache.hits,
      cacheMisses: cache.misses,
      packs: opts.rules.packs.map((p) => p.id),
      rulesEvaluated: opts.rules.fileRules.length + repoRules.length,
      rulesApplied: opts.rules.fileRules.length + repoRules.length - notApplied.length,
      rulesNotApplied: notApplied,
      ...counts,
      perPackMs,
      jobs: threads,
      scope: opts.scope,
    },
  };
}

function factsOf(r: { path: string; kinds?: string[] }): FileFacts {
  return { path: r.path, language: languageOf(r.path)?.language, kinds: r.kinds ?? [] };
}

/**
 * File rules that judged none of the files. Rules with the same globs and domain judge the same files: each
 * such group is looked up once (hundreds of rules, a few dozen groups; a group nothing judges reads every file).
 */
function withoutFiles(rules: ActiveRule[], files: FileFacts[]): ActiveRule[] {
  const groups = new Map<string, ActiveRule[]>();
  for (const r of rules) {
    const key = JSON.stringify([r.rule.def.files, r.rule.def.exclude, r.rule.domain]);
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()].filter((g) => !files.some((f) => g[0].rule.judges(f))).flat();
}

/** A repository rule that can judge a view of only some files (see CompiledRepoMatcher.perFile). */
function runsOnSomeFiles(active: ActiveRule): boolean {
  try {
    const matcher = active.rule.matcher;
    return matcher.scope === 'repo' && matcher.perFile === true;
  } catch {
    return true; // a rule that does not compile: runRepoRules reports it
  }
}

/** Runs repository-level rules once over the repository view; a failing rule is a problem, not an error. */
function runRepoRules(repoRules: ActiveRule[], repo: RepoView, perPackMs: Record<string, number>): RepoResults {
  const byFile = new Map<string, FileHit[]>();
  const problems: ScanProblem[] = [];
  for (const active of repoRules) {
    const ts = Date.now();
    try {
      const matcher = active.rule.matcher;
      if (matcher.scope !== 'repo') continue;
      for (const m of matcher.match(ruleView(repo, active.rule))) {
        const file = m.file ?? '.';
        const list = byFile.get(file) ?? [];
        list.push({ ruleId: active.rule.def.id, line: m.line, column: m.column, message: m.message, severity: m.severity, confidence: m.confidence, matchKey: m.matched ?? '' });
        byFile.set(file, list);
      }
    } catch (err) {
      problems.push({ ruleId: active.rule.def.id, code: 'rule-error', message: (err as Error).message });
    }
    perPackMs[active.rule.packId] = (perPackMs[active.rule.packId] ?? 0) + Date.now() - ts;
  }
  return { hits: [...byFile].map(([path, hits]) => ({ path, hits, problems: [] })), problems };
}

/**
 * A RepoView over discovered files, reading lazily (each file at most once). It holds every file, those too
 * large to read included (existence and size rules see them; their text and bytes are undefined); a file
 * discovered without a stat is stat'ed when a rule asks its size.
 */
export function diskRepoView(root: string, files: DiscoveredFile[], maxFileSize: number): RepoView {
  const sizes = new Map(files.map((f) => [f.path, f.stat?.size]));
  const texts = new Map<string, string | undefined>();
  return {
    files: files.map((f) => f.path),
    size: (p) => (sizes.has(p) ? (sizes.get(p) ?? sizeOnDisk(join(root, p))) : undefined),
    read(p) {
      if (!sizes.has(p)) return undefined;
      if (!texts.has(p)) {
        const r = readSourceText(join(root, p), maxFileSize);
        texts.set(p, 'text' in r ? r.text : undefined);
      }
      return texts.get(p);
    },
    bytes(p) {
      if (!sizes.has(p)) return undefined;
      const r = readFileBytes(join(root, p), maxFileSize);
      return Buffer.isBuffer(r) ? r : undefined;
    },
  };
}

function sizeOnDisk(abs: string): number | undefined {
  try {
    return statSync(abs).size;
  } catch {
    return undefined;
  }
}

/**
 * A repository view over contents already in memory (a rule's examples, a git tree or change), in the map's
 * order. A Buffer is a file's raw bytes (a binary one has no text); undefined lists a file too large to read
 * (no text or bytes). `sizes` are the files' real sizes when the contents cannot tell them.
 */
export function memoryRepoView(contents: ReadonlyMap<string, string | Buffer | undefined>, sizes?: ReadonlyMap<string, number>): RepoView {
  const text = (c: string | Buffer | undefined): string | undefined => {
    if (!Buffer.isBuffer(c)) return c;
    const r = decodeSource(c, Infinity);
    return 'text' in r ? r.text : undefined;
  };
  return {
    files: [...contents.keys()],
    size: (p) => {
      if (!contents.has(p)) return undefined;
      const c = contents.get(p);
      return sizes?.get(p) ?? (c === undefined ? undefined : Buffer.byteLength(c));
    },
    read: (p) => text(contents.get(p)),
    bytes: (p) => {
      const c = contents.get(p);
      return c === undefined || Buffer.isBuffer(c) ? c : Buffer.from(c);
    },
  };
}

/**
 * The repository view of files read from git: a binary one as its bytes, one too large as its size only, and
 * every one with its blob's size (a text decoded from invalid UTF-8 or with a BOM is not as long).
 */
export function blobRepoView(files: readonly ChangedFile[]): RepoView {
  return memoryRepoView(new Map(files.map((f) => [f.path, f.text ?? f.bytes])), new Map(files.map((f) => [f.path, f.size])));
}
