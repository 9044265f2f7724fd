// Unified diff → which lines of each new file were added or changed. Used on git's own output (--git-range,
// --staged) and on user-supplied diffs (--diff FILE), so it is lenient outside hunks (mail headers, git
// extended headers, binary patches) and strict inside them (a hunk must match its own line counts).
import { SentrikError } from '../util/errors.js';

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * Parse a unified diff. Keys are new-file paths (git's `b/` prefix removed), values the 1-based line numbers
 * added or changed in the new file. Deleted files are left out; renamed or mode-only changes map to an empty set.
 * Throws SentrikError naming `file` and the diff line when a hunk is malformed or the text is not a diff.
 */
export function parseUnifiedDiff(text: string, file = '<diff>'): Map<string, Set<number>> {
  const result = new Map<string, Set<number>>();
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();

  let current: Set<number> | undefined; // lines of the file being read
  let gitHeaderPath: string | undefined; // from `diff --git`, used when no ---/+++ lines follow (renames, binaries)
  let sawFileHeader = false;
  let oldLeft = 0;
  let newLeft = 0;
  let newLine = 0;

  const fail = (lineNo: number, msg: string): never => {
    throw new SentrikError(`malformed diff: ${msg}`, file, lineNo, 'give a unified diff, e.g. the output of `git diff`');
  };
  const startFile = (p: string | undefined): void => {
    if (p === undefined) {
      current = undefined;
      return;
    }
    current = result.get(p) ?? new Set<number>();
    result.set(p, current);
  };

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i];
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;

    if (oldLeft > 0 || newLeft > 0) {
      // Inside a hunk: every line is content, even one that looks like `--- x` or `+++ y`.
      const c = line[0];
      if (c === '+') {
        if (newLeft === 0) fail(lineNo, 'more added lines than the hunk header announces');
        current?.add(newLine++);
        newLeft--;
      } else if (c === '-') {
        if (oldLeft === 0) fail(lineNo, 'more removed lines than the hunk header announces');
        oldLeft--;
      } else if (c === ' ' || line === '') {
        // Context (some tools strip the space of empty context lines).
        if (oldLeft === 0 || newLeft === 0) fail(lineNo, 'more context lines than the hunk header announces');
        newLine++;
        oldLeft--;
        newLeft--;
      } else if (c !== '\\') {
        fail(lineNo, `unexpected line inside a hunk (${oldLeft} old / ${newLeft} new lines still expected)`);
      }
      continue;
    }

    if (line.startsWith('diff --git ')) {
      sawFileHeader = true;
      gitHeaderPath = newPathOfGitHeader(line.slice('diff --git '.length));
      startFile(gitHeaderPath);
    } else if (line.startsWith('rename to ') || line.startsWith('copy to ')) {
      const p = unquote(line.slice(line.indexOf(' to ') + 4));
      if (gitHeaderPath !== undefined) result.delete(gitHeaderPath);
      gitHeaderPath = p;
      startFile(p);
    } else if (line.startsWith('deleted file mode')) {
      if (gitHeaderPath !== undefined) result.delete(gitHeaderPath);
      current = undefined;
    } else if (line.startsWith('--- ') && i + 1 < lines.length && lines[i + 1].startsWith('+++ ')) {
      sawFileHeader = true; // the old path is not needed: findings live in the new file
    } else if (line.startsWith('+++ ')) {
      if (!lines[i - 1]?.startsWith('--- ')) fail(lineNo, "'+++' line without a preceding '---' line");
      const p = headerPath(line.slice(4));
      if (gitHeaderPath !== undefined && gitHeaderPath !== p) result.delete(gitHeaderPath);
      gitHeaderPath = undefined;
      startFile(p === '/dev/null' ? undefined : p);
    } else if (line.startsWith('@@')) {
      const m = HUNK_HEADER.exec(line);
      if (!m) fail(lineNo, `bad hunk header '${line.slice(0, 60)}'`);
      if (!sawFileHeader) fail(lineNo, 'hunk before any file header');
      const [, , oldCount, newStart, newCount] = m as RegExpExecArray;
      oldLeft = oldCount === undefined ? 1 : Number(oldCount);
      newLeft = newCount === undefined ? 1 : Number(newCount);
      newLine = Number(newStart);
    }
    // Anything else outside a hunk (index, mode, similarity, Binary files…, mail headers) carries no lines.
  }
  if (oldLeft > 0 || newLeft > 0) fail(lines.length, `diff ends inside a hunk (${oldLeft} old / ${newLeft} new lines missing)`);
  if (!sawFileHeader && text.trim() !== '') fail(1, 'no file header (`diff --git`, or `---`/`+++`) found');
  return result;
}

/** Path of a `+++` header: unquoted, timestamp after a tab removed, git's b/ prefix removed. */
function headerPath(rest: string): string {
  let p = rest.startsWith('"') ? unquote(rest) : rest.split('\t')[0].trimEnd();
  if (p.startsWith('b/')) p = p.slice(2);
  return p;
}

/** New path from `a/X b/Y` (possibly quoted). Ambiguous with spaces, so only trusted when both sides agree. */
function newPathOfGitHeader(rest: string): string | undefined {
  if (rest.startsWith('"')) {
    const end = closingQuote(rest);
    const b = rest.slice(end + 1).trim();
    const p = unquote(b);
    return p.startsWith('b/') ? p.slice(2) : p;
  }
  if (rest.endsWith('"')) {
    const start = rest.lastIndexOf(' "');
    const p = unquote(rest.slice(start + 1));
    return p.startsWith('b/') ? p.slice(2) : p;
  }
  // `a/P b/P`: same path on both sides, so P is half of what remains.
  if ((rest.length - 5) % 2 === 0) {
    const half = (rest.length - 5) / 2;
    const a = rest.slice(2, 2 + half);
    const b = rest.slice(half + 5);
    if (rest.startsWith('a/') && rest.slice(2 + half, half + 5) === ' b/' && a === b) return b;
  }
  const at = rest.indexOf(' b/');
  return at === -1 ? undefined : rest.slice(at + 3);
}

function closingQuote(s: string): number {
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i;
  }
  return s.length;
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '"': 34, '\\': 92 };

/** Undo git's C-style quoting ("a/t\303\244st"), octal escapes being UTF-8 bytes. Unquoted input is returned trimmed. */
export function unquote(s: string): string {
  const t = s.trim();
  if (!t.startsWith('"')) return t;
  const end = closingQuote(t);
  const parts: Buffer[] = [];
  let i = 1;
  while (i < end) {
    const slash = t.indexOf('\\', i);
    const stop = slash === -1 || slash > end ? end : slash;
    parts.push(Buffer.from(t.slice(i, stop), 'utf8'));
    if (stop === end) break;
    const oct = /^[0-7]{1,3}/.exec(t.slice(stop + 1, stop + 4));
    if (oct) {
      parts.push(Buffer.from([parseInt(oct[0], 8)]));
      i = stop + 1 + oct[0].length;
    } else {
      const next = t[stop + 1];
      parts.push(next in ESCAPES ? Buffer.from([ESCAPES[next]]) : Buffer.from(next ?? '', 'utf8'));
      i = stop + 2;
    }
  }
  return Buffer.concat(parts).toString('utf8');
}
