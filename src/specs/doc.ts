// A parsed spec document (YAML or JSON) as plain values plus the line of every key, so each finding and each
// error can name the line in the spec. JSON takes a fast path: JSON.parse for the values and one light scan
// of the text for the lines (a 20 MB description parses in well under a second); YAML goes through `yaml`'s
// parser with a LineCounter. Containers remember where they sit in their parent (the key's line), which is
// where findings about them point.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { SentrikError } from '../util/errors.js';
import { lineStarts, positionIn } from '../util/lines.js';

/** Key → offset (objects) or index → offset (arrays), plus the container's own offset (its key in the parent). */
interface ContainerPos {
  off: number;
  keys: Record<string, number> | number[];
}

/** 1-based line and column; `file` when the place is in another file of the spec than the one asked. */
export interface Pos {
  line: number;
  column: number;
  file?: string;
}

/** The files of one spec joined by `$ref`s (see SpecFiles in refs.ts). */
export interface SpecFileSet {
  docs: PosDoc[];
  external(from: PosDoc, ref: string): { value: unknown } | undefined;
}

export type JsonObject = Record<string, unknown>;

export class PosDoc {
  private lineStarts?: number[];
  /** The other files of the spec, once its external references were followed (import-spec --external-refs). */
  files?: SpecFileSet;

  constructor(
    /** Path shown in findings and errors. */
    public readonly file: string,
    public readonly root: unknown,
    private readonly text: string,
    private readonly pos: WeakMap<object, ContainerPos>,
  ) {}

  /** Line and column of a text offset (minified JSON puts a whole API on line 1: columns tell findings apart). */
  posAt(offset: number): Pos {
    return positionIn((this.lineStarts ??= lineStarts(this.text)), offset);
  }

  /** The file of the spec that holds `value` (this one unless it came from another file through a `$ref`). */
  ownerOf(value: unknown): PosDoc {
    if (!this.files || !isObj(value) || this.pos.has(value)) return this;
    return this.files.docs.find((d) => d.pos.has(value)) ?? this;
  }

  /** A position in `doc`, naming its file when that is not this one. */
  private place(doc: PosDoc, offset: number): Pos {
    const at = doc.posAt(offset);
    return doc === this ? at : { ...at, file: doc.file };
  }

  /** Where the container itself is: its key in the parent (or its `- ` item). */
  lineOf(value: unknown): Pos | undefined {
    const doc = this.ownerOf(value);
    const p = isObj(value) ? doc.pos.get(value) : undefined;
    return p ? this.place(doc, p.off) : undefined;
  }

  /** Where `key` is inside `container` (an object key or an array index). */
  keyLine(container: unknown, key: string | number): Pos | undefined {
    if (!isObj(container)) return undefined;
    const doc = this.ownerOf(container);
    const p = doc.pos.get(container);
    if (!p) return undefined;
    const off = Array.isArray(p.keys) ? p.keys[key as number] : Object.prototype.hasOwnProperty.call(p.keys, key) ? p.keys[key as string] : undefined;
    return off === undefined ? undefined : this.place(doc, off);
  }

  /** `key` in `container` when present, else the container itself. */
  at(container: unknown, key?: string | number): Pos | undefined {
    return (key !== undefined ? this.keyLine(container, key) : undefined) ?? this.lineOf(container);
  }

  /** Value at a JSON pointer (`#/components/schemas/Pet`), or undefined. */
  pointer(ref: string): { value: unknown; parent?: unknown; key?: string } | undefined {
    if (!ref.startsWith('#')) return undefined;
    const path = ref.slice(1);
    if (path === '' || path === '/') return { value: this.root };
    if (!path.startsWith('/')) return undefined;
    let cur: unknown = this.root;
    let parent: unknown;
    let key: string | undefined;
    for (const raw of path.slice(1).split('/')) {
      let seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (seg.includes('%')) {
        try {
          seg = decodeURIComponent(seg);
        } catch {
          /* keep as written */
        }
      }
      if (!isObj(cur) || !Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
      parent = cur;
      key = seg;
      cur = (cur as JsonObject)[seg];
    }
    return { value: cur, parent, key };
  }
}

export function isObj(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null;
}

export function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deeper nesting than this is refused (a real spec nests a few dozen levels; this guards the stack). */
const MAX_DEPTH = 2000;

/**
 * Parse YAML or JSON with positions. Throws a one-line SentrikError naming file and line. A `.json` file that
 * starts like JSON is strict JSON (a trailing comma is an error there, reported in JSON's terms, not YAML's);
 * other text is YAML, read through the JSON fast path when it is JSON. (YAML in a `.json` file stays YAML: the
 * examples of a pack generated from a JSON spec are YAML under the spec's name.)
 */
export function parseSpecText(text: string, file: string): PosDoc {
  const start = firstNonSpace(text);
  if (text[start] === '{' || text[start] === '[') {
    const isJsonFile = /\.json$/i.test(file);
    let value: unknown;
    try {
      value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch (err) {
      if (err instanceof RangeError) throw new SentrikError('document is nested too deeply', file, undefined, 'this is not a usable API description');
      if (isJsonFile) {
        // JSON.parse's messages differ between Node versions and may not say where: find the spot ourselves.
        const { at, expected } = jsonSyntaxError(text);
        const doc = new PosDoc(file, null, text, new WeakMap());
        throw new SentrikError(`invalid JSON: expected ${expected}`, file, doc.posAt(at).line, 'fix the syntax (a .json file is read as strict JSON)');
      }
      // Not strict JSON (comments, trailing commas …) in a YAML file — YAML is a superset and reports the line.
      return parseYamlSpec(text, file);
    }
    return jsonPositions(text, value, file);
  }
  return parseYamlSpec(text, file);
}

/** Where a text stops being JSON, and what JSON expected there (called only once JSON.parse has failed). */
function jsonSyntaxError(text: string): { at: number; expected: string } {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  const fail = (expected: string): never => {
    throw { at: i, expected };
  };
  // Reported at the comma, which is what to delete.
  const trailing = (comma: number, what: string): never => {
    i = comma;
    return fail(`another ${what} after ',' (JSON allows no trailing comma)`);
  };
  const ws = (): void => {
    while (i < n && ' \t\r\n'.includes(text[i])) i++;
  };
  const string = (): void => {
    for (i++; ; i++) {
      if (i >= n) fail('a closing double quote');
      const c = text.charCodeAt(i);
      if (c === 34) break;
      if (c < 0x20) fail('an escape (\\n, \\t …) in place of the raw line break or control character in this string');
      if (c === 92 && !/^(["\\/bfnrt]|u[0-9a-fA-F]{4})/.test(text.slice(i + 1, i + 6))) fail('a valid escape after \\ (\\n, \\", \\uXXXX …)');
      if (c === 92) i++;
    }
    i++;
  };
  const LITERAL = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null/y;
  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) fail('less nesting');
    ws();
    const open = text[i];
    if (open === '{' || open === '[') {
      const close = open === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      let comma = -1;
      for (;;) {
        ws();
        if (open === '{') {
          if (text[i] === '}' && comma !== -1) trailing(comma, 'property');
          if (text[i] !== '"') fail('a property name in double quotes');
          string();
          ws();
          if (text[i] !== ':') fail("':' after the property name");
          i++;
        } else if (text[i] === ']' && comma !== -1) trailing(comma, 'element');
        value(depth + 1);
        ws();
        if (text[i] === close) {
          i++;
          return;
        }
        if (text[i] !== ',') fail(`',' or '${close}' after ${open === '{' ? 'a property value' : 'an array element'}`);
        comma = i++;
      }
    }
    if (open === '"') return string();
    LITERAL.lastIndex = i;
    if (!LITERAL.test(text)) fail('a value (object, array, string, number, true, false or null)');
    i = LITERAL.lastIndex;
  };
  try {
    value(0);
    ws();
    if (i < n) fail('the end of the document after its top-level value');
  } catch (e) {
    if (e && typeof e === 'object' && 'expected' in e) return e as { at: number; expected: string };
    throw e;
  }
  return { at: n, expected: 'valid JSON' };
}

function firstNonSpace(text: string): number {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  return i;
}

// ---------- JSON: JSON.parse values + a light scan for lines ----------

function jsonPositions(text: string, value: unknown, file: string): PosDoc {
  const pos = new WeakMap<object, ContainerPos>();
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff) break;
    }
  };
  /** Index just past the closing quote of the string starting at i. */
  const stringEnd = (from: number): number => {
    let j = from + 1;
    for (;;) {
      const q = text.indexOf('"', j);
      if (q === -1) return n;
      let b = q - 1;
      while (text.charCodeAt(b) === 92) b--;
      if ((q - 1 - b) % 2 === 0) return q + 1;
      j = q + 1;
    }
  };
  const walk = (v: unknown, ownOff: number, depth: number): void => {
    if (depth > MAX_DEPTH) throw new SentrikError('document is nested too deeply', file, undefined, 'this is not a usable API description');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const keys: Record<string, number> = Object.create(null);
      if (isObj(v)) pos.set(v, { off: ownOff, keys });
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        const ks = i;
        i = stringEnd(i);
        const raw = text.slice(ks + 1, i - 1);
        const key = raw.includes('\\') ? (JSON.parse(text.slice(ks, i)) as string) : raw;
        keys[key] = ks;
        ws();
        i++; // ':'
        walk(isObj(v) ? (v as JsonObject)[key] : undefined, ks, depth + 1);
        ws();
        if (text[i++] !== ',') return; // '}'
      }
    } else if (c === '[') {
      i++;
      const lines: number[] = [];
      if (isObj(v)) pos.set(v, { off: ownOff, keys: lines });
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let k = 0; ; k++) {
        ws();
        lines.push(i);
        walk(Array.isArray(v) ? v[k] : undefined, i, depth + 1);
        ws();
        if (text[i++] !== ',') return; // ']'
      }
    } else if (c === '"') {
      i = stringEnd(i);
    } else {
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9) break;
        i++;
      }
    }
  };
  walk(value, firstNonSpace(text), 0);
  return new PosDoc(file, value, text, pos);
}

// ---------- YAML: yaml's node tree → values + lines ----------

function parseYamlSpec(text: string, file: string): PosDoc {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, strict: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new SentrikError(`invalid YAML: ${e.message.split('\n')[0].trim()}`, file, lc.linePos(e.pos[0]).line, 'fix the syntax');
  }
  const pos = new WeakMap<object, ContainerPos>();
  const seen = new Map<Node, unknown>();
  let aliases = 0;
  const lineAt = (offset: number): number => lc.linePos(offset).line;
  const convert = (node: unknown, ownOff: number, depth: number): unknown => {
    if (depth > MAX_DEPTH) throw new SentrikError('document is nested too deeply', file, lineAt(ownOff), 'this is not a usable API description');
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      // An alias shares its anchor's value (no copy), so alias bombs cannot blow up memory; cap them anyway.
      if (++aliases > 10_000) throw new SentrikError('too many YAML aliases', file, lineAt(ownOff), 'expand the aliases or split the document');
      const target = node.resolve(doc as Document);
      if (!target) throw new SentrikError(`unknown YAML alias *${node.source}`, file, lineAt(ownOff), 'define the anchor before using it');
      return seen.has(target) ? seen.get(target) : convert(target, ownOff, depth + 1);
    }
    if (isMap(node)) {
      const obj: JsonObject = {};
      const keys: Record<string, number> = Object.create(null);
      seen.set(node, obj);
      pos.set(obj, { off: ownOff, keys });
      for (const pair of node.items) {
        const k = pair.key as Node | null;
        const key = isScalar(k) ? String(k.value) : k === null ? '' : String(k);
        const ko = (k as Node | null)?.range?.[0] ?? (pair.value as Node | null)?.range?.[0] ?? ownOff;
        keys[key] = ko;
        const v = convert(pair.value, ko, depth + 1);
        if (key === '__proto__') Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        else obj[key] = v;
      }
      return obj;
    }
    if (isSeq(node)) {
      const arr: unknown[] = [];
      const lines: number[] = [];
      seen.set(node, arr);
      pos.set(arr, { off: ownOff, keys: lines });
      for (const item of node.items) {
        const io = (item as Node | null)?.range?.[0] ?? ownOff;
        lines.push(io);
        arr.push(convert(item, io, depth + 1));
      }
      return arr;
    }
    if (isScalar(node)) return node.value;
    return null;
  };
  const root = doc.contents as Node | null;
  return new PosDoc(file, convert(root, root?.range?.[0] ?? 0, 0), text, pos);
}
