import { describe, expect, it } from 'vitest';
import { maskLine, maskSecret } from '../../src/util/mask.js';
import { credentialValuesOn, stringLiteralsOn } from '../../src/secrets/line-values.js';

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

describe('credential values on a line', () => {
  it('finds values of credential-named keys and URL passwords, quoted or not', () => {
    const line = `SECRET_KEY = 'django-insecure-(ie)4k&11y'; DB = "postgres://svc:pG7#wDB8VW@db.acme.io/app" --api-key=Tk9x2mQ7rL`;
    expect(credentialValuesOn(line)).toEqual(['django-insecure-(ie)4k&11y', 'Tk9x2mQ7rL', 'pG7#wDB8VW']);
  });

  it('leaves references and short values alone', () => {
    expect(credentialValuesOn('password: ${DB_PASSWORD} token=${{ secrets.T }} secret: true')).toEqual([]);
  });

  it('looks at the start of a multi-megabyte line only, in linear time', () => {
    const line = `token="Tk9x2mQ7rLa" ${'"password": "abcdefgh", '.repeat(200_000)}`;
    const t = Date.now();
    const values = credentialValuesOn(line);
    expect(values[0]).toBe('Tk9x2mQ7rLa');
    expect(values.length).toBeLessThanOrEqual(64);
    expect(Date.now() - t).toBeLessThan(1000);
  });

  it('lists the quoted strings of a line', () => {
    expect(stringLiteralsOn('jwt.sign({ sub: id }, "kAAObZnMsqSB", { expiresIn: \'1h\' })')).toEqual(['kAAObZnMsqSB']);
  });
});
