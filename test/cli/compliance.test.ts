// compliance-report, trust-center, evidence-export, trace and the mapping views of list-packs/explain,
// through the real CLI.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { evalRule, expectNoStack, project, sentrik } from './helpers.js';

const APP = {
  'app.py': 'from flask import request\n@app.route("/u")\ndef u():\n    cur.execute("SELECT * FROM t WHERE n = \'" + request.args["n"] + "\'")\n',
  'package-lock.json': JSON.stringify({ name: 'shop', lockfileVersion: 3, packages: { '': { name: 'shop' }, 'node_modules/lodash': { version: '4.17.21', resolved: 'https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz' } } }),
  'requirements.yaml': 'requirements:\n  - id: REQ-1\n    title: Look up users\n  - id: REQ-2\n    title: Audit every change\n',
  'out/agent_audit.jsonl': '{"seq":1,"action":"scan"}\n',
};

describe('compliance-report', () => {
  it('writes the JSON and HTML clause tables into output_dir', () => {
    const root = project(APP);
    const r = sentrik(['compliance-report', root, '-f', 'pci-dss']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PCI DSS v4\.0: \d+ clauses — \d+ pass \(\d+ on part of their checks\), [1-9]\d* fail, \d+ not assessed \([1-9]\d* with no file for their checks\)/);
    expect(r.stdout).toContain('FAIL 6.2.4');
    // No manifest, Dockerfile or dependabot file: the patching checks had nothing to judge.
    expect(r.stdout).toMatch(/\n {2}NOT ASSESSED 6\.3\.3 +System components .* \(none of its 3 checks had a file to judge in this project\)\n/);
    const report = JSON.parse(readFileSync(join(root, 'out', 'compliance-pci-dss.json'), 'utf8'));
    expect(report.clauses.find((c: { clause: string }) => c.clause === '6.2.4').findings[0]).toMatchObject({ ruleId: 'OWASP-A03-002', file: 'app.py', line: 4 });
    expect(readFileSync(join(root, 'out', 'compliance-pci-dss.html'), 'utf8')).toContain('<h1>PCI DSS v4.0 — compliance report</h1>');
  });

  it('-o FILE writes one format, chosen by the extension', () => {
    const root = project(APP);
    const r = sentrik(['compliance-report', '-f', 'hipaa', '-o', 'hipaa.json'], { cwd: root });
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'hipaa.json'), 'utf8')).framework.id).toBe('hipaa');
    expect(existsSync(join(root, 'out', 'compliance-hipaa.html'))).toBe(false);
  });

  it('-o with an extension it cannot write is refused before the scan, naming it and the ones accepted', () => {
    const root = project(APP);
    for (const [cmd, file] of [[['compliance-report', '-f', 'soc2'], 'r.pdf'], [['trust-center'], 't.pdf']] as const) {
      const r = sentrik([...cmd, root, '-o', join(root, file)]);
      expect(r.code).toBe(2);
      expectNoStack(r.stderr);
      expect(r.stderr).toMatch(new RegExp(`^sentrik: .*${file.replace('.', '\\.')}: ${cmd[0]} cannot write a '\\.pdf' report — use an extension \\(\\.json, \\.html, \\.htm\\) or give --format \\(json, html\\)\n$`));
      expect(existsSync(join(root, file))).toBe(false);
      expect(existsSync(join(root, '.sentrik', 'cache'))).toBe(false); // refused before scanning
    }
    expect(sentrik(['compliance-report', root, '-f', 'soc2', '-o', join(root, 'r.htm')]).code).toBe(0);
    expect(readFileSync(join(root, 'r.htm'), 'utf8')).toMatch(/^<!doctype html>/i);
    expect(existsSync(join(root, '.sentrik', 'cache'))).toBe(true); // a scan leaves its cache
  });

  it('an unknown framework is a one-line error listing exactly the frameworks it accepts', () => {
    const root = project({
      ...APP,
      '.sentrik/rules/mine/pack.yaml': 'id: mine\nname: Mine\nversion: 1.0.0\nstandard: none\ndescription: no clauses\nrules: []\n',
      '.sentrik/rules/mine/rules/eval.yaml': evalRule('MINE-001'),
    });
    const r = sentrik(['compliance-report', root, '-f', 'pci']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^sentrik: unknown framework 'pci' — available: .*pci-dss.*\n$/);
    expectNoStack(r.stderr);
    // Every built-in pack names clauses (owasp-top-10, supply-chain-security and secrets by their rules); the
    // custom pack names none, so -f refuses it and the list leaves it out.
    const listed = /available: (.*)\n$/.exec(r.stderr)![1].split(', ');
    const builtins = JSON.parse(sentrik(['list-packs', '--json']).stdout).map((p: { id: string }) => p.id);
    expect(listed.sort()).toEqual([...builtins].sort());
    expect(listed).toEqual(expect.arrayContaining(['owasp-top-10', 'supply-chain-security', 'secrets']));
    const mine = sentrik(['compliance-report', root, '-f', 'mine']);
    expect(mine.code).toBe(2);
    expect(mine.stderr).toMatch(/^sentrik: pack 'mine' names no clauses of a standard, so it is no framework — available: /);
    expect(sentrik(['compliance-report', root, '-f', 'secrets', '-o', join(root, 's.json')]).code).toBe(0);
  });
});

describe('trust-center', () => {
  it('publishes statuses without paths, rule ids or finding details', () => {
    const root = project(APP);
    const r = sentrik(['trust-center', root, '-f', 'soc2,iso-27001', '-o', join(root, 'trust.json')]);
    expect(r.code).toBe(0);
    const text = readFileSync(join(root, 'trust.json'), 'utf8');
    expect(JSON.parse(text).frameworks.map((f: { id: string }) => f.id)).toEqual(['soc2', 'iso-27001']);
    for (const leak of ['app.py', root, 'SELECT', 'OWASP-A03-002', 'message']) expect(text).not.toContain(leak);
  });

  it('without -f summarises the enabled packs that name clauses through their rules, as owasp-top-10 alone', () => {
    const root = project({ ...APP, '.sentrik/config.yaml': 'standards_packs: [owasp-top-10]\n' });
    const r = sentrik(['trust-center', root]);
    expect(r.code).toBe(0);
    expectNoStack(r.stderr);
    expect(r.stdout).toContain('Trust center summary (owasp-top-10) written to');
    const summary = JSON.parse(readFileSync(join(root, 'out', 'trust-center.json'), 'utf8'));
    expect(summary.frameworks.map((f: { id: string }) => f.id)).toEqual(['owasp-top-10']);
    expect(summary.frameworks[0].clauses.length).toBeGreaterThan(0);
  });

  it("without -f leaves out packs whose standard is sentrik's own guidance (language packs), not the frameworks", () => {
    const root = project({ ...APP, '.sentrik/config.yaml': 'standards_packs: [owasp-top-10, javascript-typescript-security, python-security, soc2]\n' });
    const r = sentrik(['trust-center', root]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(root, 'out', 'trust-center.json'), 'utf8'));
    expect(summary.frameworks.map((f: { id: string }) => f.id)).toEqual(['owasp-top-10', 'soc2']);
    expect(r.stdout).toContain('Trust center summary (owasp-top-10, soc2) written to');
  });

  it('without -f lists a standard once: php-security names OWASP Top 10 clauses too, owasp-top-10 stands for them', () => {
    const root = project({ ...APP, '.sentrik/config.yaml': 'standards_packs: [php-security, owasp-top-10, soc2]\n' });
    const r = sentrik(['trust-center', root]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(root, 'out', 'trust-center.json'), 'utf8'));
    expect(summary.frameworks.map((f: { id: string }) => f.id)).toEqual(['owasp-top-10', 'soc2']);
  });

  it('without -f and with no enabled pack naming clauses it says what to do, in one line', () => {
    const root = project({
      'a.js': 'x\n',
      '.sentrik/config.yaml': 'standards_packs: [mine]\n',
      '.sentrik/rules/mine/pack.yaml': 'id: mine\nname: Mine\nversion: 1.0.0\nstandard: none\ndescription: no clauses\nrules: []\n',
      '.sentrik/rules/mine/rules/eval.yaml': evalRule('MINE-001'),
    });
    const r = sentrik(['trust-center', root]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no framework to summarise: no enabled pack \(mine\) names clauses of a published standard — pass -f with one or more of .*owasp-top-10.*soc2/);
  });
});

describe('evidence-export', () => {
  it('bundles report, findings, SBOM, audit log and trace matrix with a manifest of hashes', () => {
    const root = project(APP);
    const r = sentrik(['evidence-export', root, '-f', 'soc2']);
    expect(r.code).toBe(0);
    const zip = unzipSync(readFileSync(join(root, 'out', 'evidence-soc2.zip')));
    expect(Object.keys(zip).sort()).toEqual(['audit/agent_audit.jsonl', 'compliance-report.html', 'compliance-report.json', 'findings.json', 'findings.sarif', 'manifest.json', 'sbom.cdx.json', 'trace-matrix.json']);
    const manifest = JSON.parse(strFromU8(zip['manifest.json']));
    for (const [name, entry] of Object.entries(manifest.files as Record<string, { sha256: string }>)) {
      expect(createHash('sha256').update(zip[name]).digest('hex'), name).toBe(entry.sha256);
    }
    expect(manifest.framework.id).toBe('soc2');
    expect(JSON.parse(strFromU8(zip['sbom.cdx.json'])).components.map((c: { name: string }) => c.name)).toContain('lodash');
    expect(strFromU8(zip['audit/agent_audit.jsonl'])).toContain('"seq":1');
  });
  it("includes the audit log's head record, hashed in the manifest, so a verifier can tell a truncated log", () => {
    const { 'out/agent_audit.jsonl': _fake, ...app } = APP;
    const root = project(app);
    expect(sentrik(['scan', root, '-q']).code).toBe(0); // a real audit entry, and its head
    const head = readFileSync(join(root, 'out', 'agent_audit.jsonl.head'));
    const r = sentrik(['evidence-export', root, '-f', 'soc2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('head record');
    const zip = unzipSync(readFileSync(join(root, 'out', 'evidence-soc2.zip')));
    expect(Buffer.from(zip['audit/agent_audit.jsonl.head']).equals(head)).toBe(true);
    const manifest = JSON.parse(strFromU8(zip['manifest.json']));
    expect(manifest.files['audit/agent_audit.jsonl.head'].sha256).toBe(createHash('sha256').update(head).digest('hex'));
    // A log without its head is still exported, and the run says what cannot be checked.
    const bare = sentrik(['evidence-export', project(APP), '-f', 'soc2']);
    expect(bare.stderr).toContain('no head record beside the audit log (out/agent_audit.jsonl.head): a truncated log cannot be detected');
  });
});

describe('trace', () => {
  const tagged = { ...APP, 'app.py': `# REQUIREMENT: REQ-1\n${APP['app.py']}`, 'tests/test_app.py': '# REQUIREMENT: REQ-1\ndef test_u(): pass\n' };

  it('prints the matrix and the untraced requirements; --strict fails on them', () => {
    const root = project(tagged);
    const r = sentrik(['trace', root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| REQ-1 | Look up users |  | app.py:1 | tests/test_app.py:1 | traced |');
    expect(r.stderr).toContain('2 requirements: 1 traced, 1 without code, 1 without a test');
    expect(r.stderr).toContain('REQ-2: no implementing code, no test — Audit every change');
    expect(sentrik(['trace', root, '--strict']).code).toBe(1);
    const csv = sentrik(['trace', root, '-o', join(root, 'trace.csv')]);
    expect(csv.code).toBe(0);
    expect(readFileSync(join(root, 'trace.csv'), 'utf8').split('\n')[0]).toBe('id,title,standard,clause,status,verification,code,tests,gaps');
  });

  it('-o with an extension it cannot write is refused, naming it and the ones accepted', () => {
    const root = project(tagged);
    const r = sentrik(['trace', root, '-o', join(root, 'x.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^sentrik: .*x\.txt: trace cannot write a '\.txt' report — use an extension \(\.json, \.csv, \.md, \.markdown\)\n$/);
    expect(existsSync(join(root, 'x.txt'))).toBe(false);
  });

  it('an obsolete requirement is shown as obsolete: neither traced nor a gap', () => {
    const reqs = `${APP['requirements.yaml']}  - id: REQ-3\n    title: Print receipts\n    status: obsolete\n`;
    const root = project({ ...tagged, 'requirements.yaml': reqs });
    const r = sentrik(['trace', root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| REQ-3 | Print receipts |  | — | — | obsolete |');
    expect(r.stderr).toContain('3 requirements: 1 traced, 1 obsolete, 1 without code, 1 without a test');
    expect(r.stderr).not.toContain('REQ-3');
    expect(sentrik(['trace', root, '-o', join(root, 'm.json')]).code).toBe(0);
    const m = JSON.parse(readFileSync(join(root, 'm.json'), 'utf8'));
    expect(m.summary).toMatchObject({ requirements: 3, traced: 1, obsolete: 1, noCode: 1, noTest: 1 });
    const allObsolete = project({ 'requirements.yaml': 'requirements:\n  - { id: REQ-1, title: Old, status: obsolete }\n' });
    expect(sentrik(['trace', allObsolete, '--strict']).code).toBe(0);
  });

  it('a duplicate requirement id is a one-line error with file and line', () => {
    const root = project({ 'requirements.yaml': 'requirements:\n  - id: REQ-1\n    title: A\n  - id: REQ-1\n    title: B\n' });
    const r = sentrik(['trace', root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`sentrik: ${join(root, 'requirements.yaml')}:4: duplicate requirement id REQ-1 (first at line 2) — give every requirement its own id\n`);
  });
});

describe('mappings in pack commands', () => {
  it('list-packs shows mapped clauses and obligations per pack', () => {
    const r = sentrik(['list-packs', '--json']);
    expect(r.code).toBe(0);
    const pci = JSON.parse(r.stdout).find((p: { id: string }) => p.id === 'pci-dss');
    expect(pci.clauses).toMatchObject({ checked: expect.any(Number), obligations: expect.any(Number), manual: 1 });
    expect(pci.clauses.checked).toBeGreaterThan(5);
    expect(sentrik(['list-packs']).stdout.split('\n')[0]).toMatch(/CLAUSES\s+CHECKED\s+OBLIGATIONS/);
  });

  it('explain lists the clauses a rule serves', () => {
    const r = sentrik(['explain', 'OWASP-A03-002']);
    expect(r.stdout).toMatch(/serves:\n(.*\n)*\s+pci-dss\s+6\.2\.4\s+Software engineering techniques/);
    expect(r.stdout).toMatch(/iso-27001\s+A\.8\.28\s+Secure coding/);
  });

  it('a custom pack mapping onto an unknown rule stops with its file and line', () => {
    const root = project({
      '.sentrik/rules/acme/pack.yaml': 'id: acme\nname: Acme\nversion: 1.0.0\nstandard: Acme policy\ndescription: d\nmappings:\n  - clause: P-1\n    title: No injection\n    rules: [OWASP-A03-002, NOPE-001]\n',
    });
    const r = sentrik(['list-packs', '--root', root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`sentrik: ${join(root, '.sentrik/rules/acme/pack.yaml')}:9: clause 'P-1' is mapped to unknown rule NOPE-001 — use a rule id listed by \`sentrik list-rules\`\n`);
  });
});
