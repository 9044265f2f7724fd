// Authoring custom packs through the real CLI: rule ids shared between packs, testing a pack where it lives,
// re-importing, overrides shown where rules are listed, and the errors a pack author meets.
import { existsSync, readFileSync } from 'node:fs';
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
