// Globs that come from scanned content (a package.json's `workspaces`), matched in bounded time. picomatch
// compiles `*` to a lazy regex that backtracks catastrophically on patterns like `*a*a*a…*b`; here a segment
// is matched by the two-pointer wildcard walk (at most pattern × name steps) and `**` by a table over the
// segments. Supports `*`, `?`, `**` as a whole segment, and `{a,b}` alternatives (expanded, at most 64).

import { z } from 'zod';

const MAX_ALTERNATIVES = 64;

/** Does the relative path `path` (forward slashes) match `glob`? Dot files match like any other. */
export function globMatch(glob: string, path: string): boolean {
  const names = path.split('/').filter(Boolean);
  return (expandBraces(glob) ?? []).some((g) => matchSegments(g.split('/').filter(Boolean), names));
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

/**
 * Can globMatch answer for `glob`? Not for classes (`[ab]`), extglobs (`@(a|b)`), ranges (`{1..3}`), nested
 * braces, more than 64 alternatives or a very long glob: a caller then decides what "unsure" means.
 */
export function globSupported(glob: string): boolean {
  if (glob.length > 1_000 || /[[\]()]/.test(glob)) return false;
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] === '{' && ++depth > 1) return false;
    if (glob[i] === '}') depth = Math.max(0, depth - 1);
    if (depth > 0 && glob[i] === '.' && glob[i + 1] === '.') return false;
  }
  return expandBraces(glob) !== undefined;
}

/**
 * `packages/{a,b}/*` → `packages/a/*`, `packages/b/*`; one level of braces (nested ones are not expanded).
 * Undefined when there would be more than MAX_ALTERNATIVES.
 */
export function expandBraces(glob: string): string[] | undefined {
  const out: string[] = [];
  const pending = [glob];
  while (pending.length) {
    if (out.length + pending.length > MAX_ALTERNATIVES) return undefined;
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

/**
 * More `*` than this in one path segment, and a backtracking matcher's time grows as the segment's length to
 * that power: 255³ steps is still quick, 255¹³ never ends.
 */
const MAX_STARS_PER_SEGMENT = 3;

/**
 * Why `glob` is too costly to hand to a backtracking matcher (picomatch, the gitignore library), or
 * undefined. Globs come from the repository (its config, its packs, its .gitignore): `*a*a*a*a*a*a*b` against
 * a long folder name takes minutes there. Real globs use one or two `*` per segment.
 */
export function globTooComplex(glob: string): string | undefined {
  if (glob.length > 1_000) return 'a glob longer than 1,000 characters';
  for (const segment of glob.split('/')) {
    if (segment === '**') continue;
    let stars = 0;
    for (const ch of segment) if (ch === '*') stars++;
    if (stars > MAX_STARS_PER_SEGMENT) return `more than ${MAX_STARS_PER_SEGMENT} '*' in one path segment ('${segment.slice(0, 40)}')`;
  }
  return undefined;
}

/** A glob in a schema (config, suppressions, packs): one too costly to match is refused where it is written. */
export const globSchema = z
  .string()
  .min(1)
  .superRefine((g, ctx) => {
    const why = globTooComplex(g);
    if (why) ctx.addIssue({ code: 'custom', message: `this glob is too costly to match safely: ${why}` });
    const unpaired = unpairedBracket(g);
    if (unpaired) ctx.addIssue({ code: 'custom', message: `this glob has ${unpaired}, so it matches nothing you meant: close it, or escape it with a backslash` });
  });

/** An unclosed `{` or `[` (or a stray closer): `src/*.{py` would match the literal text `{py`. */
function unpairedBracket(glob: string): string | undefined {
  const open: string[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') i++;
    else if (c === '{' || c === '[') open.push(c);
    else if (c === '}' || c === ']') {
      if (open.pop() !== (c === '}' ? '{' : '[')) return `a stray '${c}'`;
    }
  }
  return open.length ? `an unclosed '${open[open.length - 1]}'` : undefined;
}
