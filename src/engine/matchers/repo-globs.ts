// Shared helper for repository-level kinds: which discovered files match a set of globs.
//
// Dozens of obligations each test their globs against every file of the repository; most globs hold a
// literal part (`security` in `**/SECURITY*.md`) that a path must contain to match: one search for it through
// all paths finds the few candidates, and only those go through picomatch.
import picomatch from 'picomatch';
import type { RepoView } from '../source.js';

interface GlobSet {
  isMatch: (path: string) => boolean;
  /** A path matches only if it contains one of these (lower-cased); undefined = no such literal for some glob. */
  literals?: string[];
}

const globSets = new Map<string, GlobSet>();

/** The repository's paths lower-cased in one string, and which paths hold each literal asked about so far. */
interface PathIndex {
  joined: string;
  /** Offset of each path in `joined` (paths are separated by a newline, which no literal holds). */
  starts: number[];
  holding: Map<string, number[]>;
}

const pathIndexes = new WeakMap<readonly string[], PathIndex>();

export function filesMatching(repo: RepoView, globs: string[]): string[] {
  const set = globSet(globs);
  if (!set.literals) return repo.files.filter((f) => set.isMatch(f));
  const index = pathIndexOf(repo.files);
  const candidates = new Set<number>();
  for (const l of set.literals) for (const i of pathsHolding(index, l)) candidates.add(i);
  return [...candidates].sort((a, b) => a - b).map((i) => repo.files[i]).filter((f) => set.isMatch(f));
}

function pathIndexOf(files: readonly string[]): PathIndex {
  let index = pathIndexes.get(files);
  if (!index) {
    const lower = files.map((f) => f.toLowerCase()); // per path: lower-casing can change a string's length
    const starts: number[] = [];
    let at = 0;
    for (const f of lower) {
      starts.push(at);
      at += f.length + 1;
    }
    index = { joined: lower.join('\n'), starts, holding: new Map() };
    pathIndexes.set(files, index);
  }
  return index;
}

/** Indexes of the paths that contain `literal` (lower-case), found by searching all paths at once. */
function pathsHolding(index: PathIndex, literal: string): number[] {
  let found = index.holding.get(literal);
  if (!found) {
    found = [];
    let path = 0;
    for (let at = index.joined.indexOf(literal); at !== -1; at = index.joined.indexOf(literal, at + 1)) {
      while (path + 1 < index.starts.length && index.starts[path + 1] <= at) path++;
      if (found[found.length - 1] !== path) found.push(path);
    }
    index.holding.set(literal, found);
  }
  return found;
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
