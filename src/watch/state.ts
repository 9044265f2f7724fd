// What `watch` has already reported, kept in `.sentrik/watch-state.json` so a restart does not announce (or
// open pull requests for) the same advisories again. Advisories are keyed by id + package + version. A broken
// file is reported and replaced: the branch name is derived from the advisory set, so the remote check still
// prevents a duplicate pull request.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';

export const STATE_FILE = '.sentrik/watch-state.json';

export interface FixRecord {
  /** Advisory keys in the set. */
  keys: string[];
  branch: string;
  /** Set once the pull request exists. */
  pr?: { number: number; url: string };
  /** Why the last attempt failed; the set is retried on the next dependency check. */
  error?: string;
  /** Nothing could be edited (no safe version, or only lockfile commands): no branch is made. */
  nothingToFix?: string;
  at: string;
}

export interface WatchState {
  version: 1;
  /** Advisory key → when it was first reported. */
  advisories: Record<string, { firstSeen: string }>;
  /** Advisory-set hash → what was done for it. */
  fixes: Record<string, FixRecord>;
}

export function emptyState(): WatchState {
  return { version: 1, advisories: {}, fixes: {} };
}

export function statePath(root: string): string {
  return join(root, STATE_FILE);
}

/** The saved state, or an empty one plus the reason it could not be used. */
export function loadState(root: string): { state: WatchState; problem?: string } {
  const file = statePath(root);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: emptyState() };
    return { state: emptyState(), problem: `${STATE_FILE}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'}); starting afresh` };
  }
  try {
    const data = JSON.parse(text) as Partial<WatchState>;
    if (data?.version !== 1 || typeof data.advisories !== 'object' || !data.advisories || typeof data.fixes !== 'object' || !data.fixes) throw new Error('unexpected content');
    return { state: { version: 1, advisories: data.advisories, fixes: data.fixes } };
  } catch (err) {
    return { state: emptyState(), problem: `${STATE_FILE}: not a watch state file (${(err as Error).message}); starting afresh` };
  }
}

/** Write then rename: a crash never leaves half a file. */
export function saveState(root: string, state: WatchState): void {
  writeFileAtomic(statePath(root), `${JSON.stringify(state, null, 2)}\n`);
}
