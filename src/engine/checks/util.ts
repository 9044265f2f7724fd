// Small helpers shared by checks: turning nodes and shell words into RawMatches.
import type { Node, Pair } from 'yaml';
import type { RawMatch } from '../matchers/matcher.js';
import type { Word } from '../formats/shell.js';
import type { ScriptSource } from '../formats/script-source.js';
import { posOf, type YamlDoc } from '../formats/yaml-doc.js';
import { compileRegex, testRegex, type SafeRegex } from '../regex.js';

export function atNode(y: YamlDoc, n: Node | Pair | undefined | null, extra: Partial<RawMatch> = {}): RawMatch[] {
  const p = posOf(y, n);
  if (!p) return [];
  return [{ line: p.line, column: p.column, matched: extra.matched ?? y.file.lineText(p.line).trim(), ...extra }];
}

export function atOffset(src: ScriptSource, start: number, end: number, extra: Partial<RawMatch> = {}): RawMatch {
  const a = src.at(start);
  const b = src.at(Math.max(start, end));
  return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column, matched: src.text.slice(start, end), ...extra };
}

export function atWord(src: ScriptSource, w: Word, extra: Partial<RawMatch> = {}): RawMatch {
  return atOffset(src, w.start, w.end, extra);
}

/** One finding per line: the first wins. */
export function onePerLine(matches: RawMatch[]): RawMatch[] {
  const seen = new Set<string>();
  return matches.filter((m) => {
    const k = `${m.file ?? ''}:${m.line}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Lower-case glob-ish name matching: `owner/*`, `*` and exact names. */
export function nameMatches(name: string, globs: readonly string[]): boolean {
  const n = name.toLowerCase();
  return globs.some((g) => {
    const gl = g.toLowerCase();
    if (gl.endsWith('/*')) return n.startsWith(gl.slice(0, -1));
    if (gl === '*') return true;
    return n === gl || n.startsWith(`${gl}/`);
  });
}

export function regexes(patterns: readonly string[] | undefined): SafeRegex[] {
  return (patterns ?? []).map((p) => compileRegex(p));
}

export function anyMatch(res: SafeRegex[], text: string): boolean {
  return res.some((r) => testRegex(r, text));
}

/** Truthiness of a YAML/action input as GitHub and most actions read it. */
export function truthy(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  const s = v.trim().toLowerCase();
  if (['false', 'no', 'off', '0', 'n', ''].includes(s)) return false;
  return true;
}

export function isLoopback(url: string): boolean {
  return /^[a-z+]+:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\]|0\.0\.0\.0)([:/]|$)/i.test(url);
}
