// The `secret` rule kind: strict match schema, boundaries, placeholders, checks, and bad input that must
// finish promptly without crashing (multi-megabyte minified lines, base64 walls, binary-ish text).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { secretKind, secretMatchSchema } from '../../src/engine/matchers/secret.js';
import type { CompiledFileMatcher } from '../../src/engine/matchers/matcher.js';
import { SourceFile } from '../../src/engine/source.js';
import { scanText } from '../../src/engine/file-scan.js';
import { buildRuleSet } from '../../src/engine/ruleset.js';
import { builtinPacksDir, loadPack } from '../../src/packs/load.js';
import { base62, crc32 } from '../../src/secrets/checks.js';
import { SentrikError } from '../../src/util/errors.js';

const compile = (m: unknown): CompiledFileMatcher =>
  secretKind.compile(secretMatchSchema.parse(m), { ruleId: 'T-1', packFile: 'x.yaml' }) as CompiledFileMatcher;
const run = (m: CompiledFileMatcher, text: string) => m.match(new SourceFile('f.txt', text));

describe('secret kind schema', () => {
  it('requires keywords unless the rule is generic', () => {
    expect(secretMatchSchema.safeParse({ pattern: 'abc' }).success).toBe(false);
    expect(secretMatchSchema.safeParse({ pattern: 'abc', generic: true }).success).toBe(true);
  });

  it('takes a prefilter instead of keywords, never both', () => {
    expect(secretMatchSchema.safeParse({ pattern: 'abc', prefilter: ['ab+c'] }).success).toBe(true);
    expect(secretMatchSchema.safeParse({ pattern: 'abc', prefilter: [] }).success).toBe(false);
    expect(secretMatchSchema.safeParse({ pattern: 'abc', keywords: ['abc'], prefilter: ['ab+c'] }).success).toBe(false);
  });

  it('rejects a prefilter RE2 cannot run when the rule compiles', () => {
    expect(() => compile({ pattern: 'abc', prefilter: ['(?=a)bc'] })).toThrow(SentrikError);
  });

  it('rejects unknown fields, upper-case keywords and unknown checks', () => {
    expect(secretMatchSchema.safeParse({ pattern: 'a', keywords: ['ab'], typo: 1 }).success).toBe(false);
    expect(secretMatchSchema.safeParse({ pattern: 'a', keywords: ['AB'] }).success).toBe(false);
    expect(secretMatchSchema.safeParse({ pattern: 'a', keywords: ['ab'], check: 'nope' }).success).toBe(false);
  });

  it('rejects patterns RE2 cannot run, with a hint', () => {
    let err: unknown;
    try {
      compile({ pattern: '(?<=a)b', keywords: ['ab'] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SentrikError);
    expect((err as SentrikError).hint).toMatch(/RE2/);
  });
});

describe('secret kind matching', () => {
  const m = compile({ pattern: 'tok_[A-Za-z0-9]{20}', keywords: ['tok_'] });

  it('reports line, column and the secret, flagged as secret', () => {
    const hits = run(m, 'first line\nkey = "tok_aB3dE5gH7jK9mN1pQ3sT"\n');
    expect(hits).toEqual([{ line: 2, column: 8, endLine: 2, endColumn: 32, matched: 'tok_aB3dE5gH7jK9mN1pQ3sT', secret: true, prefixed: true }]);
  });

  it('marks a value as prefixed only when it starts with one of the keywords', () => {
    const keyed = compile({ pattern: '(?i)acme[_-]?key\\s*=\\s*"([A-Za-z0-9]{20})"', secret_group: 1, keywords: ['acme'] });
    expect(run(keyed, 'acme_key = "aB3dE5gH7jK9mN1pQ3sT"')).toMatchObject([{ matched: 'aB3dE5gH7jK9mN1pQ3sT' }]);
    expect(run(keyed, 'acme_key = "aB3dE5gH7jK9mN1pQ3sT"')[0].prefixed).toBeUndefined();
  });

  it('applies default word boundaries on both sides', () => {
    expect(run(m, 'xtok_aB3dE5gH7jK9mN1pQ3sT')).toEqual([]);
    expect(run(m, 'tok_aB3dE5gH7jK9mN1pQ3sTU')).toEqual([]);
    expect(run(m, '"tok_aB3dE5gH7jK9mN1pQ3sT"')).toHaveLength(1);
  });

  it('skips structural placeholders and allow-listed values', () => {
    const a = compile({ pattern: 'tok_[A-Za-z0-9]{20}', keywords: ['tok_'], allow: ['EXAMPLE$'] });
    expect(run(a, 'tok_xxxxxxxxxxxxxxxxxxxx')).toEqual([]);
    expect(run(a, 'tok_ABCDEFGHIJKLMEXAMPLE')).toEqual([]);
  });

  it('runs a named check (GitHub CRC32)', () => {
    const gh = compile({ pattern: 'ghp_[A-Za-z0-9]{36}', keywords: ['ghp_'], check: 'github-crc32' });
    const random = 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1';
    expect(run(gh, `ghp_${random}${base62(crc32(random), 6)}`)).toHaveLength(1);
    expect(run(gh, `ghp_${random}000000`)).toEqual([]);
  });

  it('reports a token-shaped value that fails its checksum at medium severity and low confidence, unless made up', () => {
    const gh = compile({ pattern: 'ghp_[A-Za-z0-9]{36}', keywords: ['ghp_'], check: 'github-crc32' });
    // Not a token GitHub issued, but a mistyped or truncated copy of one is still a leak.
    const typo = 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
    expect(run(gh, `const GH = '${typo}'`)).toEqual([
      expect.objectContaining({ matched: typo, severity: 'medium', confidence: 'low', message: expect.stringMatching(/^A value in GitHub's token format .* checksum does not match/) }),
    ]);
    for (const placeholder of ['ghp_000000000000000000000000000000000000', 'ghp_1234567890abcdefghijklmnopqrstuvwxyz', 'ghp_YourPersonalAccessToken0Q9w8E7r6T5']) {
      expect(run(gh, `const GH = '${placeholder}'`), placeholder).toEqual([]);
    }
    // A failing structural check is no evidence at all: the value is dropped.
    const jwt = compile({ pattern: 'eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}', keywords: ['eyj'], check: 'jwt' });
    expect(run(jwt, 'eyJub3QganNvbiBhdCBhbGw.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlX3g')).toEqual([]);
  });

  it('honours context requirements and exclusions within N lines', () => {
    const c = compile({ pattern: 'SK[0-9a-f]{32}', keywords: ['sk'], context: { requires: ['(?i)twilio'], excludes: ['(?i)sha'], lines: 1 } });
    const key = `SK${'0123456789abcdef'.repeat(2)}`;
    expect(run(c, `// twilio\n${key}`)).toHaveLength(1);
    expect(run(c, `${key}`)).toEqual([]);
    expect(run(c, `// twilio sha\n${key}`)).toEqual([]);
  });

  it('does not report a value longer than max_length', () => {
    const g = compile({ pattern: 'key=([A-Za-z0-9]{8,})', secret_group: 1, keywords: ['key='], max_length: 12, boundary: { before: false } });
    expect(run(g, 'key=aB3dE5gH7jK9')).toHaveLength(1);
    expect(run(g, 'key=aB3dE5gH7jK9m')).toEqual([]);
  });

  it('reports character columns in non-ASCII text (RE2 searches its UTF-8)', () => {
    const secret = 'tok_aB3dE5gH7jK9mN1pQ3sT';
    // Two-, three- and four-byte characters (the last a surrogate pair in JS) before and between the secrets.
    const line = `é ключ 秘密 𝄞 = "${secret}" ; 𝄞𝄞 ${secret.replace('aB3', 'zQ7')}`;
    const hits = run(m, `ünïcödé\n${line}\n`);
    expect(hits.map((h) => [h.line, h.column, h.matched])).toEqual([
      [2, line.indexOf(secret) + 1, secret],
      [2, line.indexOf('tok_zQ7') + 1, secret.replace('aB3', 'zQ7')],
    ]);
    expect(hits[0].endColumn).toBe(line.indexOf(secret) + 1 + secret.length);
  });

  it('reports the secret group of a key = value pattern', () => {
    const g = compile({ pattern: '(?i)(\\w*secret\\w*)\\s*=\\s*"([^"]{8,})"', generic: true, secret_group: 2, key_group: 1, key_excludes: ['(?i)name$'], boundary: { before: false } });
    expect(run(g, 'client_secret = "Zq8!vLm2Rt"')[0]).toMatchObject({ matched: 'Zq8!vLm2Rt', column: 18 });
    expect(run(g, 'secret_name = "Zq8!vLm2Rt"')).toEqual([]);
  });
});

describe('bad input finishes and stays quiet', () => {
  const pack = loadPack(join(builtinPacksDir(), 'secrets'), true);
  const runAll = (text: string): number => {
    const file = new SourceFile('bundle.min.js', text);
    let n = 0;
    for (const r of pack.rules) {
      if (r.matcher.scope !== 'file') continue;
      if (r.matcher.keywords && !r.matcher.keywords.some((k) => file.lower.includes(k))) continue;
      n += r.matcher.match(file).length;
    }
    return n;
  };

  it('handles a several-megabyte minified line', () => {
    const text = 'var a={token:t,key:k};function f(b){return b.key+1};'.repeat(80_000);
    expect(text.length).toBeGreaterThan(4_000_000);
    expect(runAll(text)).toBe(0);
  });

  it('handles a base64 wall, one line and wrapped', () => {
    const wall = randomBytes(2_000_000).toString('base64');
    expect(runAll(wall)).toBe(0);
    expect(runAll(wall.replace(/(.{76})/g, '$1\n'))).toBe(0);
  });

  it('handles binary-ish text and invalid UTF-8 decoded with replacement characters', () => {
    const bin = new TextDecoder().decode(randomBytes(2_000_000));
    expect(() => runAll(bin)).not.toThrow();
  });

  it('caps work on a file of repeated candidates', () => {
    expect(runAll('password = "Zx9!kq2LmP0w"\n'.repeat(100_000))).toBeGreaterThan(0);
  });

  it('runs the same inputs through the one-pass prefilter of the whole pack', () => {
    const rules = buildRuleSet([pack], {}, 'test');
    const wall = randomBytes(1_000_000).toString('base64');
    for (const text of [wall, wall.replace(/(.{76})/g, '$1\n'), new TextDecoder().decode(randomBytes(1_000_000)), 'EAAA'.repeat(250_000)]) {
      expect(scanText('bundle.min.js', text, rules).hits).toEqual([]);
    }
  });

  it('handles unterminated private key headers', () => {
    expect(runAll('-----BEGIN PRIVATE KEY-----\nMIIE\n'.repeat(50_000))).toBe(0);
  });
});
