// Small text helpers: one `plural` for every module (reporters, advisories, CLI), defined once in src/util.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { closest, plural } from '../../src/util/text.js';

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
