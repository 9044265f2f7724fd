// Pack and configuration commands through the real CLI.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { expectNoStack, project, REPO, sentrik } from './helpers.js';

describe('help and version', () => {
  it('--version and --help exit 0; an unknown command is a usage error (2)', () => {
    expect(sentrik(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = sentrik(['scan', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--git-range/);
    const bad = sentrik(['scna']);
    expect(bad.code).toBe(2);
    expectNoStack(bad.stderr);
  });
});

describe('--no-color', () => {
  it('is accepted by every command, top-level and nested, as CI scripts pass it everywhere', () => {
    for (const args of [['explain', 'SEC-AWS-001'], ['list-packs'], ['suppressions', 'list'], ['validate-config']]) {
      const r = sentrik([...args, '--no-color'], { cwd: project({ 'a.txt': 'x\n' }) });
      expect(r.stderr, args.join(' ')).not.toMatch(/unknown option/);
      expect(r.code, args.join(' ')).toBe(0);
    }
  });
});

describe('packs', () => {
  it('list-packs, list-rules and explain describe the built-in packs', () => {
    const packs = JSON.parse(sentrik(['list-packs', '--json']).stdout);
    expect(packs.map((p: any) => p.id)).toContain('owasp-top-10');
    const rules = JSON.parse(sentrik(['list-rules', '--pack', 'owasp-top-10', '--json']).stdout);
    expect(rules.every((r: any) => r.pack === 'owasp-top-10' && r.severity && r.title)).toBe(true);
    const ex = sentrik(['explain', 'owasp-a03-001']);
    expect(ex.code).toBe(0);
    expect(ex.stdout).toMatch(/OWASP-A03-001: Code evaluated from request data[\s\S]*CWE-95[\s\S]*Fix:[\s\S]*Flagged/);
    const unknown = sentrik(['explain', 'NOPE-1']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown rule 'NOPE-1'.*list-rules/);
  });

  it('add-pack and remove-pack edit the config and keep its comments', () => {
    const root = project({ '.sentrik/config.yaml': '# our policy\nstandards_packs:\n  - owasp-top-10 # web\n' });
    expect(sentrik(['add-pack', 'supply-chain-security', '--root', root]).code).toBe(0);
    let text = readFileSync(join(root, '.sentrik/config.yaml'), 'utf8');
    expect(text).toMatch(/# our policy/);
    expect(text).toMatch(/# web/);
    expect(parse(text).standards_packs).toEqual(['owasp-top-10', 'supply-chain-security']);
    expect(sentrik(['remove-pack', 'owasp-top-10', '--root', root]).code).toBe(0);
    text = readFileSync(join(root, '.sentrik/config.yaml'), 'utf8');
    expect(parse(text).standards_packs).toEqual(['supply-chain-security']);
    expect(sentrik(['add-pack', 'no-such-pack', '--root', root]).code).toBe(2);
    // The last pack stays: an empty list would mean "the packs detected for the project".
    const last = sentrik(['remove-pack', 'supply-chain-security', '--root', root]);
    expect(last.code).toBe(2);
    expect(last.stderr).toMatch(/supply-chain-security is the only pack enabled: without it the scan would fall back to the packs detected for the project — add the pack you want first/);
    expect(parse(readFileSync(join(root, '.sentrik/config.yaml'), 'utf8')).standards_packs).toEqual(['supply-chain-security']);
  });

  it('add-pack and remove-pack change only the list: comments, flow style and layout stay as written', () => {
    const config = '# project policy\nstandards_packs: [owasp-top-10, secrets]   # the packs we run\ngate:\n  fail_on: [critical, high]  # block these\n# reports\noutput_dir: out\n';
    const root = project({ '.sentrik/config.yaml': config });
    const file = join(root, '.sentrik/config.yaml');
    expect(sentrik(['add-pack', 'supply-chain-security', '--root', root]).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(config.replace('[owasp-top-10, secrets]', '[owasp-top-10, secrets, supply-chain-security]'));
    expect(sentrik(['remove-pack', 'secrets', '--root', root]).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(config.replace('[owasp-top-10, secrets]', '[owasp-top-10, supply-chain-security]'));
  });

  it('export-pack then import-pack --enable round-trips a pack, validated on the way in', () => {
    const root = project({ 'a.js': 'eval(req.body.x)\n' });
    const shared = project({});
    expect(sentrik(['export-pack', 'owasp-top-10', '-o', shared]).code).toBe(0);
    expect(existsSync(join(shared, 'owasp-top-10', 'pack.yaml'))).toBe(true);
    // A built-in id cannot be shadowed by a custom pack.
    const clash = sentrik(['import-pack', join(shared, 'owasp-top-10'), '--root', root]);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/built-in pack/);
  });

  it('import-pack takes the folder export-pack wrote; rule ids another pack uses are named, and explain tells them apart', () => {
    const root = project({ 'a.js': 'x\n' });
    const shared = project({});
    expect(sentrik(['export-pack', 'secrets', '-o', shared]).code).toBe(0);
    // A fork of the built-in pack under its own id, its rule ids unchanged.
    renameSync(join(shared, 'secrets'), join(shared, 'my-secrets'));
    const packFile = join(shared, 'my-secrets', 'pack.yaml');
    writeFileSync(packFile, readFileSync(packFile, 'utf8').replace(/^id: secrets$/m, 'id: my-secrets'));
    const r = sentrik(['import-pack', shared, '--root', root]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('has no pack.yaml; importing the pack in');
    expect(r.stderr).toMatch(/warning: my-secrets reuses rule ids of other packs: SEC-\S+ \(secrets\)/);
    const ex = sentrik(['explain', 'SEC-STRIPE-001', '--root', root]);
    expect(ex.stdout).toMatch(/pack: +secrets +\(also in my-secrets: sentrik explain SEC-STRIPE-001 --pack my-secrets\)/);
    expect(sentrik(['explain', 'SEC-STRIPE-001', '--pack', 'my-secrets', '--root', root]).stdout).toMatch(/pack: +my-secrets +\(also in secrets/);
    // Two packs in one folder: name one.
    expect(sentrik(['export-pack', 'owasp-top-10', '-o', shared]).code).toBe(0);
    const two = sentrik(['import-pack', shared, '--root', root]);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/no pack\.yaml in this folder — it holds several packs: name one of .*my-secrets, .*owasp-top-10/);
  });

  it('list-rules --severity keeps the rules of those severities; an unknown one is refused', () => {
    const r = sentrik(['list-rules', '--pack', 'secrets', '--severity', 'critical'], { cwd: project({}) });
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').slice(0, -1);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatch(/^\S+ +critical /);
    const bad = sentrik(['list-rules', '--severity', 'urgent'], { cwd: project({}) });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown severity 'urgent' in --severity/);
  });

  it('import-pack refuses an invalid pack with file and line', () => {
    const src = project({ 'mine/pack.yaml': 'id: mine\nname: Mine\nversion: 1.0.0\nstandard: x\ndescription: y\nrules:\n  - id: MINE-X-001\n    title: Something\n    severity: urgent\n' });
    const r = sentrik(['import-pack', join(src, 'mine'), '--root', project({})]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pack\.yaml:\d+: /);
    expectNoStack(r.stderr);
  });

  it('a pack with a key missing says missing, and names its other problems by line', () => {
    const src = project({ 'mine/pack.yaml': 'id: mine\nversion: 1.0.0\nstandard: x\ndescription: y\ncolour: blue\nrules: []\n' });
    const r = sentrik(['import-pack', join(src, 'mine'), '--root', project({})]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pack\.yaml:\d+: .*name: missing — expected string; also wrong: colour \(unknown key, line 5\)/);
  });
});

describe('import-pack examples', () => {
  it('refuses a pack whose prefilter never selects its own bad example, naming the rule and its line', () => {
    const rule = [
      '- id: MINE-TOKEN-001',
      '  title: Acme token',
      '  severity: high',
      '  kind: secret',
      '  message: An Acme token is committed.',
      '  remediation: Revoke it.',
      '  match:',
      "    pattern: 'acme_[A-Za-z0-9]{20}'",
      "    prefilter: ['acme-[a-z0-9]{4}']",
      '  examples:',
      '    bad:',
      '      - { file: a.env, line: 1, code: "TOKEN=acme_Zq8Kd93LmXv02PqRt7Wn\\n" }',
      '    good:',
      '      - { file: a.env, code: "TOKEN=\\n" }',
      '',
    ].join('\n');
    const src = project({ 'mine/pack.yaml': 'id: mine\nname: Mine\nversion: 1.0.0\nstandard: x\ndescription: y\n', 'mine/rules/token.yaml': rule });
    const root = project({});
    const r = sentrik(['import-pack', join(src, 'mine'), '--root', root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/token\.yaml:12: MINE-TOKEN-001 fails its own bad example #1: expected a finding, got none\n/);
    expect(r.stderr).toMatch(/sentrik: 1 example of pack mine fails \(listed above\)/);
    expectNoStack(r.stderr);
    expect(existsSync(join(root, '.sentrik', 'rules', 'mine'))).toBe(false);
  });
});

describe('configuration', () => {
  it('init writes a commented config from detection that validate-config accepts', () => {
    const root = project({ 'app.py': 'from fastapi import FastAPI\n', 'requirements.txt': 'fastapi==0.115.0\n', '.github/workflows/ci.yml': 'on: push\njobs: {}\n' });
    const r = sentrik(['init', '--no-interactive', '--root', root]);
    expect(r.code).toBe(0);
    const text = readFileSync(join(root, '.sentrik/config.yaml'), 'utf8');
    expect(text).toMatch(/^#/m);
    expect(parse(text).standards_packs).toContain('owasp-top-10');
    expect(sentrik(['init', '--root', root]).code).toBe(2); // exists: needs --force
    const v = sentrik(['validate-config', '--root', root]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/is valid/);
  });

  it('environment overrides the file and flags override both', () => {
    // One high finding: a hard-coded password.
    const root = project({ 'a.js': "const password = 'Sup3rS3cret!2024';\n", '.sentrik/config.yaml': 'standards_packs: [owasp-top-10]\ngate:\n  fail_on: [high]\n' });
    const out = ['--output-dir', join(root, 'o')];
    expect(sentrik(['gate', root, ...out]).code).toBe(1);
    expect(sentrik(['gate', root, ...out], { env: { SENTRIK_GATE_FAIL_ON: 'critical' } }).code).toBe(0);
    expect(sentrik(['gate', root, ...out], { env: { GUARD_GATE_FAIL_ON: 'critical' } }).code).toBe(0);
    expect(sentrik(['gate', root, ...out], { env: { SENTRIK_GATE_FAIL_ON: 'critical', GUARD_GATE_FAIL_ON: 'low' } }).code).toBe(0);
    expect(sentrik(['gate', root, '--fail-on', 'high', ...out], { env: { SENTRIK_GATE_FAIL_ON: 'critical' } }).code).toBe(1);
  });

  it('fail_on [medium] also blocks worse findings', () => {
    const root = project({ 'a.js': 'eval(req.body.x)\n' });
    expect(sentrik(['gate', root, '--packs', 'owasp-top-10', '--fail-on', 'medium', '--output-dir', join(root, 'o')]).code).toBe(1);
  });

  it('a pack_overrides typo (an unknown pack or rule) is an error naming it, in validate-config and in a scan', () => {
    const config = (body: string) => `standards_packs: [owasp-top-10]\npack_overrides:\n${body}`;
    for (const [body, message] of [
      ['  owasp-top-10:\n    OWASP-A99-001: { enabled: false }\n', /unknown rule 'OWASP-A99-001' in pack_overrides\.owasp-top-10 — did you mean 'OWASP-A\d\d-001'\? list its rules with: sentrik list-rules --pack owasp-top-10/],
      ['  owasp-top-11:\n    OWASP-A03-001: { severity: low }\n', /unknown pack 'owasp-top-11' in pack_overrides — available: /],
    ] as const) {
      const root = project({ 'a.js': '1;\n', '.sentrik/config.yaml': config(body) });
      const v = sentrik(['validate-config', '--root', root]);
      expect(v.code).toBe(2);
      expect(v.stderr).toMatch(/config\.yaml: /);
      expect(v.stderr).toMatch(message);
      const s = sentrik(['scan', root, '-q']);
      expect(s.code).toBe(2);
      expect(s.stderr).toMatch(message);
    }
    // A real rule of a pack that is not enabled is fine: the override waits for the pack.
    const ok = project({ 'a.js': '1;\n', '.sentrik/config.yaml': config('  secrets:\n    SEC-GEN-001: { severity: low }\n') });
    expect(sentrik(['validate-config', '--root', ok]).code).toBe(0);
    expect(sentrik(['scan', ok, '-q', '--output-dir', join(ok, 'o')]).code).toBe(0);
  });

  it('zero-config enables the packs that fit the project', () => {
    const r = sentrik(['validate-config', '--root', join(REPO, 'examples', 'ai-api')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/owasp-top-10/);
  });
});
