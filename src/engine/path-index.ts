// Which of a repository's paths can match a set of globs, found without testing every path against every glob.
//
// Dozens of repository rules each test their globs against every file; most globs hold a literal part
// (`security` in `**/SECURITY*.md`, `.p12` in `**/*.p12`) that a path must contain to match: one search for
// it through all paths at once finds the few candidates, and only those go through the glob matcher.

/** The repository's paths lower-cased in one string, and which paths hold each literal asked about so far. */
interface PathIndex {
  joined: string;
  /** Offset of each path in `joined` (paths are separated by a newline, which no literal holds). */
  starts: number[];
  holding: Map<string, number[]>;
}

const pathIndexes = new WeakMap<readonly string[], PathIndex>();

/**
 * The paths of `files` that may match one of `globs` (in their order; every path that matches is among them,
 * matched with or without case), or undefined when a glob has no literal part to narrow them by.
 */
export function candidatePaths(files: readonly string[], globs: string[]): readonly string[] | undefined {
  const literals = globs.map(requiredLiteral);
  if (literals.some((l) => l === undefined)) return undefined;
  const index = pathIndexOf(files);
  const found = new Set<number>();
  for (const l of literals as string[]) for (const i of pathsHolding(index, l)) found.add(i);
  return [...found].sort((a, b) => a - b).map((i) => files[i]);
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
    const { joined, starts } = index;
    let path = 0;
    for (let at = joined.indexOf(literal); at !== -1; at = joined.indexOf(literal, at + 1)) {
      // The path holding offset `at`: the last start at or before it, searched for from the previous one on
      // (a binary search: a literal found in a few paths of many costs a few steps, not a walk past them all).
      let hi = starts.length - 1;
      while (path < hi) {
        const mid = (path + hi + 1) >> 1;
        if (starts[mid] <= at) path = mid;
        else hi = mid - 1;
      }
      if (found[found.length - 1] !== path) found.push(path);
    }
    index.holding.set(literal, found);
  }
  return found;
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
