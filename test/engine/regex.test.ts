// Pattern searches: a large string is handed to RE2 as UTF-8 bytes made once for all regexes (not converted by
// every regex on every call), and answered in character offsets exactly as a string search would be.
import { describe, expect, it } from 'vitest';
import { allMatches, compileRegex, testRegex } from '../../src/engine/regex.js';

/** Non-ASCII of every UTF-8 length (2, 3 and 4 bytes; the emoji is a surrogate pair in JavaScript). */
const MIXED = 'café 日本 😀 ';
/** Over the size from which strings are converted once (4,096 characters). */
const large = (body: string): string => `${MIXED.repeat(300)}${body}${'x = 1 # ü\n'.repeat(500)}`;

/** What JavaScript's own engine finds: the reference for offsets, texts and groups. */
function reference(pattern: string, text: string): { index: number; text: string; groups: (string | undefined)[] }[] {
  return [...text.matchAll(new RegExp(pattern, 'gmu'))].map((m) => ({ index: m.index, text: m[0], groups: m.slice(1) }));
}

describe('regex searches of large non-ASCII text', () => {
  it('reports character offsets, texts and groups as a string search does', () => {
    const text = large('token = "sécret😀"\npassword: hunter2\n');
    for (const pattern of ['(token|password)\\s*[=:]\\s*"?([^"\\n]+)', '😀', '日本', 'x = 1']) {
      const hits = allMatches(compileRegex(pattern), text);
      expect(hits.length).toBeGreaterThan(0);
      expect(hits).toEqual(reference(pattern, text).slice(0, 10_000));
      for (const h of hits) expect(text.slice(h.index, h.index + h.text.length)).toBe(h.text);
    }
  });

  it('steps over whole characters after an empty match', () => {
    const text = large('');
    const hits = allMatches(compileRegex('x*'), text.slice(0, 6_000));
    expect(hits).toEqual(reference('x*', text.slice(0, 6_000)));
  });

  it('tests large texts, and never answers one text with another of the same length', () => {
    const a = large('eval(request.args)');
    const c = large('evil(request.args)');
    expect(c.length).toBe(a.length);
    const re = compileRegex('eval\\(');
    expect(testRegex(re, a)).toBe(true);
    expect(testRegex(re, c)).toBe(false);
    expect(testRegex(re, a)).toBe(true);
    expect(allMatches(re, c)).toEqual([]);
    expect(allMatches(re, a).map((h) => h.index)).toEqual([a.indexOf('eval(')]);
  });

  it('answers a large ASCII string and a small non-ASCII one alike', () => {
    const ascii = `${'let a = 1;\n'.repeat(600)}eval(x)\n`;
    expect(allMatches(compileRegex('eval\\((\\w)\\)'), ascii)).toEqual(reference('eval\\((\\w)\\)', ascii));
    const small = `${MIXED}eval(y)`;
    expect(allMatches(compileRegex('eval\\((\\w)\\)'), small)).toEqual(reference('eval\\((\\w)\\)', small));
  });
});
