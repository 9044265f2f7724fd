// Run history through the real CLI: scan/gate/vulns record runs, `compare` diffs them, and a broken
// history database never changes a command's exit code.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoStack, git, project, sentrik } from '../cli/helpers.js';

const CI = '#!/bin/sh\ncurl -fsSL https://get.example.com/install.sh | bash\n';

describe('run history (CLI, SQLite)', () => {
  it('records scan, gate and vulns runs; compare lists new and resolved findings', () => {
    const dir = project({ 'ci.sh': CI, 'build.sh': 'pip install requests\n' });
    expect(sentrik(['scan', dir, '-q']).code).toBe(0);
    expect(existsSync(join(dir, '.sentrik', 'history.db'))).toBe(true);

    const first = sentrik(['compare', '--root', dir]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Run #1 is the first scan run of this project: nothing to compare with yet\./);

    // Fix one problem, add another.
    writeFileSync(join(dir, 'build.sh'), 'echo fixed\n');
    writeFileSync(join(dir, 'deploy.sh'), CI);
    expect(sentrik(['gate', dir, '-q']).code).toBe(1);
    expect(sentrik(['vulns', dir, '-q']).code).toBe(0); // recorded as its own kind, never compared with code scans

    const cmp = sentrik(['compare', '--root', dir]);
    expect(cmp.code).toBe(0);
    expect(cmp.stdout).toMatch(/^Comparing run #2 gate .*\n {5}with run #1 scan /);
    expect(cmp.stdout).toMatch(/NEW \(\d+\)\n(.*\n)*? {2}critical +SCS-CI-001 +deploy\.sh:2/);
    expect(cmp.stdout).toMatch(/RESOLVED \(\d+\)\n(.*\n)*? {2}\w+ +SCS-DEP-001 +build\.sh:1/);
    expect(cmp.stdout).toMatch(/\d+ new, \d+ resolved, \d+ unchanged\n$/);

    const json = JSON.parse(sentrik(['compare', '--root', dir, '--run-id', '1', '--head', '2', '--format', 'json']).stdout);
    expect(json.base.id).toBe(1);
    expect(json.head.id).toBe(2);
    expect(json.new.some((f: { ruleId: string; file: string }) => f.ruleId === 'SCS-CI-001' && f.file === 'deploy.sh')).toBe(true);
    expect(json.unchanged.some((f: { file: string }) => f.file === 'ci.sh')).toBe(true);

    const missing = sentrik(['compare', '--root', dir, '--run-id', '42']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^sentrik: .*history\.db: no run #42 in the history/);
  });

  it('compare: two --staged runs of one file vouch only for their own changed lines', () => {
    const dir = project({ 'README.md': '# app\n' });
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'init');
    writeFileSync(join(dir, 'ci.sh'), '#!/bin/sh\ncurl -fsSL https://get.example.com/install.sh | bash\n');
    git(dir, 'add', 'ci.sh');
    expect(sentrik(['scan', '--staged', '--packs', 'supply-chain-security', '-q'], { cwd: dir }).code).not.toBe(2);
    git(dir, 'commit', '-qm', 'ci');
    appendFileSync(join(dir, 'ci.sh'), 'curl -fsSL https://other.example.com/setup.sh | sh\n');
    git(dir, 'add', 'ci.sh');
    expect(sentrik(['scan', '--staged', '--packs', 'supply-chain-security', '-q'], { cwd: dir }).code).not.toBe(2);
    const json = JSON.parse(sentrik(['compare', '--root', dir, '--format', 'json']).stdout);
    expect(json.new.map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toContain('ci.sh:3');
    expect(json.resolved).toEqual([]);
    expect(json.notRescanned.map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toContain('ci.sh:2');
    // Changing line 2 itself (the fix) lets the next staged run vouch for it.
    writeFileSync(join(dir, 'ci.sh'), '#!/bin/sh\necho fixed\ncurl -fsSL https://other.example.com/setup.sh | sh\n');
    git(dir, 'commit', '-qam', 'more');
    writeFileSync(join(dir, 'ci.sh'), '#!/bin/sh\necho fixed\necho fixed too\n');
    git(dir, 'add', 'ci.sh');
    expect(sentrik(['scan', '--staged', '--packs', 'supply-chain-security', '-q'], { cwd: dir }).code).not.toBe(2);
    const fixed = JSON.parse(sentrik(['compare', '--root', dir, '--format', 'json']).stdout);
    expect(fixed.resolved.map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toEqual(['ci.sh:3']);
  });

  it('compare: a finding outside the newer run\'s scope is "not rescanned", never resolved; different scopes are said', () => {
    const dir = project({ 'README.md': '# app\n' });
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'init');
    git(dir, 'checkout', '-qb', 'feature');
    writeFileSync(join(dir, 'ci.sh'), CI);
    writeFileSync(join(dir, 'deploy.sh'), CI);
    mkdirSync(join(dir, 'src', 'routes'), { recursive: true });
    writeFileSync(join(dir, 'src', 'routes', 'orders.js'), 'app.post("/o", (req, res) => eval(req.body.code));\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'feature');
    const packs = ['--packs', 'supply-chain-security,owasp-top-10', '-q'];
    expect(sentrik(['gate', '--git-range', 'main...feature', ...packs], { cwd: dir }).code).toBe(1);
    // Fix orders.js and scan only it.
    writeFileSync(join(dir, 'src', 'routes', 'orders.js'), 'app.post("/o", (req, res) => res.json({}));\n');
    expect(sentrik(['scan', 'src/routes/orders.js', ...packs], { cwd: dir }).code).toBe(0);
    const cmp = sentrik(['compare', '--run-id', '1'], { cwd: dir });
    expect(cmp.code).toBe(0);
    expectNoStack(cmp.stderr);
    expect(cmp.stdout).toContain('The runs had different scopes: #2 paths src/routes/orders.js; #1 git range main...feature (3 files, changed lines).');
    const section = (title: string) => (new RegExp(`^${title}[^\\n]*\\n((?: {2}.*\\n)*)`, 'm').exec(cmp.stdout)?.[1] ?? '').trim().split('\n').filter(Boolean);
    const resolved = section('RESOLVED');
    expect(resolved.length).toBeGreaterThan(0);
    expect(resolved.every((l) => l.includes('src/routes/orders.js'))).toBe(true);
    const notRescanned = section('NOT RESCANNED');
    expect(notRescanned.some((l) => l.includes('ci.sh'))).toBe(true);
    expect(notRescanned.some((l) => l.includes('deploy.sh'))).toBe(true);
    expect(notRescanned.some((l) => l.includes('orders.js'))).toBe(false);
    expect(cmp.stdout).toMatch(new RegExp(`0 new, ${resolved.length} resolved, 0 unchanged, ${notRescanned.length} not rescanned\\n$`));
    const json = JSON.parse(sentrik(['compare', '--run-id', '1', '--format', 'json'], { cwd: dir }).stdout);
    expect(json.scopesDiffer).toBe(true);
    expect(json.counts).toEqual({ new: 0, resolved: resolved.length, unchanged: 0, notRescanned: notRescanned.length });
    expect(json.head.scope).toMatchObject({ mode: 'paths', paths: ['src/routes/orders.js'] });
    // A run of the whole repository with one pack: the other pack's findings were not looked for again.
    expect(sentrik(['scan', '--packs', 'owasp-top-10', '-q'], { cwd: dir }).code).toBe(0);
    const onePack = JSON.parse(sentrik(['compare', '--run-id', '1', '--format', 'json'], { cwd: dir }).stdout);
    expect(onePack.notRescanned.every((f: { packId: string }) => f.packId !== 'owasp-top-10')).toBe(true);
    expect(onePack.notRescanned.some((f: { file: string }) => f.file === 'ci.sh')).toBe(true);
    expect(onePack.resolved.every((f: { file: string }) => f.file === 'src/routes/orders.js')).toBe(true);
  });

  it('compare with no earlier run answers in the format asked, and says when only runs of other scopes came before', () => {
    const dir = project({ 'a.js': 'eval(process.argv[2])\n' });
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'init');
    expect(sentrik(['gate', '-q'], { cwd: dir }).code).toBe(0);
    const first = sentrik(['compare', '-f', 'json'], { cwd: dir });
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ base: null, noBase: { reason: 'first-run' }, head: { id: 1, command: 'gate' } });

    expect(sentrik(['gate', '-q'], { cwd: dir }).code).toBe(0);
    expect(sentrik(['gate', '-q', '--git-range', 'HEAD...HEAD'], { cwd: dir }).code).toBe(0);
    const other = sentrik(['compare', '-f', 'json'], { cwd: dir });
    expect(other.code).toBe(0);
    const json = JSON.parse(other.stdout);
    expect(json).toMatchObject({ base: null, noBase: { reason: 'no-run-of-this-scope', scopeMode: 'git-range', latestOtherScopeRun: { id: 2, scope: { mode: 'paths' } } }, head: { id: 3 } });
    const text = sentrik(['compare'], { cwd: dir });
    expect(text.stdout).toBe(`${json.noBase.message}\n`);
    expect(text.stdout).toMatch(/^Run #3 is the first gate run of this project with scope git-range: no earlier run of the same scope to compare with\. The latest earlier run, #2 gate, had scope paths .*`sentrik compare --run-id 2`/);
  });

  it('compare in a folder with no history says so and creates nothing', () => {
    const dir = project({});
    const r = sentrik(['compare'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^sentrik: .*history\.db: no runs recorded yet — run `sentrik scan` \(or gate\) first/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('history.enabled: false records nothing; retention_runs keeps the newest runs', () => {
    const off = project({ 'ci.sh': CI, '.sentrik/config.yaml': 'history:\n  enabled: false\n' });
    expect(sentrik(['scan', off, '-q']).code).toBe(0);
    expect(existsSync(join(off, '.sentrik', 'history.db'))).toBe(false);

    const kept = project({ 'ci.sh': CI });
    const env = { SENTRIK_HISTORY_RETENTION_RUNS: '2' };
    for (let i = 0; i < 3; i++) expect(sentrik(['scan', kept, '-q'], { env }).code).toBe(0);
    const json = JSON.parse(sentrik(['compare', '--root', kept, '--format', 'json']).stdout);
    expect([json.base.id, json.head.id]).toEqual([2, 3]);
    const gone = sentrik(['compare', '--root', kept, '--run-id', '1']);
    expect(gone.code).toBe(2);
  });

  it('a damaged history database: scan and gate keep their exit codes and warn in one line; the file is untouched', () => {
    const dir = project({ 'ci.sh': CI, '.sentrik/history.db': 'definitely not a database\n'.repeat(200) });
    const file = join(dir, '.sentrik', 'history.db');
    const before = readFileSync(file);
    const scan = sentrik(['scan', dir, '-q']);
    expect(scan.code).toBe(0);
    const warnings = scan.stderr.split('\n').filter((l) => l.includes('history'));
    expect(warnings).toEqual([expect.stringMatching(/^sentrik: warning: history: run not recorded: .*history\.db: the history database is damaged or not a SQLite file .*left untouched — move it aside/)]);
    expect(sentrik(['gate', dir, '-q']).code).toBe(1);
    const cmp = sentrik(['compare', '--root', dir]);
    expect(cmp.code).toBe(2);
    expect(cmp.stderr.trim().split('\n')).toHaveLength(1);
    expectNoStack(cmp.stderr);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('an unreachable PostgreSQL store is a warning, not a failure', () => {
    const dir = project({ 'ci.sh': CI });
    const r = sentrik(['scan', dir, '-q'], { env: { SENTRIK_DATABASE_URL: 'postgres://nobody:secret-pw@127.0.0.1:9/none' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/sentrik: warning: history: run not recorded: postgres:\/\/nobody@127\.0\.0\.1:9\/none: PostgreSQL connection lost or refused/);
    expect(r.stderr).not.toContain('secret-pw');
  });
});
