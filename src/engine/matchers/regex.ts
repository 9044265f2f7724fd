// `regex`: line-oriented pattern rules with AND / NOT combinations and context conditions.
//
//   match:
//     any: ['curl\b[^|\n]*\|\s*(sudo\s+)?(ba|z|da)?sh\b']   # a hit of any of these is a candidate
//     all: ['https?://']              # every one must also match the candidate's line
//     not: ['--dry-run']              # none may match the candidate's line
//     not_near: { pattern: 'sha256sum', lines: 3 }   # none within N lines around
//     inside: { start: '^\s*steps:', end: '^\S' }      # only between a start and an end line (optional)
//     file_requires: ['express']      # the file must contain one of these anywhere
//     file_excludes: ['@generated']   # skip files containing any of these
//     keywords: ['curl']              # literal prefilter (lower-case); derived when omitted
//     ignore_case: true
//     secret_group: 1                 # the capture group is a credential: masked everywhere
import { z } from 'zod';
import { compileRegex, allMatches, testRegex, type SafeRegex } from '../regex.js';
import type { SourceFile } from '../source.js';
import type { MatcherKind, RawMatch } from './matcher.js';

const pattern = z.string().min(1);

export const regexMatchSchema = z
  .object({
    any: z.array(pattern).min(1),
    all: z.array(pattern).optional(),
    not: z.array(pattern).optional(),
    not_near: z.object({ pattern, lines: z.number().int().min(0).max(200) }).strict().optional(),
    inside: z.object({ start: pattern, end: pattern.optional() }).strict().optional(),
    file_requires: z.array(pattern).optional(),
    file_excludes: z.array(pattern).optional(),
    keywords: z.array(z.string().min(2)).optional(),
    ignore_case: z.boolean().optional(),
    secret_group: z.number().int().min(0).optional(),
  })
  .strict();

export type RegexMatch = z.infer<typeof regexMatchSchema>;

export const regexKind: MatcherKind<RegexMatch> = {
  kind: 'regex',
  scope: 'file',
  schema: regexMatchSchema,
  compile(m) {
    const ic = m.ignore_case ?? false;
    const c = (p: string): SafeRegex => compileRegex(p, { ignoreCase: ic });
    const any = m.any.map(c);
    const all = (m.all ?? []).map(c);
    const not = (m.not ?? []).map(c);
    const near = m.not_near ? { re: c(m.not_near.pattern), lines: m.not_near.lines } : undefined;
    const inside = m.inside ? { start: c(m.inside.start), end: m.inside.end ? c(m.inside.end) : undefined } : undefined;
    const requires = (m.file_requires ?? []).map(c);
    const excludes = (m.file_excludes ?? []).map(c);
    const keywords = m.keywords?.map((k) => k.toLowerCase()) ?? deriveKeywords(m.any, ic);

    return {
      scope: 'file',
      keywords,
      match(file: SourceFile): RawMatch[] {
        const input = file.re2Input;
        if (requires.length && !requires.some((re) => testRegex(re, input))) return [];
        if (excludes.some((re) => testRegex(re, input))) return [];
        const ranges = inside ? insideRanges(file, inside.start, inside.end) : undefined;
        const out: RawMatch[] = [];
        const seenLines = new Set<number>();
        for (const re of any) {
          for (const hit of allMatches(re, input)) {
            const start = file.position(hit.index);
            if (seenLines.has(start.line)) continue; // one finding per line and rule
            const lineText = file.lineText(start.line);
            if (all.some((r) => !testRegex(r, lineText))) continue;
            if (not.some((r) => testRegex(r, lineText))) continue;
            if (near && nearLines(file, start.line, near.lines).some((l) => testRegex(near.re, l))) continue;
            if (ranges && !ranges.some(([a, b]) => start.line >= a && start.line <= b)) continue;
            seenLines.add(start.line);
            const end = file.position(hit.index + hit.text.length);
            const group = m.secret_group !== undefined ? hit.groups[m.secret_group - 1] : undefined;
            out.push({
              line: start.line,
              column: start.column,
              endLine: end.line,
              endColumn: end.column,
              matched: group ?? hit.text,
              secret: m.secret_group !== undefined,
            });
          }
        }
        return out;
      },
    };
  },
};

function nearLines(file: SourceFile, line: number, n: number): string[] {
  const from = Math.max(1, line - n);
  const to = Math.min(file.lineCount, line + n);
  const out: string[] = [];
  for (let l = from; l <= to; l++) out.push(file.lineText(l));
  return out;
}

/** Line ranges [start, end] that begin at a `start` match and run to the next `end` match (or EOF). */
function insideRanges(file: SourceFile, start: SafeRegex, end?: SafeRegex): [number, number][] {
  const out: [number, number][] = [];
  let open: number | undefined;
  const lines = file.lines;
  for (let i = 0; i < lines.length; i++) {
    const l = i + 1;
    if (open === undefined) {
      if (testRegex(start, lines[i])) open = l;
    } else if (end && l > open && testRegex(end, lines[i])) {
      out.push([open, l - 1]);
      open = testRegex(start, lines[i]) ? l : undefined;
    }
  }
  if (open !== undefined) out.push([open, lines.length]);
  return out;
}

/**
 * Derive a literal prefilter from patterns: the longest literal run (≥ 3 chars) that every match of a
 * pattern must contain. If any pattern has no such literal, there is no prefilter (undefined).
 */
export function deriveKeywords(patterns: string[], ignoreCase: boolean): string[] | undefined {
  const out: string[] = [];
  for (const p of patterns) {
    const lit = requiredLiteral(p.startsWith('(?i)') ? p.slice(4) : p);
    if (!lit) return undefined;
    out.push(lit.toLowerCase()); // keywords are matched case-insensitively
  }
  return [...new Set(out)];
}

/**
 * Longest literal that is mandatory in every match: only top-level (not inside groups, alternations or
 * optional quantifiers) literal characters count. Conservative: returns undefined when unsure.
 */
function requiredLiteral(p: string): string | undefined {
  if (/(^|[^\\])\|/.test(topLevel(p))) return undefined; // top-level alternation: no single literal
  let best = '';
  let cur = '';
  let depth = 0;
  const flush = (): void => {
    if (cur.length > best.length) best = cur;
    cur = '';
  };
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    if (ch === '\\') {
      const nx = p[i + 1];
      i++;
      if (depth === 0 && nx !== undefined && /[^\w]/.test(nx) && !isQuantified(p, i + 1)) cur += nx;
      else flush();
      continue;
    }
    if (ch === '(') { depth++; flush(); continue; }
    if (ch === ')') { depth--; flush(); if (isQuantifier(p[i + 1])) i++; continue; }
    if (ch === '[') {
      flush();
      // skip the class
      i++;
      if (p[i] === '^') i++;
      if (p[i] === ']') i++;
      while (i < p.length && p[i] !== ']') { if (p[i] === '\\') i++; i++; }
      continue;
    }
    if (depth > 0) continue;
    if ('.^$'.includes(ch)) { flush(); continue; }
    if (isQuantifier(ch)) { flush(); continue; }
    if (isQuantified(p, i + 1)) {
      // this char may repeat or be absent: it ends the literal run
      flush();
      continue;
    }
    cur += ch;
  }
  flush();
  return best.length >= 3 ? best : undefined;
}

function isQuantifier(ch: string | undefined): boolean {
  return ch === '*' || ch === '+' || ch === '?' || ch === '{';
}

function isQuantified(p: string, next: number): boolean {
  const ch = p[next];
  return ch === '*' || ch === '?' || ch === '{' || ch === '+';
}

/** The pattern with every group's content blanked, to look for top-level operators. */
function topLevel(p: string): string {
  let out = '';
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    if (ch === '\\') { if (depth === 0 && !inClass) out += ch + (p[i + 1] ?? ''); i++; continue; }
    if (inClass) { if (ch === ']') inClass = false; continue; }
    if (ch === '[') { inClass = true; continue; }
    if (ch === '(') { depth++; continue; }
    if (ch === ')') { depth--; continue; }
    if (depth === 0) out += ch;
  }
  return out;
}
