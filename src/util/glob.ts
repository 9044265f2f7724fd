// Globs that come from scanned content (a package.json's `workspaces`), matched in bounded time. picomatch
// compiles `*` to a lazy regex that backtracks catastrophically on patterns like `*a*a*a…*b`; here a segment
// is matched by the two-pointer wildcard walk (at most pattern × name steps) and `**` by a table over the
// segments. Supports `*`, `?`, `**` as a whole segment, and `{a,b}` alternatives (expanded, at most 64).

const MAX_ALTERNATIVES = 64;

/** Does the relative path `path` (forward slashes) match `glob`? Dot files match like any other. */
export function globMatch(glob: string, path: string): boolean {
  const names = path.split('/').filter(Boolean);
  return expandBraces(glob).some((g) => matchSegments(g.split('/').filter(Boolean), names));
}

function matchSegments(pattern: string[], names: string[]): boolean {
  // can[i][j]: pattern[i..] matches names[j..]
  const can: boolean[][] = Array.from({ length: pattern.length + 1 }, () => new Array<boolean>(names.length + 1).fill(false));
  can[pattern.length][names.length] = true;
  for (let i = pattern.length - 1; i >= 0; i--) {
    for (let j = names.length; j >= 0; j--) {
      if (pattern[i] === '**') can[i][j] = can[i + 1][j] || (j < names.length && can[i][j + 1]);
      else can[i][j] = j < names.length && matchName(pattern[i], names[j]) && can[i + 1][j + 1];
    }
  }
  return can[0][0];
}

/** `*` and `?` within one path segment: the greedy walk that returns to the last `*` on a mismatch. */
function matchName(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === name[n])) {
      p++;
      n++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = n;
    } else if (star >= 0) {
      p = star + 1;
      n = ++resume;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** `packages/{a,b}/*` → `packages/a/*`, `packages/b/*`; one level of braces (nested ones are not expanded). */
function expandBraces(glob: string): string[] {
  const out: string[] = [];
  const pending = [glob];
  while (pending.length && out.length + pending.length <= MAX_ALTERNATIVES) {
    const g = pending.pop()!;
    const open = g.indexOf('{');
    const close = open < 0 ? -1 : g.indexOf('}', open);
    if (close < 0) {
      out.push(g);
      continue;
    }
    for (const alt of g.slice(open + 1, close).split(',')) pending.push(g.slice(0, open) + alt + g.slice(close + 1));
  }
  return out;
}
