// What every match of a regex must contain, read off its syntax: the literals it cannot match without, as a
// tree of all-of / any-of. Used to skip work before a file is searched — the AST text tests and the keyword
// prefilter of regex rules. Sound by construction: a part it does not follow contributes nothing, so the result
// can be weaker than the regex but never stronger.

export type Need = { lit: string } | { all: Need[] } | { any: Need[] };

/**
 * The literals a regex (RE2 / Rust syntax) cannot match without, or undefined when none can be read off safely.
 * A leading `(?i)` (or `(?is)`…) makes them case-insensitive (`caseless`). Verbose mode is refused, and so are
 * inner case-insensitive parts unless `anyCase` (the caller compares without case anyway).
 */
export function regexNeed(re: string, opts: { anyCase?: boolean } = {}): { need: Need; caseless: boolean } | undefined {
  const leading = /^\(\?([imsU]+)\)/.exec(re);
  const caseless = !!leading && leading[1].includes('i');
  const body = leading ? re.slice(leading[0].length) : re;
  if (/\(\?[a-zA-Z]*x/.test(body) || (!opts.anyCase && /\(\?[a-zA-Z]*i/.test(body))) return undefined;
  const need = new RegexLiterals(body).parse();
  return need && { need, caseless };
}

/**
 * Lower-case literals one of which every match contains (a keyword prefilter), or undefined. Of the parts a
 * match needs all of, the most selective one is kept: the one whose shortest literal is longest.
 */
export function keywordsOf(need: Need): string[] | undefined {
  if ('lit' in need) return [need.lit.toLowerCase()];
  const parts = ('all' in need ? need.all : need.any).map(keywordsOf);
  if ('any' in need) return parts.some((p) => !p) ? undefined : [...new Set(parts.flat() as string[])];
  const selectivity = (k: string[]): number => Math.min(...k.map((w) => w.length)) * 1000 - k.length;
  let best: string[] | undefined;
  for (const p of parts) if (p && (!best || selectivity(p) > selectivity(best))) best = p;
  return best;
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
          this.skipEscapeArgument(next);
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

  /**
   * After `\x` `\u` `\U` `\c` `\p` `\P`: their argument (`\x27`, `\x{41}`, `\pL`, `\p{Greek}`, `\cJ`) is part of the
   * escape, never literal text.
   */
  private skipEscapeArgument(letter: string): void {
    const fixed: Record<string, number> = { x: 2, u: 4, U: 8, c: 1, p: 1, P: 1 };
    if (!(letter in fixed)) return;
    if (letter !== 'c' && this.re[this.i] === '{') {
      const end = this.re.indexOf('}', this.i);
      if (end === -1) throw new Error('unclosed escape');
      this.i = end + 1;
    } else this.i += fixed[letter];
    if (this.i > this.re.length) throw new Error('short escape');
  }

  private skipClass(): void {
    this.i++; // [
    if (this.re[this.i] === '^') this.i++;
    if (this.re[this.i] === ']') this.i++;
    while (this.i < this.re.length && this.re[this.i] !== ']') {
      // Nested classes and set operations read differently in RE2 and in Rust (the rules' engine): no test.
      if (this.re[this.i] === '[' && !this.re.startsWith('[:', this.i)) throw new Error('nested class');
      if (/^(&&|--|~~)/.test(this.re.slice(this.i, this.i + 2))) throw new Error('class operation');
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
