// What a recorded run looked at, so that a comparison only calls a finding "resolved" when the newer run
// could have seen it: its file was in the newer run's scope (and not skipped), its rule ran, and the newer run
// saw the finding's line (a changed-lines-only run vouches only for the lines it recorded as changed).
import type { SkippedFile } from '../engine/model.js';
import type { RunInput, RunSummary } from './model.js';

/** Files skipped by a run are recorded up to this many; beyond it only those skipped for a hiding reason. */
export const MAX_RECORDED_SKIPPED = 2000;
/** Changed lines are recorded up to this many ranges in all; beyond it none are (the run vouches for no line). */
export const MAX_RECORDED_LINE_RANGES = 20000;
/** Reasons a file an earlier run scanned can be skipped by a newer one (not a choice of scope: excluded, gitignored). */
const HIDING: ReadonlySet<SkippedFile['reason']> = new Set(['too-large', 'binary', 'unreadable', 'invalid-utf8', 'outside-root', 'missing', 'broken-symlink', 'symlink-outside-root', 'symlink-loop']);

/** The skipped files to record: all of them, or only the hiding ones (`skippedPartial`), or none when too many. */
export function recordedSkipped(skipped: SkippedFile[]): Pick<RunInput['metrics'], 'skipped' | 'skippedPartial'> {
  if (skipped.length <= MAX_RECORDED_SKIPPED) return { skipped: skipped.map((s) => s.file) };
  const hiding = skipped.filter((s) => HIDING.has(s.reason));
  return hiding.length <= MAX_RECORDED_SKIPPED ? { skipped: hiding.map((s) => s.file), skippedPartial: true } : {};
}

/** `{ 'a.py' => {2,3,4,9} }` → `{ 'a.py': '2-4,9' }`; undefined when there are more than MAX_RECORDED_LINE_RANGES ranges. */
export function recordedChangedLines(changed: Map<string, Set<number>> | undefined): Record<string, string> | undefined {
  if (!changed) return undefined;
  const out: Record<string, string> = {};
  let ranges = 0;
  for (const [file, lines] of [...changed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const sorted = [...lines].sort((a, b) => a - b);
    const parts: string[] = [];
    for (let i = 0; i < sorted.length; i++) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
      parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
      i = j;
    }
    ranges += parts.length;
    if (ranges > MAX_RECORDED_LINE_RANGES) return undefined;
    out[file] = parts.join(',');
  }
  return out;
}

/** Is `line` in a recorded `"2-4,9"`? */
/** Recorded line ranges (`"2-4,9"`) as [first, last] pairs. */
function parseRanges(ranges: string): [number, number][] {
  return ranges.split(',').map((r) => {
    const [a, b] = r.split('-').map(Number);
    return [a, b ?? a];
  });
}

export interface Coverable {
  file: string;
  ruleId: string;
  packId: string;
  line?: number;
}

/**
 * Whether `run` looked at a finding's file with the finding's rule, and at its line. `scanned`: files the run is
 * known to have scanned (it reported a finding in them), which stand in when its skipped files are not recorded.
 */
export function coveredBy(run: RunSummary, scanned: ReadonlySet<string> = new Set()): (f: Coverable) => boolean {
  const scope = run.scope;
  // Runs recorded before the rule list was kept are judged by their packs.
  const rules = run.metrics.rules ? new Set(run.metrics.rules) : undefined;
  const packs = new Set(run.packs);
  // Not recorded (too many, or an older version): a file not known to be scanned may have been skipped.
  const skippedKnown = run.metrics.skipped !== undefined;
  const skipped = new Set(run.metrics.skipped ?? []);
  const linesOnly = scope.changedLinesOnly === true;
  const changed = run.metrics.changedLines;
  const rangesOf = new Map<string, [number, number][]>(); // parsed once per file, however many findings ask
  const changedAt = (file: string, line: number): boolean => {
    if (changed?.[file] === undefined) return false;
    let ranges = rangesOf.get(file);
    if (!ranges) rangesOf.set(file, (ranges = parseRanges(changed[file])));
    return ranges.some(([a, b]) => line >= a && line <= b);
  };
  const files = scope.mode === 'paths' ? undefined : new Set(scope.paths);
  const under = scope.mode === 'paths' ? (scope.paths.length ? scope.paths : ['.']).map((p) => p.replace(/\/+$/, '')) : [];
  const inPaths = (file: string): boolean => under.some((p) => p === '.' || p === '' || file === p || file.startsWith(`${p}/`));
  // A skipped entry may be a folder (an excluded or ignored directory): the file or any folder above it.
  const isSkipped = (file: string): boolean => {
    for (let p = file; p; p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) if (skipped.has(p)) return true;
    return false;
  };
  return (f) => {
    // A finding with no line is reported by a changed-lines run wherever its file is scanned.
    if (linesOnly && f.line !== undefined && !changedAt(f.file, f.line)) return false;
    if (rules ? !rules.has(f.ruleId) : !packs.has(f.packId)) return false;
    if (skipped.size && isSkipped(f.file)) return false;
    if (!skippedKnown && !scanned.has(f.file)) return false;
    return files ? files.has(f.file) : inPaths(f.file);
  };
}

/** A run's scope in a few words: `paths src/routes/orders.js`, `git range main...feature (3 files, changed lines)`. */
export function describeRunScope(run: RunSummary): string {
  const s = run.scope;
  const files = `${s.paths.length} file${s.paths.length === 1 ? '' : 's'}`;
  const lines = s.changedLinesOnly ? ', changed lines' : '';
  switch (s.mode) {
    case 'staged':
      return `staged changes (${files}${lines})`;
    case 'git-range':
      return `git range ${s.range ?? '?'} (${files}${lines})`;
    case 'diff':
      return `diff ${s.diffFile ?? '?'} (${files}${lines})`;
    case 'snippet':
      return 'snippet';
    default:
      return `paths ${s.paths.length ? s.paths.join(', ') : '.'}`;
  }
}

/** Whether two runs looked at the same files with the same packs. */
export function sameScope(a: RunSummary, b: RunSummary): boolean {
  const key = (r: RunSummary) => JSON.stringify([r.scope.mode, [...r.scope.paths].sort(), r.scope.range ?? null, r.scope.diffFile ?? null, Boolean(r.scope.changedLinesOnly), [...r.packs].sort()]);
  return key(a) === key(b);
}
