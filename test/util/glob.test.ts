// Globs from scanned content (npm workspaces), matched in bounded time.
import { describe, expect, it } from 'vitest';
import { globMatch, globSupported, globTooComplex } from '../../src/util/glob.js';

describe('globMatch', () => {
  it('matches like the workspace globs people write', () => {
    expect(globMatch('packages/*', 'packages/api')).toBe(true);
    expect(globMatch('packages/*', 'packages/api/sub')).toBe(false);
    expect(globMatch('packages/**', 'packages/api/sub')).toBe(true);
    expect(globMatch('**/pkg-?', 'a/b/pkg-1')).toBe(true);
    expect(globMatch('apps/{web,admin}', 'apps/admin')).toBe(true);
    expect(globMatch('apps/{web,admin}', 'apps/docs')).toBe(false);
    expect(globMatch('libs/*-core', 'libs/.hidden-core')).toBe(true);
    expect(globMatch('*', '')).toBe(false);
    expect(globMatch('**', '')).toBe(true);
  });

  it('says which globs it cannot read (classes, extglobs, ranges, nested braces, too many alternatives)', () => {
    for (const g of ['packages/*', 'apps/{web,admin}', '**/x-?']) expect(globSupported(g), g).toBe(true);
    for (const g of ['pkg/[ab]*', 'pkg/@(a|b)', 'pkg/{1..3}', 'pkg/{a,{b,c}}', '{a,b}'.repeat(7)]) expect(globSupported(g), g).toBe(false);
  });

  it('names the globs too costly for a backtracking matcher', () => {
    expect(globTooComplex('**/*.{js,ts}')).toBeUndefined();
    expect(globTooComplex('src/**/*-test-*.*')).toBeUndefined();
    expect(globTooComplex('*a*a*a*b')).toMatch(/more than 3/);
    expect(globTooComplex(`${'*a'.repeat(12)}*b`)).toMatch(/more than 3 '\*' in one path segment/);
    expect(globTooComplex('x'.repeat(1_001))).toMatch(/longer than 1,000/);
  });

  it('a pattern built to make a regex backtrack is answered at once', () => {
    // picomatch turns each * into a lazy regex group: this pair took minutes there.
    const pattern = `${'*a'.repeat(25)}*b`;
    const name = 'a'.repeat(5_000);
    const started = process.hrtime.bigint();
    expect(globMatch(pattern, name)).toBe(false);
    expect(globMatch(`**/${pattern}`, `x/y/${name}`)).toBe(false);
    // A timing in a test only as a bound on a hang: 5,000 × 52 steps take microseconds.
    expect(Number(process.hrtime.bigint() - started) / 1e9).toBeLessThan(5);
  });
});
