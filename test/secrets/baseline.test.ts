import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBaseline, isBaselined, loadBaseline, parseBaseline, secretFingerprint, serializeBaseline } from '../../src/secrets/baseline.js';
import { SentrikError } from '../../src/util/errors.js';

const SECRET = 'sk_live_Zq8vLm2Rt7Yx3Wk9Pn4Hs6Jd';

describe('baseline', () => {
  it('fingerprints by rule, path and secret hash, never storing the secret', () => {
    const fp = secretFingerprint('SEC-STRIPE-001', 'billing.rb', SECRET);
    expect(fp).toMatch(/^[0-9a-f]{32}$/);
    expect(secretFingerprint('SEC-STRIPE-001', 'other.rb', SECRET)).not.toBe(fp);
    const text = serializeBaseline(createBaseline([{ ruleId: 'SEC-STRIPE-001', path: 'billing.rb', fingerprint: fp, reason: 'test fixture' }]));
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SECRET.slice(8));
  });

  it('round-trips through a file and answers isBaselined', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentrik-baseline-'));
    try {
      const fp = secretFingerprint('SEC-STRIPE-001', 'billing.rb', SECRET);
      const file = join(dir, 'secrets.baseline.json');
      writeFileSync(file, serializeBaseline(createBaseline([{ ruleId: 'SEC-STRIPE-001', path: 'billing.rb', fingerprint: fp }, { ruleId: 'SEC-STRIPE-001', path: 'billing.rb', fingerprint: fp }])));
      const b = loadBaseline(file);
      expect(b.entries).toHaveLength(1);
      expect(isBaselined(b, { fingerprint: fp })).toBe(true);
      expect(isBaselined(b, { fingerprint: secretFingerprint('SEC-STRIPE-001', 'billing.rb', `${SECRET}x`) })).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a broken baseline as one SentrikError naming the file', () => {
    expect(() => parseBaseline('{"version": 1,\n "entries": [}', 'b.json')).toThrow(SentrikError);
    try {
      parseBaseline('{"version": 2, "createdAt": "x", "entries": []}', 'b.json');
    } catch (e) {
      expect((e as SentrikError).format()).toMatch(/^b\.json: invalid baseline: version/);
    }
    expect(() => loadBaseline('/nonexistent/b.json')).toThrow(/cannot read baseline/);
  });
});
