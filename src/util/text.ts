// Small text helpers shared by error messages and reports.

/** `1 file`, `2 files` (`plural(n, 'entry', 'entries')` for an irregular plural). */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}

/** The first `max` items joined by commas, then what `more` says of the rest (`a, b, c, d, e, and 2 more`). */
export function listSome(items: readonly string[], max = 5, more = (n: number): string => `, and ${n} more`): string {
  return items.slice(0, max).join(', ') + (items.length > max ? more(items.length - max) : '');
}

/** Levenshtein distance (insertions, deletions and substitutions cost 1). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The candidate nearest to `word` (case-insensitively) when it is a likely typo: at most 2 edits, or a fifth
 * of the candidate's length for long ids; undefined otherwise (a guess far off misleads more than none).
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDist) [best, bestDist] = [c, d];
  }
  return best !== undefined && best !== word && bestDist <= Math.max(2, Math.floor(best.length / 5)) ? best : undefined;
}

/**
 * Characters that make text read differently from what is stored: controls (newlines, tabs, escapes, C1),
 * Unicode line and paragraph separators, and bidirectional marks and overrides ("Trojan Source").
 */
const UNPRINTABLE = '\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
const HAS_UNPRINTABLE = new RegExp(`[${UNPRINTABLE}]`);
const EACH_UNPRINTABLE = new RegExp(`[${UNPRINTABLE}]`, 'g');

/** Whether a one-line field (a dashboard form field, `approve --by`) holds a character it must not. */
export function hasControlCharacters(text: string): boolean {
  return HAS_UNPRINTABLE.test(text);
}

/**
 * Make untrusted text safe to print: control characters (ANSI escapes, NUL, …), line separators and
 * bidirectional overrides are shown as visible `\xNN` / `<U+202E>` markers instead of acting.
 * Tabs become spaces; newlines are kept only when `keepNewlines` is set.
 */
export function visibleText(text: string, keepNewlines = false): string {
  return text.replace(EACH_UNPRINTABLE, (c) => {
    if (c === '\t') return '  ';
    if (c === '\n' && keepNewlines) return '\n';
    if (c === '\r' && keepNewlines) return '';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
  });
}

/**
 * `s` as a string of its own. V8 keeps a slice or trim of a longer string as a view that holds the whole
 * parent alive: a one-line snippet kept with a scan's results would keep its file's text until the scan ends.
 */
export function detached(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string); // V8 makes views from 13 characters up
}
