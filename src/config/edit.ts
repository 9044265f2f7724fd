// Edits of .sentrik/config.yaml that keep the user's file as written: the yaml Document gives the source
// range of each node, and only the text of the edited list changes — comments, quoting, flow or block
// style, blank lines and key order survive (a Document re-serialised with toString() reflows all of them).
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, isSeq, parse, parseDocument, type Document, type Node, type Pair, type YAMLSeq } from 'yaml';

export type ListEdit = { op: 'add' | 'remove'; item: string };

/**
 * `text` with `item` added to or removed from the top-level list `key`; `current` is the effective list to
 * start from when the file has none (zero-config detection), so nothing is dropped silently. Returns
 * undefined when there is nothing to do (already there, or not there).
 */
export function editTopLevelList(text: string, key: string, edit: ListEdit, current: string[]): string | undefined {
  const doc = parseDocument(text);
  const value = doc.toJS() as Record<string, unknown> | null;
  const list = Array.isArray(value?.[key]) ? (value[key] as unknown[]).map(String) : undefined;
  const before = list ?? current;
  if (edit.op === 'add' ? before.includes(edit.item) : !before.includes(edit.item)) return undefined;
  const after = edit.op === 'add' ? [...before, edit.item] : before.filter((x) => x !== edit.item);

  const pair = isMap(doc.contents) ? (doc.contents.items as Pair<Node, Node>[]).find((p) => isScalar(p.key) && p.key.value === key) : undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const spliced = pair && isSeq(pair.value) && pair.value.range ? spliceList(text, pair, pair.value, edit, list!, eol) : list === undefined && !pair && isMapOrEmpty(doc) ? appendKey(text, key, after, eol) : undefined;
  // The splice is checked by reading it back (the list is the wanted one, every other top-level key is as it
  // was); an unusual shape (a list operation such as { append: [...] }, anchors, a list inside a flow map) is
  // rewritten through the Document instead.
  if (spliced !== undefined && readsBackAs(spliced, value, key, after)) return spliced;
  doc.set(key, doc.createNode(after));
  const out = doc.toString();
  return eol === '\r\n' ? out.replace(/\r?\n/g, '\r\n') : out;
}

/** `text` (the spliced file) has `want` as `key`'s list, and every other top-level key as it was `before`. */
function readsBackAs(text: string, before: Record<string, unknown> | null, key: string, want: string[]): boolean {
  let after: Record<string, unknown>;
  try {
    after = (parse(text) as Record<string, unknown> | null) ?? {};
  } catch {
    return false;
  }
  const got = after[key];
  if (!Array.isArray(got) || got.length !== want.length || !got.every((x, i) => String(x) === want[i])) return false;
  const was = before ?? {};
  const keys = new Set([...Object.keys(was), ...Object.keys(after)]);
  keys.delete(key);
  return [...keys].every((k) => isDeepStrictEqual(was[k], after[k]));
}

function isMapOrEmpty(doc: Document): boolean {
  return doc.contents === null || isMap(doc.contents);
}

const lineStart = (text: string, at: number): number => text.lastIndexOf('\n', at - 1) + 1;
const lineEnd = (text: string, at: number): number => {
  const nl = text.indexOf('\n', at);
  return nl === -1 ? text.length : nl;
};
/** Where a line's content ends: before its `\r\n` or `\n`. */
const contentEnd = (text: string, at: number): number => {
  const end = lineEnd(text, at);
  return end > 0 && text[end - 1] === '\r' ? end - 1 : end;
};

function spliceList(text: string, pair: Pair<Node, Node>, seq: YAMLSeq, edit: ListEdit, list: string[], eol: string): string | undefined {
  const items = seq.items as Node[];
  if (!items.every((n) => isScalar(n) && n.range)) return undefined;
  const r = (n: Node): [number, number, number] => n.range as [number, number, number];
  if (seq.flow) {
    const [open, close] = [seq.range![0], seq.range![1]];
    if (edit.op === 'add') {
      if (!items.length) {
        const inner = text.slice(open + 1, close - 1);
        return `${text.slice(0, open)}[${inner.startsWith(' ') ? ` ${edit.item} ` : edit.item}]${text.slice(close)}`;
      }
      const end = r(items[items.length - 1])[1];
      return `${text.slice(0, end)}, ${edit.item}${text.slice(end)}`;
    }
    const i = list.indexOf(edit.item);
    if (items.length === 1) {
      // `[ x ]` becomes `[]`: the brackets are collapsed inside this list's own text, nowhere else.
      const rest = `${text.slice(open, r(items[0])[0])}${text.slice(r(items[0])[1], close)}`.replace(/\[\s+\]/, '[]');
      return text.slice(0, open) + rest + text.slice(close);
    }
    // The item and the separator after it; the last one takes the separator before it.
    const [from, to] = i < items.length - 1 ? [r(items[i])[0], r(items[i + 1])[0]] : [r(items[i - 1])[1], r(items[i])[1]];
    return text.slice(0, from) + text.slice(to);
  }
  if (edit.op === 'add') {
    const last = items[items.length - 1];
    if (!last) return undefined;
    // The new item copies the last one's indentation and dash.
    const prefix = text.slice(lineStart(text, r(last)[0]), r(last)[0]);
    if (!/^\s*-\s+$/.test(prefix)) return undefined;
    const end = contentEnd(text, r(last)[1]);
    return `${text.slice(0, end)}${eol}${prefix}${edit.item}${text.slice(end)}`;
  }
  const item = items[list.indexOf(edit.item)];
  const from = lineStart(text, r(item)[0]);
  if (!/^\s*-\s+$/.test(text.slice(from, r(item)[0]))) return undefined;
  const to = Math.min(text.length, lineEnd(text, r(item)[1]) + 1);
  let out = text.slice(0, from) + text.slice(to);
  if (items.length === 1) {
    // The list is now empty: `key:` alone would be null, so it becomes `key: []`.
    const colon = text.indexOf(':', pair.key!.range![1]);
    if (colon === -1 || colon > from) return undefined;
    out = `${out.slice(0, colon + 1)} []${out.slice(colon + 1)}`;
  }
  return out;
}

/** A file without the key: the list is appended as a last line, in flow style. */
function appendKey(text: string, key: string, items: string[], eol: string): string {
  const sep = text === '' || text.endsWith('\n') ? '' : eol;
  return `${text}${sep}${key}: [${items.join(', ')}]${eol}`;
}
