// What text a file must contain for a pattern to possibly match in it, checked before the file is parsed.
// Parsing and walking the tree are most of an AST rule's cost, and most files cannot match most patterns.
//
// Every test here is sound — it fails only when the pattern cannot match:
// - a pattern's literal words are compared with the code as written (ast-grep matches leaves by exact text),
//   so each word occurs in the file, with the same case, as a whole word (a leaf `Function` is not the
//   `Function` inside `isFunction`);
// - a `regex` (or a `where` on a metavariable the pattern binds) is searched in a node's text, which is part of
//   the file, so the file contains the literals the regex cannot match without, and a match of the regex
//   itself once a leading `^` and a trailing `$` (the node's start and end) are dropped;
// - declared `keywords` are trusted as documented: one of them, in any case, occurs in a matching file.
//
// A file is asked about hundreds of literals: one pass over its bytes answers them all (see literal-index.ts).
import RE2 from 're2';
import { escapeRegex, testRegex } from '../regex.js';
import { regexNeed, type Need } from '../regex-literals.js';
import { LiteralIndex } from './literal-index.js';
import { literalName, type PatternSpec } from './pattern.js';

/** The file as a text test sees it. */
export interface TestedText {
  text: string;
  /** The text lower-cased. */
  lower: string;
  /** The text as RE2 takes it fastest (SourceFile: UTF-8 bytes for ASCII text); defaults to `text`. */
  re2Input?: string | Buffer;
  /** The text as UTF-8 bytes (SourceFile.utf8); made from `text` when absent. */
  utf8?: Buffer;
}

/** False only when a pattern cannot match anywhere in the file. */
export type TextTest = (file: TestedText) => boolean;

/** Block-level `where` constraints: metavariable name (without `$`) → regex its text must contain a match of. */
export type WhereRegexes = Record<string, string>;

/** The text test of a pattern, or undefined when it needs no particular text. */
export function textTest(spec: PatternSpec, where: WhereRegexes = {}): TextTest | undefined {
  const tests: TextTest[] = [];
  const pattern = typeof spec === 'string' ? spec : spec.pattern;
  if (pattern) {
    tests.push(...optional(allOf([...literalWords(pattern).map(wholeWord), ...memberChains(pattern).map(chainTest), ...calls(pattern).map(callTest)])));
    // A `where` applies to the patterns that bind its metavariable; a `$X` in the pattern always does.
    for (const [mv, re] of Object.entries(where)) if (bindsSingle(pattern, mv)) tests.push(...optional(regexTest(re)));
  }
  if (typeof spec === 'object') {
    if (spec.keywords) tests.push(...optional(keywordTest(spec.keywords)));
    if (spec.regex) tests.push(...optional(regexTest(spec.regex)));
    for (const part of [spec.has, spec.inside, spec.follows, spec.after, spec.before, ...(spec.all ?? [])]) if (part) tests.push(...optional(textTest(part)));
    if (spec.any) tests.push(...optional(anyOf(spec.any.map((s) => textTest(s)))));
  }
  return allOf(tests);
}

/** Does a file pass a (possibly absent) test? */
export function passes(test: TextTest | undefined, file: TestedText): boolean {
  return !test || test(file);
}

const optional = <T>(x: T | undefined): T[] => (x === undefined ? [] : [x]);

/** The text contains `literal`, with the same case. */
function exact(literal: string): TextTest {
  const id = literals.id(literal, 'exact');
  return (f) => literals.has(f, id);
}

/** The text contains `word` between ASCII word boundaries, with the same case. */
function wholeWord(word: string): TextTest {
  const id = literals.id(word, 'word');
  return (f) => literals.has(f, id);
}

/** The text contains one of `keywords`, in any case. */
export function keywordTest(keywords: string[]): TextTest | undefined {
  const ids = keywords.map((k) => literals.id(k, 'caseless'));
  return ids.length ? (f) => ids.some((id) => literals.has(f, id)) : undefined;
}

function allOf(tests: TextTest[]): TextTest | undefined {
  if (tests.length <= 1) return tests[0];
  return (f) => tests.every((t) => t(f));
}

/** Undefined when one alternative needs no text (then the whole may match anywhere). */
function anyOf(tests: (TextTest | undefined)[]): TextTest | undefined {
  if (tests.length === 0 || tests.some((t) => t === undefined)) return undefined;
  if (tests.length === 1) return tests[0];
  return (f) => tests.some((t) => t!(f));
}

/**
 * Identifier-like words of a pattern (≥ 3 characters), metavariables left out. Only whole words: in `0x1F`
 * the `x1F` is part of a larger token, so the code need not hold it between word boundaries.
 */
function literalWords(p: string): string[] {
  const words = new Set<string>();
  for (const m of p.matchAll(/(?<![A-Za-z0-9_])\$*[A-Za-z_][A-Za-z0-9_]*/g)) {
    const w = literalName(m[0]);
    if (w !== undefined && w.length >= 3) words.add(w);
  }
  return [...words];
}

/**
 * Runs of two or more literal names joined by dots in a pattern (`messages.create` in `$C.messages.create($$$)`):
 * the code holds them in that order, with only the dots, white space or comments between.
 */
function memberChains(p: string): string[][] {
  const chains: string[][] = [];
  for (const m of p.matchAll(/(?<![A-Za-z0-9_$.])\$*[A-Za-z_][A-Za-z0-9_]*(?:\.\$*[A-Za-z_][A-Za-z0-9_]*)+/g)) {
    let run: string[] = [];
    for (const part of [...m[0].split('.'), '$']) {
      if (!part.startsWith('$')) run.push(part);
      else {
        if (run.length >= 2) chains.push(run);
        run = [];
      }
    }
  }
  return chains;
}

/** Between the names of a member chain: white space, line continuations and comments of any of the languages. */
const CHAIN_GAP = '(?:\\s|\\\\\\r?\\n|/\\*(?s:.)*?\\*/|//[^\\n]*|#[^\\n]*)*';

/** The file holds `a.b.c` as a chain (see memberChains); one search per chain and file, shared by every rule. */
function chainTest(chain: string[]): TextTest {
  const source = `\\b${chain.map(escapeRegex).join(`${CHAIN_GAP}\\.${CHAIN_GAP}`)}\\b`;
  return searchTest(source) ?? (() => true);
}

/**
 * Calls of literal names in a pattern (`eval` in `eval($X)`, `.query` in `$C.query($SINK)`): the code holds the
 * name followed by `(` — with white space, comments, type arguments (`f<T>(x)`) or an optional call (`f?.(x)`)
 * between — and, for a method, preceded by a dot.
 */
function calls(p: string): { name: string; method: boolean }[] {
  const out: { name: string; method: boolean }[] = [];
  for (const m of p.matchAll(/(?:(\.)\s*|(?<![A-Za-z0-9_$.]))(\$*[A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
    // `$queryRawUnsafe(` names a method with a `$` in it: left to the word test
    if (!m[2].startsWith('$')) out.push({ name: m[2], method: m[1] !== undefined });
  }
  return out;
}

function callTest({ name, method }: { name: string; method: boolean }): TextTest {
  const source = `${method ? `\\.${CHAIN_GAP}` : '\\b'}${escapeRegex(name)}${CHAIN_GAP}(?:<[^()]*>${CHAIN_GAP})?(?:\\?\\.${CHAIN_GAP})?\\(`;
  return searchTest(source) ?? (() => true);
}

/** Does the pattern hold `$MV` (or `$$MV`) as a single-node metavariable — not `$$$MV`, not part of `$MVX`? */
function bindsSingle(pattern: string, mv: string): boolean {
  for (const m of pattern.matchAll(/\$+([A-Z_][A-Z0-9_]*)/g)) if (m[1] === mv && !m[0].startsWith('$$$')) return true;
  return false;
}


/**
 * What a file must contain for a rule regex (RE2 / Rust syntax) to match in one of its nodes: the literals the
 * regex cannot match without (see regex-literals.ts; a leading `(?i)` makes them case-insensitive), then the
 * regex itself searched in the file. Undefined when neither can be read off safely.
 */
export function regexTest(re: string): TextTest | undefined {
  const direct = searchTest(re);
  const read = regexNeed(re);
  // The literal test is the one pass of the literal index every rule shares; the regex itself runs only on files that pass it.
  return read ? allOf([compileNeed(read.need, read.caseless), ...optional(direct)]) : direct;
}

/**
 * The regex itself, searched in the whole file: a node's text is part of the file, so if it matches there,
 * the same match (without the anchors at the node's start and end) exists in the file. Undefined when the
 * regex has other anchors or multi-line mode, or when it cannot be read or compiled.
 */
function searchTest(re: string): TextTest | undefined {
  // Rules share regexes (YAML anchors): one compiled search, and one answer per file, for each.
  if (!searchTests.has(re)) searchTests.set(re, newSearchTest(re));
  return searchTests.get(re);
}

const searchTests = new Map<string, TextTest | undefined>();

function newSearchTest(re: string): TextTest | undefined {
  const leading = /^\(\?([imsUx]+)\)/.exec(re);
  if (leading?.[1].includes('m')) return undefined;
  let body = leading ? re.slice(leading[0].length) : re;
  if (body.startsWith('^')) body = body.slice(1);
  if (/(^|[^\\])(\\\\)*\$$/.test(body)) body = body.slice(0, -1); // a trailing unescaped `$`
  const translated = asRe2Search(body);
  if (translated === undefined) return undefined;
  let compiled: InstanceType<typeof RE2>;
  try {
    compiled = new RE2(`${leading?.[0] ?? ''}${translated}`, 'u');
  } catch {
    return undefined;
  }
  const seen = new WeakMap<TestedText, boolean>();
  return (f) => {
    let found = seen.get(f);
    if (found === undefined) {
      try {
        found = testRegex(compiled, f.re2Input ?? f.text);
      } catch {
        found = true; // RE2 ran out of memory: the file is not filtered
      }
      seen.set(f, found);
    }
    return found;
  };
}

/**
 * A rule regex (Rust syntax, Unicode-aware classes) as an RE2 search that matches wherever it does: `\w`, `\d`
 * and `\s` become their ASCII members plus every non-ASCII character (RE2's are ASCII, Rust's Unicode sets
 * differ in detail), word boundaries are dropped (that only widens the search). Undefined for anchors left in
 * the middle, negated shorthands or nested classes inside a class, and set operations.
 */
function asRe2Search(body: string): string | undefined {
  const NON_ASCII = '\\x{80}-\\x{10FFFF}';
  const wide: Record<string, string> = { w: `0-9A-Za-z_${NON_ASCII}`, d: `0-9${NON_ASCII}`, s: `\\t-\\r ${NON_ASCII}` };
  let out = '';
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      const next = body[i + 1];
      if (next === undefined) return undefined;
      i++;
      if (next in wide) out += inClass ? wide[next] : `[${wide[next]}]`;
      else if ((next === 'b' || next === 'B') && !inClass) continue;
      else if (/[AzZ]/.test(next) || (inClass && /[WDS]/.test(next))) return undefined;
      else out += c + next;
    } else if (inClass) {
      if ((c === '[' && body[i + 1] !== ':') || /^(&&|--|~~)/.test(body.slice(i, i + 2))) return undefined;
      out += c;
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      out += c;
      if (body[i + 1] === '^') out += body[++i];
      if (body[i + 1] === ']') out += body[++i];
    } else if (c === '^' || c === '$') {
      return undefined;
    } else out += c;
  }
  return inClass ? undefined : out;
}

function compileNeed(n: Need, caseless: boolean): TextTest {
  if ('lit' in n) return caseless ? keywordTest([n.lit])! : exact(n.lit);
  const parts = ('all' in n ? n.all : n.any).map((p) => compileNeed(p, caseless));
  return 'all' in n ? (f) => parts.every((t) => t(f)) : (f) => parts.some((t) => t(f));
}

const literals = new LiteralIndex();
