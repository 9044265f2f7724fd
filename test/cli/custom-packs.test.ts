// Authoring custom packs through the real CLI: rule ids shared between packs, testing a pack where it lives,
// re-importing, overrides shown where rules are listed, and the errors a pack author meets.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoStack, project, sentrik } from './helpers.js';

interface RuleSpec {
  id: string;
  severity?: string;
  pattern?: string;
  files?: string;
  examples?: string;
}

/** A pack.yaml with these regex rules (each at a known line: the first rule's `- id:` is line 7). */
export function packYaml(id: string, rules: RuleSpec[]): string {
  const rule = (r: RuleSpec): string =>
    [
      `  - id: ${r.id}`,
      `    title: Rule ${r.id}`,
      `    severity: ${r.severity ?? 'low'}`,
      '    kind: regex',
      `    message: flagged by ${id}`,
      '    remediation: change it',
      ...(r.files ? [`    files: ${r.files}`] : []),
      `    match: { any: ['${r.pattern ?? 'eval\\('}'] }`,
      `    examples: ${r.examples ?? "{ bad: [{ file: a.js, code: 'eval(x)', line: 1 }], good: [{ file: a.js, code: 'x' }] }"}`,
    ].join('\n');
  return `id: ${id}\nname: Pack ${id}\nversion: 1.0.0\nstandard: Team rules\ndescription: For tests.\nrules:\n${rules.map(rule).join('\n')}\n`;
}

const json = (stdout: string) => JSON.parse(stdout) as { findings: { ruleId: string; packId: string; severity: string; file: string }[] };

describe('a rule id defined by two enabled packs', () => {
  it('a custom rule with a built-in id is refused, naming both definitions, instead of taking the built-in severity', () => {
    const root = project({
      '.sentrik/rules/t/pack.yaml': packYaml('t', [{ id: 'SCS-CI-001', pattern: 'foo', files: "['**/*.py']", examples: "{ bad: [{ file: a.py, code: 'foo', line: 1 }], good: [{ file: a.py, code: 'x' }] }" }]),
      '.sentrik/config.yaml': 'standards_packs: [t, supply-chain-security]\n',
      'b.py': 'foo\n',
    });
    const r = sentrik(['scan', '.', '--format', 'json', '--no-cache'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rules\/t\/pack\.yaml:7: rule id SCS-CI-001 is defined by two enabled packs: t here and supply-chain-security \(.*packs\/supply-chain-security\/rules\/ci\.yaml:2\) — rename the rule in t/);
    expectNoStack(r.stderr);
  });

  it('two custom packs with one id are refused; disabling one of the rules by pack_overrides lets them run together', () => {
    const files = {
      '.sentrik/rules/pa/pack.yaml': packYaml('pa', [{ id: 'DUP-X-001', severity: 'low', pattern: 'alpha\\(', examples: "{ bad: [{ file: a.js, code: 'alpha()', line: 1 }], good: [{ file: a.js, code: 'x' }] }" }]),
      '.sentrik/rules/pb/pack.yaml': packYaml('pb', [{ id: 'DUP-X-001', severity: 'critical', pattern: 'beta\\(', examples: "{ bad: [{ file: a.js, code: 'beta()', line: 1 }], good: [{ file: a.js, code: 'x' }] }" }]),
      'c.js': 'alpha()\n',
    };
    const both = project({ ...files, '.sentrik/config.yaml': 'standards_packs: [pa, pb]\n' });
    const r = sentrik(['scan', '.', '--format', 'json', '--no-cache'], { cwd: both });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rules\/pb\/pack\.yaml:7: rule id DUP-X-001 is defined by two enabled packs: pb here and pa \(.*rules\/pa\/pack\.yaml:7\)/);

    const oneOff = project({ ...files, '.sentrik/config.yaml': 'standards_packs: [pa, pb]\npack_overrides:\n  pb:\n    DUP-X-001: { enabled: false }\n' });
    const ok = sentrik(['scan', '.', '--format', 'json', '--no-cache'], { cwd: oneOff });
    expect(ok.code, ok.stderr).toBe(0);
    expect(json(ok.stdout).findings.filter((f) => f.ruleId === 'DUP-X-001' && f.file === 'c.js').map((f) => `${f.packId} ${f.severity} ${f.file}`)).toEqual(['pa low c.js']);
  });

  it('add-pack and import-pack --enable refuse a pack whose ids clash with an enabled pack, before changing anything', () => {
    const root = project({
      '.sentrik/rules/pa/pack.yaml': packYaml('pa', [{ id: 'DUP-X-001' }]),
      '.sentrik/rules/pb/pack.yaml': packYaml('pb', [{ id: 'DUP-X-001', severity: 'high' }]),
      '.sentrik/config.yaml': 'standards_packs: [pa]\n',
    });
    const add = sentrik(['add-pack', 'pb', '--root', root]);
    expect(add.code).toBe(2);
    expect(add.stderr).toMatch(/rule id DUP-X-001 is defined by two enabled packs/);
    expect(readFileSync(join(root, '.sentrik/config.yaml'), 'utf8')).toBe('standards_packs: [pa]\n');

    const src = project({ 'pc/pack.yaml': packYaml('pc', [{ id: 'DUP-X-001', severity: 'critical' }]) });
    const imp = sentrik(['import-pack', join(src, 'pc'), '--enable', '--root', root]);
    expect(imp.code).toBe(2);
    expect(imp.stderr).toMatch(/pc\/pack\.yaml:7: rule id DUP-X-001 is defined by two enabled packs: pc here and pa/);
    expect(existsSync(join(root, '.sentrik/rules/pc'))).toBe(false);
    // Not enabled, it may be installed (a fork meant to replace pa), and is told what enabling both would do.
    const fork = sentrik(['import-pack', join(src, 'pc'), '--root', root]);
    expect(fork.code).toBe(0);
    expect(fork.stderr).toMatch(/pc reuses rule ids of other packs: DUP-X-001 \(pa\), DUP-X-001 \(pb\) — .*enabling it beside those packs is refused/);
  });
});

/** A pack whose second bad and second good examples fail, and whose todo example now passes. */
const ACME = [
  'id: acme',
  'name: Acme',
  'version: 1.0.0',
  'standard: Team rules',
  'description: For tests.',
  'rules:',
  '  - id: ACME-NET-001',
  '    title: Plain http',
  '    severity: high',
  '    kind: regex',
  '    message: http',
  '    remediation: https',
  "    match: { any: ['http://'] }",
  '    examples:',
  '      bad:',
  `        - { file: a.js, code: 'fetch("http://x")', line: 1 }`,
  `        - { file: a.js, code: 'fetch("ftp://x")', line: 1 }`,
  '      good:',
  `        - { file: a.js, code: 'fetch("https://x")' }`,
  "        - { file: a.js, code: '// see http://docs' }",
  '      todo:',
  `        - { expect: finding, file: a.js, code: 'x = "http://y"' }`,
  '',
].join('\n');

describe('test-pack', () => {
  it('lists every failing example at its line, names todo examples that now pass, and exits 1; 0 once fixed', () => {
    const root = project({ '.sentrik/rules/acme/pack.yaml': ACME, '.sentrik/rules/ok/pack.yaml': packYaml('ok', [{ id: 'OK-X-001' }]) });
    const r = sentrik(['test-pack'], { cwd: root });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('.sentrik/rules/acme/pack.yaml:17: ACME-NET-001 fails its own bad example #2: expected a finding, got none');
    expect(r.stdout).toContain('.sentrik/rules/acme/pack.yaml:20: ACME-NET-001 fails its own good example #2: expected no finding, got line(s) 1');
    expect(r.stdout).toContain('.sentrik/rules/acme/pack.yaml:22: ACME-NET-001 todo example #1 now passes (flagged, as expected): move it to bad');
    expect(r.stdout).toContain('FAIL  acme: 1 rule, 4 examples, 2 failing; 1 todo example now passes');
    expect(r.stdout).toContain('ok    ok: 1 rule, 2 examples, all pass');

    expect(sentrik(['test-pack', 'ok'], { cwd: root }).code).toBe(0);
    // A folder not installed yet is tested where it is.
    const src = project({ 'drafts/ok2/pack.yaml': packYaml('ok2', [{ id: 'OK-Y-001' }]) });
    const draft = sentrik(['test-pack', join(src, 'drafts/ok2'), '--root', root]);
    expect(draft.code, draft.stderr).toBe(0);
    expect(draft.stdout).toContain('ok    ok2: 1 rule, 2 examples, all pass');
    const unknown = sentrik(['test-pack', 'nope'], { cwd: root });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no pack 'nope' and no such folder — name a pack folder, or one of: acme, ok/);
  });

  it('a pack that does not load is an error (2) at its line, and the other packs are still tested', () => {
    const root = project({
      '.sentrik/rules/broken/pack.yaml': packYaml('broken', [{ id: 'BROKEN-X-001', pattern: 'foo(' }]),
      '.sentrik/rules/ok/pack.yaml': packYaml('ok', [{ id: 'OK-X-001' }]),
    });
    const r = sentrik(['test-pack'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/ERROR broken: .*broken\/pack\.yaml:\d+: rule BROKEN-X-001: invalid pattern "foo\("/);
    expect(r.stdout).toContain('ok    ok: 1 rule, 2 examples, all pass');
    expectNoStack(r.stdout + r.stderr);
  });

  it('validate-config and doctor load the enabled packs as a scan does', () => {
    const root = project({ '.sentrik/rules/broken/pack.yaml': packYaml('broken', [{ id: 'BROKEN-X-001', pattern: 'foo(' }]), '.sentrik/config.yaml': 'standards_packs: [broken]\n' });
    const v = sentrik(['validate-config', '--root', root]);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/broken\/pack\.yaml:\d+: rule BROKEN-X-001: invalid pattern "foo\("/);
    const d = sentrik(['doctor', '--root', root]);
    expect(d.code).toBe(1);
    expect(d.stdout).toMatch(/FAIL +enabled .*broken\/pack\.yaml:\d+: rule BROKEN-X-001: invalid pattern/);
    expect(d.stdout).not.toContain('All checks passed');
  });
});

describe('import-pack', () => {
  it('lists every failing example, and refuses the installed pack as its own source, pointing to test-pack', () => {
    const root = project({});
    const src = project({ 'acme/pack.yaml': ACME });
    const r = sentrik(['import-pack', join(src, 'acme'), '--root', root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pack\.yaml:17: ACME-NET-001 fails its own bad example #2: expected a finding, got none\n.*pack\.yaml:20: ACME-NET-001 fails its own good example #2/);
    expect(r.stderr).toMatch(/sentrik: 2 examples of pack acme fail \(listed above\)/);

    const installed = project({ '.sentrik/rules/ok/pack.yaml': packYaml('ok', [{ id: 'OK-X-001' }]) });
    const self = sentrik(['import-pack', '.sentrik/rules/ok', '--overwrite'], { cwd: installed });
    expect(self.code).toBe(2);
    expect(self.stderr).toMatch(/\.sentrik\/rules\/ok: this is the installed pack itself: there is nothing to import — edit it in place and check it with `sentrik test-pack ok`/);
    expectNoStack(self.stderr);
  });
});

describe('import-pack --overwrite', () => {
  it('replaces the installed pack: a rules file deleted from the source is no longer installed nor active', () => {
    const src = project({ 'acme/pack.yaml': packYaml('acme', [{ id: 'ACME-A-001' }]), 'acme/rules/extra.yaml': packYaml('x', [{ id: 'ACME-B-001' }]).split('rules:\n')[1] });
    const root = project({ 'a.js': 'eval(x)\n' });
    expect(sentrik(['import-pack', join(src, 'acme'), '--enable', '--root', root]).code).toBe(0);
    const ids = () => sentrik(['list-rules', '--pack', 'acme', '--json', '--root', root]).stdout;
    expect(JSON.parse(ids()).map((r: { id: string }) => r.id)).toEqual(['ACME-A-001', 'ACME-B-001']);

    rmSync(join(src, 'acme/rules'), { recursive: true });
    const r = sentrik(['import-pack', join(src, 'acme'), '--overwrite', '--root', root]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(root, '.sentrik/rules/acme/rules/extra.yaml'))).toBe(false);
    expect(JSON.parse(ids()).map((r: { id: string }) => r.id)).toEqual(['ACME-A-001']);
    // Nothing is left of the copy it swapped in.
    expect(readdirSync(join(root, '.sentrik')).sort()).toEqual(['config.yaml', 'rules']);
  });
});

describe('list-rules and explain under pack_overrides', () => {
  it('show the effective severity and enabled state, and that pack_overrides set them', () => {
    const root = project({ '.sentrik/config.yaml': 'standards_packs: [supply-chain-security]\npack_overrides:\n  supply-chain-security:\n    SCS-CI-001: { severity: low }\n    SCS-CI-002: { enabled: false }\n' });
    const list = sentrik(['list-rules', '--pack', 'supply-chain-security', '--root', root]);
    expect(list.stdout).toMatch(/^SCS-CI-001 +low +supply-chain-security +.*\[low \(pack_overrides; pack says critical\)\]$/m);
    expect(list.stdout).toMatch(/^SCS-CI-002 +high +supply-chain-security +.*\[disabled by pack_overrides\]$/m);
    const rows = JSON.parse(sentrik(['list-rules', '--pack', 'supply-chain-security', '--json', '--root', root]).stdout) as { id: string }[];
    expect(rows.find((r) => r.id === 'SCS-CI-001')).toMatchObject({ severity: 'low', packSeverity: 'critical', enabled: true, overriddenBy: 'pack_overrides' });
    expect(rows.find((r) => r.id === 'SCS-CI-002')).toMatchObject({ enabled: false, overriddenBy: 'pack_overrides' });
    // --severity filters on what scans use.
    expect(sentrik(['list-rules', '--pack', 'supply-chain-security', '--severity', 'critical', '--root', root]).stdout).not.toContain('SCS-CI-001');
    expect(sentrik(['explain', 'SCS-CI-001', '--root', root]).stdout).toMatch(/severity: +low \(pack_overrides; pack says critical\)/);
    expect(sentrik(['explain', 'SCS-CI-002', '--root', root]).stdout).toMatch(/status: +disabled by pack_overrides/);
  });
});

describe('pack errors name the field, the allowed values and the line', () => {
  const rule = (kind: string, match: string, examples = "{ bad: [{ file: a.js, code: 'x', line: 1 }] }") =>
    `id: p\nname: P\nversion: 1.0.0\nstandard: Team rules\ndescription: For tests.\nrules:\n  - id: P-X-001\n    title: A title\n    severity: high\n    kind: ${kind}\n    message: A message\n    remediation: A remedy\n    match:\n${match}\n${examples === '' ? '' : `    examples: ${examples}\n`}`;
  const testPack = (yaml: string) => {
    const r = sentrik(['test-pack', join(project({ 'p/pack.yaml': yaml }), 'p')]);
    expect(r.code).toBe(2);
    expectNoStack(r.stdout + r.stderr);
    return r.stdout;
  };

  it('a value a union refuses is reported from the shape it came closest to', () => {
    expect(testPack(rule('ast', "      languages: [ruby]\n      pattern: 'eval($X)'"))).toMatch(/pack\.yaml:14: rule P-X-001: invalid match for kind 'ast': rules\.0\.match\.languages\.0: 'ruby' is not allowed — expected one of: javascript, typescript, python/);
    expect(testPack(rule('structured', "      format: json\n      given: '$.a'\n      pattern: x"))).toMatch(/pack\.yaml:14: .*rules\.0\.match\.format: 'json' is not allowed — expected one of: github-workflow, .*dockerfile/);
  });

  it('missing examples say what to add', () => {
    expect(testPack(rule('regex', '      any: [x]', ''))).toMatch(/pack\.yaml:7: rule P-X-001 has no examples — add `examples: \{ bad: \[\.\.\.\], good: \[\.\.\.\] \}`/);
  });

  it("a bad example whose file the rule's files: do not select says so", () => {
    const yaml = packYaml('p', [{ id: 'P-X-001', pattern: 'foo', files: "['**/*.py']", examples: "{ bad: [{ file: a.js, code: 'foo', line: 1 }], good: [{ file: a.py, code: 'x' }] }" }]);
    const r = sentrik(['test-pack', join(project({ 'p/pack.yaml': yaml }), 'p')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("P-X-001 fails its own bad example #1: its file a.js is not selected by the rule's files: [**/*.py]: give the example a file name the rule applies to");
  });

  it('an anchor defined twice is refused with both lines: an alias would silently take the second', () => {
    const twice = packYaml('p', [
      { id: 'P-X-001', pattern: 'eval\\(', examples: "&ex { bad: [{ file: a.js, code: 'eval(x)', line: 1 }], good: [{ file: a.js, code: 'x' }] }" },
      { id: 'P-X-002', pattern: 'exec\\(', examples: "&ex { bad: [{ file: a.js, code: 'exec(x)', line: 1 }], good: [{ file: a.js, code: 'x' }] }" },
      { id: 'P-X-003', pattern: 'eval\\(', examples: '*ex' },
    ]);
    expect(testPack(twice)).toMatch(/pack\.yaml:22: anchor &ex is defined twice, on lines 14 and 22: an alias \*ex after line 22 takes the second — give each anchor its own name/);
    const once = twice.replace("&ex { bad: [{ file: a.js, code: 'exec(x)'", "{ bad: [{ file: a.js, code: 'exec(x)'");
    expect(sentrik(['test-pack', join(project({ 'p/pack.yaml': once }), 'p')]).code).toBe(0);
  });

  it('an unknown rule id in pack_overrides suggests the closest', () => {
    const root = project({ '.sentrik/config.yaml': 'standards_packs: [supply-chain-security]\npack_overrides:\n  supply-chain-security:\n    SCS-CI-01: { severity: low }\n' });
    const v = sentrik(['validate-config', '--root', root]);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/unknown rule 'SCS-CI-01' in pack_overrides\.supply-chain-security — did you mean 'SCS-CI-001'\?/);
  });
});

describe('what a pack must hold', () => {
  const scan = (files: Record<string, string>) => {
    const r = sentrik(['scan', '.', '--no-cache', '-q'], { cwd: project({ '.sentrik/config.yaml': 'standards_packs: [t]\n', ...files }) });
    expectNoStack(r.stderr);
    return r;
  };

  it('a rule needs bad and good examples; a todo example is checked like them; a glob must close its brackets; a pack needs rules', () => {
    const onlyGood = scan({ '.sentrik/rules/t/pack.yaml': packYaml('t', [{ id: 'T-X-001', examples: "{ good: [{ file: a.js, code: 'x' }] }" }]) });
    expect(onlyGood.code).toBe(2);
    expect(onlyGood.stderr).toMatch(/pack\.yaml:\d+: rule T-X-001 has good examples but no bad ones — add a bad example: code the rule must flag/);

    const todo = scan({ '.sentrik/rules/t/pack.yaml': packYaml('t', [{ id: 'T-X-001', examples: "{ bad: [{ file: a.js, code: 'eval(x)', line: 1 }], good: [{ file: a.js, code: 'x' }], todo: [{ expect: finding, flie: a.js, cdoe: 'y' }] }" }]) });
    expect(todo.code).toBe(2);
    expect(todo.stderr).toMatch(/pack\.yaml:\d+: .*todo.*(flie|cdoe)/);

    const glob = scan({ '.sentrik/rules/t/pack.yaml': packYaml('t', [{ id: 'T-X-001', files: "['**/*.{py']" }]) });
    expect(glob.code).toBe(2);
    expect(glob.stderr).toMatch(/pack\.yaml:\d+: .*this glob has an unclosed '\{'/);

    const empty = scan({ '.sentrik/rules/t/pack.yaml': 'id: t\nname: T\nversion: 1.0.0\nstandard: T\ndescription: nothing yet\n' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/pack\.yaml:1: pack t has no rules — add rules under `rules:`/);
  });
});
