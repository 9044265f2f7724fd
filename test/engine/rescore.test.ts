// severity_rescoring_enabled over real scans: lower in test files and on comment lines, with the reason on the
// finding; a committed private key is not a comment.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { project } from '../cli/helpers.js';
import { loadConfig } from '../../src/config/load.js';
import { runScan } from '../../src/run/scan.js';
import { base62, crc32 } from '../../src/secrets/checks.js';

const KEY = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpora', 'secretlint', 'files', 'secretlint-rule-privatekey', 'rsa', 'input');

async function scan(files: Record<string, string>, packs: string[], rescoring = true) {
  const root = project({ ...files, '.sentrik/config.yaml': `severity_rescoring_enabled: ${rescoring}\n` });
  const { config } = loadConfig({ root, env: {}, overrides: {} });
  return runScan({ root, config, scope: { mode: 'paths', paths: [] }, packs, noCache: true, jobs: 1 });
}

const PIPE = 'curl -fsSL https://get.example.com/install.sh | bash\n';
const random = 'Pq4Rs8Tu2Vw6Xy0Za3Bc7De1Fg5Hi9';
const TOKEN = `GITHUB_TOKEN=ghp_${random}${base62(crc32(random), 6)}\n`;

describe('severity rescoring', () => {
  it('lowers a finding in a test file, or on a comment line, and says why', async () => {
    const result = await scan({ 'install.sh': PIPE, 'tests/setup.sh': PIPE, 'env.sh': TOKEN, 'notes.sh': `# ${TOKEN}` }, ['supply-chain-security', 'secrets']);
    const of = (file: string, rule: string) => result.findings.find((f) => f.file === file && f.ruleId === rule)!;
    expect(of('install.sh', 'SCS-CI-001')).toMatchObject({ severity: 'critical' });
    expect(of('install.sh', 'SCS-CI-001').rescoreReason).toBeUndefined();
    expect(of('tests/setup.sh', 'SCS-CI-001')).toMatchObject({ severity: 'high', originalSeverity: 'critical', rescoreReason: 'lowered: test, fixture or example file' });
    const plain = of('env.sh', 'SEC-GITHUB-001');
    expect(plain.rescoreReason).toBeUndefined();
    expect(of('notes.sh', 'SEC-GITHUB-001')).toMatchObject({ originalSeverity: plain.severity, rescoreReason: 'lowered: the line is a comment' });
  });

  it('leaves severities alone when switched off', async () => {
    const result = await scan({ 'tests/setup.sh': PIPE }, ['supply-chain-security'], false);
    expect(result.findings.find((f) => f.ruleId === 'SCS-CI-001')).toMatchObject({ severity: 'critical' });
  });

  it('a committed private key keeps its severity: its -----BEGIN line is not an SQL comment', async () => {
    const result = await scan({ 'deploy/id_rsa': readFileSync(KEY, 'utf8') }, ['secrets']);
    const keys = result.findings.filter((f) => f.file === 'deploy/id_rsa' && f.line === 1);
    expect(keys.length).toBeGreaterThan(0);
    for (const f of keys) expect(f.rescoreReason, f.ruleId).toBeUndefined();
  });
});
