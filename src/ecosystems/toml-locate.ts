// Where each string value of a TOML document sits, byte for byte, so a fix can rewrite one version string in
// place and leave the rest of the file (comments, spacing, order) untouched. The document is validated with
// smol-toml first; this reader only has to find strings in a document already known to be valid.

export interface TomlString {
  /** Table path plus key path (inline-table keys included), e.g. ['project', 'dependencies']. */
  path: string[];
  /** Offsets of the content between the quotes. */
  start: number;
  end: number;
  /** The raw content; equal to the value unless it holds escapes. */
  raw: string;
  /** True when the content can be replaced as written (no escape sequences, single line). */
  plain: boolean;
}

const MAX_DEPTH = 64;

/** A loop that did not move would spin forever on input this reader does not understand: give up instead. */
function mustAdvance(before: number, after: number): void {
  if (after <= before) throw new Error(`cannot read TOML at offset ${before}`);
}

export function tomlStrings(text: string): TomlString[] {
  const out: TomlString[] = [];
  let i = 0;
  let table: string[] = [];

  const skipSpace = (newlines: boolean): void => {
    for (;;) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) i++;
      else if (c === '#') while (i < text.length && text[i] !== '\n') i++;
      else return;
    }
  };

  /** A quoted string at `i`; returns its decoded-enough form and records it when `path` is given. */
  const readString = (path?: string[]): string => {
    const q = text[i];
    const triple = text.startsWith(q.repeat(3), i);
    const delim = triple ? q.repeat(3) : q;
    const start = i + delim.length;
    let j = start;
    while (j < text.length && !text.startsWith(delim, j)) j += q === '"' && text[j] === '\\' ? 2 : 1;
    // A multi-line string may end with extra quotes (`""""` = a quote then the delimiter).
    while (triple && text[j + 3] === q) j++;
    const raw = text.slice(start, j);
    i = j + delim.length;
    if (path) out.push({ path, start, end: j, raw, plain: !triple && !(q === '"' && raw.includes('\\')) });
    return q === '"' ? raw.replace(/\\(["\\])/g, '$1') : raw;
  };

  const readKey = (): string[] => {
    const keys: string[] = [];
    for (;;) {
      skipSpace(false);
      if (text[i] === '"' || text[i] === "'") keys.push(readString());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i, i + 256));
        if (!m) break;
        keys.push(m[0]);
        i += m[0].length;
      }
      skipSpace(false);
      if (text[i] !== '.') break;
      i++;
    }
    return keys;
  };

  const readValue = (path: string[], depth: number): void => {
    if (depth > MAX_DEPTH) throw new Error('values nested too deeply');
    skipSpace(false);
    const c = text[i];
    if (c === '"' || c === "'") readString(path);
    else if (c === '[') {
      i++;
      for (;;) {
        skipSpace(true);
        if (text[i] === ']' || i >= text.length) break;
        const from = i;
        readValue(path, depth + 1);
        skipSpace(true);
        if (text[i] === ',') i++;
        mustAdvance(from, i);
      }
      i++;
    } else if (c === '{') {
      i++;
      // TOML 1.1 (accepted by smol-toml) lets inline tables span lines, with comments and a trailing comma.
      for (;;) {
        skipSpace(true);
        if (text[i] === '}' || i >= text.length) break;
        const from = i;
        const key = readKey();
        if (text[i] === '=') i++;
        readValue([...path, ...key], depth + 1);
        skipSpace(true);
        if (text[i] === ',') i++;
        mustAdvance(from, i);
      }
      i++;
    } else while (i < text.length && !',]}\n#'.includes(text[i])) i++;
  };

  while (i < text.length) {
    skipSpace(true);
    if (i >= text.length) break;
    const from = i;
    if (text[i] === '[') {
      const array = text[i + 1] === '[';
      i += array ? 2 : 1;
      table = readKey();
      i += array ? 2 : 1;
    } else {
      const key = readKey();
      if (text[i] !== '=') {
        // Not a key/value line: skip it rather than guess (the document was validated beforehand).
        while (i < text.length && text[i] !== '\n') i++;
        continue;
      }
      i++;
      readValue([...table, ...key], 0);
    }
    mustAdvance(from, i);
  }
  return out;
}
