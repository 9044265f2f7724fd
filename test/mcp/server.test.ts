// The MCP server end to end: the SDK's Client talks to `sentrik mcp-server` over stdio. Tool metadata,
// every tool's structured answer, bad calls that leave the server serving, and what reaches stdout.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, expectNoStack, project, sentrik } from '../cli/helpers.js';
import { startServer, text, type Session } from './client.js';

const LEAKY = 'import os\nDB_PASSWORD = "hunter2-prod-7731"\n';
let root: string;
let s: Session;

beforeAll(async () => {
  root = project({
    'src/app.py': LEAKY,
    'src/clean.py': 'import os\nDB_PASSWORD = os.environ["DB_PASSWORD"]\n',
    'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 0, 1, 2, 3]),
  });
  s = await startServer(root);
});
afterAll(() => s?.close());

describe('tool metadata', () => {
  it('lists the six tools, each with title, description, described fields, read-only annotations and an output schema', async () => {
    const { tools } = await s.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['check_code_snippet', 'explain_rule', 'get_compliance_context', 'get_scan_summary', 'get_vulnerabilities', 'scan_file']);
    for (const t of tools) {
      expect(t.title, t.name).toBeTruthy();
      expect(t.description!.length, t.name).toBeGreaterThan(80);
      expect(t.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, openWorldHint: false });
      expect(t.outputSchema?.type).toBe('object');
      expect(t.inputSchema.additionalProperties, t.name).toBe(false);
      for (const [field, schema] of Object.entries(t.inputSchema.properties ?? {})) expect((schema as { description?: string }).description, `${t.name}.${field}`).toBeTruthy();
    }
  });
});

describe('tools', () => {
  it('scan_file: findings with line, clause, remediation, gate verdict; the secret masked', async () => {
    const r = await s.call('scan_file', { path: 'src/app.py' });
    expect(r.isError).toBeFalsy();
    const out = r.structuredContent as any;
    expect(out.path).toBe('src/app.py');
    const f = out.findings.find((x: any) => x.line === 2 && x.blocking);
    expect(f).toBeDefined();
    expect(f.file).toBe('src/app.py');
    expect(f.remediation).toBeTruthy();
    expect(out.gate).toMatchObject({ passed: false, failOn: ['critical', 'high'] });
    expect(JSON.stringify(r)).not.toContain('hunter2-prod-7731');
    expect(text(r)).toContain('src/app.py');
  });

  it('scan_file: a clean file passes; a binary file is reported as not scanned', async () => {
    const clean = (await s.call('scan_file', { path: join(root, 'src/clean.py') })).structuredContent as any;
    expect(clean.gate.passed).toBe(true);
    expect(clean.findings.filter((f: any) => f.file === 'src/clean.py' && f.blocking)).toEqual([]);
    const bin = (await s.call('scan_file', { path: 'logo.png' })).structuredContent as any;
    expect(bin.skipped).toBe('binary');
  });

  it('scan_file: a missing file or a directory is a clear error', async () => {
    const missing = await s.call('scan_file', { path: 'src/nope.py' });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toBe('scan_file: src/nope.py: no such file — give the path of an existing file in the workspace, or use check_code_snippet for unsaved code');
    const dir = await s.call('scan_file', { path: 'src' });
    expect(text(dir)).toContain('src: not a file');
  });

  it('check_code_snippet: scans unsaved text with the rules for its file type; nothing is written', async () => {
    const r = await s.call('check_code_snippet', { code: LEAKY, filename: 'src/new_settings.py' });
    const out = r.structuredContent as any;
    expect(out.path).toBe('src/new_settings.py');
    expect(out.findings.some((f: any) => f.line === 2 && f.blocking && f.file === 'src/new_settings.py')).toBe(true);
    expect(JSON.stringify(r)).not.toContain('hunter2-prod-7731');
    expect(spawnSync('ls', [join(root, 'src')], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).sort()).toEqual(['app.py', 'clean.py']);
    // The file name selects the rules: a Dockerfile gets the container rules, a Python file does not.
    const docker = (await s.call('check_code_snippet', { code: 'FROM python:3.12\nRUN pip install flask\n', filename: 'Dockerfile' })).structuredContent as any;
    const asPython = (await s.call('check_code_snippet', { code: 'FROM python:3.12\nRUN pip install flask\n', filename: 'notes.py' })).structuredContent as any;
    expect(docker.findings.map((f: any) => f.ruleId)).toContain('SCS-DEP-005');
    expect(asPython.findings.map((f: any) => f.ruleId)).not.toContain('SCS-DEP-005');
  });

  it('check_code_snippet and scan_file agree on the same content and name: a snippet named .env gets the single-file repository rules', async () => {
    const env = 'API_URL=https://api.acme.io\nOPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL\n';
    const other = await startServer(project({ '.env': env, 'deploy/.env.production': env, '.env.example': env }));
    const rules = (r: any) => (r.structuredContent.findings as any[]).map((f) => `${f.file} ${f.ruleId}`).sort();
    try {
      for (const name of ['.env', 'deploy/.env.production', '.env.example']) {
        const onDisk = rules(await other.call('scan_file', { path: name }));
        const snippet = rules(await other.call('check_code_snippet', { code: env, filename: name }));
        expect(snippet, name).toEqual(onDisk);
        expect(onDisk.includes(`${name} SEC-DOTENV-001`), name).toBe(name !== '.env.example');
      }
    } finally {
      await other.close();
    }
  });

  it('get_compliance_context: the rules and remediation for a path that does not exist yet', async () => {
    const py = (await s.call('get_compliance_context', { path: 'src/api/users.py' })).structuredContent as any;
    const docker = (await s.call('get_compliance_context', { path: 'Dockerfile' })).structuredContent as any;
    expect(py.path).toBe('src/api/users.py');
    expect(py.rules.length).toBeGreaterThan(0);
    for (const rule of py.rules) expect(rule.remediation.length, rule.id).toBeGreaterThan(0);
    expect(py.packs.reduce((n: number, p: any) => n + p.rules, 0)).toBe(py.rules.length + (py.secrets?.detectors ?? 0));
    // Only rules that judge this kind of file: no JavaScript rule for Python, no language rule for a README.
    expect(py.rules.map((r: any) => r.id).filter((id: string) => id.startsWith('JS-'))).toEqual([]);
    const readme = (await s.call('get_compliance_context', { path: 'README.md' })).structuredContent as any;
    expect(readme.rules.map((r: any) => r.id).filter((id: string) => /^(PY|JS|GO|JAVA)-/.test(id))).toEqual([]);
    // The secret detectors are one entry, not a hundred rules with the same advice.
    expect(py.secrets).toMatchObject({ detectors: expect.any(Number), remediation: expect.stringMatching(/environment or a secret manager/) });
    expect(py.rules.map((r: any) => r.id).filter((id: string) => id.startsWith('SEC-'))).toEqual([]);
    // The path decides: a Dockerfile gets the container rules, and not the same set as Python code.
    expect(docker.rules.map((r: any) => r.id)).toContain('SCS-DEP-005');
    expect(docker.rules.map((r: any) => r.id).sort()).not.toEqual(py.rules.map((r: any) => r.id).sort());
  });

  it('get_compliance_context: a directory is a clear error; a binary file is not scanned, as scan_file says', async () => {
    for (const dir of ['src', '.', join(root, 'src')]) {
      const r = await s.call('get_compliance_context', { path: dir });
      expect(r.isError, dir).toBe(true);
      expect(text(r)).toMatch(/^get_compliance_context: (src|\.): not a file — give the path of one file \(it need not exist yet\)$/);
    }
    const bin = await s.call('get_compliance_context', { path: 'logo.png' });
    expect(bin.structuredContent).toEqual({ path: 'logo.png', packs: [], rules: [], skipped: 'binary', failOn: ['critical', 'high'] });
    expect(text(bin)).toBe('logo.png is a binary file: scan_file does not scan its content (it reports it as not scanned), so no rule is listed for it.');
    expect(((await s.call('scan_file', { path: 'logo.png' })).structuredContent as any).skipped).toBe('binary');
    // A text file that exists is unchanged: no `skipped`.
    expect((await s.call('get_compliance_context', { path: 'src/app.py' })).structuredContent).not.toHaveProperty('skipped');
  });

  it('explain_rule: any rule by id, case-insensitive, with its examples; unknown ids are a clear error', async () => {
    const r = await s.call('explain_rule', { rule_id: 'scs-dep-005' });
    expect(r.isError, text(r)).toBeFalsy();
    const out = r.structuredContent as any;
    expect(out).toMatchObject({ id: 'SCS-DEP-005', packId: 'supply-chain-security', enabled: true });
    expect(out.remediation).toBeTruthy();
    expect(out.examples.flagged.length).toBeGreaterThan(0);
    expect(out.examples.accepted.length).toBeGreaterThan(0);
    const unknown = await s.call('explain_rule', { rule_id: 'NOPE-001' });
    expect(unknown.isError).toBe(true);
    expect(text(unknown)).toBe("explain_rule: unknown rule 'NOPE-001' — use the ruleId of a finding, or get_compliance_context to list the rules for a file");
  });

  it('get_scan_summary: nothing yet, then the CLI\'s findings.json, then this session\'s newer scan', async () => {
    const fresh = await startServer(project({ 'app.py': LEAKY }));
    try {
      const none = (await fresh.call('get_scan_summary')).structuredContent as any;
      expect(none).toMatchObject({ available: false, source: 'none', topFindings: [] });
      expect(none.message).toContain('no scan has run yet');
    } finally {
      await fresh.close();
    }
    expect(sentrik(['gate', root, '--quiet']).code).toBe(1); // writes out/findings.json
    const cli = (await s.call('get_scan_summary')).structuredContent as any;
    expect(cli).toMatchObject({ available: true, source: 'findings.json', gate: { passed: false } });
    expect(cli.topFindings.some((f: any) => f.file === 'src/app.py' && f.blocking)).toBe(true);
    await s.call('scan_file', { path: 'src/clean.py' });
    const session = (await s.call('get_scan_summary')).structuredContent as any;
    expect(session).toMatchObject({ available: true, source: 'session', scope: { mode: 'paths', paths: ['src/clean.py'] } });
  });

  it('get_scan_summary: a broken findings.json is reported, not trusted', async () => {
    const p = project({ 'out/findings.json': '{"format": "something-else"}' });
    const other = await startServer(p);
    try {
      const out = (await other.call('get_scan_summary')).structuredContent as any;
      expect(out.available).toBe(false);
      expect(out.message).toContain('not a sentrik findings report');
    } finally {
      await other.close();
    }
  });

  it('get_vulnerabilities: without an advisory database, a structured "not available" with the fix', async () => {
    // No lockfile and no database: not "available" (it used to say true, naming a folder that did not exist).
    const empty = await startServer(root, [], { SENTRIK_OSV_DB: join(root, 'no-db') });
    try {
      const r = await empty.call('get_vulnerabilities');
      expect(r.isError).toBeFalsy();
      expect(r.structuredContent).toMatchObject({ available: false, vulnerabilities: [], unchecked: [], database: { location: join(root, 'no-db'), status: 'missing' } });
      expect((r.structuredContent as any).message).toBe(`no offline advisory database at ${join(root, 'no-db')} — run \`sentrik vulns db import <all.zip|dir>\`; checked 0 packages (no lockfile found)`);
    } finally {
      await empty.close();
    }
    const p = project({ 'requirements.txt': 'Jinja2==2.10\n' });
    const other = await startServer(p, [], { SENTRIK_OSV_DB: join(p, 'no-db') });
    try {
      const out = (await other.call('get_vulnerabilities')).structuredContent as any;
      expect(out).toMatchObject({ available: false, vulnerabilities: [] });
      expect(out.message).toMatch(/no offline advisory database.*sentrik vulns db import/);
    } finally {
      await other.close();
    }
  });

  it('get_vulnerabilities: locked packages matched offline against the imported OSV data, worst first, with the fix', async () => {
    const db = join(project({}), 'db');
    expect(sentrik(['vulns', 'db', 'import', join('..', 'shared', 'corpora', 'osv', 'PyPI', 'all.zip'), '--db', db]).code).toBe(0);
    const p = project({ 'requirements.txt': '# pinned\nJinja2==2.10\nrequests>=2.0\n' });
    const other = await startServer(p, [], { SENTRIK_OSV_DB: db });
    try {
      const r = await other.call('get_vulnerabilities');
      const out = r.structuredContent as any;
      expect(out.available).toBe(true);
      expect(out.lockfiles).toBe(1);
      const jinja = out.vulnerabilities.filter((v: any) => v.package === 'Jinja2');
      expect(jinja.length).toBeGreaterThan(0);
      expect(jinja[0]).toMatchObject({ version: '2.10', file: 'requirements.txt', line: 2, ecosystem: 'PyPI' });
      expect(jinja.some((v: any) => v.fixedIn === '2.10.1')).toBe(true);
      const ranks = out.vulnerabilities.map((v: any) => ['info', 'low', 'medium', 'high', 'critical'].indexOf(v.severity));
      expect(ranks).toEqual([...ranks].sort((a: number, b: number) => b - a));
      expect(text(r)).toContain('Jinja2@2.10');
    } finally {
      await other.close();
    }
  });
});

describe('a file scan_file did not scan is no pass', () => {
  const P12 = 'MIICZwIBAzCCAh0GCSqGSIb3DQEHAaCCAg4EggIKMIICBjCCAgIGCSqGSIb3DQEHBqCCAfMwggHvAgEAMIIB6AYJKoZIhvcNAQcBMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAiR7IGp9kw2EAICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEF4Od6CmeEato8183NY2vg6AggGArHzKvdy2km37T62jOmQawW5ByfrpZQFkUjm2RMssBIuBZv4BprOMVuV0RlnHQNs07H/mmY4WWYKk/k7+U/5ura7f2y3zVmbEIhLUKqO2WtmFB15WHeEHlKWj5T7x0s741wwPKJcITYimTKUx1hvUzh6im6Z9hBI29w6l4ZuNqPgLvmmkRhGlK71rcPrSks54qb8dKcm21LcZJQHfHavw+/XrBmgz5BHvKDnqGvFwpOWfczduUSNqL9lhFc3SS1revRNfyy7mz+KuHHqzmjIebK5xIk7kVIAKLjsaO3Mo3HQpuX48jgXXqtF3EaHwW2EZzpkN0eyq2gyT9LHo8uAXK2SukkgOZKCXwPeNdG+vijzEKvLPsw4nzHLzHxE1jltXWgEFTXHJNPesMwk7cDBEbruQBuso6lRauIrYNTcVXoJtxJKZ22VQS2BLbqk6vJi9gLzqNuq1YOqZMbGkkka+Cpg5EkPdrkL0FPNOdxIJIhm5/j1YrBheTslCON3wJfAWMEEwMTANBglghkgBZQMEAgEFAAQgZKXFknPTDnWNLohaLYPkmRaW/tMBxEAexYkNqQ654BYECFIFmV0ThFKGAgIIAA==';
  let skip: Session;
  beforeAll(async () => {
    skip = await startServer(
      project({
        '.sentrik/config.yaml': 'standards_packs: [secrets, owasp-top-10]\nmax_file_size: 1KiB\nscan_exclude: { append: [generated] }\n',
        'src/big.py': `${'x = 1\n'.repeat(400)}${LEAKY}`,
        'generated/client.py': LEAKY,
        'deploy/sa.p12': Buffer.from(P12, 'base64'),
      }),
    );
  });
  afterAll(() => skip?.close());

  it.each([
    ['too large', 'src/big.py', 'too-large', 'it is larger than max_file_size'],
    ['excluded', 'generated/client.py', 'excluded', 'scan_exclude or .sentrikignore leaves it out'],
  ])('%s: gate.passed is false with the reason, and get_scan_summary says "not scanned", not "no findings"', async (_label, path, reason, why) => {
    const r = await skip.call('scan_file', { path });
    const out = r.structuredContent as any;
    expect(out.skipped).toBe(reason);
    expect(out.gate).toEqual({ passed: false, failOn: ['critical', 'high'], blocking: 0, summary: `${path} was not scanned (${reason}: ${why}), so there is no verdict on it` });
    expect(text(r)).toBe(out.gate.summary);
    const summary = await skip.call('get_scan_summary');
    const sum = summary.structuredContent as any;
    expect(sum).toMatchObject({ available: true, source: 'session', message: `last scan_file call (${path}): not scanned (${reason})`, gate: { passed: false }, topFindings: [] });
    expect(sum.counts).toBeUndefined();
    expect(text(summary)).not.toMatch(/no findings/);
  });

  it('a binary keystore: what the rules that judge whole files found still counts and blocks', async () => {
    const out = (await skip.call('scan_file', { path: 'deploy/sa.p12' })).structuredContent as any;
    expect(out.skipped).toBe('binary');
    expect(out.findings.map((f: any) => f.ruleId)).toEqual(['SEC-GCP-004']);
    expect(out.gate).toMatchObject({ passed: false, blocking: 1 });
    expect(out.gate.summary).toMatch(/^1 blocking finding \(1 critical\).*; the rest of deploy\/sa\.p12 was not scanned \(binary: it is a binary file\)$/);
    const sum = (await skip.call('get_scan_summary')).structuredContent as any;
    expect(sum).toMatchObject({ counts: { critical: 1 }, gate: { passed: false, blocking: 1 } });
  });
});

describe('get_vulnerabilities: dependencies it cannot check', () => {
  it('lists a package.json without a lockfile and unpinned requirements apart from the packages checked', async () => {
    const db = join(project({}), 'db');
    expect(sentrik(['vulns', 'db', 'import', join('..', 'shared', 'corpora', 'osv', 'PyPI', 'all.zip'), '--db', db]).code).toBe(0);
    const p = project({
      'package.json': JSON.stringify({ name: 'api', dependencies: { express: '^4.18.2', axios: '^1.6.0' } }, null, 2),
      'requirements.txt': 'fastapi\nuvicorn>=0.20\nJinja2==2.10\n',
    });
    const other = await startServer(p, [], { SENTRIK_OSV_DB: db });
    try {
      const r = await other.call('get_vulnerabilities');
      const out = r.structuredContent as any;
      expect(out).toMatchObject({ available: true, lockfiles: 1, packages: 1, database: { location: db, status: 'ok' } });
      expect(out.unchecked).toEqual([
        expect.objectContaining({ file: 'package.json', ecosystem: 'npm', reason: 'no-lockfile', count: 2, names: ['express', 'axios'], message: expect.stringContaining('run `npm install` to create package-lock.json') }),
        expect.objectContaining({ file: 'requirements.txt', line: 1, ecosystem: 'PyPI', reason: 'not-pinned', count: 2, names: ['fastapi', 'uvicorn'] }),
      ]);
      expect(out.message).toMatch(/^\d+ known vulnerabilit(y|ies) \(.*\) — checked 1 package in 1 lockfile; NOT checked: 4 declared dependencies whose versions are unknown \(package\.json, requirements\.txt\) \(offline advisory database .*\)$/);
      expect(text(r)).toContain('package.json:3: 2 dependencies not checked — no lockfile, versions unknown');
    } finally {
      await other.close();
    }
  });

  it('says which locked packages had no advisory data, in the same sentence as `sentrik vulns`', async () => {
    // QA: with only PyPI data imported, a project with npm and PyPI lockfiles read "… in 4 locked packages from
    // 2 lockfile(s)", as if the three npm packages had been checked.
    const db = join(project({}), 'db');
    expect(sentrik(['vulns', 'db', 'import', join('..', 'shared', 'corpora', 'osv', 'PyPI', 'all.zip'), '--db', db]).code).toBe(0);
    const lock = { lockfileVersion: 3, packages: { '': { dependencies: { lodash: '4.17.4', left: '1.0.0' } }, 'node_modules/lodash': { version: '4.17.4' }, 'node_modules/left': { version: '1.0.0' } } };
    const p = project({ 'package-lock.json': JSON.stringify(lock), 'requirements.txt': 'Jinja2==2.10\nflask\n', 'Cargo.toml': '[dependencies]\nserde = "1"\n' });
    const cli = sentrik(['vulns', p, '--db', db]);
    const line = cli.stdout.split('\n').find((l) => l.includes('known vulnerabilit'))!;
    expect(line).toMatch(/— checked 1 package in 2 lockfiles; NOT checked: 2 npm packages \(no npm advisories in the database\), 2 declared dependencies whose versions are unknown \(Cargo\.toml, requirements\.txt\)$/);
    const other = await startServer(p, [], { SENTRIK_OSV_DB: db });
    try {
      const out = (await other.call('get_vulnerabilities')).structuredContent as any;
      expect(out).toMatchObject({ available: true, lockfiles: 2, packages: 3, checked: 1 });
      expect(out.message).toBe(`${line} (offline advisory database ${db})`);
    } finally {
      await other.close();
    }
  });
});

describe('bad calls: a clear error, and the server keeps serving', () => {
  const TEN_MB = 'x = 1\n'.repeat((10 * 1024 * 1024) / 6);
  it.each([
    ['missing argument', 'scan_file', {}, /Invalid arguments for tool scan_file.*path/s],
    ['extra argument', 'scan_file', { path: 'src/app.py', recursive: true }, /Unrecognized key.*recursive/s],
    ['wrong type', 'check_code_snippet', { code: 42, filename: 'a.py' }, /Invalid arguments for tool check_code_snippet.*code/s],
    ['wrong type (array)', 'explain_rule', { rule_id: ['SCS-CI-001'] }, /Invalid arguments for tool explain_rule/],
    ['empty path', 'get_compliance_context', { path: '' }, /Invalid arguments for tool get_compliance_context/],
    ['arguments to a tool that takes none', 'get_scan_summary', { all: true }, /Unrecognized key/],
    ['unknown tool', 'delete_everything', {}, /Tool delete_everything not found/],
    ['10 MB snippet', 'check_code_snippet', { code: TEN_MB, filename: 'big.py' }, /^check_code_snippet: big\.py: snippet is 10485756 bytes of UTF-8; the limit is 1048576 bytes \(1 MiB\) — check the code in smaller parts, or save it and use scan_file$/],
    ['snippet one byte over the limit', 'check_code_snippet', { code: 'x'.repeat(1024 * 1024 + 1), filename: 'big.py' }, /^check_code_snippet: big\.py: snippet is 1048577 bytes of UTF-8; the limit is 1048576 bytes \(1 MiB\)/],
    ['snippet over the limit in UTF-8 only', 'check_code_snippet', { code: 'é'.repeat(600 * 1024), filename: 'big.py' }, /: snippet is 1228800 bytes of UTF-8; the limit is 1048576 bytes/],
  ])('%s', async (_label, tool, args, message) => {
    const r = await s.call(tool, args);
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(message);
    expectNoStack(text(r));
    const next = await s.call('scan_file', { path: 'src/app.py' });
    expect(next.isError).toBeFalsy();
  });
});

describe('stdio discipline', () => {
  it('stdout carries only JSON-RPC; logs go to stderr; closing stdin ends the server with exit 0', async () => {
    const child = spawn(process.execPath, [BIN, 'mcp-server', '--root', root], { env: { PATH: process.env.PATH ?? '', HOME: '/tmp' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const send = (m: object) => child.stdin.write(`${JSON.stringify(m)}\n`);
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'scan_file', arguments: { path: 'src/app.py' } } });
    send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'scan_file', arguments: { path: '../../etc/passwd' } } });
    child.stdin.write('this is not json\n');
    send({ jsonrpc: '2.0', id: 4, method: 'tools/list' });
    const code = await new Promise<number | null>((done) => {
      const wait = setInterval(() => {
        if (stdout.includes('"id":4')) {
          clearInterval(wait);
          child.stdin.end();
        }
      }, 20);
      child.on('close', (c) => {
        clearInterval(wait);
        done(c);
      });
    });
    expect(code).toBe(0);
    const lines = stdout.split('\n').filter(Boolean);
    for (const line of lines) expect(JSON.parse(line).jsonrpc, line.slice(0, 80)).toBe('2.0');
    // 1–4, and the parse error for the line that is not JSON.
    expect(lines.map((l) => JSON.parse(l).id).sort()).toEqual([1, 2, 3, 4, null]);
    expect(stderr).toContain('sentrik mcp: serving');
    expectNoStack(stderr);
  });

  // A client that pipes its requests and closes stdin at once (a script, CI): spawnSync writes the input and
  // closes the pipe before the server has answered anything.
  const INIT = [
    { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'piped', version: '1' } } },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
  ];
  function piped(lines: (object | string)[]): { code: number; replies: any[]; stderr: string } {
    const input = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
    const r = sentrik(['mcp-server', '--root', root], { input, timeout: 30_000 });
    return { code: r.code, replies: r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)), stderr: r.stderr };
  }

  it('stdin closed right after the requests: every request is answered before the server exits 0', () => {
    const r = piped([
      ...INIT,
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'get_vulnerabilities', arguments: {} } },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'scan_file', arguments: { path: 'src/app.py' } } },
      { jsonrpc: '2.0', id: 4, method: 'tools/list' },
    ]);
    expect(r.code).toBe(0);
    const byId = new Map(r.replies.map((m) => [m.id, m]));
    expect([...byId.keys()].sort()).toEqual([1, 2, 3, 4]);
    expect(byId.get(2).result.structuredContent).toBeDefined();
    expect(byId.get(3).result.structuredContent.path).toBe('src/app.py');
    expect(byId.get(4).result.tools).toHaveLength(6);
    expectNoStack(r.stderr);
  });

  it('a request the client cancels gets no reply and does not keep the server from exiting', () => {
    const r = piped([
      ...INIT,
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'get_vulnerabilities', arguments: {} } },
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 2 } },
    ]);
    expect(r.code).toBe(0);
    expect(r.replies.map((m) => m.id)).toEqual([1]);
  });

  it('a line that is not JSON gets a JSON-RPC parse error; the next request is still answered', () => {
    const r = piped([...INIT, 'this is not json', { jsonrpc: '2.0', id: 2, method: 'tools/list' }]);
    expect(r.code).toBe(0);
    expect(r.replies).toContainEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    expect(r.replies.find((m) => m.id === 2)?.result.tools).toHaveLength(6);
    expect(r.replies).toHaveLength(3);
  });

  it('valid JSON that is not a JSON-RPC message gets Invalid Request (id null), logged in one line; the next request is still answered', () => {
    const r = piped([...INIT, '{"foo":1}', '[]', '42', { jsonrpc: '2.0', id: 2, method: 'tools/list' }]);
    expect(r.code).toBe(0);
    const invalid = { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request' } };
    expect(r.replies.filter((m) => JSON.stringify(m) === JSON.stringify(invalid))).toHaveLength(3);
    expect(r.replies.find((m) => m.id === 2)?.result.tools).toHaveLength(6);
    expect(r.replies).toHaveLength(5);
    expect(r.stderr.match(/not a JSON-RPC message/g)).toHaveLength(3);
    expect(r.stderr).not.toContain('invalid_union');
  });

  it('tools/call with params the protocol refuses gets -32602 Invalid params in one line; the next request is still answered', () => {
    const call = (id: number, params?: unknown) => ({ jsonrpc: '2.0', id, method: 'tools/call', ...(params === undefined ? {} : { params }) });
    const r = piped([...INIT, call(2, { name: 'scan_file', arguments: 'str' }), call(3), call(4, { arguments: {} }), call(5, { name: 'scan_file', arguments: { path: 'src/app.py' } })]);
    expect(r.code).toBe(0);
    const byId = new Map(r.replies.map((m) => [m.id, m]));
    expect(byId.get(2).error).toEqual({ code: -32602, message: 'Invalid params: params.arguments: expected object, received string' });
    expect(byId.get(3).error).toEqual({ code: -32602, message: 'Invalid params: params: expected object, received undefined' });
    expect(byId.get(4).error).toEqual({ code: -32602, message: 'Invalid params: params.name: expected string, received undefined' });
    expect(byId.get(5).result.structuredContent.path).toBe('src/app.py');
    expectNoStack(r.stderr);
  });

  it('a broken configuration stops the server before it serves: one line, exit 2', () => {
    const p = project({ '.sentrik/config.yaml': 'standards_packs: [owasp-top-10]\nnot_a_key: 1\n' });
    const r = sentrik(['mcp-server', '--root', p], { input: '' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/config\.yaml:2: .*not_a_key/);
    expectNoStack(r.stderr);
  });

  it('--print-config gives JSON snippets for Claude Code, Cursor and VS Code', () => {
    const r = sentrik(['mcp-server', '--print-config']);
    expect(r.code).toBe(0);
    const blocks = r.stdout.split(/^# .*$/m).map((b) => b.trim()).filter(Boolean).map((b) => JSON.parse(b));
    expect(blocks).toHaveLength(3);
    expect(blocks[0].mcpServers.sentrik.args).toEqual([BIN, 'mcp-server']);
    expect(blocks[1].mcpServers.sentrik.args).toContain('${workspaceFolder}');
    expect(blocks[2].servers.sentrik).toMatchObject({ type: 'stdio', command: 'node' });
    for (const label of ['Claude Code', 'Cursor', 'VS Code']) expect(r.stdout).toContain(`# ${label}`);
  });
});

