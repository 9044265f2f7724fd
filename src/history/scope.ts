// What a recorded run looked at, so that a comparison only calls a finding "resolved" when the newer run
// could have seen it: its file was in the newer run's scope (and not skipped), its rule ran, and the newer run
// saw the finding's lines (a changed-lines-only run cannot vouch for the rest of a file an earlier run saw whole).
import type { RunSummary } from './model.js';

/** Files skipped by a run are recorded up to this many; beyond it the list is left out (and not used). */
export const MAX_RECORDED_SKIPPED = 2000;

export interface Coverable {
  file: string;
  ruleId: string;
  packId: string;
}

/** Whether `run` looked at a finding's file with the finding's rule (compared with a run that saw `other`'s scope). */
export function coveredBy(run: RunSummary, other: RunSummary): (f: Coverable) => boolean {
  const scope = run.scope;
  // Runs recorded before the rule list was kept are judged by their packs.
  const rules = run.metrics.rules ? new Set(run.metrics.rules) : undefined;
  const packs = new Set(run.packs);
  const skipped = new Set(run.metrics.skipped ?? []);
  const linesOnly = scope.changedLinesOnly === true && other.scope.changedLinesOnly !== true;
  const files = scope.mode === 'paths' ? undefined : new Set(scope.paths);
  const under = scope.mode === 'paths' ? (scope.paths.length ? scope.paths : ['.']).map((p) => p.replace(/\/+$/, '')) : [];
  const inPaths = (file: string): boolean => under.some((p) => p === '.' || p === '' || file === p || file.startsWith(`${p}/`));
  // A skipped entry may be a folder (an excluded or ignored directory): the file or any folder above it.
  const isSkipped = (file: string): boolean => {
    for (let p = file; p; p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) if (skipped.has(p)) return true;
    return false;
  };
  return (f) => {
    if (linesOnly) return false;
    if (rules ? !rules.has(f.ruleId) : !packs.has(f.packId)) return false;
    if (skipped.size && isSkipped(f.file)) return false;
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
