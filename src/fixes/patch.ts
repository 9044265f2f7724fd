// Unified diffs for fixes: written for review (`out/patches/*.patch`) and applied back strictly — every
// context and removed line must still be exactly where the patch says, or nothing is changed.
import { joinLines, splitLines, type LineEdit } from './apply.js';

const CONTEXT = 3;

/**
 * A unified diff (git style, a/ b/ prefixes) of line edits to one file. Lines in `withheld` (they hold a
 * secret) never appear as context: a hunk stops short of them, or splits around them. The caller keeps edits
 * off those lines.
 */
export function unifiedDiff(path: string, text: string, edits: LineEdit[], withheld: ReadonlySet<number> = new Set()): string {
  const lines = splitLines(text);
  const sorted = [...edits].sort((a, b) => a.line - b.line);
  // Group edits whose context windows touch into one hunk.
  const hunks: LineEdit[][] = [];
  for (const e of sorted) {
    const cur = hunks[hunks.length - 1];
    if (cur && e.line - cur[cur.length - 1].line <= 2 * CONTEXT) cur.push(e);
    else hunks.push([e]);
  }
  const out = [`--- a/${path}`, `+++ b/${path}`];
  for (const h of hunks) {
    const byLine = new Map(h.map((e) => [e.line, e]));
    const first = Math.max(1, h[0].line - CONTEXT);
    const last = Math.min(lines.length, h[h.length - 1].line + CONTEXT);
    // The window, cut at withheld lines into runs; a run without an edit is context alone and is dropped.
    for (let start = first; start <= last; ) {
      let end = start;
      while (end + 1 <= last && !withheld.has(end + 1)) end++;
      if (withheld.has(start)) {
        start++;
        continue;
      }
      const body: string[] = [];
      let edited = false;
      for (let l = start; l <= end; l++) {
        const e = byLine.get(l);
        if (e) body.push(`-${e.before}`, `+${e.after}`), (edited = true);
        else body.push(` ${lines[l - 1].body}`);
      }
      if (edited) {
        const n = end - start + 1;
        out.push(`@@ -${start},${n} +${start},${n} @@`, ...body);
        if (end === lines.length && lines[end - 1].eol === '') out.push('\\ No newline at end of file');
      }
      start = end + 1;
    }
  }
  return `${out.join('\n')}\n`;
}

export interface ParsedPatch {
  path: string;
  hunks: { start: number; old: string[]; new: string[] }[];
}

/** Parse a patch written by `unifiedDiff` (one file, hunks that keep the line count). */
export function parsePatch(text: string): ParsedPatch | { error: string; line: number } {
  const lines = text.split('\n');
  const minus = lines.findIndex((l) => l.startsWith('--- '));
  if (minus === -1 || !lines[minus + 1]?.startsWith('+++ ')) return { error: 'not a unified diff (no ---/+++ header)', line: 1 };
  const path = lines[minus + 1].slice(4).trim().replace(/^b\//, '');
  const hunks: ParsedPatch['hunks'] = [];
  for (let i = minus + 2; i < lines.length; i++) {
    const l = lines[i];
    if (l === '' || l.startsWith('\\')) continue;
    const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(l);
    if (!m) return { error: `unexpected line in the patch: ${JSON.stringify(l.slice(0, 60))}`, line: i + 1 };
    const hunk = { start: Number(m[1]), old: [] as string[], new: [] as string[] };
    const oldCount = m[2] === undefined ? 1 : Number(m[2]);
    while (hunk.old.length < oldCount || (i + 1 < lines.length && lines[i + 1].startsWith('+'))) {
      const b = lines[++i];
      if (b === undefined) return { error: 'the patch ends inside a hunk (cut short)', line: i };
      if (b.startsWith('\\')) continue;
      const tag = b[0];
      const body = b.slice(1);
      if (tag === ' ') hunk.old.push(body), hunk.new.push(body);
      else if (tag === '-') hunk.old.push(body);
      else if (tag === '+') hunk.new.push(body);
      else return { error: `unexpected line in a hunk: ${JSON.stringify(b.slice(0, 60))}`, line: i + 1 };
    }
    if (hunk.old.length !== hunk.new.length) return { error: 'the patch adds or removes lines; sentrik patches only change lines', line: i + 1 };
    hunks.push(hunk);
  }
  if (!hunks.length) return { error: 'the patch has no hunks', line: 1 };
  return { path, hunks };
}

/** Apply a parsed patch to text; on any mismatch, the 1-based line that differs (and nothing changes). */
export function applyPatch(text: string, patch: ParsedPatch): { text: string } | { mismatchAt: number; expected: string } {
  const lines = splitLines(text);
  for (const h of patch.hunks) {
    for (let k = 0; k < h.old.length; k++) {
      const got = lines[h.start - 1 + k]?.body;
      if (got !== h.old[k]) return { mismatchAt: h.start + k, expected: h.old[k] };
    }
  }
  for (const h of patch.hunks) for (let k = 0; k < h.new.length; k++) lines[h.start - 1 + k] = { ...lines[h.start - 1 + k], body: h.new[k] };
  return { text: joinLines(lines) };
}
