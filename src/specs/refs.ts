// `$ref` handling. Checks follow references lazily (`deref`), so a schema is analysed once, at the place it is
// defined, and recursive schemas (a Tree whose children are Trees) cost nothing extra. Every reference is also
// validated (`resolveRefs`): one that points nowhere, or a chain of references that loops without reaching a
// definition (within a file or across files), is a problem naming the file and line of the `$ref` — an error
// for import, a reported problem in a scan, which goes on. External files are read only when allowed
// (import-spec --external-refs), inside the project root; once read, `deref` follows references into them.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { SentrikError } from '../util/errors.js';
import { insideRootOrUndefined, toPosix } from '../util/paths.js';
import { isObj, isPlainObject, parseSpecText, type JsonObject, type PosDoc, type SpecFileSet } from './doc.js';

const MAX_HOPS = 64;

/** The `$ref` string of a Reference Object, if `v` is one. */
export function refOf(v: unknown): string | undefined {
  return isPlainObject(v) && typeof v.$ref === 'string' ? v.$ref : undefined;
}

/**
 * Follows `$ref`s to the definition: local ones, and into the other files of the spec once they are loaded
 * (see SpecFiles); undefined when a reference is external and not loaded, broken, or loops.
 */
export function deref(doc: PosDoc, v: unknown): unknown {
  let cur = v;
  for (let hops = 0; hops < MAX_HOPS; hops++) {
    const ref = refOf(cur);
    if (ref === undefined) return cur;
    // A reference is relative to the file that holds it.
    const from = doc.ownerOf(cur);
    const target = ref.startsWith('#') ? from.pointer(ref) : doc.files?.external(from, ref);
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
  /** Where the first of them is. */
  firstSkipped?: { file: string; line?: number };
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

/** The files of one spec: the spec itself and the local files its references reach (when allowed), by real path. */
export class SpecFiles implements SpecFileSet {
  readonly docs: PosDoc[] = [];
  private readonly byAbs = new Map<string, PosDoc>();
  private readonly absOf = new Map<PosDoc, string>();
  private readonly located = new Map<string, string | undefined>();

  constructor(
    main: PosDoc,
    private readonly opts: RefOptions,
  ) {
    this.add(main, opts.absPath);
  }

  add(doc: PosDoc, abs: string): void {
    this.docs.push(doc);
    this.byAbs.set(abs, doc);
    this.absOf.set(doc, abs);
  }

  /** The real path of the file a reference in `from` names, if it is inside the project root. */
  locate(from: PosDoc, target: string): string | undefined {
    // deref asks again for every use of a reference: resolve each one once (realpath costs system calls).
    const key = `${this.absOf.get(from)}\0${target}`;
    if (!this.located.has(key)) this.located.set(key, this.realLocation(from, target));
    return this.located.get(key);
  }

  private realLocation(from: PosDoc, target: string): string | undefined {
    let name = target;
    try {
      name = decodeURIComponent(target);
    } catch {
      /* keep as written */
    }
    return insideRootOrUndefined(this.opts.root, resolve(dirname(this.absOf.get(from) ?? this.opts.absPath), name));
  }

  loaded(abs: string): PosDoc | undefined {
    return this.byAbs.get(abs);
  }

  /** The value an external reference written in `from` points to, in a file already loaded. */
  external(from: PosDoc, ref: string): { value: unknown } | undefined {
    const { target, fragment } = splitRef(ref);
    if (isUrl(target)) return undefined;
    const abs = this.locate(from, target);
    return abs === undefined ? undefined : this.byAbs.get(abs)?.pointer(fragment);
  }

  fileOf(doc: PosDoc): string {
    return this.absOf.get(doc) ?? this.opts.absPath;
  }
}

function splitRef(ref: string): { target: string; fragment: string } {
  const hash = ref.indexOf('#');
  return hash === -1 ? { target: ref, fragment: '#' } : { target: ref.slice(0, hash), fragment: ref.slice(hash) || '#' };
}

function isUrl(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target);
}

type Step = { doc: PosDoc; value: unknown; address: string } | { problem: SentrikError } | 'skipped';

/**
 * Check every `$ref` of the spec (and of the files it reaches, when allowed): the problems, first by file then
 * by line, the report, and the files read. Never throws for a broken reference.
 */
export function resolveRefs(doc: PosDoc, opts: RefOptions): { report: RefReport; problems: SentrikError[]; files: SpecFiles } {
  const report: RefReport = { local: 0, externalSkipped: [], externalFiles: [] };
  const files = new SpecFiles(doc, opts);
  const problems: { problem: SentrikError; order: number }[] = [];
  const queue: PosDoc[] = [doc];

  /** One hop: where `ref`, written in `from` at `line`, points (loading the file it names when allowed). */
  const step = (from: PosDoc, ref: string, line: number | undefined): Step => {
    const { target, fragment } = splitRef(ref);
    let to = from;
    if (target !== '') {
      if (isUrl(target) || !opts.external) {
        if (!report.externalSkipped.includes(ref)) report.externalSkipped.push(ref);
        report.firstSkipped ??= { file: from.file, line };
        return 'skipped';
      }
      const abs = files.locate(from, target);
      if (!abs) return { problem: new SentrikError(`$ref '${ref}' points outside the project`, from.file, line, 'keep referenced files inside the project root (a symbolic link counts where it leads)') };
      let other = files.loaded(abs);
      if (!other) {
        if (!existsSync(abs) || !statSync(abs).isFile()) return { problem: new SentrikError(`unresolvable $ref '${ref}': no such file`, from.file, line, 'fix the path (it is relative to the file that holds the $ref)') };
        try {
          other = parseSpecText(readFileSync(abs, 'utf8'), toPosix(relative(opts.root, abs)));
        } catch (err) {
          if (err instanceof SentrikError) return { problem: err };
          throw err;
        }
        files.add(other, abs);
        report.externalFiles.push(other.file);
        queue.push(other);
      }
      to = other;
    }
    const found = to.pointer(fragment);
    if (!found) {
      const what = target === '' ? `unresolvable $ref '${ref}'` : `unresolvable $ref '${ref}': ${fragment} is not in ${to.file}`;
      return { problem: new SentrikError(what, from.file, line, 'point the reference at an existing definition (JSON pointer, e.g. #/components/schemas/Pet)') };
    }
    return { doc: to, value: found.value, address: `${files.fileOf(to)}${fragment === '#' ? '' : fragment}` };
  };

  /** Follow a reference to its definition: a problem if it points nowhere or its chain loops. */
  const follow = (from: PosDoc, ref: string, line: number | undefined): SentrikError | undefined => {
    const first = step(from, ref, line);
    if (first === 'skipped') return undefined;
    if ('problem' in first) return first.problem;
    const chain = [ref];
    const reached = new Set([first.address]);
    let cur = first;
    for (;;) {
      const next = refOf(cur.value);
      if (next === undefined) return undefined;
      chain.push(next);
      if (chain.length > MAX_HOPS) return new SentrikError(`reference chain longer than ${MAX_HOPS}: '${ref}'`, from.file, line, 'refer to the definition directly');
      // A broken link further on is reported at its own $ref; here only whether the chain ends.
      const s = step(cur.doc, next, cur.doc.at(cur.value, '$ref')?.line);
      if (s === 'skipped' || 'problem' in s) return undefined;
      if (reached.has(s.address)) return new SentrikError(`reference cycle: ${chain.join(' → ')}`, from.file, line, 'one of these must define something instead of referring on');
      reached.add(s.address);
      cur = s;
    }
  };

  for (let d = 0; d < queue.length; d++) {
    const current = queue[d];
    walkRefs(current, (ref, holder) => {
      const line = current.at(holder, '$ref')?.line;
      if (ref.startsWith('#')) report.local++;
      const problem = follow(current, ref, line);
      if (problem) problems.push({ problem, order: d * 1e9 + (problem.line ?? 0) });
    });
  }
  problems.sort((a, b) => a.order - b.order);
  return { report, problems: problems.map((p) => p.problem), files };
}

/**
 * The `$ref` problems a scan reports for one spec file: broken and looping references, and external ones,
 * which a scan does not follow. Each file's result is cached by that file's content alone, so a result that
 * depended on other files would go stale when they change (and findings in them would belong to files the rule
 * is not scanning); `import-spec --external-refs` reads them, inside the project root.
 */
export function scanRefProblems(doc: PosDoc): { line?: number; message: string }[] {
  const { report, problems } = resolveRefs(doc, { external: false, absPath: resolve(doc.file), root: resolve('.') });
  const out = problems.map((p) => ({ line: p.line, message: `${p.message} — ${p.hint}` }));
  const skipped = report.externalSkipped;
  if (skipped.length) {
    const local = skipped.some((r) => !isUrl(r));
    out.push({
      line: report.firstSkipped?.line,
      message: `${skipped.length} external $ref(s) not followed (e.g. '${skipped[0]}'): a scan checks each file on its own, so what they point to was not checked — ${local ? `\`sentrik import-spec ${doc.file} --external-refs\` checks the local files they name; or bundle the spec into one file` : 'bundle the spec into one file to have it checked'}`,
    });
  }
  return out;
}

/** Validate every `$ref` of the document; throws SentrikError (file:line) for a broken reference or a loop. */
export function checkRefs(doc: PosDoc, opts: RefOptions): RefReport {
  const { report, problems } = resolveRefs(doc, opts);
  if (problems.length) throw problems[0];
  return report;
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
