// Applying a rule's `fix:` to text. Pure functions over strings: no file system here (see plan.ts).
// A fix edits within the flagged lines only and never adds or removes a line, so several fixes in one file
// cannot shift each other, and the result can be shown as a small unified diff.
import { compileRegex } from '../engine/regex.js';
import type { FixDef } from '../packs/schema.js';

export interface LineEdit {
  /** 1-based line. */
  line: number;
  before: string;
  after: string;
}

/** Expand `$1`, `${name}`, `$&` and `$$` in a replacement. */
function expand(replacement: string, whole: string, groups: (string | undefined)[], named: Record<string, string | undefined>): string {
  return replacement.replace(/\$(\$|&|\d{1,2}|\{([A-Za-z_][A-Za-z0-9_]*|\d{1,2})\})/g, (_m, tok: string, name?: string) => {
    if (tok === '$') return '$';
    if (tok === '&') return whole;
    const key = name ?? tok;
    if (/^\d+$/.test(key)) return (Number(key) === 0 ? whole : groups[Number(key) - 1]) ?? '';
    return named[key] ?? '';
  });
}

/**
 * The new text of one line, or undefined when the fix does not apply to it (its pattern is not on the line,
 * or the result is the same line).
 */
export function fixLine(fix: FixDef, text: string): string | undefined {
  const indent = /^[ \t]*/.exec(text)![0];
  let out: string;
  if (fix.template !== undefined) {
    let groups: (string | undefined)[] = [];
    if (fix.replace !== undefined) {
      const re = compileRegex(fix.replace);
      re.lastIndex = 0;
      const m = re.exec(text);
      re.lastIndex = 0;
      if (!m) return undefined;
      groups = m.slice(1);
    }
    out = fix.template.replace(/\{\{(indent|line|\d{1,2})\}\}/g, (_m, k: string) => (k === 'indent' ? indent : k === 'line' ? text.slice(indent.length) : (groups[Number(k) - 1] ?? '')));
  } else if (fix.cases) {
    for (const c of fix.cases) {
      const after = fixLine({ replace: c.replace, with: c.with, fixed: fix.fixed }, text);
      if (after !== undefined) return after;
    }
    return undefined;
  } else {
    const re = compileRegex(fix.replace!);
    let changed = false;
    re.lastIndex = 0;
    out = text.replace(re as unknown as RegExp, (...args: unknown[]) => {
      changed = true;
      const last = args[args.length - 1];
      const hasNamed = typeof last === 'object' && last !== null;
      const named = (hasNamed ? last : {}) as Record<string, string | undefined>;
      const groups = args.slice(1, hasNamed ? -3 : -2) as (string | undefined)[];
      return expand(fix.with!, args[0] as string, groups, named);
    });
    re.lastIndex = 0;
    if (!changed) return undefined;
  }
  return out === text ? undefined : out;
}

/** Split keeping each line's own terminator, so CRLF files stay CRLF and the last line's newline stays as it was. */
export function splitLines(text: string): { body: string; eol: string }[] {
  const out: { body: string; eol: string }[] = [];
  const re = /\r\n|\n/g;
  let start = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    out.push({ body: text.slice(start, m.index), eol: m[0] });
    start = m.index + m[0].length;
  }
  if (start < text.length) out.push({ body: text.slice(start), eol: '' });
  return out;
}

export function joinLines(lines: { body: string; eol: string }[]): string {
  return lines.map((l) => l.body + l.eol).join('');
}

/**
 * Apply a fix to lines `from..to` of `text`. Returns the edits, or a reason when it does not apply cleanly
 * (then nothing may be changed).
 */
export function fixRange(fix: FixDef, text: string, from: number, to: number): { edits: LineEdit[] } | { error: string } {
  const lines = splitLines(text);
  if (from < 1 || from > lines.length) return { error: `line ${from} is not in the file any more` };
  const edits: LineEdit[] = [];
  for (let l = from; l <= Math.min(to, lines.length); l++) {
    const after = fixLine(fix, lines[l - 1].body);
    if (after !== undefined) edits.push({ line: l, before: lines[l - 1].body, after });
  }
  if (!edits.length) return { error: `the fix's pattern is not on line ${from}${to > from ? `–${to}` : ''}` };
  return { edits };
}

/** Text with the edits applied (edits must name distinct lines of `text`). */
export function applyEdits(text: string, edits: LineEdit[]): string {
  const lines = splitLines(text);
  for (const e of edits) {
    if (lines[e.line - 1]?.body !== e.before) throw new Error(`line ${e.line} changed`);
    lines[e.line - 1] = { ...lines[e.line - 1], body: e.after };
  }
  return joinLines(lines);
}
