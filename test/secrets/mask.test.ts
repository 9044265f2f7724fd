import { describe, expect, it } from 'vitest';
import { maskLine, maskSecret } from '../../src/util/mask.js';

describe('maskSecret', () => {
  it.each([
    ['ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789', 'ghp_…(40 chars)'],
    ['hunter22', 'hu…(8 chars)'],
    ['pass', 'p…(4 chars)'],
    ['abc', '…(3 chars)'],
    ['', '…(0 chars)'],
  ])('%s → %s', (value, masked) => {
    expect(maskSecret(value)).toBe(masked);
  });
});

describe('maskLine', () => {
  it('replaces every occurrence and keeps the rest of the line', () => {
    const s = 'sk_live_0123456789abcdefghijklmnop';
    const out = maskLine(`a=${s} b=${s}`, [s]);
    expect(out).toBe('a=sk_l…(34 chars) b=sk_l…(34 chars)');
    expect(out).not.toContain(s);
  });

  it('masks the longer secret first when one contains another', () => {
    const out = maskLine('x=abcdefghij1234567890', ['abcdefghij', 'abcdefghij1234567890']);
    expect(out).toBe('x=abcd…(20 chars)');
  });

  it('masks each line of a multi-line secret', () => {
    const key = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
    const out = maskLine('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', [key]);
    expect(out).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
  });

  it('is linear on a multi-megabyte line', () => {
    const s = 'tok_0123456789abcdef';
    const line = `${'x'.repeat(4_000_000)}${s}`;
    expect(maskLine(line, [s]).endsWith('tok_…(20 chars)')).toBe(true);
  });
});
