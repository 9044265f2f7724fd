// severity_rescoring_enabled over real scans: lower in test files and on comment lines, with the reason on the
// finding; a committed private key is not a comment.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { project, sentrik } from '../cli/helpers.js';
import { loadConfig } from '../../src/config/load.js';
import { runScan } from '../../src/run/scan.js';
import { isTestPath, ruleAboutTests } from '../../src/engine/findings.js';
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
    expect(of('tests/setup.sh', 'SCS-CI-001')).toMatchObject({ severity: 'high', originalSeverity: 'critical', rescoreReason: 'lowered: test or example file' });
    const plain = of('env.sh', 'SEC-GITHUB-001');
    expect(plain.rescoreReason).toBeUndefined();
    expect(of('notes.sh', 'SEC-GITHUB-001')).toMatchObject({ originalSeverity: plain.severity, rescoreReason: 'lowered: comment' });
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

describe('what rescoring counts as a test, fixture or example file', () => {
  it.each([
    ['tests/setup.sh', true],
    ['src/app.test.ts', true],
    ['pkg/x_test.go', true],
    ['examples/demo/app.py', true],
    ['docs/samples/client.js', true],
    ['examples/spring-demo/src/main/java/com/acme/App.java', true],
    ['src/test/java/com/example/AppTest.java', true],
    // Spring Initializr's default package: below a JVM source root, `example` is a package name.
    ['src/main/java/com/example/demo/UserController.java', false],
    ['service/src/main/kotlin/com/example/Api.kt', false],
    ['src/main/scala/org/samples/Job.scala', false],
    ['src/main/resources/examples/config.yaml', true],
    ['src/app.py', false],
  ])('%s: %s', (path, expected) => {
    expect(isTestPath(path)).toBe(expected);
  });

  it('a rule is about tests when every files glob names test files', () => {
    expect(ruleAboutTests(['test/**/*.js'])).toBe(true);
    expect(ruleAboutTests(['**/*.{test,spec}.{js,ts}', '**/__tests__/**'])).toBe(true);
    expect(ruleAboutTests(['{test,spec}/**/*.rb'])).toBe(true);
    expect(ruleAboutTests(['test/**/*.js', 'src/**/*.js'])).toBe(false);
    expect(ruleAboutTests(['**/*.js'])).toBe(false);
    expect(ruleAboutTests(undefined)).toBe(false);
  });
});

/** A custom pack: `it.only(` in tests, high; an SQL string built with `+`, medium. */
const TEAM_PACK = `id: team
name: Team
version: 1.0.0
standard: team policy
description: team rules
rules:
  - id: TEAM-TEST-001
    title: Focused test committed
    severity: high
    kind: regex
    message: it.only( skips every other test in CI.
    remediation: Remove .only.
    files: ['test/**/*.js']
    match: { any: ['\\b(it|describe)\\.only\\('] }
    examples:
      bad: [{ file: test/a.test.js, line: 1, code: "it.only('x', () => {});" }]
      good: [{ file: test/a.test.js, code: "it('x', () => {});" }]
  - id: TEAM-SQL-001
    title: SQL built by concatenation
    severity: medium
    kind: regex
    message: SQL text built with +.
    remediation: Use parameters.
    match: { any: ['SELECT .*" \\+'] }
    examples:
      bad: [{ file: a.js, line: 1, code: 'q("SELECT * FROM t WHERE id=" + id);' }]
      good: [{ file: a.js, code: 'q("SELECT * FROM t WHERE id=?", [id]);' }]
`;

describe('rescoring and a team\'s own severities, through the CLI', () => {
  const SQL = 'db.q("SELECT * FROM t WHERE id=" + id);\n';
  const tree = {
    '.sentrik/rules/team/pack.yaml': TEAM_PACK,
    'test/api.test.js': "it.only('creates a user', () => {});\n",
    'src/main/java/com/example/demo/Users.java': SQL,
    'examples/client.js': SQL,
  };
  const findingsOf = (root: string) => JSON.parse(readFileSync(join(root, 'out', 'findings.json'), 'utf8')).findings as { ruleId: string; file: string; severity: string; originalSeverity?: string }[];

  it('a rule about tests keeps its severity in them and fails the gate; a Spring package is code; an examples folder is lowered', () => {
    const root = project({ ...tree, '.sentrik/config.yaml': 'standards_packs: [team]\n' });
    const r = sentrik(['gate', '.', '--no-cache'], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/1:1 +HIGH +TEAM-TEST-001/);
    expect(findingsOf(root).map((f) => [f.ruleId, f.file, f.severity, f.originalSeverity])).toEqual([
      ['TEAM-SQL-001', 'examples/client.js', 'low', 'medium'],
      ['TEAM-SQL-001', 'src/main/java/com/example/demo/Users.java', 'medium', undefined],
      ['TEAM-TEST-001', 'test/api.test.js', 'high', undefined],
    ]);
    // The terminal says what a rescored severity was and why.
    expect(r.stdout).toMatch(/1:\d+ +LOW \(medium, lowered: test or example file\) +TEAM-SQL-001/);
  });

  it('a severity set in pack_overrides is final: never rescored', () => {
    const root = project({ ...tree, '.sentrik/config.yaml': 'standards_packs: [team]\npack_overrides:\n  team:\n    TEAM-SQL-001: { severity: high }\n' });
    expect(sentrik(['gate', '.', '--no-cache', '-q'], { cwd: root }).code).toBe(1);
    const sql = findingsOf(root).filter((f) => f.ruleId === 'TEAM-SQL-001');
    expect(sql.map((f) => [f.file, f.severity, f.originalSeverity])).toEqual([
      ['examples/client.js', 'high', undefined],
      ['src/main/java/com/example/demo/Users.java', 'high', undefined],
    ]);
  });
});
