// Dashboard server over real HTTP: who may read and change what, the headers on every response, and the
// config / suppression files it writes.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { loadSuppressions } from '../../src/engine/suppressions.js';
import { literalGlob } from '../../src/dashboard/edits.js';
import { effectiveConfig } from '../../src/dashboard/api.js';
import { CSP } from '../../src/dashboard/security.js';
import { startDashboard, type RunningDashboard } from '../../src/dashboard/server.js';
import { openHistory } from '../../src/history/open.js';
import type { HistoryStore } from '../../src/history/store.js';
import { BIN, project, sentrik } from '../cli/helpers.js';
import { finding, findings, runInput } from '../history/fixtures.js';

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Res> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ host: '127.0.0.1', port, method, path, headers: { Host: `127.0.0.1:${port}`, ...(data ? { 'Content-Length': String(Buffer.byteLength(data)) } : {}), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

const CONFIG = `# Team settings — keep this comment
standards_packs: [owasp-top-10, secrets] # the packs we enforce
gate:
  fail_on: [critical, high]   # blocking severities
`;

describe('dashboard server (loopback)', () => {
  const TOKEN = 'test-token-0123456789abcdef';
  let root: string;
  let store: HistoryStore;
  let dash: RunningDashboard;
  let port: number;
  let cookie: string;
  let csrf: string;
  let runId: number;

  beforeAll(async () => {
    root = project({ '.sentrik/config.yaml': CONFIG });
    store = await openHistory({ root, env: {} });
    runId = await store.recordRun(runInput({ project: root, root }), [...findings(30), finding(77, { file: 'web/<b>x</b>.html', snippet: '<script>alert(1)</script>' })]);
    dash = await startDashboard({ host: '127.0.0.1', port: 0, token: TOKEN, context: { root, project: root, store, env: {} } });
    port = dash.port;
    const opened = await call(port, 'GET', `/?token=${TOKEN}`);
    cookie = String(opened.headers['set-cookie']).split(';')[0];
    csrf = JSON.parse((await call(port, 'GET', '/api/session', { Cookie: cookie })).body).csrf;
  });
  afterAll(async () => {
    await dash?.close();
    await store?.close();
  });

  const post = (path: string, body: unknown, extra: Record<string, string> = {}) =>
    call(port, 'POST', path, { Cookie: cookie, 'X-CSRF-Token': csrf, Origin: `http://127.0.0.1:${port}`, 'Sec-Fetch-Site': 'same-origin', 'Content-Type': 'application/json', ...extra }, body);

  it('sets a strict Content-Security-Policy and hardening headers on every response', async () => {
    const responses = await Promise.all([
      call(port, 'GET', '/'),
      call(port, 'GET', '/assets/app.js'),
      call(port, 'GET', '/api/overview'),
      call(port, 'GET', '/api/nothing'),
      call(port, 'GET', '/assets/../../package.json'),
      call(port, 'GET', '/', { Host: 'evil.example' }),
      call(port, 'POST', '/api/scan', { 'Content-Type': 'application/json' }, {}),
      call(port, 'DELETE', '/api/packs'),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 404, 404, 421, 403, 405]);
    for (const r of responses) {
      expect(r.headers['content-security-policy']).toBe(CSP);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
    }
    expect(CSP).toContain("script-src 'self'");
    expect(CSP).not.toMatch(/unsafe|https?:/);
    // The page loads nothing from elsewhere.
    const html = responses[0].body;
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<script>|style=/);
  });

  it('rejects other host names (DNS rebinding) and a wrong token', async () => {
    expect((await call(port, 'GET', '/api/findings', { Host: `attacker.example:${port}` })).status).toBe(421);
    expect((await call(port, 'GET', '/?token=wrong')).status).toBe(403);
    const ok = await call(port, 'GET', `/?token=${TOKEN}`);
    expect(ok.status).toBe(303);
    expect(String(ok.headers['set-cookie'])).toMatch(/^sentrik_session=[\w-]+; HttpOnly; SameSite=Strict; Path=\/$/);
    expect(ok.headers.location).toBe('/');
  });

  it('state changes need the session, its CSRF token and a same-origin request', async () => {
    const body = { pack: 'secrets', enabled: true };
    expect((await call(port, 'POST', '/api/packs', { 'Content-Type': 'application/json' }, body)).status).toBe(403);
    expect((await post('/api/packs', body, { 'X-CSRF-Token': 'nope' })).status).toBe(403);
    expect((await post('/api/packs', body, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await post('/api/packs', body, { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await post('/api/packs', body, { 'Content-Type': 'text/plain' })).status).toBe(403);
    const refused = await post('/api/packs', body, { Origin: 'null' });
    expect(JSON.parse(refused.body).error).toBe('cross-origin request refused');
    expect((await post('/api/packs', body)).status).toBe(200);
    // Scripts may use the token directly.
    expect((await call(port, 'POST', '/api/packs', { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }, body)).status).toBe(200);
    expect((await call(port, 'POST', '/api/packs', { Authorization: 'Bearer wrong', 'Content-Type': 'application/json' }, body)).status).toBe(403);
  });

  it('answers a body over 64 KB with 413 and Connection: close, whether its length is declared or not', async () => {
    const big = { pack: 'secrets', enabled: true, padding: 'x'.repeat(1024 * 1024) };
    const declared = await post('/api/packs', big);
    expect(declared.status).toBe(413);
    expect(declared.headers.connection).toBe('close');
    expect(JSON.parse(declared.body).error).toBe('request body too large (the limit is 65536 bytes)');
    // Chunked: no Content-Length, so the limit is seen only while reading.
    const chunked = await new Promise<Res>((resolve, reject) => {
      const headers = { Host: `127.0.0.1:${port}`, Cookie: cookie, 'X-CSRF-Token': csrf, Origin: `http://127.0.0.1:${port}`, 'Sec-Fetch-Site': 'same-origin', 'Content-Type': 'application/json' };
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/packs', headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      for (let i = 0; i < 32; i++) req.write('x'.repeat(16 * 1024));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(chunked.headers.connection).toBe('close');
    expect(JSON.parse(chunked.body).error).toMatch(/request body too large/);
    // The server goes on answering.
    expect((await call(port, 'GET', '/api/overview')).status).toBe(200);
  });

  it('pack and rule changes are written to config.yaml with its comments kept; invalid ones change nothing', async () => {
    expect((await post('/api/packs', { pack: 'supply-chain-security', enabled: true })).status).toBe(200);
    expect((await post('/api/packs', { pack: 'secrets', enabled: false })).status).toBe(200);
    expect((await post('/api/rules', { pack: 'owasp-top-10', rule: 'OWASP-A03-001', severity: 'medium' })).status).toBe(200);
    expect((await post('/api/rules', { pack: 'owasp-top-10', rule: 'OWASP-A07-001', enabled: false })).status).toBe(200);
    const file = join(root, '.sentrik', 'config.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# Team settings — keep this comment');
    expect(text).toContain('# the packs we enforce');
    expect(text).toContain('# blocking severities');
    const config = loadConfig({ root, env: {} }).config;
    expect(config.standards_packs).toEqual(['owasp-top-10', 'supply-chain-security']);
    expect(config.pack_overrides['owasp-top-10']).toEqual({ 'OWASP-A03-001': { severity: 'medium' }, 'OWASP-A07-001': { enabled: false } });

    // Clearing the override removes it; bad input is refused without touching the file.
    expect((await post('/api/rules', { pack: 'owasp-top-10', rule: 'OWASP-A03-001', severity: null })).status).toBe(200);
    const before = readFileSync(file, 'utf8');
    expect((await post('/api/rules', { pack: 'owasp-top-10', rule: 'OWASP-A03-001', severity: 'urgent' })).status).toBe(400);
    expect((await post('/api/rules', { pack: 'owasp-top-10', rule: 'NOPE-001', enabled: false })).status).toBe(400);
    expect((await post('/api/packs', { pack: 'no-such-pack', enabled: true })).status).toBe(400);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(loadConfig({ root, env: {} }).config.pack_overrides['owasp-top-10']).toEqual({ 'OWASP-A07-001': { enabled: false } });
  });

  it('suppressing writes a reviewed entry that matches exactly that file', async () => {
    const file = 'web/<b>x</b>.html';
    expect((await post('/api/suppressions', { ruleId: 'TST-R00-001', file, reason: '' })).status).toBe(400);
    expect((await post('/api/suppressions', { ruleId: 'TST-R00-001', file: '../outside.txt', reason: 'x' })).status).toBe(400);
    const ok = await post('/api/suppressions', { ruleId: 'TST-R00-001', file, reason: 'markup in a fixture', approvedBy: 'alice@example.com', expires: '2030-01-31' });
    expect(ok.status).toBe(200);
    const [entry] = loadSuppressions(root);
    expect(entry).toMatchObject({ ruleId: 'TST-R00-001', reason: 'markup in a fixture', approvedBy: 'alice@example.com', expires: '2030-01-31' });
    expect(entry.matches('TST-R00-001', file)).toBe(true);
    expect(entry.matches('TST-R00-001', 'web/x.html')).toBe(false);
    expect(literalGlob('a/*.[ch]')).toBe('a/\\*.\\[ch\\]');
    const listed = JSON.parse((await call(port, 'GET', '/api/suppressions')).body);
    expect(listed.entries[0]).toMatchObject({ ruleId: 'TST-R00-001', approvedBy: 'alice@example.com', expired: false });
  });

  it('refuses a suppression with a day that does not exist or a control character in any text field (400, file unchanged)', async () => {
    const yaml = join(root, '.sentrik', 'suppressions.yaml');
    const before = readFileSync(yaml, 'utf8');
    const entry = { ruleId: 'TST-R00-002', file: 'src/a.js', reason: 'test fixture', approvedBy: 'bob@example.com' };
    const refused: [Record<string, unknown>, RegExp][] = [
      [{ expires: '2099-13-45' }, /invalid expiry '2099-13-45': not a date — use YYYY-MM-DD, a day that exists/],
      [{ expires: '2099-02-31' }, /invalid expiry '2099-02-31'/],
      [{ expires: '2027-02-29' }, /invalid expiry '2027-02-29'/],
      [{ approvedBy: 'a\nb: c' }, /^approvedBy must be one line of plain text/],
      [{ approvedBy: 'bob\u001b[31m' }, /^approvedBy must be one line/],
      [{ reason: 'safe\there' }, /^reason must be one line/],
      [{ reason: 'safe\u2028here' }, /^reason must be one line/],
      [{ reason: 'evil \u202Eexe.txt' }, /^reason must be one line/],
      [{ file: 'src/a\r.js' }, /^file must be one line/],
      [{ approvedBy: 'x'.repeat(201) }, /^approvedBy is too long \(201 characters; at most 200\)/],
      [{ approvedBy: ['bob'] }, /^approvedBy must be a string$/],
      [{ expires: 20991231 }, /^expires must be a string$/],
    ];
    for (const [change, message] of refused) {
      const r = await post('/api/suppressions', { ...entry, ...change });
      expect(r.status, JSON.stringify(change)).toBe(400);
      expect(JSON.parse(r.body).error).toMatch(message);
    }
    expect(readFileSync(yaml, 'utf8')).toBe(before);
    // A leap day is a day.
    expect((await post('/api/suppressions', { ...entry, expires: '2028-02-29' })).status).toBe(200);
    expect(loadSuppressions(root).find((s) => s.ruleId === 'TST-R00-002')).toMatchObject({ approvedBy: 'bob@example.com', expires: '2028-02-29' });
  });

  it('serves findings pages, details and groups as JSON', async () => {
    const page = JSON.parse((await call(port, 'GET', `/api/findings?run=${runId}&severity=critical,high&size=5&page=2`)).body);
    expect(page).toMatchObject({ total: 12, page: 2, pageSize: 5 });
    expect(page.items).toHaveLength(5);
    const xss = JSON.parse((await call(port, 'GET', `/api/findings?q=${encodeURIComponent('<script>')}`)).body);
    expect(xss.items.map((f: { file: string }) => f.file)).toEqual(['web/<b>x</b>.html']);
    const detail = JSON.parse((await call(port, 'GET', `/api/finding?run=${runId}&seq=30`)).body);
    expect(detail.snippet).toBe('<script>alert(1)</script>');
    const groups = JSON.parse((await call(port, 'GET', '/api/findings?group=severity')).body).groups;
    expect(groups.map((g: { key: string }) => g.key)).toEqual(['critical', 'high', 'medium', 'low', 'info']);
    expect((await call(port, 'GET', '/api/finding?run=999&seq=0')).status).toBe(404);
    expect((await call(port, 'GET', '/api/findings?page=-1')).status).toBe(400);
  });

  it('refuses page, size and id parameters that are not whole numbers in range (400 "invalid …"), before the database sees them', async () => {
    const bad = [
      ['/api/findings?page=99999999999999999999', 'page'],
      ['/api/runs?page=1e308', 'page'],
      ['/api/runs?page=0', 'page'],
      ['/api/runs?page=1000001', 'page'],
      ['/api/findings?page=1.5', 'page'],
      ['/api/findings?page=0x10', 'page'],
      ['/api/findings?page=%201', 'page'],
      ['/api/findings?size=1e308', 'size'],
      ['/api/findings?size=201', 'size'],
      ['/api/findings?size=0', 'size'],
      ['/api/findings?run=99999999999999999999', 'run'],
      ['/api/finding?run=1&seq=1e300', 'seq'],
      ['/api/compare?base=9007199254740992', 'base'],
      ['/api/job?id=1e400', 'id'],
    ];
    for (const [path, name] of bad) {
      const r = await call(port, 'GET', path);
      expect(r.status, path).toBe(400);
      expect(JSON.parse(r.body).error, path).toMatch(new RegExp(`^invalid ${name} — use a whole number from \\d+ to \\d+$`));
      expect(r.body).not.toContain(root);
    }
    // The last page there could be is a page, empty.
    const last = JSON.parse((await call(port, 'GET', `/api/findings?run=${runId}&page=1000000&size=200`)).body);
    expect(last).toMatchObject({ total: 31, page: 1000000, pageSize: 200, items: [] });
    expect((await call(port, 'GET', '/api/runs?page=1000000')).status).toBe(200);
  });
});

describe('dashboard server (not loopback)', () => {
  it('requires the token for every read, and the CLI refuses to listen elsewhere without one', async () => {
    const root = project({});
    const store = await openHistory({ root, env: {} });
    const TOKEN = 'another-token-0123456789';
    const dash = await startDashboard({ host: '0.0.0.0', port: 0, token: TOKEN, context: { root, project: root, store, env: {} } });
    try {
      const denied = await call(dash.port, 'GET', '/api/overview');
      expect(denied.status).toBe(401);
      expect(denied.headers['content-security-policy']).toBe(CSP);
      expect((await call(dash.port, 'GET', '/')).status).toBe(401);
      const opened = await call(dash.port, 'GET', `/?token=${TOKEN}`);
      const cookie = String(opened.headers['set-cookie']).split(';')[0];
      expect((await call(dash.port, 'GET', '/api/overview', { Cookie: cookie })).status).toBe(200);
      expect((await call(dash.port, 'GET', '/api/overview', { Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    } finally {
      await dash.close();
      await store.close();
    }
    const cli = sentrik(['dashboard', '--host', '0.0.0.0', '--port', '0', '--root', root]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toBe('sentrik: listening on 0.0.0.0 (not loopback) requires a token — set SENTRIK_DASHBOARD_TOKEN to a long random value, or keep the default --host 127.0.0.1\n');
  });
});

describe('dashboard errors', () => {
  it('never echo an internal path: a failing history store is a 500 that points at the terminal, a broken config.yaml names its file relative to the project', async () => {
    const root = project({ '.sentrik/config.yaml': 'standards_packs: [secrets]\n' });
    const store = await openHistory({ root, env: {} });
    const logged: string[] = [];
    const dash = await startDashboard({ host: '127.0.0.1', port: 0, token: 'errors-token-0123456789abcdef', context: { root, project: root, store, env: {} }, log: (l) => logged.push(l) });
    try {
      await store.close(); // every query now fails in the driver
      const failed = await call(dash.port, 'GET', '/api/runs');
      expect(failed.status).toBe(500);
      expect(JSON.parse(failed.body).error).toBe('the run history could not be read; the details are in the terminal running `sentrik dashboard`');
      expect(failed.body).not.toContain(root);
      expect(logged.join('\n')).toContain(join(root, '.sentrik', 'history.db')); // the details are kept for the user
      writeFileSync(join(root, '.sentrik', 'config.yaml'), 'standards_packs: [secrets]\nparallel_scan: maybe\n');
      const broken = await call(dash.port, 'GET', '/api/packs');
      expect(broken.status).toBe(400);
      expect(JSON.parse(broken.body).error).toMatch(/^\.sentrik\/config\.yaml:2: /);
      expect(broken.body).not.toContain(root);
    } finally {
      await dash.close();
    }
  });
});

describe('dashboard configuration', () => {
  it('keeps { append, remove } when packs are switched, and serves the configuration cached until a file changes', async () => {
    const root = project({ '.sentrik/config.yaml': 'standards_packs:\n  append: [secrets, hipaa] # ours\n' });
    const file = join(root, '.sentrik', 'config.yaml');
    const store = await openHistory({ root, env: {} });
    const TOKEN = 'config-token-0123456789abcdef';
    const context = { root, project: root, store, env: {} };
    const dash = await startDashboard({ host: '127.0.0.1', port: 0, token: TOKEN, context });
    const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
    const enabled = async () => JSON.parse((await call(dash.port, 'GET', '/api/packs', auth)).body).packs.filter((p: { enabled: boolean }) => p.enabled).map((p: { id: string }) => p.id);
    try {
      expect(effectiveConfig(context)).toBe(effectiveConfig(context)); // nothing changed: not loaded again
      expect(await enabled()).toEqual(expect.arrayContaining(['hipaa', 'secrets']));
      // secrets is appended and inherited: taking it out of append is not enough, so it is removed too.
      expect((await call(dash.port, 'POST', '/api/packs', auth, { pack: 'secrets', enabled: false })).status).toBe(200);
      expect((await call(dash.port, 'POST', '/api/packs', auth, { pack: 'soc2', enabled: true })).status).toBe(200);
      expect(readFileSync(file, 'utf8')).toBe('standards_packs:\n  append: [ hipaa, soc2 ] # ours\n  remove: [ secrets ]\n');
      const after = await enabled();
      expect(after).toContain('soc2');
      expect(after).not.toContain('secrets');
      // An edit by hand is seen by the next request.
      writeFileSync(file, 'standards_packs: [gdpr]\n');
      expect(await enabled()).toEqual(['gdpr']);
    } finally {
      await dash.close();
      await store.close();
    }
  });
});

/** Still running (signal 0 only checks that the process exists). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('dashboard process', () => {
  const started: ChildProcess[] = [];
  const pids: number[] = [];
  // A failed expectation must leave nothing running.
  afterEach(() => {
    for (const c of started.splice(0)) c.kill('SIGKILL');
    for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  it('SIGTERM stops a scan started from the UI and exits, instead of waiting for the scan to end', async () => {
    // Every `sentrik scan` child this dashboard starts writes its pid, then sleeps for a minute before scanning.
    const root = project({ 'app.js': 'x = 1\n', 'slow.mjs': "import { writeFileSync } from 'node:fs';\nif (process.argv.includes('scan')) { writeFileSync(process.env.SCAN_PID_FILE, String(process.pid)); await new Promise((r) => setTimeout(r, 60_000)); }\n" });
    const pidFile = join(root, 'scan.pid');
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_OPTIONS: `--import ${join(root, 'slow.mjs')}`, SCAN_PID_FILE: pidFile };
    const dash = spawn(process.execPath, [BIN, 'dashboard', '--root', root, '--port', '0', '--no-open'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(dash);
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => dash.on('exit', (code) => resolve({ code, at: Date.now() })));
    let out = '';
    dash.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`dashboard did not start: ${out}`)), 20_000);
      dash.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /open: +(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
        if (m) (clearTimeout(timer), resolve(m[1]));
      });
    });
    const port = Number(new URL(url).port);
    const token = new URL(url).searchParams.get('token')!;
    const res = await call(port, 'POST', '/api/scan', { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, {});
    expect(res.status, res.body).toBe(200);
    await expect.poll(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '', { timeout: 20_000 }).toBe(true);
    const scanPid = Number(readFileSync(pidFile, 'utf8'));
    pids.push(scanPid);
    expect(alive(scanPid)).toBe(true);

    const signalledAt = Date.now();
    dash.kill('SIGTERM');
    // The scan would sleep on for a minute: give up waiting well before that.
    const { code, at } = await Promise.race([exited, new Promise<{ code: number | null; at: number }>((resolve) => setTimeout(() => resolve({ code: -1, at: Date.now() }), 15_000))]);
    expect(code, `still running 15 s after SIGTERM: ${out}`).toBe(0);
    expect(at - signalledAt).toBeLessThan(10_000);
    expect(alive(scanPid)).toBe(false);
  }, 40_000);
});
