// Small text helpers: one `plural` for every module (reporters, advisories, CLI), defined once in src/util.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { closest, hasControlCharacters, plural, visibleText } from '../../src/util/text.js';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('plural', () => {
  it.each([
    [0, 'file', undefined, '0 files'],
    [1, 'file', undefined, '1 file'],
    [2, 'file', undefined, '2 files'],
    [1, 'entry', 'entries', '1 entry'],
    [3, 'entry', 'entries', '3 entries'],
  ])('%i %s', (n, word, many, want) => {
    expect(plural(n, word, many)).toBe(want);
  });

  it('is defined once, in src/util/text.ts: no module keeps its own copy', () => {
    const copies = sources(SRC).filter((f) => /\b(function plural\b|const plural\s*=)/.test(readFileSync(f, 'utf8')));
    expect(copies.map((f) => f.slice(SRC.length + 1))).toEqual(['util/text.ts']);
  });
});

describe('closest', () => {
  it('suggests the nearest candidate', () => {
    expect(closest('owasp-top10', ['owasp-top-10', 'soc2'])).toBe('owasp-top-10');
  });
});

describe('hasControlCharacters', () => {
  it('finds line breaks, tabs, escapes, C1 controls, line separators and bidi overrides', () => {
    for (const t of ['a\nb', 'a\rb', 'a\tb', '\u001b[31m', 'a\u0085b', 'a\u2028b', 'a\u2029b', 'a\u202Eb', 'a\u2066b', 'a\u007fb']) expect(hasControlCharacters(t), JSON.stringify(t)).toBe(true);
  });
  it('passes ordinary text, accents and non-Latin scripts', () => {
    for (const t of ['alice@example.com', 'pinned by Renovate — reviewed', 'Zoë Ørsted', 'レビュー済み', '']) expect(hasControlCharacters(t)).toBe(false);
  });
});

describe('visibleText', () => {
  const UNPRINTABLE = ['\u0000', '\u001b', '\u007f', '\u0085', '\u2028', '\u2029', '\u061c', '\u200e', '\u202e', '\u2066'];
  it('shows as a marker every character a one-line field refuses, so an error quoting the field prints none raw', () => {
    for (const c of UNPRINTABLE) {
      expect(hasControlCharacters(`a${c}b`), JSON.stringify(c)).toBe(true);
      const shown = visibleText(`a${c}b`);
      expect(hasControlCharacters(shown), JSON.stringify(shown)).toBe(false);
      expect(shown).toMatch(/^a(\\x[0-9a-f]{2}|<U\+[0-9A-F]{4}>)b$/);
    }
    expect(visibleText('a\u2028b')).toBe('a<U+2028>b');
  });
  it('turns tabs into spaces and keeps newlines only when asked', () => {
    expect(visibleText('a\tb\r\nc')).toBe('a  b\\x0d\\x0ac');
    expect(visibleText('a\tb\r\nc', true)).toBe('a  b\nc');
  });
});
