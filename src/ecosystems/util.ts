// Helpers the ecosystem parsers share: line lookup in the raw text, safe JSON/TOML/YAML parsing that turns
// errors into problems with a line, and the dependency-graph walk that derives direct/dev/chain.
import { posix } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parseDocument } from 'yaml';
import { lineStarts, positionIn } from '../util/lines.js';
import type { OsvEcosystem, Package, ParseProblem, ParseResult, ProjectIdentity, Unchecked } from './types.js';

/** Finds the 1-based line of the first occurrence of a string; cheap enough for 100k-line lockfiles. */
export class LineFinder {
  private readonly starts: number[];
  constructor(private readonly text: string) {
    this.starts = lineStarts(text);
  }
  lineAt(offset: number): number {
    return positionIn(this.starts, offset).line;
  }
  /** Line of `needle` (searching from `fromLine`), or undefined when absent. */
  find(needle: string, fromLine = 1): number | undefined {
    const at = this.text.indexOf(needle, this.starts[Math.max(0, fromLine - 1)] ?? 0);
    return at === -1 ? undefined : this.lineAt(at);
  }
  /**
   * Line of `needle` at or after `cursor.offset`, moving the cursor there: a document's entries found in
   * order, in linear time even when it is all on one line (a minified package-lock.json).
   */
  next(needle: string, cursor: { offset: number }): number | undefined {
    const at = this.text.indexOf(needle, cursor.offset);
    if (at === -1) return undefined;
    cursor.offset = at;
    return this.lineAt(at);
  }
}

/** A replacement of text[start, end) by `text`: how the manifest editors change a file without re-serialising it. */
export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** Applies non-overlapping splices, the latest offset first so earlier offsets stay valid. */
export function applySplices(text: string, splices: Iterable<Splice>): string {
  let out = text;
  for (const s of [...splices].sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

export class BadFile extends Error {
  constructor(
    message: string,
    public readonly line?: number,
  ) {
    super(message);
  }
}

/** Runs a parser body; any failure becomes a problem naming the file (and line when known), never a throw. */
export function guarded(file: string, body: () => ParseResult): ParseResult {
  try {
    return body();
  } catch (err) {
    const line = err instanceof BadFile ? err.line : undefined;
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { packages: [], problems: [{ file, line, message: `cannot parse: ${message}` }] };
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const lineCol = /line (\d+)/.exec(msg);
    const line = pos ? new LineFinder(text).lineAt(Number(pos[1])) : lineCol ? Number(lineCol[1]) : text.split('\n').length;
    throw new BadFile(`invalid JSON (${msg.replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '')})`, line);
  }
}

export function parseTomlText(text: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (err) {
    const e = err as { message: string; line?: number };
    throw new BadFile(`invalid TOML (${e.message.split('\n')[0]})`, e.line);
  }
}

export function parseYamlText(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: false });
  const err = doc.errors[0];
  if (err) throw new BadFile(`invalid YAML (${err.message.split('\n')[0]})`, err.linePos?.[0]?.line);
  return doc.toJS({ maxAliasCount: 1000 });
}

/** A literal string as a regular expression source (for names and versions, never user patterns). */
export { escapeRegex as escapeRe } from '../engine/regex.js';

/** A project identity from a build file's name and version fields; undefined without a usable name. */
export function identityOf(name: unknown, version: unknown): ProjectIdentity | undefined {
  const n = str(name)?.trim();
  if (!n) return undefined;
  const v = str(version)?.trim();
  // A version filled in at build time (Maven's `${revision}`) says nothing.
  return { name: n, ...(v && !v.includes('${') && { version: v }) };
}

/** A JSON build file's `name` and `version` (package.json, composer.json). Never throws. */
export function jsonIdentity(text: string): ProjectIdentity | undefined {
  return readIdentity(() => {
    const json = parseJson(text);
    return isRecord(json) ? identityOf(json.name, json.version) : undefined;
  });
}

/** Never throws: a build file that does not parse names no project. */
export function readIdentity(read: () => ProjectIdentity | undefined): ProjectIdentity | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Where the shortest path from a root reaches a package: the key it came from (none for a root) and how deep. */
interface Step {
  parent?: string;
  depth: number;
  /** The ancestor at depth CHAIN_HEAD - 1 (itself at that depth): where a long chain's first names end. */
  headEnd?: string;
}

/** Longest chain shown whole; a longer one keeps its first CHAIN_HEAD and last CHAIN_TAIL names around '…'. */
const MAX_CHAIN = 10;
const CHAIN_HEAD = 4;
const CHAIN_TAIL = 5;

/**
 * Given packages whose `dependencies` hold keys of other packages, and the keys the project itself declares
 * (prod and dev), set `direct`, `dev` (reachable only through dev roots) and `chain` (shortest path from a
 * direct dependency). Packages the walk never reaches keep what the parser set. The walk keeps one parent
 * per package and `chain` is built when read: a copy of every path would take quadratic memory on a deep
 * graph (a 30,000-package chain exhausted the heap).
 */
export function applyGraph(packages: Package[], prodRoots: Iterable<string>, devRoots: Iterable<string>, keyOf: (p: Package) => string = (p) => `${p.name}@${p.version}`): void {
  const byKey = new Map<string, Package[]>();
  for (const p of packages) {
    const k = keyOf(p);
    const list = byKey.get(k);
    if (list) list.push(p);
    else byKey.set(k, [p]);
  }
  const walk = (roots: Iterable<string>): Map<string, Step> => {
    const steps = new Map<string, Step>();
    const queue: string[] = [];
    for (const r of roots) {
      if (byKey.has(r) && !steps.has(r)) {
        steps.set(r, { depth: 0 });
        queue.push(r);
      }
    }
    for (let i = 0; i < queue.length; i++) {
      const k = queue[i];
      const from = steps.get(k)!;
      for (const d of byKey.get(k)![0].dependencies ?? []) {
        if (!byKey.has(d) || steps.has(d)) continue;
        const depth = from.depth + 1;
        steps.set(d, { parent: k, depth, headEnd: depth === CHAIN_HEAD - 1 ? d : from.headEnd });
        queue.push(d);
      }
    }
    return steps;
  };
  const prod = walk(prodRoots);
  const dev = walk(devRoots);
  const direct = new Set([...prodRoots, ...devRoots]);
  const nameOf = (k: string): string => byKey.get(k)![0].name;
  /** `count` names walking up from `k`, in root-first order. */
  const upFrom = (steps: Map<string, Step>, k: string | undefined, count: number): string[] => {
    const names: string[] = [];
    for (let at = k; at !== undefined && names.length < count; at = steps.get(at)!.parent) names.push(nameOf(at));
    return names.reverse();
  };
  for (const [k, list] of byKey) {
    const steps = prod.has(k) ? prod : dev.has(k) ? dev : undefined;
    if (!steps) continue;
    const step = steps.get(k)!;
    for (const p of list) {
      p.direct = direct.has(k);
      p.dev = !prod.has(k);
      if (step.depth === 0) continue;
      // Each read walks at most MAX_CHAIN parents: the head through headEnd, the tail from the parent.
      lazyChain(p, () =>
        step.depth < MAX_CHAIN
          ? [...upFrom(steps, step.parent, step.depth), p.name]
          : [...upFrom(steps, step.headEnd, CHAIN_HEAD), '…', ...upFrom(steps, step.parent, CHAIN_TAIL - 1), p.name],
      );
    }
  }
}

/** `chain` built when first read (most packages' never is), then kept as plain data. */
function lazyChain(p: Package, build: () => string[]): void {
  const settle = (value: string[] | undefined): string[] | undefined => {
    Object.defineProperty(p, 'chain', { value, writable: true, enumerable: true, configurable: true });
    return value;
  };
  Object.defineProperty(p, 'chain', { get: () => settle(build()), set: settle, enumerable: true, configurable: true });
}

/** Dependencies installed from git, a URL or a folder: listed as not checked (no advisory is about them). */
export function installedFromElsewhere(file: string, ecosystem: OsvEcosystem, entries: readonly { name: string; line?: number }[]): Unchecked | undefined {
  if (!entries.length) return undefined;
  const sorted = [...entries].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return {
    file,
    line: sorted[0].line,
    ecosystem,
    reason: 'not-registry',
    names: [...new Set(sorted.map((p) => p.name))],
    fix: 'advisories are about registry releases: review these sources yourself, or depend on a published version',
  };
}

export function result(packages: Package[], problems: ParseProblem[] = []): ParseResult {
  return { packages, problems };
}

/**
 * Whether a lockfile covers the manifest at `file`: one sits in its folder, or — when `fromAbove` accepts
 * its name — in a folder above it (a Cargo or uv workspace root's lockfile covers its members).
 */
export function lockfileCovers(file: string, lockfiles: readonly string[], fromAbove: (lockfileName: string) => boolean = () => false): boolean {
  const dir = posix.dirname(file);
  return lockfiles.some((l) => {
    const at = posix.dirname(l);
    return at === dir || (fromAbove(posix.basename(l)) && (at === '.' || dir.startsWith(`${at}/`)));
  });
}

/** 1-based line of the first line `pattern` matches (multiline), or undefined. */
export function firstLineMatching(text: string, pattern: RegExp): number | undefined {
  const m = new RegExp(pattern.source, `${pattern.flags.replace(/[gm]/g, '')}m`).exec(text);
  return m ? new LineFinder(text).lineAt(m.index) : undefined;
}
