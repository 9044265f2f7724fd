// Every pattern from a pack runs on RE2, a linear-time engine: no pattern (built-in or user-written) can make
// a scan hang on catastrophic backtracking. RE2 has no lookaround or backreferences; patterns that use them
// are rejected when the pack loads, with the reason.
import RE2 from 're2';
import { SentrikError } from '../util/errors.js';

export type SafeRegex = InstanceType<typeof RE2>;

export interface RegexOptions {
  ignoreCase?: boolean;
  /** `^`/`$` match at line boundaries (default true: rules think in lines). */
  multiline?: boolean;
  /** `.` matches newlines too. */
  dotAll?: boolean;
  /** Keep it in the shared cache (default true). Patterns made for one file (regex `bind`) are not: see the caller. */
  shared?: boolean;
}

const cache = new Map<string, SafeRegex>();

/** A literal string as a pattern that matches exactly it (valid for RE2 and JavaScript regular expressions). */
export function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/**
 * Compile a pattern for global matching. Accepts a leading `(?i)` (common in gitleaks/semgrep patterns).
 * Throws SentrikError with the engine's reason when the pattern is invalid or unsupported.
 */
export function compileRegex(pattern: string, opts: RegexOptions = {}): SafeRegex {
  let source = pattern;
  let ignoreCase = opts.ignoreCase ?? false;
  if (source.startsWith('(?i)')) {
    ignoreCase = true;
    source = source.slice(4);
  }
  const flags = `g${ignoreCase ? 'i' : ''}${opts.multiline === false ? '' : 'm'}${opts.dotAll ? 's' : ''}u`;
  const key = `${flags}/${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const shared = opts.shared ?? true;
  let re: SafeRegex;
  try {
    re = new RE2(source, flags);
  } catch (err) {
    const reason = (err as Error).message.replace(/^Invalid regular expression:\s*/, '');
    throw new SentrikError(
      `invalid pattern ${JSON.stringify(pattern)}: ${reason}`,
      undefined,
      undefined,
      'patterns use RE2 syntax (no lookaround, no backreferences), see docs/packs.md',
    );
  }
  if (shared) cache.set(key, re);
  return re;
}

export interface RegexHit {
  index: number;
  text: string;
  groups: (string | undefined)[];
  /** Where the match starts in the UTF-8 bytes searched (matchesInUtf8 sets it; `index` counts characters). */
  byteIndex?: number;
}

/**
 * All non-overlapping matches of `re` (resets lastIndex; safe to share compiled regexes). For a Buffer input,
 * offsets are byte offsets and texts are decoded as `encoding`: an ASCII Buffer (see SourceFile.re2Input) has
 * character offsets; UTF-8 bytes spare RE2 converting a non-ASCII string on every call. A large string is
 * searched as its UTF-8 (see re2Bytes) and answered with character offsets.
 */
export function allMatches(re: SafeRegex, text: string | Buffer, limit = 10_000, encoding: 'latin1' | 'utf8' = 'latin1'): RegexHit[] {
  if (typeof text === 'string') {
    const bytes = re2Bytes(text);
    if (bytes) {
      const ascii = bytes.length === text.length;
      return withCharOffsets(allMatches(re, bytes, limit, ascii ? 'latin1' : 'utf8'), bytes, ascii);
    }
  }
  const out: RegexHit[] = [];
  const str = (v: unknown): string | undefined => (v === undefined ? undefined : Buffer.isBuffer(v) ? v.toString(encoding) : String(v));
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (out.length < limit && (m = re.exec(text as string)) !== null) {
    out.push({ index: m.index, text: str(m[0])!, groups: m.slice(1).map(str) });
    if (m[0].length === 0) re.lastIndex = nextStart(text, re.lastIndex, encoding); // never loop on an empty match
  }
  re.lastIndex = 0;
  return out;
}

export function testRegex(re: SafeRegex, text: string | Buffer): boolean {
  re.lastIndex = 0;
  const ok = re.test(((typeof text === 'string' && re2Bytes(text)) || text) as string);
  re.lastIndex = 0;
  return ok;
}

/** All matches in a text's UTF-8 `bytes` (`ascii`: all one byte each), with character and byte offsets. */
export function matchesInUtf8(re: SafeRegex, bytes: Buffer, ascii: boolean, limit = 10_000): RegexHit[] {
  const hits = allMatches(re, bytes, limit, ascii ? 'latin1' : 'utf8');
  for (const hit of hits) hit.byteIndex = hit.index;
  return withCharOffsets(hits, bytes, ascii);
}

/** Hits found in UTF-8 `bytes`, in character offsets (the same numbers when every byte is ASCII). */
function withCharOffsets(hits: RegexHit[], bytes: Buffer, ascii: boolean): RegexHit[] {
  return ascii ? hits : charOffsets(hits, bytes);
}

/**
 * Hits found in UTF-8 `bytes` (in order), their byte offsets turned into character (UTF-16) offsets in one
 * forward pass: a byte that starts a character adds one unit, a 4-byte sequence (a surrogate pair) two.
 */
function charOffsets(hits: RegexHit[], bytes: Buffer): RegexHit[] {
  let byte = 0;
  let char = 0;
  for (const hit of hits) {
    for (; byte < hit.index; byte++) if ((bytes[byte] & 0xc0) !== 0x80) char += bytes[byte] >= 0xf0 ? 2 : 1;
    hit.index = char;
  }
  return hits;
}

/** Where to search on after an empty match at `at`: the next character (never inside a UTF-8 sequence). */
function nextStart(text: string | Buffer, at: number, encoding: 'latin1' | 'utf8'): number {
  let next = at + 1;
  if (typeof text !== 'string' && encoding === 'utf8') while (next < text.length && (text[next] & 0xc0) === 0x80) next++;
  return next;
}

/**
 * Given a string, RE2 converts it to UTF-8 on every call, and each compiled regex keeps its own copy until a
 * collection: a file's text searched by hundreds of rules became hundreds of copies, the largest share of a
 * scan's peak memory. So a large string is converted once, here, and every regex searches those bytes; the
 * cache holds only the last text (rules run file by file).
 */
const CONVERT_ONCE_CHARS = 4096;
let lastText: string | undefined;
let lastBytes: Buffer | undefined;

function re2Bytes(text: string): Buffer | undefined {
  if (text.length < CONVERT_ONCE_CHARS) return undefined;
  if (text !== lastText) {
    lastText = text;
    lastBytes = Buffer.from(text, 'utf8');
  }
  return lastBytes;
}
