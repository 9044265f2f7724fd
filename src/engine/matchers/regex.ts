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
//     bind:                           # names that hold a value of interest, on a range of lines
//       REQ: { pattern: '\$(\w+)\s*=\s*\$_GET\[', until: '\bfunction\b', reassigned: '\${{name}}\s*=[^=]' }
//     any: ['\breadfile\s*\([^;]*\$({{REQ}})\b']   # {{REQ}}: the names bound on the candidate's line
//
// `bind` finds, line by line, what a name was given (group 1 of `pattern`: `$name = $_GET['f']` binds `name`);
// the binding holds from that line up to the next line matching `until` (the next function) or `reassigned`
// with `{{name}}` replaced by the name (the name given another value), else to the end of the file. With
// `backward: true` it holds on the lines before instead, back to the last line matching `until`: a line that
// uses a name (a query run with `sql`) marks where that name was built. In `any`, `all` and `not`, `{{KEY}}`
// stands for the names bound on the candidate's line (matching nothing when none is).
import { z } from 'zod';
import { SentrikError } from '../../util/errors.js';
import { allMatches, compileRegex, escapeRegex, matchesInUtf8, testRegex, type SafeRegex } from '../regex.js';
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
    bind: z
      .record(
        z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'bind keys look like NAME'),
        z.object({ pattern, until: pattern.optional(), reassigned: pattern.optional(), backward: z.boolean().optional() }).strict(),
      )
      .optional(),
  })
  .strict();

/** `{{KEY}}` in a pattern: the names a `bind` gives on the line. */
const PLACEHOLDER = /\{\{([A-Z][A-Z0-9_]*)\}\}/g;
/** What a placeholder stands for when no name is bound: a pattern that matches nothing. */
const NOTHING = '\\b\\B';
/** Bindings kept per file and key (a generated file could bind thousands). */
const MAX_BINDINGS = 500;

interface Binding {
  name: string;
  from: number;
  to: number;
}

export type RegexMatch = z.infer<typeof regexMatchSchema>;

export const regexKind: MatcherKind<RegexMatch> = {
  kind: 'regex',
  scope: 'file',
  schema: regexMatchSchema,
  compile(m) {
    const ic = m.ignore_case ?? false;
    const c = (p: string): SafeRegex => compileRegex(p, { ignoreCase: ic });
    const binds = Object.entries(m.bind ?? {}).map(([key, b]) => ({
      key,
      re: c(b.pattern),
      until: b.until ? c(b.until) : undefined,
      reassigned: b.reassigned,
      backward: b.backward ?? false,
    }));
    checkBindings(m);
    // `{{KEY}}` filled with the names given (none: a pattern that matches nothing).
    const fill = (p: string, names?: Map<string, string[]>): string =>
      p.replace(PLACEHOLDER, (_, key: string) => {
        const bound = names?.get(key);
        return bound?.length ? `(?:${bound.map(escapeRegex).join('|')})` : NOTHING;
      });
    const bound = (p: string): boolean => p.search(PLACEHOLDER) !== -1;
    for (const b of binds) if (b.reassigned) c(b.reassigned.replace(/\{\{name\}\}/g, 'x'));
    const any = m.any.map((p) => c(fill(p)));
    const all = (m.all ?? []).map((p) => c(fill(p)));
    const not = (m.not ?? []).map((p) => c(fill(p)));
    const anyBound = m.any.map(bound);
    const allBound = (m.all ?? []).map(bound);
    const notBound = (m.not ?? []).map(bound);
    const usesBindings = binds.length > 0;
    const near = m.not_near ? { re: c(m.not_near.pattern), lines: m.not_near.lines } : undefined;
    const inside = m.inside ? { start: c(m.inside.start), end: m.inside.end ? c(m.inside.end) : undefined } : undefined;
    const requires = (m.file_requires ?? []).map(c);
    const excludes = (m.file_excludes ?? []).map(c);
    const keywords = m.keywords?.map((k) => k.toLowerCase()) ?? deriveKeywords(m.any.map((p) => fill(p)));

    return {
      scope: 'file',
      keywords,
      match(file: SourceFile): RawMatch[] {
        // The file's own UTF-8 bytes: a non-ASCII text given as a string would be converted again (see re2Bytes).
        const bytes = file.utf8;
        if (requires.length && !requires.some((re) => testRegex(re, bytes))) return [];
        if (excludes.some((re) => testRegex(re, bytes))) return [];
        const ranges = inside ? insideRanges(file, inside.start, inside.end) : undefined;
        // With bindings, the patterns are searched with every name the file binds, and each candidate line is
        // tested again with the names bound on it.
        const bindings = usesBindings ? bindingsOf(file, binds, ic) : undefined;
        // The patterns with this file's names filled in: compiled once per file, kept out of the shared cache.
        const filled = new Map<string, SafeRegex>();
        const cf = (p: string, names: Map<string, string[]>): SafeRegex => {
          const source = fill(p, names);
          let re = filled.get(source);
          if (!re) filled.set(source, (re = compileRegex(source, { ignoreCase: ic, shared: false })));
          return re;
        };
        const namesAt = new Map<number, Map<string, string[]>>();
        const atLine = (line: number): Map<string, string[]> | undefined => {
          if (!bindings) return undefined;
          let names = namesAt.get(line);
          if (!names) namesAt.set(line, (names = new Map([...bindings].map(([key, list]) => [key, [...new Set(list.filter((b) => b.from <= line && line <= b.to).map((b) => b.name))]]))));
          return names;
        };
        const everyName = bindings && new Map([...bindings].map(([key, list]) => [key, [...new Set(list.map((b) => b.name))]]));
        const searched = everyName ? m.any.map((p, i) => (anyBound[i] ? cf(p, everyName) : any[i])) : any;
        const out: RawMatch[] = [];
        const seenLines = new Set<number>();
        // The text after a final newline is not a line: an empty match there (`^$`, `\s*$`) is on no line.
        const afterLastLine = bytes.length === 0 || bytes[bytes.length - 1] === 0x0a ? bytes.length : -1;
        for (const [i, re] of searched.entries()) {
          for (const hit of matchesInUtf8(re, bytes, file.isAscii)) {
            if (hit.byteIndex === afterLastLine) continue;
            const start = file.position(hit.index);
            if (seenLines.has(start.line)) continue; // one finding per line and rule
            const lineText = file.lineText(start.line);
            const names = bindings && atLine(start.line);
            if (names && anyBound[i] && !testRegex(cf(m.any[i], names), lineText)) continue;
            const allHere = names ? (m.all ?? []).map((p, j) => (allBound[j] ? cf(p, names) : all[j])) : all;
            const notHere = names ? (m.not ?? []).map((p, j) => (notBound[j] ? cf(p, names) : not[j])) : not;
            if (allHere.some((r) => !testRegex(r, lineText))) continue;
            if (notHere.some((r) => testRegex(r, lineText))) continue;
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

/** Every `{{KEY}}` a pattern names has a `bind`, and every `bind` is used. */
function checkBindings(m: RegexMatch): void {
  const keys = new Set(Object.keys(m.bind ?? {}));
  const used = new Set([...m.any, ...(m.all ?? []), ...(m.not ?? [])].flatMap((p) => [...p.matchAll(PLACEHOLDER)].map((x) => x[1])));
  for (const key of used) {
    if (!keys.has(key)) throw new SentrikError(`pattern uses {{${key}}}, which no \`bind\` defines`, undefined, undefined, `add bind: { ${key}: { pattern: … } }, or remove the placeholder`);
  }
  for (const key of keys) {
    if (!used.has(key)) throw new SentrikError(`\`bind\` ${key} is used by no pattern`, undefined, undefined, `write {{${key}}} where the bound names go in a pattern, or remove the binding`);
  }
}

/** The names each `bind` gives in the file, with the lines where they hold (see the header). */
function bindingsOf(file: SourceFile, binds: { key: string; re: SafeRegex; until?: SafeRegex; reassigned?: string; backward: boolean }[], ignoreCase: boolean): Map<string, Binding[]> {
  const out = new Map<string, Binding[]>();
  const lines = file.lines;
  for (const b of binds) {
    const list: Binding[] = [];
    const reassignedOf = new Map<string, SafeRegex>(); // per name: `reassigned` with the name filled in
    // Which lines match `until`, tested once per file on the first binding (not again for every binding).
    let untilLines: boolean[] | undefined;
    const isUntil = (j: number): boolean => !!b.until && (untilLines ??= lines.map((l) => testRegex(b.until!, l)))[j];
    for (let i = 0; i < lines.length && list.length < MAX_BINDINGS; i++) {
      if (!testRegex(b.re, lines[i])) continue;
      for (const hit of allMatches(b.re, lines[i])) {
        const name = hit.groups[0];
        if (!name) continue;
        if (b.backward) {
          // 1-based lines: from the line after the last `until` line before it (index j) to the binding line
          // (only that line when it matches `until` itself: a one-line function).
          let from = isUntil(i) ? i + 1 : 1;
          for (let j = i - 1; from === 1 && j >= 0; j--) {
            if (isUntil(j)) {
              from = j + 2;
              break;
            }
          }
          list.push({ name, from, to: i + 1 });
          continue;
        }
        let again = b.reassigned ? reassignedOf.get(name) : undefined;
        if (b.reassigned && !again) reassignedOf.set(name, (again = compileRegex(b.reassigned.replace(/\{\{name\}\}/g, escapeRegex(name)), { ignoreCase, shared: false })));
        let to = lines.length;
        for (let j = i + 1; j < lines.length; j++) {
          if (isUntil(j) || (again && testRegex(again, lines[j]))) {
            to = j; // 1-based: the line before j + 1
            break;
          }
        }
        list.push({ name, from: i + 1, to });
      }
    }
    out.set(b.key, list);
  }
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
