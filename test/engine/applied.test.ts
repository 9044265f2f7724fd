// Which rules had a file to judge: a file rule whose globs and kind (AST languages, structured formats, spec
// contracts) took in at least one scanned file, whatever it found; a repository rule that ran. The others
// are loaded but no evidence, and scan_metrics.json lists them.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { renderJson } from '../../src/reporters/json.js';
import { renderMetrics } from '../../src/reporters/metrics.js';
import { renderSarif } from '../../src/reporters/sarif.js';
import { runScan } from '../../src/run/scan.js';

const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'sentrik-applied-'));
  temps.push(root);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

async function notApplied(files: Record<string, string>, packs: string[]): Promise<string[]> {
  const root = project(files);
  const { config } = loadConfig({ root, env: {} });
  const result = await runScan({ root, config, scope: { mode: 'paths', paths: [] }, packs, noCache: true, jobs: 1 });
  const m = result.metrics;
  expect(m.rulesApplied).toBe(m.rulesEvaluated - m.rulesNotApplied!.length);
  return m.rulesNotApplied!;
}

const WORKFLOW = 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n';

describe('rules applied to at least one file', () => {
  it('a structured rule judges every document of its format, though its keywords are absent', async () => {
    expect(await notApplied({ '.github/workflows/ci.yml': WORKFLOW }, ['supply-chain-security'])).not.toContain('SCS-CI-001');
    // A YAML file that is no CI configuration gives the CI rules nothing to judge.
    expect(await notApplied({ 'config/settings.yml': 'name: shop\nport: 8080\n' }, ['supply-chain-security'])).toContain('SCS-CI-001');
  });

  it('an AST rule judges the files of its languages only', async () => {
    const java = 'class A {\n  int f() { return 1; }\n}\n';
    expect(await notApplied({ 'src/app.js': 'console.log(1);\n' }, ['java-security'])).toContain('JAVA-CRYPTO-001');
    expect(await notApplied({ 'src/A.java': java }, ['java-security'])).not.toContain('JAVA-CRYPTO-001');
  });

  it('a spec rule judges API contracts of its kind, recognised by content', async () => {
    const none = await notApplied({ '.github/workflows/ci.yml': WORKFLOW, 'docs/api.md': 'openapi: is described elsewhere\n' }, ['api-security']);
    expect(none).toEqual(expect.arrayContaining(['SPEC-AUTH-001', 'SPEC-AUTH-008']));
    const spec = await notApplied({ 'api/pets.yaml': "openapi: 3.0.3\ninfo: { title: Pets, version: '1' }\npaths: {}\n" }, ['api-security']);
    expect(spec).not.toContain('SPEC-AUTH-001');
    // An OpenAPI document is no AsyncAPI or protobuf contract.
    expect(spec).toEqual(expect.arrayContaining(['SPEC-AUTH-020', 'SPEC-AUTH-030']));
  });

  it('scan_metrics.json, findings.json and SARIF carry the count and the list', async () => {
    const root = project({ 'app.py': 'print(1)\n' });
    const { config } = loadConfig({ root, env: {} });
    const result = await runScan({ root, config, scope: { mode: 'paths', paths: [] }, packs: ['java-security'], noCache: true, jobs: 1 });
    const metrics = JSON.parse(renderMetrics(result));
    expect(metrics.rulesApplied).toBe(0);
    expect(metrics.rulesNotApplied).toContain('JAVA-CRYPTO-001');
    expect(JSON.parse(renderJson(result)).metrics).toMatchObject({ rulesApplied: 0, rulesNotApplied: metrics.rulesNotApplied });
    expect(JSON.parse(renderSarif(result)).runs[0].properties).toMatchObject({ rulesApplied: 0, rulesNotApplied: metrics.rulesNotApplied });
  });
});
