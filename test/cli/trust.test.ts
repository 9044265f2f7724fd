// Trust in the result, through the real CLI: scan and gate open no socket; a gate that checked nothing it
// was given fails (exit 2); suppressions are listed, and stale or over-reaching ones are reported; baselines
// hide known findings only; layered configuration shows where each key came from; the network policy
// falls back to cached data instead of failing. Bad input is one line naming the file and line, exit 2.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoStack, git, project, REPO, sentrik } from './helpers.js';

const PRELOAD = join(REPO, 'test', 'trust', 'no-network.cjs');
const DEMO = join(REPO, 'examples', 'ai-api');

function json(file: string): any {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Terminal output with wrapping undone, for matching summary lines. */
function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/** A port on 127.0.0.1 that nothing listens on (fetch refuses "bad ports" such as 9 before connecting). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

function oneLineError(stderr: string, pattern: RegExp): void {
  expectNoStack(stderr);
  const lines = stderr.trim().split('\n').filter((l) => !l.startsWith('sentrik: warning:'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

describe('no network: scan and gate open no socket', () => {
  // Every connect, DNS lookup and UDP socket is recorded and refused by a preload that also runs in worker threads.
  const guarded = (log: string, extra: Record<string, string> = {}) => ({ NODE_OPTIONS: `--require ${PRELOAD}`, SENTRIK_TEST_NET_LOG: log, ...extra });

  it('a full scan (every pack, worker threads) and a gate, in CI and outside, open none', { timeout: 180_000 }, () => {
    const dir = project({});
    const log = join(dir, 'net.log');
    const files: Record<string, string> = {};
    for (let i = 0; i < 240; i++) files[`src/m${i}.js`] = `const x${i} = eval(req.body.v${i});\nfetch('https://example.com/${i}');\n`;
    const big = project(files);
    for (const env of [{}, { CI: 'true' }]) {
      const demo = sentrik(['scan', DEMO, '--packs', 'all', '--no-cache', '--output-dir', join(dir, 'demo')], { env: guarded(log, env) });
      expect(demo.code).toBe(0);
      expect(demo.stdout).toMatch(/SCS-CI-001/);
      const workers = sentrik(['scan', big, '--jobs', '2', '--no-cache', '--quiet', '--output-dir', join(dir, 'big')], { env: guarded(log, env) });
      expect(workers.code).toBe(0);
      expect(json(join(dir, 'big', 'scan_metrics.json')).jobs).toBe(2);
      const gate = sentrik(['gate', DEMO, '--no-cache', '--quiet', '--output-dir', join(dir, 'gate')], { env: guarded(log, env) });
      expect(gate.code).toBe(1);
    }
    const loaded = readFileSync(`${log}.loaded`, 'utf8');
    expect(loaded).toContain('main');
    expect(loaded).toContain('worker'); // the guard was active in the worker threads too
    expect(existsSync(log) ? readFileSync(log, 'utf8') : '').toBe('');
  });

  it('a staged pre-commit gate opens none', () => {
    const root = project({ 'a.js': 'const a = 1;\n' });
    git(root, 'init', '-q');
    writeFileSync(join(root, 'b.js'), 'eval(req.body.x);\n');
    git(root, 'add', '.');
    const log = join(root, 'net.log');
    const r = sentrik(['gate', '--staged', '--root', root, '--quiet', '--output-dir', join(root, 'out')], { env: guarded(log) });
    expect(r.code).toBe(1);
    expect(existsSync(log)).toBe(false);
  });

  it('the guard itself works: vulns --online is caught trying to connect', async () => {
    const root = project({ 'requirements.txt': 'Jinja2==2.10\n' });
    const log = join(root, 'net.log');
    const port = await closedPort();
    const r = sentrik(['vulns', root, '--online', '--network', 'on', '--db', join(root, 'nodb')], { env: guarded(log, { SENTRIK_OSV_API_URL: `http://127.0.0.1:${port}` }) });
    expect(r.code).toBe(2);
    expect(readFileSync(log, 'utf8')).toMatch(new RegExp(`^main connect 127\\.0\\.0\\.1:${port}$`, 'm'));
  });
});

describe('proof of coverage', () => {
  it('the summary, scan_metrics.json and SARIF say what was scanned, skipped, evaluated, and the scope', () => {
    const root = project({ 'a.js': 'eval(req.body.x);\n', 'big.js': `// ${'x'.repeat(5000)}\n`, 'img.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]) });
    const r = sentrik(['scan', root, '--packs', 'owasp-top-10', '--max-file-size', '1KB', '--no-cache', '--output-dir', join(root, 'out')]);
    expect(r.code).toBe(0);
    expect(flat(r.stdout)).toMatch(/Files 1 scanned \(18 B\), 2 skipped \((1 binary, 1 too-large|1 too-large, 1 binary)\)/);
    expect(flat(r.stdout)).toMatch(/Rules \d+ evaluated from 1 pack: owasp-top-10/);
    const m = json(join(root, 'out', 'scan_metrics.json'));
    expect(m).toMatchObject({ filesScanned: 1, bytesScanned: 18, filesSkipped: 2, skippedByReason: { binary: 1, 'too-large': 1 }, packs: ['owasp-top-10'], scope: { mode: 'paths', paths: ['.'] } });
    expect(m.rulesEvaluated).toBeGreaterThan(10);
    const run = json(join(root, 'out', 'findings.sarif')).runs[0];
    for (const props of [run.invocations[0].properties, run.properties]) {
      expect(props).toMatchObject({ filesScanned: 1, bytesScanned: 18, filesSkipped: 2, skippedByReason: { binary: 1, 'too-large': 1 }, rulesEvaluated: m.rulesEvaluated, packs: ['owasp-top-10'], scope: { mode: 'paths' } });
    }
  });

  it('a gate over a non-empty staged set that could scan none of it fails with exit 2 and says why', () => {
    const root = project({ 'a.js': 'const a = 1;\n' });
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'init');
    writeFileSync(join(root, 'huge.js'), `eval(req.body.x); // ${'y'.repeat(4000)}\n`);
    git(root, 'add', 'huge.js');
    const gate = sentrik(['gate', '--staged', '--root', root, '--max-file-size', '1KB', '--quiet', '--output-dir', join(root, 'out')]);
    expect(gate.code).toBe(2);
    oneLineError(gate.stderr, /^sentrik: the gate scanned 0 of 1 file in scope \(1 too-large\): nothing was checked, so it cannot pass — raise max_file_size/);
    expect(gate.stdout).not.toContain('PASSED');
    // scan reports the same gap as a warning and goes on.
    const scan = sentrik(['scan', '--staged', '--root', root, '--max-file-size', '1KB', '--quiet', '--output-dir', join(root, 'out')]);
    expect(scan.code).toBe(0);
    expect(scan.stderr).toContain('sentrik: warning: scanned 0 of 1 file in scope (1 too-large): nothing was checked');
    // A commit of only a binary file has nothing to check: the gate passes.
    git(root, 'reset', '-q');
    writeFileSync(join(root, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
    git(root, 'add', 'logo.png');
    expect(sentrik(['gate', '--staged', '--root', root, '--quiet', '--output-dir', join(root, 'out')]).code).toBe(0);
    // Nor does a commit of only sentrik's own run history: the scan never reads it, so it is no gap (regression).
    git(root, 'reset', '-q');
    mkdirSync(join(root, '.sentrik'), { recursive: true });
    writeFileSync(join(root, '.sentrik', 'history.db-journal'), 'eval(req.body.x);\n');
    git(root, 'add', '-f', '.sentrik/history.db-journal');
    const own = sentrik(['gate', '--staged', '--root', root, '--quiet', '--output-dir', join(root, 'out')]);
    expect(own.stderr).not.toContain('scanned 0 of');
    expect(own.code).toBe(0);
  });

  // A repository whose top holds a staged secret and a sub-folder `src` with a staged change of its own.
  const STRIPE = `const key = 'sk_live_${'51HqLyjWDarjtT1zdp7dc'}Qx8Lm2Np4Rs6Tv8Xz0Bd';\n`;
  const subfolderRepo = (): string => {
    const root = project({ 'src/app.js': 'const a = 1;\n' });
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'init');
    return root;
  };

  it('--staged from a sub-folder never passes a change it did not scan: the files outside it are named, exit 2', () => {
    const root = subfolderRepo();
    writeFileSync(join(root, 'leak.js'), STRIPE);
    git(root, 'add', 'leak.js');
    const src = join(root, 'src');
    const out = join(root, 'out');
    // Nothing of the change is under src: the gate scanned none of it.
    const none = sentrik(['gate', '--staged', '--packs', 'secrets', '--quiet', '--output-dir', out], { cwd: src });
    expect(none.code).toBe(2);
    oneLineError(none.stderr, /^sentrik: the gate cannot pass: 1 changed file outside .*src was not scanned: \.\.\/leak\.js — .*repository's top folder/);
    expect(none.stdout).not.toContain('PASSED');
    // Part of the change is under src and scanned: the rest is still not let through.
    writeFileSync(join(src, 'app.js'), 'const a = 2;\n');
    git(root, 'add', 'src/app.js');
    const part = sentrik(['gate', '--staged', '--packs', 'secrets', '--quiet', '--output-dir', out], { cwd: src });
    expect(part.code).toBe(2);
    oneLineError(part.stderr, /1 changed file outside .*src was not scanned: \.\.\/leak\.js/);
    // scan says the same as a warning, and counts the file as skipped.
    const scan = sentrik(['scan', '--staged', '--packs', 'secrets', '--quiet', '--output-dir', out], { cwd: src });
    expect(scan.code).toBe(0);
    expect(scan.stderr).toContain('sentrik: warning: 1 changed file outside');
    expect(scan.stdout).toMatch(/Files +1 scanned .*1 skipped \(1 outside-root\)/);
    // From the top, the secret is found and the gate fails on it.
    const top = sentrik(['gate', '--staged', '--packs', 'secrets', '--quiet', '--output-dir', out], { cwd: root });
    expect(top.code).toBe(1);
    expect(top.stdout).toMatch(/Gate +FAILED/);
  });

  it('--git-range from a sub-folder names the changed files outside it (Dockerfile, workflow) and the gate exits 2', () => {
    const root = subfolderRepo();
    git(root, 'checkout', '-qb', 'feature');
    mkdirSync(join(root, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(root, '.github', 'workflows', 'ci.yml'), 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: curl -s https://x.example/i.sh | bash\n');
    writeFileSync(join(root, 'Dockerfile'), 'FROM node:latest\n');
    writeFileSync(join(root, 'src', 'app.js'), 'const a = 2;\n');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'feature');
    const r = sentrik(['gate', '--git-range', 'main...feature', '--packs', 'supply-chain-security', '--quiet', '--output-dir', join(root, 'out')], { cwd: join(root, 'src') });
    expect(r.code).toBe(2);
    oneLineError(r.stderr, /^sentrik: the gate cannot pass: 2 changed files outside .*src were not scanned: \.\.\/\.github\/workflows\/ci\.yml, \.\.\/Dockerfile — /);
    // From the top the whole change is scanned.
    const top = sentrik(['gate', '--git-range', 'main...feature', '--packs', 'supply-chain-security', '--quiet', '--output-dir', join(root, 'out')], { cwd: root });
    expect(top.stderr).not.toContain('not scanned');
    expect([0, 1]).toContain(top.code);
  });

  it('--skip-outside-root gates only the sub-folder (a monorepo package): the rest of the change is counted as skipped', () => {
    const root = subfolderRepo();
    git(root, 'checkout', '-qb', 'feature');
    writeFileSync(join(root, 'Dockerfile'), 'FROM node:latest\n');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'outside only');
    const args = ['gate', '--git-range', 'main...feature', '--skip-outside-root', '--packs', 'supply-chain-security', '--output-dir', join(root, 'out')];
    const outsideOnly = sentrik(args, { cwd: join(root, 'src') });
    expect(outsideOnly.code).toBe(0);
    expect(outsideOnly.stdout).toMatch(/1 skipped \(1 outside-root\)/);
    // A finding under the root still fails the gate.
    writeFileSync(join(root, 'src', 'app.js'), `const key = 'sk_live_${'51HqLyjWDarjtT1zdp7dc'}Qx8Lm2Np4Rs6Tv8Xz0Bd';\n`);
    git(root, 'commit', '-qam', 'inside');
    const inside = sentrik([...args.slice(0, -4), '--packs', 'secrets', '--output-dir', join(root, 'out')], { cwd: join(root, 'src') });
    expect(inside.code).toBe(1);
    // Without a change to narrow it is a usage error.
    const alone = sentrik(['gate', '--skip-outside-root'], { cwd: root });
    expect(alone.code).toBe(2);
    oneLineError(alone.stderr, /^sentrik: --skip-outside-root needs --staged, --git-range or --diff/);
  });
});

describe('suppression lifecycle', () => {
  const files = {
    'a.js': 'const x = eval(req.body.code); // sentrik-ignore OWASP-A03-001: sandboxed in a vm with no globals\n',
    'b.js': '// sentrik-ignore OWASP-A03-001: nothing here any more\nconst y = 1;\n',
    'c.js': 'eval(req.query.c);\n',
    '.sentrik/suppressions.yaml': [
      'suppressions:',
      '  - { rule_id: OWASP-A03-001, file_glob: c.js, reason: reviewed, approved_by: sec@example.com, expires: 2999-01-01 }',
      '  - { rule_id: OWASP-A03-001, file_glob: gone/**, reason: old module, approved_by: sec@example.com }',
      '',
    ].join('\n'),
  };

  it('suppressions list shows every suppression with reason, approver, expiry, status and matches; stale ones are findings', () => {
    const root = project(files);
    const list = sentrik(['suppressions', 'list', root, '--packs', 'owasp-top-10', '--json', '--no-cache']);
    expect(list.code).toBe(0);
    const records = JSON.parse(list.stdout);
    expect(records).toEqual([
      { kind: 'file', source: '.sentrik/suppressions.yaml:2', ruleIds: ['OWASP-A03-001'], fileGlob: 'c.js', reason: 'reviewed', approvedBy: 'sec@example.com', expires: '2999-01-01', status: 'active', matched: 1 },
      { kind: 'file', source: '.sentrik/suppressions.yaml:3', ruleIds: ['OWASP-A03-001'], fileGlob: 'gone/**', reason: 'old module', approvedBy: 'sec@example.com', status: 'stale', matched: 0 },
      { kind: 'inline', source: 'a.js:1', ruleIds: ['OWASP-A03-001'], reason: 'sandboxed in a vm with no globals', status: 'active', matched: 1 },
      { kind: 'inline', source: 'b.js:1', ruleIds: ['OWASP-A03-001'], reason: 'nothing here any more', status: 'stale', matched: 0 },
    ]);
    const text = sentrik(['suppressions', 'list', root, '--packs', 'owasp-top-10', '--no-cache']);
    expect(text.stdout).toContain('b.js:1  [inline]  OWASP-A03-001');
    expect(text.stdout).toContain('approved: sec@example.com   expires: 2999-01-01');
    expect(text.stdout).toContain('4 suppressions: 2 active, 2 stale');

    const gate = sentrik(['gate', root, '--packs', 'owasp-top-10', '--fail-on', 'low', '--no-cache', '--output-dir', join(root, 'out')]);
    const stale = json(join(root, 'out', 'findings.json')).findings.filter((f: any) => f.ruleId === 'SENTRIK-SUP-003');
    expect(stale.map((f: any) => [f.file, f.line, f.severity])).toEqual([
      ['.sentrik/suppressions.yaml', 3, 'low'],
      ['b.js', 1, 'low'],
    ]);
    expect(gate.code).toBe(1); // fail_on low: the stale suppressions themselves block
    expect(flat(gate.stdout)).toContain('Gate FAILED — 2 blocking findings (2 low) in 2 file(s), 2 suppressed; fails on');
    expect(flat(gate.stdout)).toContain('Ignored 1 inline, 1 file; needing attention: 2 stale');
  });

  it('a file suppression naming a rule no pack has is unknown, not unchecked: SENTRIK-SUP-005 at its line, with the closest id', () => {
    const root = project({
      'c.js': 'eval(req.query.c);\n',
      '.sentrik/suppressions.yaml': [
        'suppressions:',
        '  - { rule_id: OWASP-A03-01, file_glob: c.js, reason: reviewed }',
        '  - { rule_id: NOTHING-LIKE-IT, reason: typo }',
        '  - { rule_id: HIPAA-LOG-001, reason: a rule of a pack not enabled }',
        '',
      ].join('\n'),
    });
    const list = sentrik(['suppressions', 'list', root, '--packs', 'owasp-top-10', '--json', '--no-cache']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).map((r: any) => [r.source, r.status, r.didYouMean])).toEqual([
      ['.sentrik/suppressions.yaml:2', 'unknown', 'OWASP-A03-001'],
      ['.sentrik/suppressions.yaml:3', 'unknown', undefined],
      ['.sentrik/suppressions.yaml:4', 'unchecked', undefined], // it exists: this run could not judge it
    ]);
    const text = sentrik(['suppressions', 'list', root, '--packs', 'owasp-top-10', '--no-cache']);
    expect(text.stdout).toContain('status:   unknown — no pack has this rule: it can never apply (SENTRIK-SUP-005); did you mean OWASP-A03-001?');
    sentrik(['scan', root, '--packs', 'owasp-top-10', '--no-cache', '--output-dir', join(root, 'out')]);
    const unknown = json(join(root, 'out', 'findings.json')).findings.filter((f: any) => f.ruleId === 'SENTRIK-SUP-005');
    expect(unknown.map((f: any) => [f.file, f.line, f.severity, f.message])).toEqual([
      ['.sentrik/suppressions.yaml', 2, 'low', 'Suppression of OWASP-A03-01 for c.js: no rule OWASP-A03-01 is loaded; did you mean OWASP-A03-001?'],
      ['.sentrik/suppressions.yaml', 3, 'low', 'Suppression of NOTHING-LIKE-IT for **: no rule NOTHING-LIKE-IT is loaded (sentrik list-rules shows the ids)'],
    ]);
    // The finding the typo meant to hide is still reported.
    expect(json(join(root, 'out', 'findings.json')).findings.some((f: any) => f.ruleId === 'OWASP-A03-001' && f.file === 'c.js' && !f.suppressed)).toBe(true);
  });

  it('an inline sentrik-ignore naming only rules no pack has is unknown too, with the closest id; the finding stands', () => {
    const root = project({
      'c.js': 'eval(req.query.c); // sentrik-ignore OWASP-A03-01: reviewed\neval(req.query.d); // sentrik-ignore OWASP-A03-001, NOTHING-LIKE-IT: one of them exists\n',
      // Documentation that shows the syntax (in a code span: no comment, so no suppression at all), and words that
      // are no rule id: not suppressions of unknown rules.
      'README.md': 'Add `# sentrik-ignore OWASP-A03-01: reason` to the line.\n',
      'd.js': '// sentrik-ignore RULE-ID: shows the syntax\n',
    });
    const list = sentrik(['suppressions', 'list', root, '--packs', 'owasp-top-10', '--json', '--no-cache']);
    expect(JSON.parse(list.stdout).map((r: any) => [r.source, r.status, r.didYouMean]).sort()).toEqual([
      ['c.js:1', 'unknown', 'OWASP-A03-001'],
      ['c.js:2', 'active', undefined],
      ['d.js:1', 'unchecked', undefined],
    ]);
    sentrik(['scan', root, '--packs', 'owasp-top-10', '--no-cache', '--output-dir', join(root, 'out')]);
    const findings = json(join(root, 'out', 'findings.json')).findings;
    expect(findings.filter((f: any) => f.ruleId === 'SENTRIK-SUP-005').map((f: any) => [f.file, f.line, f.message])).toEqual([
      ['c.js', 1, 'sentrik-ignore OWASP-A03-01: no rule OWASP-A03-01 is loaded; did you mean OWASP-A03-001?'],
    ]);
    expect(findings.some((f: any) => f.ruleId === 'OWASP-A03-001' && f.line === 1 && !f.suppressed)).toBe(true);
  });

  it('inline_allowed_for refuses inline ignores of higher severities (per pack too) and reports them; stale severity is configurable', () => {
    const root = project({
      ...files,
      '.sentrik/config.yaml': 'suppressions:\n  inline_allowed_for: [low, medium]\n  severity: { stale: off, inline_not_allowed: high }\n',
    });
    const gate = sentrik(['gate', root, '--packs', 'owasp-top-10', '--no-cache', '--output-dir', join(root, 'out')]);
    expect(gate.code).toBe(1);
    const found = json(join(root, 'out', 'findings.json')).findings;
    const a = found.find((f: any) => f.file === 'a.js' && f.ruleId === 'OWASP-A03-001');
    expect(a.suppressed).toBeUndefined(); // critical: an inline ignore is not enough
    expect(found.find((f: any) => f.ruleId === 'SENTRIK-SUP-004')).toMatchObject({ file: 'a.js', line: 1, severity: 'high' });
    expect(found.find((f: any) => f.ruleId === 'SENTRIK-SUP-003')).toBeUndefined();
    expect(found.find((f: any) => f.file === 'c.js').suppressed).toMatchObject({ kind: 'file' }); // file suppressions still apply

    writeFileSync(join(root, '.sentrik/config.yaml'), 'suppressions:\n  inline_allowed_for: [low]\n  inline_allowed_for_packs: { owasp-top-10: [critical, high, medium, low] }\n');
    sentrik(['scan', root, '--packs', 'owasp-top-10', '--no-cache', '--output-dir', join(root, 'out')]);
    expect(json(join(root, 'out', 'findings.json')).findings.find((f: any) => f.file === 'a.js' && f.ruleId === 'OWASP-A03-001').suppressed).toMatchObject({ kind: 'inline' });
  });

  it('a suppressions file with a wrong type is one line with file and line, exit 2', () => {
    const root = project({ 'a.js': '1;\n', '.sentrik/suppressions.yaml': 'suppressions:\n  - rule_id: OWASP-A03-001\n    reason: [not, a, string]\n' });
    const r = sentrik(['scan', root, '--packs', 'owasp-top-10', '--no-cache']);
    expect(r.code).toBe(2);
    oneLineError(r.stderr, /^sentrik: \S*\.sentrik\/suppressions\.yaml:3: invalid suppressions file: suppressions\.0\.reason: /);
  });
});

describe('baseline', () => {
  it('create records the current findings; --baseline reports only new ones and says how many were hidden', () => {
    const root = project({ 'app.js': 'const a = 1;\neval(req.body.x);\n' });
    const created = sentrik(['baseline', 'create', root, '--packs', 'owasp-top-10', '--no-cache']);
    expect(created.code).toBe(0);
    const file = join(root, '.sentrik', 'baseline.json');
    const baseline = json(file);
    expect(baseline.entries.length).toBeGreaterThan(0);
    expect(created.stdout).toContain(`${baseline.entries.length} finding`);

    // Unrelated edits shift the old finding; one new finding is added.
    writeFileSync(join(root, 'app.js'), '// header\n\nconst a = 1;\n  eval(req.body.x);\nconst b = eval(req.query.y);\n');
    const gate = sentrik(['gate', root, '--packs', 'owasp-top-10', '--baseline', file, '--no-cache', '--output-dir', join(root, 'out')]);
    expect(gate.code).toBe(1);
    const active = json(join(root, 'out', 'findings.json')).findings.filter((f: any) => !f.suppressed && f.ruleId === 'OWASP-A03-001');
    expect(active.map((f: any) => f.line)).toEqual([5]);
    expect(flat(gate.stdout)).toMatch(new RegExp(`Baseline ${baseline.entries.length} known findings? hidden`));
    expect(flat(gate.stdout)).toMatch(/\d+ hidden by the baseline; fails on/);
    expect(json(join(root, 'out', 'scan_metrics.json')).baseline).toMatchObject({ hidden: baseline.entries.length, entries: baseline.entries.length });
  });

  it('--baseline-commit REF compares with the findings at that commit', () => {
    const root = project({ 'app.js': 'eval(req.body.x);\n' });
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'old');
    writeFileSync(join(root, 'app.js'), '// moved\neval(req.body.x);\neval(req.query.z);\n');
    const r = sentrik(['gate', root, '--packs', 'owasp-top-10', '--baseline-commit', 'HEAD', '--no-cache', '--output-dir', join(root, 'out')]);
    expect(r.code).toBe(1);
    const found = json(join(root, 'out', 'findings.json')).findings.filter((f: any) => f.ruleId === 'OWASP-A03-001');
    expect(found.filter((f: any) => !f.suppressed).map((f: any) => f.line)).toEqual([3]);
    expect(found.find((f: any) => f.line === 2).suppressed).toMatchObject({ kind: 'baseline', source: expect.stringMatching(/^commit [0-9a-f]{12} \(HEAD\)$/) });
  });

  it('a missing or broken baseline is one line, exit 2', () => {
    const root = project({ 'app.js': '1;\n', 'b.json': '{ "version": 1, "createdAt": "x", "entries": [ { "fingerprint": 5 } ] }' });
    oneLineError(sentrik(['scan', root, '--packs', 'owasp-top-10', '--baseline', join(root, 'nope.json')]).stderr, /baseline file not found/);
    const broken = sentrik(['scan', root, '--packs', 'owasp-top-10', '--baseline', join(root, 'b.json')]);
    expect(broken.code).toBe(2);
    oneLineError(broken.stderr, /b\.json: invalid baseline: entries\.0\.fingerprint/);
    // A scan/gate baseline is written by `sentrik baseline create`, not by the secrets command.
    expect(broken.stderr).toContain('sentrik baseline create');
    expect(broken.stderr).not.toContain('--update-baseline');
    writeFileSync(join(root, 'c.json'), '{ "version": 1,\n "entries": [ }');
    const notJson = sentrik(['gate', root, '--packs', 'owasp-top-10', '--baseline', join(root, 'c.json'), '--output-dir', join(root, 'out')]);
    expect(notJson.code).toBe(2);
    oneLineError(notJson.stderr, /c\.json(:\d+)?: baseline is not valid JSON.*sentrik baseline create -o FILE/);
    expect(notJson.stderr).not.toContain('secrets');
  });
});

describe('layered configuration', () => {
  it('config show --origin names the file and line of each key across extends, repository and directory files', () => {
    const top = project({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'node_modules/@acme/policy/package.json': '{ "name": "@acme/policy", "sentrik": "policy.yaml" }',
      'node_modules/@acme/policy/policy.yaml': 'gate:\n  fail_on: [critical, high, medium]\nstandards_packs: [owasp-top-10, secrets]\n',
      '.sentrik/config.yaml': 'extends: "@acme/policy"\nstandards_packs:\n  append: [supply-chain-security]\n',
      'svc/.sentrik/config.yaml': 'output_dir: svc-out\n',
    });
    const r = sentrik(['config', 'show', '--origin', '--root', join(top, 'svc')], { cwd: top });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# layers: built-in defaults → node_modules/@acme/policy/policy.yaml → .sentrik/config.yaml → svc/.sentrik/config.yaml → environment → flags');
    expect(r.stdout).toContain(`fail_on: [critical, high, medium] # from ${join(top, 'node_modules/@acme/policy/policy.yaml')}:2`);
    expect(r.stdout).toContain(`standards_packs: [owasp-top-10, secrets, supply-chain-security] # from ${join(top, 'node_modules/@acme/policy/policy.yaml')}:3 + ${join(top, '.sentrik/config.yaml')}:2`);
    expect(r.stdout).toContain(`output_dir: svc-out # from ${join(top, 'svc/.sentrik/config.yaml')}:1`);
    expect(r.stdout).toMatch(/network: ask # default \(ask: not in CI\)/);
    const plain = sentrik(['config', 'show', '--root', join(top, 'svc')], { cwd: top, env: { CI: 'true' } });
    expect(plain.stdout).toMatch(/^network: off$/m);
    expect(plain.stdout).not.toContain('# from');
  });

  it('extends a missing file or package, or a cycle: one line with file and line, exit 2', () => {
    const missing = project({ '.sentrik/config.yaml': 'cache: true\nextends: ./org.yaml\n' });
    const r1 = sentrik(['scan', missing]);
    expect(r1.code).toBe(2);
    oneLineError(r1.stderr, /^sentrik: \S+\/\.sentrik\/config\.yaml:2: extends: '\.\/org\.yaml' not found/);
    const pkg = project({ '.sentrik/config.yaml': 'extends: acme-sentrik-policy\n' });
    oneLineError(sentrik(['gate', pkg]).stderr, /config\.yaml:1: extends: package 'acme-sentrik-policy' is not installed — install it/);
    const cycle = project({ '.sentrik/config.yaml': 'extends: ./a.yaml\n', '.sentrik/a.yaml': 'extends: ./config.yaml\n' });
    const r3 = sentrik(['config', 'show', '--root', cycle]);
    expect(r3.code).toBe(2);
    oneLineError(r3.stderr, /a\.yaml:1: extends cycle: /);
  });

  it('a .guard.yaml is accepted with warnings, and migrate rewrites it as .sentrik/config.yaml', () => {
    const root = project({ '.guard.yaml': 'gate_fail_on: [critical]\nscan_exclude: [legacy]\nreporters: [json, sarif]\ntelemetry: true\n', 'legacy/x.js': 'eval(req.body.x);\n', 'a.js': '1;\n' });
    const scan = sentrik(['scan', root, '--packs', 'owasp-top-10', '--no-cache', '--quiet']);
    expect(scan.code).toBe(0);
    expect(scan.stderr).toContain('.guard.yaml:4: telemetry: no sentrik equivalent; ignored');
    expect(existsSync(join(root, 'out', 'findings.csv'))).toBe(false); // reporters: [json, sarif]
    const dry = sentrik(['migrate', '--root', root, '--dry-run']);
    expect(dry.stdout).toContain('# not migrated: telemetry (line 4): no sentrik equivalent; ignored');
    expect(sentrik(['migrate', '--root', root]).code).toBe(0);
    expect(readFileSync(join(root, '.sentrik', 'config.yaml'), 'utf8')).toMatch(/gate:\n {2}fail_on:\n {4}- critical\nscan_exclude:\n {2}- legacy\n/);
    const again = sentrik(['migrate', '--root', root]);
    expect(again.code).toBe(2);
    oneLineError(again.stderr, /a configuration already exists — pass --force/);
    expect(sentrik(['scan', root, '--packs', 'owasp-top-10', '--no-cache', '--quiet']).stderr).not.toContain('.guard.yaml');
  });
});

describe('network policy', () => {
  let db: string;
  beforeAll(() => {
    db = join(project({}), 'db');
    expect(sentrik(['vulns', 'db', 'import', join('..', 'shared', 'corpora', 'osv', 'PyPI', 'all.zip'), '--db', db]).code).toBe(0);
  }, 120_000);

  it('vulns --online in CI (network off by default) falls back to the offline database with a warning', () => {
    const root = project({ 'requirements.txt': 'Jinja2==2.10\n' });
    const r = sentrik(['vulns', root, '--online', '--db', db], { env: { CI: 'true', SENTRIK_OSV_API_URL: 'http://127.0.0.1:9' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('sentrik: warning: --online: network access to 127.0.0.1:9 is not allowed (network: off, the default in CI); using the offline database at');
    expect(r.stdout).toMatch(/Jinja2\s+2\.10/);
  });

  it('an unreachable API is retried, then the offline database is used', async () => {
    const root = project({ 'requirements.txt': 'Jinja2==2.10\n' });
    const port = await closedPort();
    const r = sentrik(['vulns', root, '--online', '--network', 'on', '--db', db, '--fail-on', 'medium'], { env: { SENTRIK_OSV_API_URL: `http://127.0.0.1:${port}` } });
    expect(r.stderr).toContain(`sentrik: network: 127.0.0.1:${port}: ECONNREFUSED; retrying in 0.5 s`);
    expect(r.stderr).toMatch(/warning: --online: cannot reach the OSV API \(ECONNREFUSED\); using the offline database/);
    expect(r.stdout).toMatch(/Jinja2\s+2\.10/);
    expect(r.code).toBe(1); // the gate is decided on the cached data, not failed for the network
  });

  it('gate --decorate-pr publishes nothing when the network is off, and the exit code stays the gate’s', () => {
    const root = project({ 'a.js': '1;\n' });
    const r = sentrik(['gate', root, '--packs', 'owasp-top-10', '--decorate-pr', '--no-cache', '--quiet'], { env: { CI: 'true', GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'o/r' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('sentrik: warning: github: nothing published: network is off by default in CI; allow it with `network: on`');
  });

  it('an unknown CA path is one line naming the file, exit 2', () => {
    const root = project({ 'a.js': '1;\n', 'requirements.txt': 'Jinja2==2.10\n' });
    const gate = sentrik(['gate', root, '--packs', 'owasp-top-10', '--ca-cert', 'missing-ca.pem', '--no-cache'], { cwd: root });
    expect(gate.code).toBe(2);
    oneLineError(gate.stderr, /^sentrik: \S*missing-ca\.pem: CA bundle not found \(--ca-cert\)/);
    const vulns = sentrik(['vulns', root, '--online', '--db', db], { env: { NODE_EXTRA_CA_CERTS: join(root, 'nope.pem') } });
    expect(vulns.code).toBe(2);
    expect(vulns.stderr).toMatch(/nope\.pem: CA bundle not found \(NODE_EXTRA_CA_CERTS\)/);
    expectNoStack(vulns.stderr);
  });
});
