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
import { compileRegex, matchesInUtf8, testRegex, type SafeRegex } from '../regex.js';
import { keywordsOf, regexNeed } from '../regex-literals.js';
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
    const keywords = m.keywords?.map((k) => k.toLowerCase()) ?? deriveKeywords(m.any);

    return {
      scope: 'file',
      keywords,
      match(file: SourceFile): RawMatch[] {
        // The file's own UTF-8 bytes: a non-ASCII text given as a string would be converted again (see re2Bytes).
        const bytes = file.utf8;
        if (requires.length && !requires.some((re) => testRegex(re, bytes))) return [];
        if (excludes.some((re) => testRegex(re, bytes))) return [];
        const ranges = inside ? insideRanges(file, inside.start, inside.end) : undefined;
        const out: RawMatch[] = [];
        const seenLines = new Set<number>();
        // The text after a final newline is not a line: an empty match there (`^$`, `\s*$`) is on no line.
        const afterLastLine = bytes.length === 0 || bytes[bytes.length - 1] === 0x0a ? bytes.length : -1;
        for (const re of any) {
          for (const hit of matchesInUtf8(re, bytes, file.isAscii)) {
            if (hit.byteIndex === afterLastLine) continue;
            const start = file.position(hit.index);
            if (seenLines.has(start.line)) continue; // one finding per line and rule
            const lineText = file.lineText(start.line);
            if (all.some((r) => !testRegex(r, lineText))) continue;
            if (not.some((r) => testRegex(r, lineText))) continue;
            if (near && file.linesAround(start.line, near.lines).some((l) => testRegex(near.re, l))) continue;
            if (ranges && !ranges.some(([a, b]) => start.line >= a && start.line <= b)) continue;
            seenLines.add(start.line);
            const stop = file.position(hit.index + hit.text.length);
            const group = m.secret_group !== undefined ? hit.groups[m.secret_group - 1] : undefined;
            out.push({
              line: start.line,
              column: start.column,
              endLine: stop.line,
              endColumn: stop.column,
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
 * Derive a literal prefilter from patterns: lower-case literals one of which every match of every pattern
 * contains (see regex-literals.ts). If a pattern has none, there is no prefilter (undefined).
 */
export function deriveKeywords(patterns: string[]): string[] | undefined {
  const out: string[] = [];
  for (const p of patterns) {
    const read = regexNeed(p, { anyCase: true });
    const keywords = read && keywordsOf(read.need);
    if (!keywords) return undefined;
    out.push(...keywords); // keywords are matched case-insensitively
  }
  return [...new Set(out)];
}
