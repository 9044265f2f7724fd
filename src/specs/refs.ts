// `$ref` handling. Checks follow local references lazily (`deref`), so a schema is analysed once, at the
// place it is defined, and recursive schemas (a Tree whose children are Trees) cost nothing extra. Import
// validates every reference up front (`checkRefs`): one that points nowhere, or a chain of references that
// loops without reaching a definition, is a one-line error naming the file and line of the `$ref`.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { SentrikError } from '../util/errors.js';
import { insideRootOrUndefined, toPosix } from '../util/paths.js';
import { isObj, isPlainObject, parseSpecText, type JsonObject, type PosDoc } from './doc.js';

const MAX_HOPS = 64;

/** The `$ref` string of a Reference Object, if `v` is one. */
export function refOf(v: unknown): string | undefined {
  return isPlainObject(v) && typeof v.$ref === 'string' ? v.$ref : undefined;
}

/** Follows local `$ref`s to the definition; undefined when a reference is external, broken or loops. */
export function deref(doc: PosDoc, v: unknown): unknown {
  let cur = v;
  for (let hops = 0; hops < MAX_HOPS; hops++) {
    const ref = refOf(cur);
    if (ref === undefined) return cur;
    const target = doc.pointer(ref);
    if (!target) return undefined;
    cur = target.value;
  }
  return undefined;
}

/** Subtrees that hold literal data, not API description: `$ref`s inside them are not references. */
const LITERAL_KEYS = new Set(['example', 'default', 'enum', 'const']);

export interface RefReport {
  /** References checked. */
  local: number;
  /** External references (other files or URLs) left unresolved because following them was not allowed. */
  externalSkipped: string[];
  /** External files read (when allowed). */
  externalFiles: string[];
}

export interface RefOptions {
  /** Follow references into other local files (never URLs: no network). */
  external: boolean;
  /** Absolute path of the spec (external references are relative to it). */
  absPath: string;
  /** External files must lie inside this directory (the project root). */
  root: string;
}

/** Validate every `$ref` of the document; throws SentrikError (file:line) for a broken reference or a loop. */
export function checkRefs(doc: PosDoc, opts: RefOptions): RefReport {
  const report: RefReport = { local: 0, externalSkipped: [], externalFiles: [] };
  const loaded = new Map<string, PosDoc>([[opts.absPath, doc]]);
  const queue: { doc: PosDoc; abs: string }[] = [{ doc, abs: opts.absPath }];
  while (queue.length) {
    const { doc: d, abs } = queue.shift()!;
    walkRefs(d, (ref, holder) => {
      const line = d.at(holder, '$ref')?.line;
      const hash = ref.indexOf('#');
      const target = hash === -1 ? ref : ref.slice(0, hash);
      const fragment = hash === -1 ? '#' : ref.slice(hash);
      if (target === '') {
        report.local++;
        followLocal(d, ref, line);
        return;
      }
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || !opts.external) {
        if (!report.externalSkipped.includes(ref)) report.externalSkipped.push(ref);
        return;
      }
      const file = insideRootOrUndefined(opts.root, resolve(dirname(abs), decodeURIComponent(target)));
      if (!file) throw new SentrikError(`$ref '${ref}' points outside the project`, d.file, line, 'keep referenced files inside the project root (a symbolic link counts where it leads)');
      let other = loaded.get(file);
      if (!other) {
        if (!existsSync(file) || !statSync(file).isFile()) throw new SentrikError(`unresolvable $ref '${ref}': no such file`, d.file, line, 'fix the path (it is relative to the file that holds the $ref)');
        other = parseSpecText(readFileSync(file, 'utf8'), toPosix(relative(opts.root, file)));
        loaded.set(file, other);
        report.externalFiles.push(other.file);
        queue.push({ doc: other, abs: file });
      }
      if (fragment !== '#' && !other.pointer(fragment)) throw new SentrikError(`unresolvable $ref '${ref}': ${fragment} is not in ${other.file}`, d.file, line, 'point the reference at an existing definition');
    });
  }
  return report;
}

function followLocal(doc: PosDoc, ref: string, line: number | undefined): void {
  const chain = [ref];
  let cur = ref;
  for (;;) {
    const target = doc.pointer(cur);
    if (!target) {
      const hint = cur === ref ? 'point the reference at an existing definition (JSON pointer, e.g. #/components/schemas/Pet)' : `it leads to '${cur}', which does not exist`;
      throw new SentrikError(`unresolvable $ref '${ref}'`, doc.file, line, hint);
    }
    const next = refOf(target.value);
    if (next === undefined || !next.startsWith('#')) return;
    if (chain.includes(next)) {
      throw new SentrikError(`reference cycle: ${[...chain, next].join(' → ')}`, doc.file, line, 'one of these must define something instead of referring on');
    }
    chain.push(next);
    cur = next;
    if (chain.length > MAX_HOPS) throw new SentrikError(`reference chain longer than ${MAX_HOPS}: '${ref}'`, doc.file, line, 'refer to the definition directly');
  }
}

/** Calls `fn` for every reference in the document (iteratively: no stack limits, shared nodes visited once). */
export function walkRefs(doc: PosDoc, fn: (ref: string, holder: JsonObject) => void): void {
  const seen = new Set<object>();
  const stack: unknown[] = [doc.root];
  while (stack.length) {
    const v = stack.pop();
    if (!isObj(v) || seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
      continue;
    }
    const o = v as JsonObject;
    if (typeof o.$ref === 'string') fn(o.$ref, o);
    for (const k of Object.keys(o)) {
      if (LITERAL_KEYS.has(k) || k.startsWith('x-')) continue;
      stack.push(o[k]);
    }
  }
}
