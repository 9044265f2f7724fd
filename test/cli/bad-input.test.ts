// Bad input never produces a stack trace or a hang: a one-line error (exit 2) or a reported skip.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalRule, expectNoStack, project, sentrik } from './helpers.js';

function oneLineError(r: { code: number; stderr: string; stdout: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expectNoStack(r.stderr);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

describe('configuration and packs', () => {
  it('a YAML syntax error names the file and line', () => {
    const root = project({ '.sentrik/config.yaml': 'standards_packs: [owasp-top-10\ngate:\n  fail_on: [high]\n' });
    oneLineError(sentrik(['scan', root]), /config\.yaml:\d+: invalid YAML/);
  });

  it('a wrong type names the key, its line and the expected shape', () => {
    const root = project({ '.sentrik/config.yaml': 'output_dir: out\ngate:\n  fail_on: severe\n' });
    oneLineError(sentrik(['scan', root]), /config\.yaml:3: .*gate\.fail_on.*expected/);
  });

  it('a pack with an invalid pattern names the pack file and line', () => {
    const root = project({
      'a.js': 'x\n',
      '.sentrik/rules/bad/pack.yaml': `id: bad
name: Bad
version: 1.0.0
standard: none
description: broken on purpose
rules:
  - id: BAD-RE-001
    title: Lookbehind is not supported
    severity: low
    kind: regex
    message: never loads
    remediation: none
    match: { any: ['(?<=a)b'] }
    examples: { bad: [{ file: a.js, code: ab, line: 1 }] }
`,
    });
    oneLineError(sentrik(['scan', root, '--packs', 'bad']), /pack\.yaml:\d+: rule BAD-RE-001: invalid pattern/);
  });

  it('only rules/ of a pack holds rules: a rules-old/ folder beside it is not read', () => {
    const root = project({
      'a.js': 'x\n',
      '.sentrik/rules/mine/pack.yaml': 'id: mine\nname: Mine\nversion: 1.0.0\nstandard: none\ndescription: rules in rules/\nrules: []\n',
      '.sentrik/rules/mine/rules/eval.yaml': evalRule('MINE-001'),
      '.sentrik/rules/mine/rules-old/eval.yaml': evalRule('MINE-001'),
      '.sentrik/rules/mine/rules-draft.yaml': 'not: a list\n',
    });
    const r = sentrik(['list-rules', '--pack', 'mine', '--root', root]);
    expectNoStack(r.stderr);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.match(/MINE-001/g)).toHaveLength(1);
  });

  // `*a*a*a…*b` makes a backtracking glob matcher take minutes on a long folder name; globs come from the
  // repository itself (its config, suppressions, packs and .gitignore), so they are vetted where they are read.
  const COSTLY = `${'*a'.repeat(12)}*b`;
  const LONG = 'a'.repeat(60);

  it('a glob too costly to match, in suppressions.yaml or the config, is refused with its file and line', () => {
    const sup = project({ [`${LONG}/x.txt`]: 'x\n', '.sentrik/suppressions.yaml': `suppressions:\n  - rule_id: SEC-GEN-001\n    file_glob: "${COSTLY}"\n    reason: r\n` });
    const r = sentrik(['scan', sup, '-q', '--output-dir', join(sup, 'o')], { timeout: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/suppressions\.yaml:3: .*file_glob: this glob is too costly to match safely: more than 3 '\*' in one path segment/);
    const cfg = project({ 'a.js': '1;\n', '.sentrik/config.yaml': `scan_exclude: ["${COSTLY}"]\n` });
    const c = sentrik(['scan', cfg, '-q'], { timeout: 30_000 });
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/config\.yaml:1: .*scan_exclude\.0: this glob is too costly/);
  });

  it('an expires in suppressions.yaml that is not a date is an error at its line in every command, never "expired"', () => {
    for (const bad of ['next-tuesday', '2020-13-45']) {
      const root = project({ 'a.js': 'eval(x)\n', '.sentrik/suppressions.yaml': `suppressions:\n  - rule_id: JS-EVAL-001\n    file_glob: a.js\n    reason: r\n    expires: ${bad}\n` });
      for (const cmd of [['gate', root, '-q'], ['suppressions', 'list', root], ['compliance-report', root, '-f', 'owasp-top-10']]) {
        const r = sentrik(cmd);
        expect(r.code, cmd.join(' ')).toBe(2);
        oneLineError(r, new RegExp(`suppressions\\.yaml:5: invalid suppressions file: suppressions\\.0\\.expires: '${bad}' is not a date: write expires as YYYY-MM-DD`));
      }
    }
    const ok = project({ 'a.js': 'eval(x)\n', '.sentrik/suppressions.yaml': 'suppressions:\n  - { rule_id: JS-EVAL-001, file_glob: a.js, reason: r, expires: "2999-02-28" }\n' });
    expect(sentrik(['suppressions', 'list', ok, '--json']).stdout).toContain('"status": "active"');
  });

  it('a .gitignore pattern too costly to match is left out, and the scan goes on', () => {
    const root = project({ '.gitignore': `${COSTLY}\n`, [`${LONG}/deploy.sh`]: 'curl -fsSL https://get.example.com/i.sh | bash\n' });
    const out = join(root, 'o');
    const r = sentrik(['scan', root, '--packs', 'supply-chain-security', '--output-dir', out, '--no-cache'], { timeout: 30_000 });
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')).findings.map((f: { ruleId: string }) => f.ruleId)).toContain('SCS-CI-001');
  });

  it('an unknown pack id lists the available ones', () => {
    const root = project({ 'a.js': 'x\n' });
    oneLineError(sentrik(['scan', root, '--packs', 'nope']), /unknown pack 'nope'.*available:/);
  });

  it('an unknown id in standards_packs names the file and the line of its item, with the closest id', () => {
    const root = project({ 'a.js': 'x\n', '.sentrik/config.yaml': '# ours\nstandards_packs:\n  - owasp-top-10\n  - owasp-top10\n' });
    for (const cmd of [['scan', root], ['gate', root], ['validate-config', '--root', root], ['trust-center', root], ['suppressions', 'list', root]]) {
      oneLineError(sentrik(cmd), /\.sentrik\/config\.yaml:4: unknown pack 'owasp-top10' in standards_packs — did you mean 'owasp-top-10'\? available: /);
    }
    const appended = project({ 'a.js': 'x\n', '.sentrik/config.yaml': 'gate: { fail_on: [high] }\nstandards_packs: { append: [nope-pack] }\n' });
    oneLineError(sentrik(['scan', appended]), /config\.yaml:2: unknown pack 'nope-pack' in standards_packs — available: /);
    oneLineError(sentrik(['scan', project({ 'a.js': 'x\n' })], { env: { SENTRIK_STANDARDS_PACKS: 'secretz' } }), /^sentrik: unknown pack 'secretz' in standards_packs \(env SENTRIK_STANDARDS_PACKS\) — did you mean 'secrets'\?/);
    // list-packs still runs, and remove-pack takes the typo out.
    expect(sentrik(['list-packs', '--root', root]).code).toBe(0);
    expect(sentrik(['remove-pack', 'owasp-top10', '--root', root]).code).toBe(0);
    expect(readFileSync(join(root, '.sentrik/config.yaml'), 'utf8')).toBe('# ours\nstandards_packs:\n  - owasp-top-10\n');
    expect(sentrik(['scan', root, '-q']).code).toBe(0);
  });
});

describe('files', () => {
  it('binary, oversized, invalid UTF-8 and symlink loops are skipped or reported while the scan goes on', () => {
    const root = project({
      'bin.dat': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3]),
      'latin1.py': Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\nx = eval(request.args["q"])\n')]),
      'ok.js': 'eval(req.body.x);\n',
    });
    writeFileSync(join(root, 'huge.js'), Buffer.alloc(50 * 1024 * 1024, 0x61));
    mkdirSync(join(root, 'loop'));
    symlinkSync('..', join(root, 'loop', 'up'));
    const out = join(root, 'out');
    const r = sentrik(['scan', root, '--packs', 'owasp-top-10', '--output-dir', out, '--no-cache']);
    expect(r.code).toBe(0);
    expectNoStack(r.stderr);
    const metrics = JSON.parse(readFileSync(join(out, 'scan_metrics.json'), 'utf8'));
    expect(metrics.skippedByReason['binary']).toBe(1);
    expect(metrics.skippedByReason['too-large']).toBe(1);
    const f = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8'));
    expect([...new Set(f.findings.filter((x: any) => x.file !== '.').map((x: any) => x.file))].sort()).toEqual(['latin1.py', 'ok.js']);
    // No AST rules and no cache: files are listed without a stat, so the reader is what skips the huge one.
    const secretsOut = join(root, 'secrets-out');
    const s = sentrik(['secrets', root, '--output-dir', secretsOut, '--no-cache']);
    expect(s.code).toBe(0);
    expectNoStack(s.stderr);
    const sm = JSON.parse(readFileSync(join(secretsOut, 'scan_metrics.json'), 'utf8'));
    expect(sm.skippedByReason).toMatchObject({ binary: 1, 'too-large': 1 });
  });

  it('a path outside the repository is refused', () => {
    const root = project({ 'a.js': 'x\n' });
    oneLineError(sentrik(['scan', 'a.js', '../../etc/passwd'], { cwd: root }), /outside/);
  });

  it('a report folder that is a file is a one-line error naming it, for every command that writes one', () => {
    const root = project({ 'a.js': 'eval(req.body.code);\n', blocker: 'not a folder\n', '.sentrik/config.yaml': 'output_dir: blocker\n' });
    const notAFolder = /^sentrik: .*blocker: cannot write report: ENOTDIR — give a writable folder: --output-dir, or output_dir in the configuration$/;
    for (const args of [['fix', root, '--dry-run'], ['compliance-report', root, '-f', 'soc2'], ['trust-center', root]]) oneLineError(sentrik(args), notAFolder);
    for (const args of [['scan', root], ['gate', root]]) {
      const r = sentrik(args);
      expect(r.code).toBe(2);
      expectNoStack(r.stderr);
      expect(r.stderr.trim().split('\n').at(-1)).toMatch(notAFolder); // after the audit log's warning
    }
  });

  it('--staged outside a git repository and an unknown --git-range ref are one-line errors', () => {
    const root = project({ 'a.js': 'x\n' });
    oneLineError(sentrik(['scan', '--staged'], { cwd: root }), /git repository/);
    spawnSync('git', ['init', '-q'], { cwd: root });
    oneLineError(sentrik(['scan', '--git-range', 'origin/nope...HEAD'], { cwd: root }), /unknown git ref/);
  });
});

describe('linear-time matching', () => {
  it('a catastrophic pattern on a 100 kB line ends promptly', () => {
    const root = project({
      'evil.txt': `${'a'.repeat(100_000)}!\n`,
      '.sentrik/rules/redos/pack.yaml': `id: redos
name: ReDoS
version: 1.0.0
standard: none
description: catastrophic backtracking on purpose
rules:
  - id: REDOS-001
    title: Nested quantifier
    severity: low
    kind: regex
    message: matches runs of a at the end of a line
    remediation: none
    match: { any: ['(a+)+$'], keywords: [aaa] }
    examples: { bad: [{ file: a.txt, code: aaa, line: 1 }], good: [{ file: a.txt, code: 'aab!' }] }
`,
    });
    // With a backtracking engine this takes longer than the age of the universe; RE2 answers at once.
    const r = sentrik(['scan', root, '--packs', 'redos', '--output-dir', join(root, 'out'), '--no-cache'], { timeout: 20_000 });
    expect(r.code).toBe(0);
  });
});
