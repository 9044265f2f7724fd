import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  assignedValueLooksSecret,
  base64OfPlaceholder,
  hasAlphabetRun,
  hasStandInWord,
  base62,
  cloudflareCrc32Valid,
  crc32,
  entropyAtLeast,
  isStructuralPlaceholder,
  jwtValid,
  madeUpToken,
  passwordLooksReal,
  prefixedCrc32Valid,
  privateKeyBodyValid,
  shannonEntropy,
} from '../../src/secrets/checks.js';

/** Builds a token in GitHub's documented format: 30 random base62 characters + base62 CRC32 of them. */
function githubToken(prefix: string, random: string): string {
  return `${prefix}_${random}${base62(crc32(random), 6)}`;
}

describe('provider checksums', () => {
  it('crc32 matches the standard check value', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
  });

  it('accepts GitHub and npm tokens whose suffix is the CRC32 of the body, rejects others', () => {
    const good = githubToken('ghp', 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1');
    expect(prefixedCrc32Valid(good)).toBe(true);
    expect(prefixedCrc32Valid(githubToken('npm', 'Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0'))).toBe(true);
    const flipped = `${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}`;
    expect(prefixedCrc32Valid(flipped)).toBe(false);
    expect(prefixedCrc32Valid('ghp_short')).toBe(false);
  });

  it('validates Cloudflare scannable tokens (hex CRC32 suffix)', () => {
    const body = 'Q'.repeat(20) + 'w'.repeat(20);
    const token = `cfut_${body}${crc32(body).toString(16).padStart(8, '0')}`;
    expect(cloudflareCrc32Valid(token)).toBe(true);
    expect(cloudflareCrc32Valid(`cfut_${body}00000000`)).toBe(false);
  });
});

describe('made-up tokens (a failed checksum is reported unless the value is one)', () => {
  it('recognises repeated characters, few distinct ones, runs in order and stand-in words', () => {
    for (const t of ['ghp_000000000000000000000000000000000000', 'ghp_abababababababababababababababababab', 'ghp_1234567890abcdefghijklmnopqrstuvwxyz', 'ghp_Zq9ABCDEw2Lk7Rt3Yu8Io1Pa6Sd4Fg5Hj0Kl', 'gho_YourOAuthTokenGoesHere0Q9w8E7r6T5y4U']) {
      expect(madeUpToken(t), t).toBe(true);
    }
    expect(madeUpToken('ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8')).toBe(false);
    expect(madeUpToken('ghp_CKgafmNxgnkCQWCHTnQAiSDbNtGQIN6mwPyw')).toBe(false);
  });

  it('almost never takes a random token for a made-up one', () => {
    let madeUp = 0;
    for (let i = 0; i < 20_000; i++) madeUp += Number(madeUpToken(`ghp_${[...randomBytes(36)].map((b) => base62(b % 62, 1)).join('')}`));
    expect(madeUp / 20_000).toBeLessThan(0.002);
  });
});

describe('structure', () => {
  it('recognises a JWT by its header', () => {
    const h = Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url');
    expect(jwtValid(`${h}.eyJzdWIiOiIxIn0.c2ln`)).toBe(true);
    expect(jwtValid(`${Buffer.from('{"a":1}').toString('base64url')}.eyJ9.x`)).toBe(false);
    expect(jwtValid('eyJub3QganNvbg.x.y')).toBe(false);
  });

  it('accepts real key bodies and rejects placeholders', () => {
    const body = Buffer.from(Array.from({ length: 120 }, (_, i) => (i * 37 + 11) % 256)).toString('base64');
    expect(privateKeyBodyValid(`-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----`)).toBe(true);
    expect(privateKeyBodyValid(`-----BEGIN PRIVATE KEY-----\\n${body}\\n-----END PRIVATE KEY-----\\n`)).toBe(true);
    expect(privateKeyBodyValid('-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----')).toBe(false);
    expect(privateKeyBodyValid('-----BEGIN PRIVATE KEY-----\nxxx\n-----END PRIVATE KEY-----')).toBe(false);
    expect(privateKeyBodyValid('-----BEGIN PRIVATE KEY-----\nYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo=\n-----END PRIVATE KEY-----')).toBe(false);
  });

  it('keeps real keys whose random body happens to hold xxx (one RSA key in twenty)', () => {
    for (let i = 0; i < 20; i++) {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const lines = pem.split('\n');
      lines[2] = `${lines[2].slice(0, 20)}xXx${lines[2].slice(23)}`; // still base64, still random-looking
      expect(privateKeyBodyValid(lines.join('\n'))).toBe(true);
    }
  });

  it.each([
    ['a line of x', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\nxxxx'],
    ['an ellipsis line', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7r8Fh2bdbUZ8qsFLCaGmj\n...\nkm3lyDsq0Z9qTzHPbR1f8YsxVQ=='],
    ['a placeholder word', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7EXAMPLEKEYr8Fh2bdbUZ8qsFLCaGmjkm3lyDsq0Z9qTzHPbR1f8YsxVQ=='],
    ['redacted', 'REDACTEDREDACTEDREDACTEDREDACTEDREDACTEDREDACTEDREDACTEDREDACTEDREDACTED'],
  ])('rejects a body with %s', (_, body) => {
    expect(privateKeyBodyValid(`-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----`)).toBe(false);
  });
});

describe('placeholders and entropy', () => {
  it.each(['${TOKEN}', '{{ secrets.X }}', '$(PASS)', '<your-key>', 'xxxxxxxxxx', '********', 'abc...def', '$API_KEY'])('%s is a placeholder', (v) => {
    expect(isStructuralPlaceholder(v)).toBe(true);
  });

  it('does not call random tokens placeholders', () => {
    expect(isStructuralPlaceholder('aB3dE5gH7jK9mN1pQ3sT')).toBe(false);
  });

  it('measures entropy, scaled for short strings', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
    expect(entropyAtLeast('m42ploz2wd', 3.5)).toBe(true);
    expect(entropyAtLeast('aaaaaaaaaaaaaaaa', 3.5)).toBe(false);
  });
});

describe('passwords and assigned values', () => {
  it.each([
    ['user', 'password', 'example.com', false],
    ['user', 'YOUR_PASSWORD', 'example.com', false],
    ['user', 'REPLACE_WITH_PASSWORD', 'example.com', false],
    ['mongodb', 'mongodb', 'localhost', false],
    ['user', 'abc', 'api.com', false],
    ['user', '1111', 'service.com', false],
    ['admin', 'pass', 'localhost:3306', false],
    ['dev', 'mySecret2024', 'localhost:3306', true],
    ['user', 'pass', 'example.com', true],
    ['apiuser', 'r3alP4ssw0rd', 'api.production.com', true],
  ])('%s:%s@%s real=%s', (user, pw, host, real) => {
    expect(passwordLooksReal(user, pw, host)).toBe(real);
  });

  it.each([
    ['os.environ', false],
    ['process.env.TOKEN', false],
    ['getToken()', false],
    ['not_a_real_token', false],
    ['2024-01-01', false],
    ['https://x.io/a', false],
    ['ahDzWAqqBHgpAeUBUULuU0gA4p09', true],
    // brackets and symbols: code and templates are not secrets, random strings that hold them are
    ['getToken(request)', false],
    ['os.environ[', false],
    ['settings.get(', false],
    ['Optional<String>', false],
    ['secrets[0].value', false],
    ['{{.Values.token}}', false],
    ['<your-api-key>', false],
    ['{apiToken}', false],
    ['(req)=>req.headers.authorization', false],
    ['!isProduction', false],
    ['@Value(', false],
    ['django-insecure-(ie)4k&11yzn^c%keiaa3^vuchswc7zn1pg%2i-me+#s(soj2^', true],
    ['k3(ie)4k&11yzn^c%keiaa3^vuchswc7z', true],
    ['Vq7{Lm2>Rt9@Zk4', true],
    ['Nw8<pQ3z]Ys6', true],
    ['&7Gk2Lq9Zp4Wmx', true],
    ['&config.token', false],
    // credential words: a name, unless a long random part follows
    ['user_password_input', false],
    ['previousToken2', false],
    ['secret_Kq3mZ8pW2rT7vX4yB9nC6hJ1dF5gL0sA2eU8iO3wQ7z', true],
    // password hashes
    ['pbkdf2_sha256$600000$K3bXq9Lw2mZp$Yb7uX2nqFv8mKp3LzT9wRs1cVj4hGd6eAoNi0yU5tQ=', false],
    ['$2b$12$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy', false],
  ])('%s looks secret: %s', (v, expected) => {
    expect(assignedValueLooksSecret(v)).toBe(expected);
  });
});

describe('stand-ins that look random at first sight', () => {
  it.each([
    ['AIzaSyD-EXAMPLE-KEY-REPLACE-ME-00000000', true],
    ['sk_test_YOUR_API_KEY', true],
    ['AIzazZkQTr6RrN4F_z2RKPBz8IIxDSzaYNRPDQz', false],
  ])('%s has a stand-in word: %s', (v, expected) => {
    expect(hasStandInWord(v)).toBe(expected);
  });

  it('tells alphabets from random values', () => {
    expect(hasAlphabetRun('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')).toBe(true);
    expect(hasAlphabetRun('9JRQ2y06wXeJ75E5FeMK7KBGAFglAJlG')).toBe(false);
  });

  it('decodes short base64 and sees the placeholder in it', () => {
    expect(base64OfPlaceholder('Y2hhbmdlbWU=')).toBe(true); // changeme
    expect(base64OfPlaceholder('eW91ci1hcGktdG9rZW4taGVyZQ==')).toBe(true); // your-api-token-here
    expect(base64OfPlaceholder(Buffer.from('Qz7!Q9dPyIBKaOjz2t').toString('base64'))).toBe(false);
    // A password that merely holds a stand-in word is a password.
    for (const pw of ['sphere-8821!Qz', 'ethereal#77Qa', 'xxxQ7!pL2m']) expect(base64OfPlaceholder(Buffer.from(pw).toString('base64'))).toBe(false);
  });
});
