// `sentrik secrets` in-process: finds, masks in every format, honours a baseline, and reports a secret that
// only survives in git history.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { base62, crc32 } from '../../src/secrets/checks.js';

const random = 'Pq4Rs8Tu2Vw6Xy0Za3Bc7De1Fg5Hi9';
const GH = `ghp_${random}${base62(crc32(random), 6)}`;
const PW = 'Vn3!xQ8zLr2Kp7Wd';
let dir: string;

function io(): CliIO & { out: string; err: string } {
  const o = { out: '', err: '', env: {}, cwd: dir, isTTY: false } as CliIO & { out: string; err: string };
  o.stdout = (t: string) => void (o.out += t);
  o.stderr = (t: string) => void (o.err += t);
  return o;
}
const git = (...args: string[]): string =>
  execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentrik-secrets-cmd-'));
  writeFileSync(join(dir, 'deploy.sh'), `#!/bin/sh\nexport GITHUB_TOKEN=${GH}\ncurl -u deploy:${PW} https://files.acme.io/\n`);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('sentrik secrets', () => {
  it('exits 1 on a secret and never prints the value, in any format', async () => {
    for (const format of ['terminal', 'json', 'sarif', 'junit', 'csv', 'markdown', 'html']) {
      const o = io();
      const code = await main(['secrets', dir, '--format', format, '--no-cache'], o);
      expect(code, o.err).toBe(1);
      expect(o.out.length).toBeGreaterThan(0);
      for (const raw of [GH, PW, random]) {
        expect(o.out).not.toContain(raw);
        expect(o.err).not.toContain(raw);
      }
    }
    const written = readFileSync(join(dir, 'out', 'findings.json'), 'utf8');
    expect(written).toContain('SEC-GITHUB-001');
    expect(written).not.toContain(GH);
  });

  it('accepts findings recorded in a baseline, which holds no values', async () => {
    const base = join(dir, 'secrets-baseline.json');
    expect(await main(['secrets', dir, '--baseline', base, '--update-baseline', '--no-cache'], io())).toBe(0);
    const text = readFileSync(base, 'utf8');
    expect(text).not.toContain(GH);
    expect(text).not.toContain(PW);
    const o = io();
    expect(await main(['secrets', dir, '--baseline', base, '--format', 'json', '--no-cache'], o)).toBe(0);
    // Every finding is known: hidden by the baseline, or the duplicate of one that is (the same secret seen by two rules).
    const kinds = JSON.parse(o.out).findings.map((f: { suppressed?: { kind: string } }) => f.suppressed?.kind);
    expect(kinds).toContain('baseline');
    expect(kinds.every((k: string | undefined) => k === 'baseline' || k === 'duplicate')).toBe(true);
  });

  it('reports a secret that was committed and later removed with --history', async () => {
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'add deploy');
    writeFileSync(join(dir, 'deploy.sh'), '#!/bin/sh\nexport GITHUB_TOKEN="$CI_TOKEN"\n');
    git('commit', '-q', '-am', 'use CI token');
    const clean = io();
    expect(await main(['secrets', dir, '--no-cache', '--format', 'json'], clean)).toBe(0);
    const o = io();
    expect(await main(['secrets', dir, '--history', '--no-cache', '--format', 'json'], o)).toBe(1);
    const findings = JSON.parse(o.out).findings as { ruleId: string; kind: string; file: string; line: number; message: string; suppressed?: { kind: string } }[];
    expect(findings.find((f) => f.ruleId === 'SEC-GITHUB-001')).toMatchObject({ kind: 'secret-history', file: 'deploy.sh' });
    // --range alone scans those commits: it implies --history.
    const ranged = io();
    expect(await main(['secrets', dir, '--range', 'HEAD~1..HEAD', '--no-cache', '--format', 'json'], ranged)).toBe(0);
    const all = io();
    expect(await main(['secrets', dir, '--range', 'HEAD', '--no-cache', '--format', 'json'], all)).toBe(1);
    expect(JSON.parse(all.out).findings.map((f: { kind: string }) => f.kind)).toContain('secret-history');
    // The generic detector saw the same removed token: one detection, reported once.
    expect(findings.filter((f) => f.line === 2).map((f) => [f.ruleId, f.suppressed?.kind])).toEqual([
      ['SEC-GEN-001', 'duplicate'],
      ['SEC-GITHUB-001', undefined],
    ]);
    expect(o.out).not.toContain(GH);
  });

  it('reports a Stripe key as a Stripe key, not as the AWS secret its last 40 characters resemble', async () => {
    // `sk_live_` + 40 characters beside an AKIA key id: the shape-only AWS detector read the 40 (it did not treat
    // `_` as part of the token) and, being first by rule id, stood for the detection with AWS remediation.
    const stripe = 'sk_live_51HqLyjWDarjtT1zdp7dcQz8bN3mKx9YvR2pL6tH';
    writeFileSync(join(dir, 'deploy.sh'), `const k = '${stripe}';\nconst aws='AKIAQWERTYUIOPASDFGH';\n`);
    const o = io();
    expect(await main(['secrets', dir, '--no-cache', '--format', 'json'], o)).toBe(1);
    const findings = JSON.parse(o.out).findings as { ruleId: string; line: number; remediation: string; prefixed?: boolean; suppressed?: unknown }[];
    expect(findings.map((f) => [f.ruleId, f.line, f.suppressed])).toEqual([
      ['SEC-STRIPE-001', 1, undefined],
      ['SEC-AWS-001', 2, undefined],
    ]);
    expect(findings[0].remediation).toMatch(/^Revoke the key now \(Stripe dashboard/);
    // Both values start with their provider's prefix: what markDuplicates prefers over a shape-only reading.
    expect(findings.map((f) => f.prefixed)).toEqual([true, true]);
    expect(o.out).not.toContain(stripe);
  });

  it('with --history, says what it knows of a secret not at HEAD: removed from this branch, or never on it and still on another', async () => {
    const stripe = 'sk_live_4eC39HqLyjWDarjtT1zdp7dcQz8bN3mKx9YvR2pL6tH0wE5sJ7uA1cF4gD8kM2nB6vX9zQ3rT5yU';
    git('init', '-q');
    git('checkout', '-q', '-b', 'hist');
    git('add', '-A');
    git('commit', '-q', '-m', 'add deploy');
    git('checkout', '-q', '-b', 'agent');
    writeFileSync(join(dir, 'pay.js'), `const stripe = require('stripe')('${stripe}');\n`);
    git('add', '-A');
    git('commit', '-q', '-m', 'payments');
    const added = git('rev-parse', 'HEAD').trim();
    git('checkout', '-q', 'hist');
    writeFileSync(join(dir, 'deploy.sh'), '#!/bin/sh\nexport GITHUB_TOKEN="$CI_TOKEN"\n');
    git('commit', '-q', '-am', 'use CI token');
    const o = io();
    expect(await main(['secrets', dir, '--history', '--no-cache', '--format', 'json'], o)).toBe(1);
    const findings = JSON.parse(o.out).findings as { ruleId: string; file: string; message: string; suppressed?: unknown }[];
    const pay = findings.find((f) => f.ruleId === 'SEC-STRIPE-001' && !f.suppressed)!;
    expect(pay.file).toBe('pay.js');
    expect(pay.message).toContain(`Committed in ${added.slice(0, 12)} (`);
    expect(pay.message).toMatch(/, not in the history of hist \(HEAD\); still present on agent: remove it there too\. It stays in the history and must be revoked\.$/);
    const gh = findings.find((f) => f.ruleId === 'SEC-GITHUB-001')!;
    // Added on hist before agent branched off: gone from hist, still on agent's tip.
    expect(gh.message).toMatch(/, removed from hist \(HEAD\) since; still present on agent: remove it there too\. /);
    expect(o.out).not.toContain(stripe);
  });

  it('rejects --update-baseline without --baseline (exit 2, one line)', async () => {
    const o = io();
    expect(await main(['secrets', dir, '--update-baseline'], o)).toBe(2);
    expect(o.err.trim().split('\n')).toHaveLength(1);
  });
});
