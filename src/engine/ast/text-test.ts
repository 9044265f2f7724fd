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
// A file is asked about hundreds of literals: one RE2.Set scan per file answers them all (see LiteralIndex).
import RE2 from 're2';
import type { PatternSpec } from './pattern.js';

/** The file as a text test sees it. */
export interface TestedText {
  text: string;
  /** The text lower-cased. */
  lower: string;
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
    tests.push(...optional(allOf(literalWords(pattern).map(wholeWord))));
    // A `where` applies to the patterns that bind its metavariable; a `$X` in the pattern always does.
    for (const [mv, re] of Object.entries(where)) if (bindsSingle(pattern, mv)) tests.push(...optional(regexTest(re)));
  }
  if (typeof spec === 'object') {
    if (spec.keywords) tests.push(...optional(keywordTest(spec.keywords)));
    if (spec.regex) tests.push(...optional(regexTest(spec.regex)));
    for (const part of [spec.has, spec.inside, ...(spec.all ?? [])]) if (part) tests.push(...optional(textTest(part)));
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
  for (const m of p.matchAll(/(?<![A-Za-z0-9_])\$*[A-Za-z_][A-Za-z0-9_]*/g)) if (!m[0].startsWith('$') && m[0].length >= 3) words.add(m[0]);
  return [...words];
}

/** Does the pattern hold `$MV` (or `$$MV`) as a single-node metavariable — not `$$$MV`, not part of `$MVX`? */
function bindsSingle(pattern: string, mv: string): boolean {
  for (const m of pattern.matchAll(/\$+([A-Z_][A-Z0-9_]*)/g)) if (m[1] === mv && !m[0].startsWith('$$$')) return true;
  return false;
}

type Need = { lit: string } | { all: Need[] } | { any: Need[] };

/**
 * The literals a regex (RE2 / Rust syntax) cannot match without, as a test; undefined when it needs none that
 * can be read off safely. A leading `(?i)` (or `(?is)`…) makes the literals case-insensitive (found with the
 * regex engine's own case folding); other case-insensitive or verbose parts are left alone.
 */
export function regexTest(re: string): TextTest | undefined {
  const leading = /^\(\?([imsU]+)\)/.exec(re);
  const caseless = !!leading && leading[1].includes('i');
  const body = leading ? re.slice(leading[0].length) : re;
  const direct = searchTest(re);
  if (/\(\?[a-zA-Z]*[ix]/.test(body)) return direct;
  const need = new RegexLiterals(body).parse();
  // The literal test is one RE2.Set scan shared by every rule; the regex itself runs only on files that pass it.
  return need ? allOf([compileNeed(need, caseless), ...optional(direct)]) : direct;
}

/**
 * The regex itself, searched in the whole file: a node's text is part of the file, so if it matches there,
 * the same match (without the anchors at the node's start and end) exists in the file. Undefined when the
 * regex has other anchors or multi-line mode, or when it cannot be read or compiled.
 */
function searchTest(re: string): TextTest | undefined {
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
        found = compiled.test(f.text);
      } catch {
        found = true; // RE2 ran out of memory: the file is not filtered
      }
      seen.set(f, found);
    }
    return found;
  };
}

/**
 * A rule regex (Rust syntax, Unicode-aware classes) as an RE2 search that matches wherever it does: `\w`,
 * `\d` and `\s` widened to their Unicode sets (RE2's are ASCII), word boundaries dropped (that only widens the
 * search). Undefined for anchors left in the middle and for escapes it does not know.
 */
function asRe2Search(body: string): string | undefined {
  const wide: Record<string, [string, string]> = {
    w: ['[\\pL\\pM\\pN\\p{Pc}]', '\\pL\\pM\\pN\\p{Pc}'],
    d: ['\\p{Nd}', '\\p{Nd}'],
    s: ['[\\s\\p{Z}]', '\\s\\p{Z}'],
  };
  let out = '';
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      const next = body[i + 1];
      if (next === undefined) return undefined;
      i++;
      if (next in wide) out += wide[next][inClass ? 1 : 0];
      else if ((next === 'b' || next === 'B') && !inClass) continue;
      else if (/[AzZ]/.test(next)) return undefined;
      else out += c + next;
    } else if (inClass) {
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

const MIN_LITERAL = 3;

/** A small recursive reader of regex syntax that only collects what every match must contain. */
class RegexLiterals {
  private i = 0;
  constructor(private readonly re: string) {}

  parse(): Need | undefined {
    try {
      const need = this.alternation();
      return this.i === this.re.length ? need : undefined;
    } catch {
      return undefined; // syntax this reader does not follow: no test, never a wrong one
    }
  }

  /** branch | branch | …: every branch must need something for the whole to. */
  private alternation(): Need | undefined {
    const branches = [this.sequence()];
    while (this.re[this.i] === '|') {
      this.i++;
      branches.push(this.sequence());
    }
    if (branches.some((b) => b === undefined)) return undefined;
    return branches.length === 1 ? branches[0] : { any: branches as Need[] };
  }

  private sequence(): Need | undefined {
    const needs: Need[] = [];
    let run = '';
    const flush = (): void => {
      if (run.length >= MIN_LITERAL) needs.push({ lit: run });
      run = '';
    };
    while (this.i < this.re.length) {
      const c = this.re[this.i];
      if (c === '|' || c === ')') break;
      if (c === '(') {
        flush();
        const inner = this.group();
        if (this.optionalQuantifier()) continue;
        if (inner) needs.push(inner);
      } else if (c === '[') {
        flush();
        this.skipClass();
        this.optionalQuantifier();
      } else if (c === '\\') {
        const next = this.re[this.i + 1];
        if (next === undefined) throw new Error('dangling escape');
        if (/[A-Za-z0-9]/.test(next)) {
          flush(); // a class (\d \w \s \pL), an assertion (\b \A) or a code (\x41 \n): not read as a literal
          this.i += 2;
          if ((next === 'p' || next === 'P' || next === 'x') && this.re[this.i] === '{') this.i = this.re.indexOf('}', this.i) + 1 || this.re.length;
          if (next === 'Q') throw new Error('\\Q…\\E');
          this.optionalQuantifier();
        } else {
          this.i += 2;
          run = this.literal(run, next, flush);
        }
      } else if (c === '.' || c === '^' || c === '$') {
        flush();
        this.i++;
        this.optionalQuantifier();
      } else if (this.isQuantifierAt(this.i)) {
        throw new Error('quantifier without an atom');
      } else {
        this.i++;
        run = this.literal(run, c, flush);
      }
    }
    flush();
    if (needs.length === 0) return undefined;
    return needs.length === 1 ? needs[0] : { all: needs };
  }

  /** Appends a literal character, unless a quantifier follows it (then the run ends before it). */
  private literal(run: string, c: string, flush: () => void): string {
    if (!this.isQuantifierAt(this.i)) return run + c;
    flush();
    this.optionalQuantifier();
    return '';
  }

  /** (…), (?:…), (?P<name>…), (?<name>…), (?flags:…) or a flags-only (?flags). */
  private group(): Need | undefined {
    this.i++; // (
    if (this.re[this.i] === '?') {
      const named = /^\?P?<[A-Za-z_][A-Za-z0-9_]*>/.exec(this.re.slice(this.i));
      const flags = /^\?[a-zA-Z-]*(:|\))/.exec(this.re.slice(this.i));
      if (named) this.i += named[0].length;
      else if (flags) {
        this.i += flags[0].length;
        if (flags[1] === ')') return undefined; // flags for the rest (case-insensitive ones were refused above)
      } else throw new Error('unknown group');
    }
    const inner = this.alternation();
    if (this.re[this.i] !== ')') throw new Error('unclosed group');
    this.i++;
    return inner;
  }

  private skipClass(): void {
    this.i++; // [
    if (this.re[this.i] === '^') this.i++;
    if (this.re[this.i] === ']') this.i++;
    while (this.i < this.re.length && this.re[this.i] !== ']') {
      if (this.re[this.i] === '\\') this.i++;
      else if (this.re.startsWith('[:', this.i)) this.i = this.re.indexOf(':]', this.i) + 1;
      this.i++;
    }
    if (this.re[this.i] !== ']') throw new Error('unclosed class');
    this.i++;
  }

  private isQuantifierAt(at: number): boolean {
    const c = this.re[at];
    return c === '*' || c === '+' || c === '?' || (c === '{' && /^\{\d+(,\d*)?\}/.test(this.re.slice(at)));
  }

  /** Consumes a quantifier if one follows; true when it allows zero repetitions (the atom may be absent). */
  private optionalQuantifier(): boolean {
    if (!this.isQuantifierAt(this.i)) return false;
    const c = this.re[this.i];
    let zero = c === '*' || c === '?';
    if (c === '{') {
      const m = /^\{(\d+)(,\d*)?\}/.exec(this.re.slice(this.i))!;
      zero = Number(m[1]) === 0;
      this.i += m[0].length;
    } else this.i++;
    if (this.re[this.i] === '?') this.i++; // lazy
    return zero;
  }
}

/** How a literal must occur: with its case, in any case, or with its case between word boundaries. */
type LiteralMode = 'exact' | 'caseless' | 'word';

/**
 * Which of many literals occur in a file, found in one scan (RE2.Set, every mode in the same set) and
 * remembered per file. Literals are registered while packs compile; registering more later only means the
 * next file asked about is scanned again.
 */
class LiteralIndex {
  private readonly ids = new Map<string, number>();
  private set: InstanceType<typeof RE2.Set> | undefined;
  private readonly found = new WeakMap<TestedText, { count: number; found: Uint8Array }>();

  id(literal: string, mode: LiteralMode): number {
    const escaped = literal.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
    const pattern = mode === 'caseless' ? `(?i:${escaped})` : mode === 'word' ? `\\b${escaped}\\b` : escaped;
    let id = this.ids.get(pattern);
    if (id === undefined) {
      this.ids.set(pattern, (id = this.ids.size));
      this.set = undefined;
    }
    return id;
  }

  has(file: TestedText, id: number): boolean {
    let entry = this.found.get(file);
    if (!entry || entry.count !== this.ids.size) this.found.set(file, (entry = { count: this.ids.size, found: this.scan(file.text) }));
    return entry.found[id] === 1;
  }

  private scan(text: string): Uint8Array {
    const found = new Uint8Array(this.ids.size);
    this.set ??= new RE2.Set([...this.ids.keys()], 'u');
    try {
      for (const i of this.set.match(text)) found[i] = 1;
    } catch {
      found.fill(1); // RE2 ran out of memory on this text: every literal counts as present, nothing is filtered
    }
    return found;
  }
}

const literals = new LiteralIndex();
