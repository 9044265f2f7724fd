// PKCS#12 keystores that open with a well-known password (SEC-GCP-004), checked on secretlint's own keystores
// read in place: Google-style P12 keys with SHA-1/256/384/512 MACs, and the cases that must stay silent — an
// empty, truncated, random or MAC-less file, another password, and an iteration count that would hang a scan.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pkcs12OpensWith } from '../../src/secrets/pkcs12.js';

const GCP = join(__dirname, '../../../shared/corpora/secretlint/files/secretlint-rule-gcp');

describe.skipIf(!existsSync(GCP))('pkcs12OpensWith on secretlint keystores', () => {
  const cases = readdirSync(GCP)
    .map((dir) => ({ dir, file: readdirSync(join(GCP, dir)).find((f) => f.endsWith('.p12')) }))
    .filter((c): c is { dir: string; file: string } => c.file !== undefined);

  it('opens every ng case with notasecret, and no ok case', () => {
    expect(cases.length).toBe(10);
    const verdicts = Object.fromEntries(cases.map((c) => [c.dir, pkcs12OpensWith(readFileSync(join(GCP, c.dir, c.file)), 'notasecret')]));
    expect(verdicts).toEqual(Object.fromEntries(cases.map((c) => [c.dir, c.dir.startsWith('ng.')])));
  });

  it('does not open a Google-style keystore with another password', () => {
    const key = readFileSync(join(GCP, 'ng.privatekey-p12', 'input.p12'));
    expect(pkcs12OpensWith(key, 'notasecret')).toBe(true);
    expect(pkcs12OpensWith(key, 'notasecreT')).toBe(false);
  });

  it('answers false, never throws, on every truncation of a real keystore', () => {
    const key = readFileSync(join(GCP, 'ng.privatekey-p12-sha256-mac', 'input.p12'));
    for (let n = 0; n < key.length; n += 7) expect(pkcs12OpensWith(key.subarray(0, n), 'notasecret')).toBe(false);
  });
});
