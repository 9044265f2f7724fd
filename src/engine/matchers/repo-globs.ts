// Shared helper for repository-level kinds: which discovered files match a set of globs.
//
// Dozens of obligations each test their globs against every file of the repository; most globs hold a
// literal part (`security` in `**/SECURITY*.md`) that a path must contain to match, so a substring check on
// the lower-cased path settles most files before picomatch runs.
import picomatch from 'picomatch';
import type { RepoView } from '../source.js';

interface GlobSet {
  isMatch: (path: string) => boolean;
  /** A path matches only if it contains one of these (lower-cased); undefined = no such literal for some glob. */
  literals?: string[];
}

const globSets = new Map<string, GlobSet>();
const lowerPaths = new WeakMap<readonly string[], string[]>();

export function filesMatching(repo: RepoView, globs: string[]): string[] {
  const set = globSet(globs);
  let lower = lowerPaths.get(repo.files);
  if (!lower) lowerPaths.set(repo.files, (lower = repo.files.map((f) => f.toLowerCase())));
  const out: string[] = [];
  repo.files.forEach((f, i) => {
    if (set.literals && !set.literals.some((l) => lower[i].includes(l))) return;
    if (set.isMatch(f)) out.push(f);
  });
  return out;
}

function globSet(globs: string[]): GlobSet {
  const key = JSON.stringify(globs);
  let set = globSets.get(key);
  if (!set) {
    const literals = globs.map(requiredLiteral);
    // nocase: SECURITY.md, security.md and Security.md are the same obligation.
    set = { isMatch: picomatch(globs, { dot: true, nocase: true }), literals: literals.every((l) => l !== undefined) ? (literals as string[]) : undefined };
    globSets.set(key, set);
  }
  return set;
}

/**
 * The longest run of plain characters every path the glob matches contains (lower-cased), or undefined.
 * Classes, brace sets and extglob groups are dropped (their text is a choice, not a must); runs stop at
 * wildcards and at `/`, since a `**` segment may stand for no folder at all.
 */
export function requiredLiteral(glob: string): string | undefined {
  if (glob.startsWith('!') || glob.includes('\\')) return undefined; // negated, or escapes this does not read
  let g = glob.toLowerCase();
  for (let prev = ''; prev !== g; ) {
    prev = g;
    g = g.replace(/\[[^\]]*\]|\{[^{}]*\}|\([^()]*\)/g, '/');
  }
  let best = '';
  for (const run of g.split(/[*?!@+|/[\]{}(),]+/)) if (run.length > best.length) best = run;
  return best.length >= 3 ? best : undefined;
}
