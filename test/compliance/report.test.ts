// Clauses on findings, the compliance report, the trust summary and the traceability matrix, over real scans
// of small projects.
import { mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderComplianceHtml, renderTrustHtml } from '../../src/compliance/html.js';
import { buildComplianceReport, clauseBasis, trustSummary } from '../../src/compliance/report.js';
import { loadConfig } from '../../src/config/load.js';
import { configureCacheKey } from '../../src/engine/cache.js';
import { loadAllPacks } from '../../src/packs/load.js';
import { runScan } from '../../src/run/scan.js';
import { buildMatrix, matrixCsv, tagsIn } from '../../src/trace/matrix.js';
import { loadRequirements } from '../../src/trace/requirements.js';
import { SentrikError } from '../../src/util/errors.js';

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'sentrik-compliance-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

const SHOP = {
  'app.py': [
    'from flask import request',
    '@app.route("/user")',
    'def user():',
    '    name = request.args["name"]',
    '    cur.execute("SELECT * FROM users WHERE name = \'" + name + "\'")',
    '    logger.info("charging card_number=%s", card.number)',
    '    # sentrik-ignore PCI-LOG-001: <script>alert(1)</script> test data only',
    '    logger.info("test card_number=%s", TEST_CARD)',
    '',
  ].join('\n'),
  'docs/incident-response.md': '# Incident response plan\nSecurity incident roles, containment and card-brand notification.\n',
};

async function scanWith(root: string, packs: string[]) {
  const { config } = loadConfig({ root, env: {}, overrides: {} });
  return runScan({ root, config, scope: { mode: 'paths', paths: [] }, packs, noCache: true, jobs: 1 });
}

describe('clauses on findings', () => {
  it('a framework pack runs the rules it maps onto and adds its clause to their findings', async () => {
    const result = await scanWith(project(SHOP), ['pci-dss', 'soc2']);
    const sql = result.findings.find((f) => f.ruleId === 'OWASP-A03-002');
    expect(sql, 'SQL injection found through the pci-dss mapping alone').toBeDefined();
    expect(sql!.packId).toBe('owasp-top-10');
    expect(sql!.clauses).toEqual(
      expect.arrayContaining([
        { standard: 'PCI DSS v4.0', clause: '6.2.4', packId: 'pci-dss' },
        { standard: expect.stringContaining('SOC 2'), clause: 'CC7.1', packId: 'soc2' },
      ]),
    );
    // Only the mapped rules of owasp-top-10 ran, not the whole pack.
    expect(result.rules.some((r) => r.id === 'JS-XSS-003')).toBe(false);
  });

  it('an own rule keeps its clause and gains the clauses of other enabled packs', async () => {
    const result = await scanWith(project(SHOP), ['pci-dss', 'soc2']);
    const log = result.findings.find((f) => f.ruleId === 'PCI-LOG-001' && !f.suppressed)!;
    expect(log.clause).toBe('3.5.1');
    expect(log.clauses).toEqual([{ standard: expect.stringContaining('SOC 2'), clause: 'CC6.7', packId: 'soc2' }]);
  });
});

describe('compliance report', () => {
  it('fills the clause table with statuses, findings, suppressions, evidence and pack hashes', async () => {
    const root = project(SHOP);
    const result = await scanWith(root, ['pci-dss']);
    const packs = loadAllPacks(root);
    const report = buildComplianceReport(result, packs.find((p) => p.id === 'pci-dss')!, packs, new Date('2026-01-02T03:04:05Z'));
    const clause = (id: string) => report.clauses.find((c) => c.clause === id)!;

    expect(clause('6.2.4').status).toBe('fail');
    expect(clause('6.2.4').findings.map((f) => `${f.ruleId}@${f.file}:${f.line}`)).toContain('OWASP-A03-002@app.py:5');
    expect(clause('3.5.1')).toMatchObject({ status: 'fail', findings: [{ ruleId: 'PCI-LOG-001', line: 6 }], suppressed: [{ ruleId: 'PCI-LOG-001', line: 8, kind: 'inline' }] });
    expect(clause('3.3.1.2').status).toBe('pass');
    expect(clause('6.4.3').status).toBe('not_assessed');
    expect(clause('12.10.1')).toMatchObject({ status: 'obligation', obligationMet: true, evidence: [{ ruleId: 'PCI-DOC-001', met: true }] });
    expect(clause('1.2.4')).toMatchObject({ status: 'obligation', obligationMet: false });
    expect(clause('1.2.4').evidence[0].required).toContain('data-flow diagram');
    expect(report.summary).toMatchObject({ clauses: report.clauses.length, fail: expect.any(Number), suppressed: 1 });
    expect(report.packs.map((p) => p.id)).toEqual(expect.arrayContaining(['pci-dss', 'owasp-top-10']));
    expect(report.packs.every((p) => /^[0-9a-f]{64}$/.test(p.hash))).toBe(true);
    expect(report.tool.name).toBe('sentrik');
  });

  it('a clause with its required evidence missing fails, though its checks pass', async () => {
    const root = project({ 'app.py': 'print("hello")\n' });
    const result = await scanWith(root, ['hipaa']);
    const packs = loadAllPacks(root);
    const report = buildComplianceReport(result, packs.find((p) => p.id === 'hipaa')!, packs);
    const audit = report.clauses.find((c) => c.clause === '164.312(b)')!;
    expect(audit.kind).toBe('checked');
    expect(audit.obligationMet).toBe(false);
    expect(audit.status).toBe('fail');
  });

  it('a detection two of its rules saw counts once in a clause; a clause of several own rules is titled by their count', async () => {
    const root = project({ 'client.py': 'import requests\nr = requests.get("https://internal.example.com", verify=False)\n' });
    const result = await scanWith(root, ['hipaa', 'owasp-top-10', 'supply-chain-security']);
    const packs = loadAllPacks(root);
    const hipaa = buildComplianceReport(result, packs.find((p) => p.id === 'hipaa')!, packs);
    const transmission = hipaa.clauses.find((c) => c.clause === '164.312(e)(1)')!;
    expect(transmission.rules.map((r) => r.id)).toEqual(expect.arrayContaining(['OWASP-A02-002', 'SCS-BUILD-002']));
    expect(transmission.findings.map((f) => `${f.ruleId}:${f.line}`)).toEqual(['OWASP-A02-002:2']);
    const owasp = buildComplianceReport(result, packs.find((p) => p.id === 'owasp-top-10')!, packs);
    const a02 = owasp.clauses.find((c) => c.clause.startsWith('A02:2021'))!;
    expect(a02.rules.length).toBeGreaterThan(1);
    expect(a02.title).toBe(`${a02.rules.length} checks`);
  });

  it('renders self-contained HTML with everything escaped and no script', async () => {
    const root = project(SHOP);
    const result = await scanWith(root, ['pci-dss']);
    const packs = loadAllPacks(root);
    const html = renderComplianceHtml(buildComplianceReport(result, packs.find((p) => p.id === 'pci-dss')!, packs));
    expect(html).toContain('content="default-src &#39;none&#39;; style-src &#39;sha256-');
    expect(html).not.toMatch(/<script|src=["']?https?:|href=["']?https?:/i);
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('the trust summary carries statuses only: no paths, snippets or messages', async () => {
    const root = project(SHOP);
    const result = await scanWith(root, ['pci-dss']);
    const packs = loadAllPacks(root);
    const summary = trustSummary([buildComplianceReport(result, packs.find((p) => p.id === 'pci-dss')!, packs)]);
    const text = JSON.stringify(summary) + renderTrustHtml(summary);
    for (const leak of ['app.py', root, 'card_number', 'SELECT', 'alert(1)', 'OWASP-A03-002', 'fingerprint']) expect(text).not.toContain(leak);
    expect(summary.frameworks[0].clauses.find((c) => c.clause === '12.10.1')!.status).toBe('obligation_met');
    expect(summary.frameworks[0].clauses.find((c) => c.clause === '6.2.4')!.status).toBe('fail');
  });
});

describe('clauses whose checks had nothing to judge', () => {
  // No contract, and no Python, JavaScript, Java or Go: every check HIPAA maps access control onto is loaded,
  // none has a file to look at.
  const NO_SPEC = { 'src/pump.c': 'int stop(void) { return 0; }\n', 'README.md': '# Pump firmware\n' };
  const SPEC = "openapi: 3.0.3\ninfo: { title: Pump, version: '1' }\nsecurity:\n  - bearer: []\npaths:\n  /status:\n    get: { responses: { '200': { description: ok } } }\ncomponents:\n  securitySchemes:\n    bearer: { type: http, scheme: bearer }\n";

  async function hipaa(files: Record<string, string>) {
    const root = project(files);
    const result = await scanWith(root, ['hipaa']);
    const packs = loadAllPacks(root);
    return buildComplianceReport(result, packs.find((p) => p.id === 'hipaa')!, packs);
  }

  it('without an API contract or code they read, the access-control clause is not assessed, never a pass', async () => {
    const report = await hipaa(NO_SPEC);
    const access = report.clauses.find((c) => c.clause === '164.312(a)(1)')!;
    expect(access).toMatchObject({ status: 'not_assessed', reason: 'not-applied', checksApplied: 0 });
    expect(access.checksNotApplied).toBe(access.rules.length);
    expect(access.rules.find((r) => r.id === 'SPEC-AUTH-001')).toEqual({ id: 'SPEC-AUTH-001', packId: 'api-security', evaluated: true, applied: false });
    expect(report.summary.notApplied).toBe(report.clauses.filter((c) => c.reason === 'not-applied').length);
    expect(report.summary.notApplied).toBeGreaterThan(0);
    expect(report.clauses.filter((c) => c.status === 'pass').every((c) => c.checksApplied > 0)).toBe(true);
    const html = renderComplianceHtml(report);
    expect(html).toContain('SPEC-AUTH-001</code> <span class="note">(no file to check)</span>');
    expect(html).toContain(`None of its ${access.checksNotApplied} checks had a file to judge in this project.`);
    expect(trustSummary([report]).frameworks[0].clauses.find((c) => c.clause === '164.312(a)(1)')!.status).toBe('not_assessed');
    const single = report.clauses.find((c) => c.reason === 'not-applied' && c.checksNotApplied === 1)!;
    expect(clauseBasis(single)).toBe('its check had no file to judge in this project');
  });

  it('with a contract, the contract checks are evaluated and the clause passes on them, saying how many had no file', async () => {
    const report = await hipaa({ ...NO_SPEC, 'api/openapi.yaml': SPEC });
    const access = report.clauses.find((c) => c.clause === '164.312(a)(1)')!;
    expect(access.rules.find((r) => r.id === 'SPEC-AUTH-001')!.applied).toBe(true);
    expect(access.status).toBe('pass');
    expect(access.reason).toBeUndefined();
    expect(access.checksNotApplied).toBeGreaterThan(0);
    expect(report.summary.passPartly).toBeGreaterThan(0);
    expect(renderComplianceHtml(report)).toContain(`Passes on ${access.checksApplied} of ${access.checksApplied + access.checksNotApplied} checks; ${access.checksNotApplied} had no file to judge.`);
  });

  describe('from the cache', () => {
    const keys = mkdtempSync(join(tmpdir(), 'sentrik-keys-'));
    beforeAll(() => configureCacheKey({ SENTRIK_CACHE_KEY_FILE: join(keys, 'in-process.key') }));
    afterAll(() => {
      configureCacheKey({});
      rmSync(keys, { recursive: true, force: true });
    });

    it('a warm scan gives the same compliance report as a cold one', async () => {
      const root = project({ ...NO_SPEC, 'api/openapi.yaml': SPEC, '.github/workflows/ci.yml': 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n' });
      // Aged files: the warm scan serves them by their stat, without reading them.
      const hourAgo = (Date.now() - 3_600_000) / 1000;
      for (const p of ['src/pump.c', 'README.md', 'api/openapi.yaml', '.github/workflows/ci.yml']) utimesSync(join(root, p), hourAgo, hourAgo);
      const { config } = loadConfig({ root, env: {}, overrides: {} });
      const scan = () => runScan({ root, config, scope: { mode: 'paths', paths: [] }, packs: ['hipaa', 'pci-dss'], jobs: 1 });
      const cold = await scan();
      const warm = await scan();
      expect(cold.metrics.cacheMisses).toBeGreaterThan(0);
      expect(warm.metrics).toMatchObject({ cacheMisses: 0, cacheHits: cold.metrics.cacheMisses });
      expect(warm.metrics.rulesNotApplied).toEqual(cold.metrics.rulesNotApplied);
      const packs = loadAllPacks(root);
      const at = new Date('2026-01-02T03:04:05Z');
      for (const id of ['hipaa', 'pci-dss']) {
        const framework = packs.find((p) => p.id === id)!;
        expect(buildComplianceReport(warm, framework, packs, at)).toEqual(buildComplianceReport(cold, framework, packs, at));
      }
      expect(cold.metrics.rulesNotApplied).not.toContain('SPEC-AUTH-001');
      expect(cold.metrics.rulesNotApplied).toContain('JAVA-CSRF-001');
    });
  });
});

describe('traceability', () => {
  const REQS = 'requirements:\n  - id: REQ-1\n    title: Stop on occlusion\n    clause: 5.2.1\n  - id: REQ-2\n    title: Alarm volume\n  - id: REQ-3\n    title: Usability\n    verification: inspection\n';

  it('reads tags, splits code from tests and reports the gaps', () => {
    const root = project({ 'requirements.yaml': REQS });
    const reqs = loadRequirements(join(root, 'requirements.yaml'));
    const m = buildMatrix('requirements.yaml', reqs, [
      { path: 'src/pump.c', text: 'int stop(void) {\n  /* REQUIREMENT: REQ-1, REQ-3 */\n  return 0;\n}\n' },
      { path: 'tests/test_pump.py', text: '# REQUIREMENT: REQ-1\ndef test_stop(): pass\n# REQUIREMENT: REQ-9\n' },
    ]);
    expect(m.rows.map((r) => [r.id, r.code.length, r.tests.length, r.gaps])).toEqual([
      ['REQ-1', 1, 1, []],
      ['REQ-2', 0, 0, ['no-code', 'no-test']],
      ['REQ-3', 1, 0, []],
    ]);
    expect(m.unknownTags).toEqual([{ id: 'REQ-9', file: 'tests/test_pump.py', line: 3 }]);
    expect(m.summary).toEqual({ requirements: 3, traced: 2, obsolete: 0, noCode: 1, noTest: 1, unknownTags: 1 });
    expect(m.rows[0].clause).toBe('5.2.1');
    expect(matrixCsv(m).split('\n')[1]).toBe('REQ-1,Stop on occlusion,,5.2.1,approved,test,src/pump.c:2,tests/test_pump.py:1,');
  });

  it('rejects a duplicate requirement id with the file and line', () => {
    const root = project({ 'requirements.yaml': 'requirements:\n  - id: REQ-1\n    title: A\n  - id: REQ-1\n    title: B\n' });
    try {
      loadRequirements(join(root, 'requirements.yaml'));
      throw new Error('expected an error');
    } catch (err) {
      expect(err).toBeInstanceOf(SentrikError);
      expect((err as SentrikError).format()).toBe(`${join(root, 'requirements.yaml')}:4: duplicate requirement id REQ-1 (first at line 2) — give every requirement its own id`);
    }
  });

  it('ignores text that only looks like a tag', () => {
    expect(tagsIn('REQUIREMENTS.md lists them\nrequirement: REQ-1\nREQUIREMENT: REQ-2.\n')).toEqual([{ id: 'REQ-2', line: 3 }]);
  });
});
