// The main job end to end, through the real CLI: findings, gate, reports, suppressions, cache, fingerprints.
import { existsSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoStack, git, project, REPO, sentrik } from './helpers.js';

const DEMO = join(REPO, 'examples', 'ai-api');

const findings = (dir: string) => JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')).findings as any[];

describe('scan and gate on the demo project', () => {
  it('scan shows real findings and exits 0', () => {
    const r = sentrik(['scan', DEMO, '--no-cache', '--output-dir', project({}) ]);
    expect(r.code).toBe(0);
    expectNoStack(r.stderr);
    expect(r.stdout).toMatch(/SCS-CI-001/);
    expect(r.stdout).toMatch(/OWASP-A03-001/);
    expect(r.stdout).toMatch(/critical/i);
  });

  it('reports a detection two packs share once, and says how many it merged', () => {
    const out = project({});
    const r = sentrik(['scan', DEMO, '--no-cache', '--output-dir', out]);
    expect(r.stdout).toMatch(/Findings +\d+ findings: .*\(\d+ duplicates merged\)/);
    // owasp-top-10 and javascript-typescript-security both see the eval of request data in server.js
    const atEval = findings(out).filter((f) => f.file === 'src/server.js' && f.line === 33);
    expect(atEval.map((f) => [f.ruleId, f.suppressed?.kind])).toEqual([
      ['JS-EVAL-001', 'duplicate'],
      ['OWASP-A03-001', undefined],
    ]);
    expect(r.stdout).not.toMatch(/33:\d+ +HIGH +JS-EVAL-001/);
  });

  it('gate fails with a summary line and writes every report', () => {
    const out = project({});
    const r = sentrik(['gate', DEMO, '--no-cache', '--output-dir', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Gate +FAILED — \d+ blocking finding/);
    for (const f of ['findings.json', 'findings.sarif', 'findings.junit.xml', 'findings.csv', 'findings.html', 'findings.md', 'scan_metrics.json']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const sarif = JSON.parse(readFileSync(join(out, 'findings.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results.length).toBeGreaterThan(5);
  });

  it('gate passes when fail_on is above every finding', () => {
    const root = project({ 'app.py': 'print("hello")\n' });
    const r = sentrik(['gate', root, '--fail-on', 'critical', '--packs', 'owasp-top-10', '--output-dir', join(root, 'out')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Gate +PASSED — no critical findings/);
  });

  it('an empty --fail-on (an unset CI variable) is a usage error, never a gate that cannot fail', () => {
    const r = sentrik(['gate', DEMO, '--fail-on', '', '--no-cache', '--output-dir', project({})]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--fail-on.*expected a comma-separated list/);
  });

  it('--format sarif --output writes a single report (the benchmark harness contract)', () => {
    const out = join(project({}), 'r.sarif');
    const r = sentrik(['scan', DEMO, '--packs', 'all', '--format', 'sarif', '--output', out, '--no-cache']);
    expect(r.code).toBe(0);
    const sarif = JSON.parse(readFileSync(out, 'utf8'));
    expect(sarif.runs[0].results.some((x: any) => x.ruleId === 'OWASP-A03-001')).toBe(true);
  });

  it('SARIF from a subfolder of a git repository names files from the repository top (GitHub code scanning maps them)', () => {
    const top = project({ 'services/api/a.js': 'const x = eval(req.body.code);\n', 'README.md': '# mono\n' });
    git(top, 'init', '-q');
    const sub = join(top, 'services', 'api');
    const out = join(top, 'r.sarif');
    const r = sentrik(['scan', '--packs', 'owasp-top-10,supply-chain-security', '--format', 'sarif', '--output', out, '--no-cache'], { cwd: sub });
    expect(r.code).toBe(0);
    const run = JSON.parse(readFileSync(out, 'utf8')).runs[0];
    const uris = run.results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri);
    expect(uris).toContain('services/api/a.js');
    expect(uris).not.toContain('a.js');
    expect(uris).not.toContain('./');
    expect(uris.filter((u: string) => !u.startsWith('services/api/'))).toEqual([]);
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toMatch(/\/$/);
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).not.toMatch(/services\/api\/$/);
    // Outside a git repository: paths from the folder scanned, as before.
    const plain = project({ 'a.js': 'const x = eval(req.body.code);\n' });
    sentrik(['scan', plain, '--packs', 'owasp-top-10', '--format', 'sarif', '--output', join(plain, 'r.sarif'), '--no-cache']);
    expect(JSON.parse(readFileSync(join(plain, 'r.sarif'), 'utf8')).runs[0].results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri)).toContain('a.js');
  });

  it('--output without --format takes the format from the extension, and refuses one it cannot tell', () => {
    const root = project({ 'a.js': 'const x = eval(req.body.code);\n' });
    const run = (file: string, ...more: string[]) => sentrik(['scan', root, '--packs', 'owasp-top-10', '--output', join(root, file), '--no-cache', ...more]);
    expect(run('r.json').code).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'r.json'), 'utf8')).findings.some((f: any) => f.ruleId === 'OWASP-A03-001')).toBe(true);
    run('r.sarif.json');
    expect(JSON.parse(readFileSync(join(root, 'r.sarif.json'), 'utf8')).version).toBe('2.1.0');
    run('R.SARIF');
    expect(JSON.parse(readFileSync(join(root, 'R.SARIF'), 'utf8')).version).toBe('2.1.0');
    run('r.xml');
    expect(readFileSync(join(root, 'r.xml'), 'utf8')).toMatch(/^<\?xml[^]*<testsuites /);
    run('r.csv');
    expect(readFileSync(join(root, 'r.csv'), 'utf8').split('\n')[0]).toMatch(/rule/i);
    run('r.md');
    expect(readFileSync(join(root, 'r.md'), 'utf8')).toMatch(/^## /);
    run('r.html');
    expect(readFileSync(join(root, 'r.html'), 'utf8')).toMatch(/^<!doctype html>/i);
    // --format still wins over the extension.
    run('forced.json', '--format', 'csv');
    expect(() => JSON.parse(readFileSync(join(root, 'forced.json'), 'utf8'))).toThrow();
    // An extension that names no format: exit 2 before scanning, one line with the hint, nothing written.
    const bad = run('r.out');
    expect(bad.code).toBe(2);
    expectNoStack(bad.stderr);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/r\.out: cannot write a '\.out' report — use an extension \(.*\.json.*\) or give --format/);
    expect(existsSync(join(root, 'r.out'))).toBe(false);
  });
});

describe('suppressions', () => {
  it('inline with a reason suppresses; without a reason it is reported and not applied', () => {
    const root = project({
      'a.js': 'const x = eval(req.body.code); // sentrik-ignore OWASP-A03-001: sandboxed in a vm with no globals\n',
      'b.js': '// sentrik-ignore OWASP-A03-001\nconst y = eval(req.query.code);\n',
    });
    const out = join(root, 'out');
    sentrik(['scan', root, '--packs', 'owasp-top-10', '--output-dir', out, '--no-cache']);
    const f = findings(out);
    const a = f.find((x) => x.file === 'a.js' && x.ruleId === 'OWASP-A03-001');
    expect(a.suppressed).toMatchObject({ kind: 'inline', reason: 'sandboxed in a vm with no globals' });
    expect(f.find((x) => x.file === 'b.js' && x.ruleId === 'OWASP-A03-001').suppressed).toBeUndefined();
    expect(f.some((x) => x.ruleId === 'SENTRIK-SUP-001' && x.file === 'b.js' && x.line === 1)).toBe(true);
  });

  it('file suppressions apply until they expire', () => {
    const root = project({
      'a.js': 'eval(req.body.a);\n',
      'b.js': 'eval(req.body.b);\n',
      '.sentrik/suppressions.yaml': [
        'suppressions:',
        '  - { rule_id: OWASP-A03-001, file_glob: a.js, reason: reviewed, approved_by: sec@example.com, expires: 2999-01-01 }',
        '  - { rule_id: OWASP-A03-001, file_glob: b.js, reason: old, expires: 2020-01-01 }',
        '',
      ].join('\n'),
    });
    const out = join(root, 'out');
    sentrik(['scan', root, '--packs', 'owasp-top-10', '--output-dir', out, '--no-cache']);
    const f = findings(out);
    expect(f.find((x) => x.file === 'a.js').suppressed).toMatchObject({ kind: 'file', approvedBy: 'sec@example.com' });
    expect(f.find((x) => x.file === 'b.js').suppressed).toBeUndefined();
    expect(f.some((x) => x.ruleId === 'SENTRIK-SUP-002' && x.line === 3)).toBe(true);
  });
});

describe('fingerprints and cache', () => {
  it('a fingerprint survives unrelated line shifts', () => {
    const root = project({ 'app.js': 'const a = 1;\neval(req.body.x);\n' });
    const out = join(root, 'out');
    sentrik(['scan', root, '--packs', 'owasp-top-10', '--output-dir', out]);
    const evalFinding = () => findings(out).find((x) => x.ruleId === 'OWASP-A03-001');
    const before = evalFinding();
    writeFileSync(join(root, 'app.js'), '// a comment\n\n\nconst a = 1;\n  eval(req.body.x);\n');
    sentrik(['scan', root, '--packs', 'owasp-top-10', '--output-dir', out]);
    const after = evalFinding();
    expect(after.line).toBe(5);
    expect(after.fingerprint).toBe(before.fingerprint);
  });

  it('the second scan is served from the cache; a rule change invalidates it', () => {
    const root = project({
      'app.js': 'eval(req.body.x);\n',
      '.sentrik/rules/local/pack.yaml': localPack('TODO'),
    });
    const out = join(root, 'out');
    const metrics = () => JSON.parse(readFileSync(join(out, 'scan_metrics.json'), 'utf8'));
    sentrik(['scan', root, '--packs', 'owasp-top-10,local', '--output-dir', out]);
    expect(metrics().cacheMisses).toBeGreaterThan(0);
    sentrik(['scan', root, '--packs', 'owasp-top-10,local', '--output-dir', out]);
    expect(metrics().cacheHits).toBeGreaterThan(0);
    expect(metrics().cacheMisses).toBe(0);
    writeFileSync(join(root, '.sentrik/rules/local/pack.yaml'), localPack('FIXME'));
    sentrik(['scan', root, '--packs', 'owasp-top-10,local', '--output-dir', out]);
    expect(metrics().cacheHits).toBe(0);
  });
});

const SIZES_PACK = `id: sizes
name: Sizes
version: 1.0.0
standard: team policy
description: size limits
rules:
  - id: SIZES-MAX-001
    title: Data file too large
    severity: low
    kind: file_policy
    message: A data file is over the size limit.
    remediation: Move it to release assets.
    match: { max_size: 100, paths: ['**/*.csv'] }
    examples:
      bad: [{ file: big.csv, code: "${'x,'.repeat(60)}" }]
      good: [{ file: small.csv, code: "a,b" }]
`;

describe('file sizes', () => {
  it('a max_size file policy sees sizes in a scan that lists files without a stat (no cache, no AST rules)', () => {
    // max_file_size 150: big.csv (200 bytes) is never read, yet the size policy sees it.
    const root = project({ '.sentrik/rules/sizes/pack.yaml': SIZES_PACK, '.sentrik/config.yaml': 'max_file_size: 150\n', 'big.csv': 'y,'.repeat(100), 'small.csv': 'a,b\n' });
    for (const cache of [['--no-cache'], [], []]) {
      const out = join(root, 'out');
      sentrik(['scan', root, '--packs', 'sizes', '--output-dir', out, ...cache]);
      expect(findings(out).map((f) => `${f.ruleId} ${f.file}`)).toEqual(['SIZES-MAX-001 big.csv']);
    }
  });
});

/** A pack with one file_policy rule: `files` / `exclude` as given, and the match block. */
const policyPack = (scope: string, match: string) => `id: policy
name: Policy
version: 1.0.0
standard: team policy
description: file policies
rules:
  - id: POLICY-FILE-001
    title: File policy
    severity: high
    kind: file_policy
    message: File policy violated.
    remediation: Follow the policy.
${scope}
    match: ${match}
    examples:
      bad: [{ file: keys/a.pem, code: "${'x'.repeat(200)}" }]
      good: [{ file: a.py, code: "# SPDX-License-Identifier: MIT" }]
`;

describe("file policies select files by the rule's files and exclude globs", () => {
  const SCOPE = "    files: ['**/*.pem']\n    exclude: ['vendor/**']";
  const tree = { 'server.pem': 'k\n', 'vendor/k.pem': 'k\n', 'a.py': 'x = 1\n', 'big.py': 'x'.repeat(300) };
  const flagged = (match: string, scope = SCOPE) => {
    const root = project({ ...tree, '.sentrik/rules/policy/pack.yaml': policyPack(scope, match) });
    const out = join(root, 'out');
    sentrik(['scan', root, '--packs', 'policy', '--no-cache', '--output-dir', out]);
    return findings(out).map((f) => f.file);
  };

  it('must_not_exist, max_size and header flag only the selected files', () => {
    expect(flagged('{ must_not_exist: true }')).toEqual(['server.pem']);
    expect(flagged('{ max_size: 1 }')).toEqual(['server.pem']);
    expect(flagged("{ header: '^# SPDX' }")).toEqual(['server.pem']);
  });

  it('match.paths narrows the selection, and exclude still holds with it', () => {
    expect(flagged("{ must_not_exist: true, paths: ['**/*.pem'] }", "    exclude: ['vendor/**']")).toEqual(['server.pem']);
    expect(flagged("{ max_size: 100, paths: ['**/*.py'] }", "    files: ['**/*.py', '**/*.pem']")).toEqual(['big.py']);
  });
});

describe('keystores', () => {
  const GCP = join(REPO, '..', 'shared', 'corpora', 'secretlint', 'files', 'secretlint-rule-gcp');
  it.skipIf(!existsSync(GCP))('secrets reports a P12 key that opens with notasecret (binary, so no per-file rule reads it), not one with its own password', () => {
    const root = project({
      'keys/service-account.p12': readFileSync(join(GCP, 'ng.privatekey-p12-sha512-mac', 'input.p12')),
      'keys/own-password.p12': readFileSync(join(GCP, 'ok.secure-privatekey-p12', 'input.p12')),
    });
    const out = join(root, 'out');
    const r = sentrik(['secrets', root, '--output-dir', out]);
    expect(r.code).toBe(1);
    expect(findings(out).map((f) => `${f.ruleId} ${f.file}`)).toEqual(['SEC-GCP-004 keys/service-account.p12']);
  });

  it.skipIf(!existsSync(GCP))('a keystore already committed at --baseline-commit is known, not new', () => {
    const root = project({ 'keys/sa.p12': readFileSync(join(GCP, 'ng.privatekey-p12', 'input.p12')), 'app.js': '1;\n' });
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'old');
    const r = sentrik(['gate', root, '--packs', 'secrets', '--baseline-commit', 'HEAD', '--no-cache', '--output-dir', join(root, 'out')]);
    expect(r.code).toBe(0);
    expect(findings(join(root, 'out')).map((f) => [f.ruleId, f.suppressed?.kind])).toEqual([['SEC-GCP-004', 'baseline']]);
  });
});

describe('repository rules and file sizes', () => {
  it('see every file, one over max_file_size included, with and without a cache', () => {
    const root = project({ '.sentrik/config.yaml': 'max_file_size: 1000\n', '.env': `API_URL=${'x'.repeat(3000)}\n`, 'deploy/.env.production': 'A=1\n' });
    const runs = [['--no-cache'], [], []].map((flags, i) => {
      const out = join(root, `out${i}`);
      sentrik(['secrets', root, '--output-dir', out, ...flags]);
      return findings(out).map((f) => `${f.ruleId} ${f.file}`);
    });
    // The .env is too large to read, but it is in the repository all the same.
    expect(runs[0]).toEqual(['SEC-DOTENV-001 .env', 'SEC-DOTENV-001 deploy/.env.production']);
    expect(runs).toEqual([runs[0], runs[0], runs[0]]);
  });
});

describe('git scoping', () => {
  it('--staged scans the index, not the working tree, and only the staged lines', () => {
    const root = project({ 'old.js': 'eval(req.body.old);\n' });
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'init');
    writeFileSync(join(root, 'new.js'), 'const ok = 1;\neval(req.query.staged);\n');
    git(root, 'add', 'new.js');
    writeFileSync(join(root, 'new.js'), 'const ok = 1;\n'); // working tree no longer has it
    appendFileSync(join(root, 'old.js'), '\n');
    const out = join(root, 'out');
    const r = sentrik(['gate', '--staged', '--packs', 'owasp-top-10', '--output-dir', out], { cwd: root });
    expect(r.code).toBe(1);
    const f = findings(out);
    expect(f.map((x) => `${x.file}:${x.line}`)).toEqual(['new.js:2']);
  });

  it('--git-range reports only findings on changed lines unless --full-files', () => {
    const root = project({ 'a.js': 'eval(req.body.one);\n' });
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'one');
    git(root, 'checkout', '-qb', 'feature');
    appendFileSync(join(root, 'a.js'), 'eval(req.body.two);\n');
    git(root, 'commit', '-qam', 'two');
    const out = join(root, 'out');
    sentrik(['scan', '--git-range', 'main...feature', '--packs', 'owasp-top-10', '--output-dir', out], { cwd: root });
    expect(findings(out).map((x) => x.line)).toEqual([2]);
    sentrik(['scan', '--git-range', 'main...feature', '--full-files', '--packs', 'owasp-top-10', '--output-dir', out], { cwd: root });
    expect(findings(out).map((x) => x.line)).toEqual([1, 2]);
  });

  it('--git-range: a change that only hard-codes a value read through a variable reports its uses (the written line anchors them)', () => {
    const server = (secret: string) =>
      `const jwt = require('jsonwebtoken');\nconst JWT_SECRET = ${secret};\n\napp.use('/users', usersRouter({ jwtSecret: JWT_SECRET }));\nconst verify = (t) => jwt.verify(t, JWT_SECRET);\n`;
    const root = project({ 'server.js': server('process.env.JWT_SECRET') });
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'one');
    git(root, 'checkout', '-qb', 'feature');
    writeFileSync(join(root, 'server.js'), server("'my-jwt-secret'")); // only the declaration changes
    git(root, 'commit', '-qam', 'two');
    const out = join(root, 'out');
    const r = sentrik(['gate', '--git-range', 'main...feature', '--packs', 'javascript-typescript-security', '--output-dir', out], { cwd: root });
    expect(r.code, r.stderr).toBe(1);
    const f = findings(out).filter((x) => x.ruleId === 'JS-SECRET-001');
    expect(f.map((x) => x.line)).toEqual([4, 5]);
    for (const x of f) expect(x.message).toMatch(/ The value is written on line 2\.$/);
    // A change elsewhere (not the value, not its uses) reports nothing.
    git(root, 'checkout', '-qb', 'later');
    appendFileSync(join(root, 'server.js'), 'module.exports = app;\n');
    git(root, 'commit', '-qam', 'three');
    const later = sentrik(['gate', '--git-range', 'feature...later', '--packs', 'javascript-typescript-security', '--output-dir', out], { cwd: root });
    expect(later.code, later.stderr).toBe(0);
  });
});

describe('--full-files', () => {
  it('without a change to widen is a usage error (it would scan the whole repository), exit 2', () => {
    const root = project({ 'a.js': 'eval(req.body.one);\n' });
    for (const cmd of ['gate', 'scan']) {
      const r = sentrik([cmd, '--full-files', '--packs', 'owasp-top-10', '--output-dir', join(root, 'out')], { cwd: root });
      expect(r.code).toBe(2);
      expectNoStack(r.stderr);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^sentrik: --full-files needs --staged, --git-range or --diff — /)]);
      expect(r.stdout).toBe('');
    }
  });

  it('widens --staged to the whole staged files', () => {
    const root = project({ 'a.js': 'eval(req.body.one);\n' });
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'one');
    appendFileSync(join(root, 'a.js'), 'eval(req.body.two);\n');
    git(root, 'add', 'a.js');
    const out = join(root, 'out');
    sentrik(['scan', '--staged', '--packs', 'owasp-top-10', '--output-dir', out], { cwd: root });
    expect(findings(out).map((x) => x.line)).toEqual([2]);
    const r = sentrik(['scan', '--staged', '--full-files', '--packs', 'owasp-top-10', '--output-dir', out], { cwd: root });
    expect(findings(out).map((x) => x.line)).toEqual([1, 2]);
    expect(r.stdout).toMatch(/Scope +staged changes \(whole files\)/);
  });
});

describe('--diff FILE', () => {
  const DIFF = ['--- a/a.js', '+++ b/a.js', '@@ -1 +1,2 @@', ' eval(req.body.one);', '+eval(req.body.two);', '--- a/../escape.js', '+++ b/../escape.js', '@@ -0,0 +1 @@', '+eval(x);', ''].join('\n');

  it('--diff - reads the diff from standard input (git diff | sentrik gate --diff -)', () => {
    const root = project({ 'a.js': 'eval(req.body.one);\neval(req.body.two);\n' });
    const out = join(root, 'out');
    const r = sentrik(['gate', '--diff', '-', '--packs', 'owasp-top-10', '--output-dir', out], { cwd: root, input: `${DIFF.split('\n').slice(0, 5).join('\n')}\n` });
    expect(r.code).toBe(1);
    expect(findings(out).map((f) => `${f.file}:${f.line}`)).toEqual(['a.js:2']);
    expect(r.stdout).toContain('diff stdin (changed lines)');
  });

  it('reads the diff from anywhere (CI writes it to a temporary folder), relative to where it is typed', () => {
    const root = project({ 'a.js': 'eval(req.body.one);\neval(req.body.two);\n' });
    const elsewhere = project({ 'changes.diff': DIFF });
    const out = join(root, 'out');
    const r = sentrik(['scan', '--root', root, '--diff', 'changes.diff', '--packs', 'owasp-top-10', '--output-dir', out], { cwd: elsewhere });
    expect(r.code).toBe(0);
    expectNoStack(r.stderr);
    expect(findings(out).map((f) => `${f.file}:${f.line}`)).toEqual(['a.js:2']); // only the changed line
    // A file the diff names outside the root is not read: a reported problem, and the scan goes on.
    expect(JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')).problems).toContainEqual(expect.objectContaining({ file: '../escape.js', code: 'outside-root' }));
  });

  it('reports name the diff file relative to the root, or by its name when outside: never an absolute path', () => {
    const root = project({ 'a.js': 'eval(req.body.one);\neval(req.body.two);\n', 'ci/changes.diff': DIFF });
    const elsewhere = project({ 'changes.diff': DIFF });
    const out = join(root, 'out');
    for (const [diff, shown] of [[join(root, 'ci', 'changes.diff'), 'ci/changes.diff'], [join(elsewhere, 'changes.diff'), 'changes.diff']]) {
      const r = sentrik(['scan', '--root', root, '--diff', diff, '--packs', 'owasp-top-10', '--output-dir', out], { cwd: elsewhere });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`diff ${shown} (changed lines)`);
      const json = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8'));
      expect(json.metrics.scope.diffFile).toBe(shown);
      expect(JSON.parse(readFileSync(join(out, 'scan_metrics.json'), 'utf8')).scope.diffFile).toBe(shown);
      const sarif = readFileSync(join(out, 'findings.sarif'), 'utf8');
      expect(sarif).toContain(`"diffFile": "${shown}"`);
      for (const f of ['findings.json', 'findings.sarif', 'scan_metrics.json', 'findings.html', 'findings.md']) {
        expect(readFileSync(join(out, f), 'utf8')).not.toContain(diff);
        expect(readFileSync(join(out, f), 'utf8')).not.toContain(elsewhere);
      }
    }
  });

  it('a gate over a diff none of whose files could be found exits 2; a partly found one counts the missing files', () => {
    const MISSING = ['--- a/lib/x.js', '+++ b/lib/x.js', '@@ -0,0 +1 @@', '+eval(req.body.x);', ''].join('\n');
    const root = project({ 'change.patch': MISSING, 'src/a.js': 'eval(req.body.one);\n' });
    const out = join(root, 'out');
    const none = sentrik(['gate', '--diff', 'change.patch', '--packs', 'owasp-top-10', '--quiet', '--output-dir', out], { cwd: root });
    expect(none.code).toBe(2);
    expectNoStack(none.stderr);
    expect(none.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^sentrik: the gate scanned 0 of 1 file in scope \(1 missing\): nothing was checked, so it cannot pass — /)]);
    expect(none.stdout).not.toContain('PASSED');
    // From a sub-folder the diff's paths (relative to the repository top) are not under the root: the same.
    const sub = sentrik(['gate', '--diff', '../change.patch', '--packs', 'owasp-top-10', '--quiet', '--output-dir', out], { cwd: join(root, 'src') });
    expect(sub.code).toBe(2);
    expect(sub.stderr).toMatch(/the gate scanned 0 of 1 file in scope \(1 missing\)/);
    // A file outside the root: part of the change left unread, as with --staged (unless --skip-outside-root).
    writeFileSync(join(root, 'out.patch'), DIFF.split('\n').slice(5).join('\n'));
    const outside = sentrik(['gate', '--diff', 'out.patch', '--packs', 'owasp-top-10', '--quiet', '--output-dir', out], { cwd: root });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/the gate cannot pass: 1 changed file outside .* was not scanned: \.\.\/escape\.js — .*the folder the diff was made in/);
    const skipping = sentrik(['gate', '--diff', 'out.patch', '--skip-outside-root', '--packs', 'owasp-top-10', '--quiet', '--output-dir', out], { cwd: root });
    expect(skipping.code).toBe(0);
    // Partly found: the gate judges what it scanned, and the summary counts what it could not.
    writeFileSync(join(root, 'both.patch'), ['--- a/src/a.js', '+++ b/src/a.js', '@@ -0,0 +1 @@', '+eval(req.body.one);', MISSING].join('\n'));
    const part = sentrik(['gate', '--diff', 'both.patch', '--packs', 'owasp-top-10', '--output-dir', out], { cwd: root });
    expect(part.code).toBe(1);
    expect(part.stdout).toMatch(/Files +1 scanned .*1 skipped \(1 missing\)/);
    expect(part.stderr).toContain('lib/x.js: the diff names a file that is not in the working tree; skipped');
    expect(JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')).skipped).toContainEqual({ file: 'lib/x.js', reason: 'missing' });
  });

  it('a missing diff file is one line naming it, exit 2', () => {
    const root = project({ 'a.js': '1;\n' });
    const r = sentrik(['scan', '--root', root, '--diff', 'nope.diff'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/nope\.diff.*no such diff file/);
  });
});

describe('repository rules about single files, on a change or a sub-folder', () => {
  const GCP = join(REPO, '..', 'shared', 'corpora', 'secretlint', 'files', 'secretlint-rule-gcp');
  const P12 = existsSync(GCP) ? readFileSync(join(GCP, 'ng.privatekey-p12', 'input.p12')) : Buffer.from('');
  const committed = () => {
    // Already in the repository before the change: not the change's business. No SECURITY.md either: an
    // obligation about the whole repository, which a change cannot judge.
    const root = project({ '.sentrik/rules/sizes/pack.yaml': SIZES_PACK, '.sentrik/config.yaml': 'max_file_size: 4000\n', 'old/.env': 'A=1\n', 'app.js': '1;\n' });
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'init');
    return root;
  };
  const add = (root: string) => {
    writeFileSync(join(root, '.env'), 'API_URL=https://api.example.com\n');
    writeFileSync(join(root, 'big.csv'), 'y,'.repeat(3000)); // over max_file_size: never read, still seen
    if (existsSync(GCP)) writeFileSync(join(root, 'sa.p12'), P12);
  };
  const expected = ['SEC-DOTENV-001 .env', 'SIZES-MAX-001 big.csv', ...(existsSync(GCP) ? ['SEC-GCP-004 sa.p12'] : [])].sort();
  const reported = (out: string) => findings(out).map((f) => `${f.ruleId} ${f.file}`).sort();

  it('--staged: a commit that adds a .env, a keystore or an oversized file is stopped', () => {
    const root = committed();
    add(root);
    git(root, 'add', '.');
    const out = join(root, 'out');
    const r = sentrik(['gate', '--staged', '--packs', 'secrets,supply-chain-security,sizes', '--output-dir', out], { cwd: root });
    expect(reported(out)).toEqual(expected);
    expect(r.code).toBe(existsSync(GCP) ? 1 : 0); // the keystore is critical; the rest below the default fail_on
  });

  it('--git-range: the same for the commits of a branch', () => {
    const root = committed();
    git(root, 'checkout', '-qb', 'feature');
    add(root);
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'add');
    const out = join(root, 'out');
    sentrik(['scan', '--git-range', 'main...feature', '--packs', 'secrets,supply-chain-security,sizes', '--output-dir', out], { cwd: root });
    expect(reported(out)).toEqual(expected);
  });

  it('--diff: the same for the files a diff names', () => {
    const root = committed();
    add(root);
    const newFile = (path: string) => [`--- /dev/null`, `+++ b/${path}`, '@@ -0,0 +1 @@', '+x', ''].join('\n');
    const diff = join(project({}), 'change.diff');
    writeFileSync(diff, ['.env', 'big.csv', ...(existsSync(GCP) ? ['sa.p12'] : [])].map(newFile).join(''));
    const out = join(root, 'out');
    sentrik(['scan', '--diff', diff, '--packs', 'secrets,supply-chain-security,sizes', '--output-dir', out], { cwd: root });
    expect(reported(out)).toEqual(expected);
  });

  it("a size policy on a change measures the file's bytes, not its decoded text", () => {
    const root = committed();
    writeFileSync(join(root, 'latin1.csv'), Buffer.alloc(75, 0xe9)); // 75 bytes; decoded, 75 × U+FFFD = 225 bytes
    git(root, 'add', '.');
    const out = join(root, 'out');
    sentrik(['gate', '--staged', '--packs', 'sizes', '--output-dir', out], { cwd: root });
    expect(reported(out)).toEqual([]);
  });

  it('a sub-folder scan runs them on its files, and leaves the whole-repository obligations out', () => {
    const root = committed();
    const out = join(root, 'out');
    sentrik(['scan', 'old', '--root', '.', '--packs', 'secrets,supply-chain-security', '--output-dir', out, '--no-cache'], { cwd: root });
    expect(reported(out)).toEqual(['SEC-DOTENV-001 old/.env']);
    sentrik(['scan', root, '--packs', 'secrets,supply-chain-security', '--output-dir', out, '--no-cache']);
    expect(reported(out)).toEqual(expect.arrayContaining(['SEC-DOTENV-001 old/.env', 'SCS-DOC-001 .']));
  });
});

function localPack(word: string): string {
  return `id: local
name: Local
version: 1.0.0
standard: team policy
description: local rules
rules:
  - id: LOCAL-TODO-001
    title: Marker left in code
    severity: low
    kind: regex
    message: A ${word} marker is left in the code.
    remediation: Resolve it or open an issue.
    match: { any: ['${word}'] }
    examples:
      bad: [{ file: a.js, code: "// ${word}: later", line: 1 }]
      good: [{ file: a.js, code: "// done" }]
`;
}

describe('SARIF from a real scan', () => {
  it('the demo gate SARIF passes the official validator with the GitHub rules', async () => {
    const { errorsOf, validate } = await import('../support/sarif-validator.js');
    const out = project({});
    sentrik(['gate', DEMO, '--no-cache', '--output-dir', out]);
    expect(errorsOf(validate('demo', readFileSync(join(out, 'findings.sarif'), 'utf8')))).toEqual([]);
  });
});

describe("sentrik's own reports are not scanned", () => {
  const APP = { 'app.js': 'const password = "hunter2secretvalue";\neval(req.body.code);\n' };
  const files = (dir: string) => findings(dir).map((f) => f.file as string);
  const json = (dir: string) => JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8'));

  it('the report files a run writes into a custom --output-dir are left out of that run; nothing else there is', () => {
    const root = project({ ...APP, 'src/lib.js': 'eval(req.body.other);\n' });
    expect(sentrik(['scan', '.', '--output-dir', 'reports', '-q'], { cwd: root }).code).toBe(0);
    const before = files(join(root, 'reports')).length;
    // The same flags again: the reports of the first run are not findings of the second.
    expect(sentrik(['scan', '.', '--output-dir', 'reports', '-q'], { cwd: root }).code).toBe(0);
    expect(files(join(root, 'reports')).filter((f) => f.startsWith('reports/'))).toEqual([]);
    expect(files(join(root, 'reports'))).toHaveLength(before);
    expect(json(join(root, 'reports')).skipped).toContainEqual({ file: 'reports/findings.json', reason: 'excluded' });
    // An --output-dir that is a source folder: its code is still scanned, and the gate still fails on it.
    const gate = sentrik(['gate', '.', '--output-dir', 'src', '--packs', 'owasp-top-10', '-q'], { cwd: root });
    expect(gate.code).toBe(1);
    expect(files(join(root, 'src'))).toContain('src/lib.js');
  });

  it('a report-named file that is part of a change, or in another folder, is scanned: nothing in the repository hides a file', () => {
    const root = project({ ...APP, 'docs/findings.json': '{"password": "hunter2secretvalue"}\n' });
    sentrik(['scan', '.', '--packs', 'secrets', '-q'], { cwd: root });
    expect(json(join(root, 'out')).metrics.filesScanned).toBe(2); // app.js and docs/findings.json
    git(root, 'init', '-q');
    git(root, 'add', 'docs/findings.json', 'app.js');
    // Staged, it is scanned even by a run that writes its reports into docs/.
    sentrik(['scan', '--staged', '--packs', 'secrets', '--output-dir', join(root, 'elsewhere'), '-q'], { cwd: root });
    const staged = json(join(root, 'elsewhere'));
    expect(staged.metrics.scope.paths).toEqual(['app.js', 'docs/findings.json']);
    expect(sentrik(['scan', '--staged', '--packs', 'secrets', '--output-dir', 'docs', '-q'], { cwd: root }).code).toBe(0);
    expect(json(join(root, 'docs')).metrics.scope.paths).toEqual(['app.js', 'docs/findings.json']);
  });

  it('a single --output file inside the project is not scanned by the run that rewrites it', () => {
    const root = project(APP);
    sentrik(['scan', '.', '--format', 'json', '--output', 'report.json', '--packs', 'secrets'], { cwd: root });
    const again = sentrik(['scan', '.', '--format', 'json', '--output', 'report.json', '--packs', 'secrets'], { cwd: root });
    expect(again.code).toBe(0);
    const report = JSON.parse(readFileSync(join(root, 'report.json'), 'utf8'));
    expect(report.findings.map((f: { file: string }) => f.file)).not.toContain('report.json');
    expect(report.skipped).toContainEqual({ file: 'report.json', reason: 'excluded' });
  });
});

describe("sentrik's own folder is not scanned", () => {
  // A custom pack's bad example is, by design, what its rule flags; the secrets pack flags it too.
  const ACME = `id: acme-sec
name: Acme
version: 1.0.0
standard: Acme
description: Acme tokens
rules:
  - id: ACME-TOK-001
    title: Acme token in code
    severity: critical
    kind: regex
    message: An Acme token is committed.
    remediation: Rotate it and read it from the environment.
    match: { any: ['acme_tok_[A-Za-z0-9]{20}'] }
    examples:
      bad: [{ file: a.py, line: 1, code: "TOKEN = 'acme_tok_AbCdEfGhIjKlMnOpQrSt'" }]
      good: [{ file: a.py, code: "TOKEN = os.environ['ACME']" }]
`;
  const CONFIG = 'standards_packs: [acme-sec, secrets]\ngovernance: { human_review_required: { on_suppression_added: true } }\n';
  const tree = { '.sentrik/config.yaml': CONFIG, '.sentrik/rules/acme-sec/pack.yaml': ACME, 'packages/web/.sentrik/rules/acme-sec/pack.yaml': ACME, 'app.py': 'x = 1\n' };

  it('a custom pack with example secrets passes the gate; the same token in code fails it', () => {
    const root = project(tree);
    const clean = sentrik(['gate', '.', '--no-cache', '-q'], { cwd: root });
    expect(clean.code).toBe(0);
    expect(findings(join(root, 'out'))).toEqual([]);
    writeFileSync(join(root, 'app.py'), "TOKEN = 'acme_tok_ZyXwVuTsRqPoNmLkJiHg'\n");
    expect(sentrik(['gate', '.', '--no-cache', '-q'], { cwd: root }).code).toBe(1);
    expect(findings(join(root, 'out')).map((f) => `${f.ruleId} ${f.file}`)).toContain('ACME-TOK-001 app.py');
  });

  it('--staged and --diff leave it out too, and a changed suppressions file still asks for review', () => {
    const root = project(tree);
    git(root, 'init', '-q');
    git(root, 'add', 'app.py');
    git(root, 'commit', '-qm', 'app');
    writeFileSync(join(root, '.sentrik/suppressions.yaml'), 'suppressions: []\n');
    git(root, 'add', '-N', '.sentrik');
    writeFileSync(join(root, 'change.diff'), git(root, 'diff'));
    git(root, 'add', '.sentrik');
    for (const scope of [['--staged'], ['--diff', 'change.diff']]) {
      const r = sentrik(['gate', ...scope, '--no-cache'], { cwd: root });
      expect(r.code, scope.join(' ')).toBe(0);
      expect(findings(join(root, 'out')), scope.join(' ')).toEqual([]);
      expect(r.stdout.replace(/\s+/g, ' '), scope.join(' ')).toContain('review required: .sentrik/suppressions.yaml changed');
    }
  });
});

describe('generated files stay out of git', () => {
  it('a report folder or cache sentrik creates ignores itself; .sentrik/ names its generated files; a folder the user had is left alone', () => {
    const root = project({ 'a.js': 'eval(req.query.x)\n' });
    git(root, 'init', '-q');
    expect(sentrik(['scan', root, '--packs', 'owasp-top-10', '-q']).code).toBe(0);
    expect(readFileSync(join(root, 'out/.gitignore'), 'utf8')).toMatch(/^\*$/m);
    expect(readFileSync(join(root, '.sentrik/.gitignore'), 'utf8')).toMatch(/^cache\/$/m);
    expect(readFileSync(join(root, '.sentrik/.gitignore'), 'utf8')).toMatch(/^history\.db\*$/m);
    // What `git add .` would take: the code and the .sentrik/.gitignore, no report, cache or history.
    const untracked = git(root, 'status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean).map((l) => l.slice(3)).sort();
    expect(untracked).toEqual(['.sentrik/.gitignore', 'a.js']);

    // gate (its review file) and fix (its patches) may be the first to create the folder: the same.
    for (const args of [['gate', '--staged', '--root'], ['fix', '--dry-run']]) {
      const first = project({ 'app.py': 'import requests\nrequests.get("https://x", verify=False)\n' });
      git(first, 'init', '-q');
      git(first, 'add', 'app.py');
      sentrik([...args, first, '--packs', 'owasp-top-10']);
      expect(readFileSync(join(first, 'out/.gitignore'), 'utf8'), args[0]).toMatch(/^\*$/m);
      expect(git(first, 'status', '--porcelain', '--untracked-files=all'), args[0]).not.toMatch(/out\//);
    }

    const own = project({ 'a.js': 'x\n', 'out/site.html': '<html></html>\n' });
    sentrik(['scan', own, '--packs', 'owasp-top-10', '-q']);
    expect(existsSync(join(own, 'out/.gitignore'))).toBe(false);
  });
});

describe("sentrik's own files", () => {
  it('custom packs, cache and history are not scanned; the configuration and any other file in a .sentrik folder are', () => {
    const root = project({
      '.sentrik/config.yaml': 'standards_packs: [owasp-top-10, secrets]\n# dashboard token: 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\n',
      'lib/.sentrik/payload.js': 'const cp = require("child_process");\nmodule.exports = (req) => cp.exec(req.query.cmd);\n',
    });
    sentrik(['scan', root, '--no-cache', '--output-dir', join(root, 'out')]);
    const files = JSON.parse(readFileSync(join(root, 'out/findings.json'), 'utf8')).findings.map((f: { file: string; ruleId: string }) => `${f.file} ${f.ruleId}`);
    expect(files).toContain('.sentrik/config.yaml SEC-GITHUB-001');
    expect(files).toContain('lib/.sentrik/payload.js OWASP-A03-003');
  });
});
