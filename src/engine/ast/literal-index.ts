// Which of many literals occur in a file, found in one pass over its bytes. Every AST rule's text test asks about
// the words of its patterns (text-test.ts): some 2,000 literals, asked of every file of an AST language.
//
// One Aho-Corasick automaton over the ASCII-lower-cased bytes finds every place a literal may end; a candidate
// is then checked for its mode (the same case, or whole-word boundaries). An RE2.Set of the same literals was
// the earlier engine: with this many patterns its DFA outgrows its cache and the scan slowed to some 50 MB/s,
// while this loop is one table lookup per byte. Literals with non-ASCII characters (none in the shipped packs)
// stay with RE2, whose case folding is Unicode-aware. (The rules' keyword prefilter, ruleset.ts keywordIndex,
// stays on RE2: its set is smaller and shares the pass with the secrets' prefilter regexes — moved here, the
// secrets scan got slower.)
import RE2 from 're2';
import { escapeRegex } from '../regex.js';

/** How a literal must occur: with its case, in any case, or with its case between word boundaries. */
export type LiteralMode = 'exact' | 'caseless' | 'word';

/** The file as the index reads it. */
export interface IndexedText {
  text: string;
  /** The text as UTF-8 bytes, if already made (SourceFile.utf8). */
  utf8?: Buffer;
}

interface Literal {
  text: string;
  bytes: Buffer;
  mode: LiteralMode;
}

const MODE_CODE: Record<LiteralMode, number> = { caseless: 0, exact: 1, word: 2 };
const LOWER = Uint8Array.from({ length: 256 }, (_, b) => (b >= 65 && b <= 90 ? b + 32 : b));
const WORD = Uint8Array.from({ length: 256 }, (_, b) => (/[A-Za-z0-9_]/.test(String.fromCharCode(b)) ? 1 : 0));

/** The automaton, built when a file is first asked about after literals were added. */
interface Automaton {
  classes: number;
  /** Byte (before lower-casing) → its class: the lower-cased bytes the literals use get one each, all others 0. */
  classOf: Uint8Array;
  /** state * classes + class → next state. */
  next: Int32Array;
  /** The literals that end at each state (its own and its suffix states'); empty arrays for most. */
  ending: Int32Array[];
}

export class LiteralIndex {
  private readonly ids = new Map<string, number>();
  private readonly literals: Literal[] = [];
  /** Literals the automaton leaves to RE2 (non-ASCII), by id. */
  private readonly viaRe2: number[] = [];
  private automaton: Automaton | undefined;
  private re2Set: InstanceType<typeof RE2.Set> | undefined;
  private readonly found = new WeakMap<IndexedText, { count: number; found: Uint8Array }>();
  /** Per state: the scan (generation) in which every literal ending there was found — no need to look again. */
  private done = new Int32Array(0);
  private generation = 0;

  id(literal: string, mode: LiteralMode): number {
    const key = `${mode}\0${literal}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      this.ids.set(key, (id = this.literals.length));
      this.literals.push({ text: literal, bytes: Buffer.from(literal, 'utf8'), mode });
      if (/[^\x00-\x7f]/.test(literal)) this.viaRe2.push(id);
      this.automaton = undefined;
      this.re2Set = undefined;
    }
    return id;
  }

  has(file: IndexedText, id: number): boolean {
    let entry = this.found.get(file);
    if (!entry || entry.count !== this.literals.length) {
      this.found.set(file, (entry = { count: this.literals.length, found: this.scan(file) }));
    }
    return entry.found[id] === 1;
  }

  private scan(file: IndexedText): Uint8Array {
    const found = new Uint8Array(this.literals.length);
    const bytes = file.utf8 ?? Buffer.from(file.text, 'utf8');
    this.scanBytes(bytes, found);
    if (this.viaRe2.length) this.scanRe2(file.text, found);
    return found;
  }

  private scanBytes(bytes: Buffer, found: Uint8Array): void {
    const a = (this.automaton ??= this.build());
    const { classes, classOf, next, ending } = a;
    const done = this.done;
    const generation = ++this.generation;
    const literals = this.literals;
    let state = 0;
    for (let i = 0, n = bytes.length; i < n; i++) {
      state = next[state * classes + classOf[bytes[i]]];
      const ends = ending[state];
      if (ends.length === 0 || done[state] === generation) continue;
      let pending = false;
      for (let k = 0; k < ends.length; k++) {
        const id = ends[k];
        if (found[id]) continue;
        const lit = literals[id];
        const mode = MODE_CODE[lit.mode];
        if (mode === 0) {
          found[id] = 1;
          continue;
        }
        const len = lit.bytes.length;
        const start = i + 1 - len;
        let same = true;
        for (let j = 0; j < len && same; j++) same = bytes[start + j] === lit.bytes[j];
        if (same && mode === 2 && ((start > 0 && WORD[bytes[start - 1]]) || (i + 1 < n && WORD[bytes[i + 1]]))) same = false;
        if (same) found[id] = 1;
        else pending = true;
      }
      if (!pending) done[state] = generation;
    }
  }

  private build(): Automaton {
    // A trie over the lower-cased bytes of the ASCII literals.
    const children: Map<number, number>[] = [new Map()];
    const own: number[][] = [[]];
    const re2Only = new Set(this.viaRe2);
    this.literals.forEach((lit, id) => {
      if (re2Only.has(id)) return;
      let state = 0;
      for (const b of lit.bytes) {
        const c = LOWER[b];
        let to = children[state].get(c);
        if (to === undefined) {
          to = children.length;
          children.push(new Map());
          own.push([]);
          children[state].set(c, to);
        }
        state = to;
      }
      own[state].push(id);
    });
    // Byte classes: each lower-cased byte a literal uses, and class 0 for the rest.
    const classOf = new Uint8Array(256);
    let classes = 1;
    for (const map of children) for (const c of map.keys()) if (classOf[c] === 0) classOf[c] = classes++;
    for (let b = 0; b < 256; b++) classOf[b] = classOf[LOWER[b]];
    // Breadth first: each state's failure state is complete before its children need it.
    const states = children.length;
    const next = new Int32Array(states * classes);
    const fail = new Int32Array(states);
    const ending: Int32Array[] = new Array(states);
    ending[0] = new Int32Array(0);
    const queue = [0];
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q];
      if (s !== 0) ending[s] = Int32Array.from([...own[s], ...ending[fail[s]]]);
      const byClass = new Map<number, number>();
      for (const [c, to] of children[s]) byClass.set(classOf[c], to);
      for (let k = 1; k < classes; k++) {
        const to = byClass.get(k);
        if (to === undefined) next[s * classes + k] = s === 0 ? 0 : next[fail[s] * classes + k];
        else {
          next[s * classes + k] = to;
          fail[to] = s === 0 ? 0 : next[fail[s] * classes + k];
          queue.push(to);
        }
      }
      next[s * classes] = s === 0 ? 0 : next[fail[s] * classes];
    }
    this.done = new Int32Array(states);
    this.generation = 0;
    return { classes, classOf, next, ending };
  }

  private scanRe2(text: string, found: Uint8Array): void {
    this.re2Set ??= new RE2.Set(
      this.viaRe2.map((id) => {
        const { text, mode } = this.literals[id];
        const escaped = escapeRegex(text);
        return mode === 'caseless' ? `(?i:${escaped})` : mode === 'word' ? `\\b${escaped}\\b` : escaped;
      }),
      'u',
    );
    try {
      for (const i of this.re2Set.match(text)) found[this.viaRe2[i]] = 1;
    } catch {
      for (const id of this.viaRe2) found[id] = 1; // RE2 ran out of memory: every such literal counts as present
    }
  }
}
