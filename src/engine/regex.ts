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
  cache.set(key, re);
  return re;
}

export interface RegexHit {
  index: number;
  text: string;
  groups: (string | undefined)[];
}

/**
 * All non-overlapping matches of `re` (resets lastIndex; safe to share compiled regexes). For a Buffer input,
 * offsets are byte offsets and texts are decoded as `encoding`: an ASCII Buffer (see SourceFile.re2Input) has
 * character offsets; UTF-8 bytes spare RE2 converting a non-ASCII string on every call.
 */
export function allMatches(re: SafeRegex, text: string | Buffer, limit = 10_000, encoding: 'latin1' | 'utf8' = 'latin1'): RegexHit[] {
  const out: RegexHit[] = [];
  const str = (v: unknown): string | undefined => (v === undefined ? undefined : Buffer.isBuffer(v) ? v.toString(encoding) : String(v));
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (out.length < limit && (m = re.exec(text as string)) !== null) {
    out.push({ index: m.index, text: str(m[0])!, groups: m.slice(1).map(str) });
    if (m[0].length === 0) re.lastIndex++; // never loop on an empty match
  }
  re.lastIndex = 0;
  return out;
}

export function testRegex(re: SafeRegex, text: string | Buffer): boolean {
  re.lastIndex = 0;
  const ok = re.test(text as string);
  re.lastIndex = 0;
  return ok;
}
