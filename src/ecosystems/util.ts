// Helpers the ecosystem parsers share: line lookup in the raw text, safe JSON/TOML/YAML parsing that turns
// errors into problems with a line, and the dependency-graph walk that derives direct/dev/chain.
import { posix } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parseDocument } from 'yaml';
import type { Package, ParseProblem, ParseResult, ProjectIdentity } from './types.js';

/** Finds the 1-based line of the first occurrence of a string; cheap enough for 100k-line lockfiles. */
export class LineFinder {
  private starts: number[] = [0];
  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
  /** Line of `needle` (searching from `fromLine`), or undefined when absent. */
  find(needle: string, fromLine = 1): number | undefined {
    const at = this.text.indexOf(needle, this.starts[Math.max(0, fromLine - 1)] ?? 0);
    return at === -1 ? undefined : this.lineAt(at);
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

/**
 * Given packages whose `dependencies` hold keys of other packages, and the keys the project itself declares
 * (prod and dev), set `direct`, `dev` (reachable only through dev roots) and `chain` (shortest path from a
 * direct dependency). Packages the walk never reaches keep what the parser set.
 */
export function applyGraph(packages: Package[], prodRoots: Iterable<string>, devRoots: Iterable<string>, keyOf: (p: Package) => string = (p) => `${p.name}@${p.version}`): void {
  const byKey = new Map<string, Package[]>();
  for (const p of packages) {
    const k = keyOf(p);
    const list = byKey.get(k);
    if (list) list.push(p);
    else byKey.set(k, [p]);
  }
  const walk = (roots: Iterable<string>): Map<string, string[]> => {
    const chains = new Map<string, string[]>();
    const queue: string[] = [];
    for (const r of roots) {
      if (byKey.has(r) && !chains.has(r)) {
        chains.set(r, []);
        queue.push(r);
      }
    }
    for (let i = 0; i < queue.length; i++) {
      const k = queue[i];
      const from = byKey.get(k)![0];
      for (const d of from.dependencies ?? []) {
        if (!byKey.has(d) || chains.has(d)) continue;
        chains.set(d, [...chains.get(k)!, from.name]);
        queue.push(d);
      }
    }
    return chains;
  };
  const prod = walk(prodRoots);
  const dev = walk(devRoots);
  const direct = new Set([...prodRoots, ...devRoots]);
  for (const [k, list] of byKey) {
    if (!prod.has(k) && !dev.has(k)) continue;
    for (const p of list) {
      p.direct = direct.has(k);
      p.dev = !prod.has(k);
      const chain = prod.get(k) ?? dev.get(k)!;
      if (chain.length) p.chain = [...chain, p.name];
    }
  }
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
