// The dashboard as a person uses it: Debian's Chromium (installed by .ci/run) driven by playwright-core through
// every page of a `sentrik dashboard` started by the real CLI. Screenshots go to out/screenshots/.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, project, REPO, sentrik } from '../cli/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(REPO, 'out', 'screenshots');
if (!existsSync(CHROMIUM)) console.warn(`SKIPPED: dashboard browser tests — ${CHROMIUM} not found (apt-get install chromium; .ci/run does)`);

const LODASH_ADVISORY = JSON.stringify({
  schema_version: '1.4.0',
  id: 'GHSA-35jh-r3h4-6jhm',
  summary: 'Command Injection in lodash',
  aliases: ['CVE-2021-23337'],
  modified: '2024-01-01T00:00:00Z',
  affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] }],
  database_specific: { severity: 'HIGH', cwe_ids: ['CWE-77'] },
});

const FILES: Record<string, string> = {
  '.sentrik/config.yaml': '# Our team config — this comment must survive dashboard edits\nstandards_packs: [owasp-top-10, supply-chain-security, secrets, javascript-typescript-security]\n',
  // The snippet of this finding carries markup: it must show as text and never run.
  'server.js': 'const express = require("express");\nconst app = express();\napp.get("/run", (req, res) => { eval(req.query.code); }); // <script>window.__pwned = 1</script>\n',
  // So does a file name.
  '<img src=x onerror="window.__pwned=2">.js': 'module.exports = (req) => eval(req.body.expr);\n',
  'ci.sh': '#!/bin/sh\ncurl -fsSL https://get.example.com/install.sh | bash\n',
  'package-lock.json': JSON.stringify({
    name: 'demo', version: '1.0.0', lockfileVersion: 3, requires: true,
    packages: { '': { name: 'demo', version: '1.0.0', dependencies: { lodash: '4.17.20', express: '4.18.2' } }, 'node_modules/lodash': { version: '4.17.20', license: 'MIT' }, 'node_modules/express': { version: '4.18.2', license: 'MIT' } },
  }),
  'osv/GHSA-35jh-r3h4-6jhm.json': LODASH_ADVISORY,
};

describe.skipIf(!existsSync(CHROMIUM))('dashboard in a real browser', () => {
  let root: string;
  let server: ChildProcess;
  let base: string;
  let token: string;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  const consoleErrors: string[] = [];
  const foreignRequests: string[] = [];

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const gateText = async () => (await page.locator('#gate-count').textContent()) ?? '';
  const blocking = async () => Number(/(\d+) blocking/.exec(await gateText())?.[1] ?? NaN);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    root = project(FILES);
    const env = { SENTRIK_OSV_DB: join(root, '.osv-db') };
    // Two runs (the second after a fix) for the trend and the comparison, and a dependency scan.
    expect(sentrik(['scan', root, '-q'], { env }).code).toBe(0);
    expect(sentrik(['vulns', 'db', 'import', join(root, 'osv')], { env, cwd: root }).code).toBe(0);
    expect(sentrik(['vulns', root, '-q'], { env }).code).toBe(0);
    // The second scan sees one problem fixed.
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(root, 'ci.sh'), '#!/bin/sh\necho installing\n');
    expect(sentrik(['scan', root, '-q'], { env }).code).toBe(0);

    server = spawn(process.execPath, [BIN, 'dashboard', '--root', root, '--port', '0'], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`dashboard did not start: ${out}`)), 20_000);
      server.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /open: +(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      server.on('exit', (code) => reject(new Error(`dashboard exited ${code}: ${out}`)));
    });
    base = url.split('?')[0];
    token = url.split('token=')[1];

    context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'sentrik-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1360, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('request', (r) => !r.url().startsWith(base) && !r.url().startsWith('data:') && foreignRequests.push(r.url()));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (server?.pid) server.kill('SIGTERM');
  });

  it('overview: gate status, severity counts, trend over runs, top rules, coverage', async () => {
    const t0 = Date.now();
    await page.goto(`${base}?token=${token}`);
    expect(page.url()).toBe(base); // the token left the address bar
    await page.locator('#gate-card').waitFor();
    console.log(`overview first render: ${Date.now() - t0} ms (small project)`);
    await expect.poll(() => gateText()).toMatch(/gate failed · \d+ blocking/);
    expect(await page.locator('#gate-card .big').textContent()).toBe('FAILED');
    expect(await page.locator('.sev-counts a').count()).toBe(5);
    expect(await page.locator('.chart .run-bar').count()).toBe(2);
    expect(await page.locator('#coverage').textContent()).toMatch(/Files scanned\d+.*Rules evaluated\d+/);
    expect(await page.locator('text=OWASP-A03-001').count()).toBeGreaterThan(0);
    await shot('overview');
  });

  it('findings: filter, search, group, page, and open a finding whose snippet holds <script>', async () => {
    await page.goto(`${base}#/findings`);
    await page.locator('#findings').waitFor();
    const all = Number(/of (\d+) findings/.exec((await page.locator('#result-count').textContent()) ?? '')?.[1]);
    expect(all).toBeGreaterThan(5);

    await page.click('button[data-severity="critical"]');
    await expect.poll(() => page.locator('button[data-severity="critical"]').getAttribute('aria-pressed')).toBe('true');
    const sevs = await page.locator('#findings tbody .pill').allTextContents();
    expect(sevs.length).toBeGreaterThan(0);
    expect(new Set(sevs)).toEqual(new Set(['critical']));
    await page.click('button[data-severity="critical"]');
    // Under load the toggle can lag: the next search must not run with "critical" still applied.
    await expect.poll(() => page.locator('button[data-severity="critical"]').getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('false');

    await page.fill('input[name="q"]', 'eval');
    await expect.poll(async () => new Set(await page.locator('#findings tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rule')))), { timeout: 10_000 }).toEqual(new Set(['OWASP-A03-001'])); // JS-EVAL-001 reports the same evals: merged as duplicates
    // The markup in the file name is text.
    expect(await page.locator('#findings').textContent()).toContain('<img src=x onerror="window.__pwned=2">.js');
    await page.selectOption('select[name="group"]', 'file');
    await page.locator('#groups').waitFor();
    expect(await page.locator('#groups tbody tr').count()).toBe(2);
    await shot('findings-grouped');
    await page.selectOption('select[name="group"]', '');
    await page.locator('#findings').waitFor();

    await page.locator('#findings tbody tr[data-rule="OWASP-A03-001"]', { hasText: 'server.js' }).click();
    await page.locator('#detail-snippet').waitFor();
    expect(await page.locator('#detail-snippet').textContent()).toContain('// <script>window.__pwned = 1</script>');
    expect(await page.locator('#detail').textContent()).toMatch(/Remediation/);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#detail script, #main img[src=x]').count()).toBe(0);
    await shot('finding-detail');
  });

  it('suppress it with a reason: a rescan runs with progress and the gate count drops', async () => {
    const before = await blocking();
    await page.fill('#suppress-form input[name="reason"]', 'eval of a constant in a demo route');
    await page.fill('#suppress-form input[name="approvedBy"]', 'alice@example.com');
    await page.click('#suppress-form button[type="submit"]');
    await page.locator('#job').waitFor({ state: 'visible' });
    await shot('scan-progress');
    await page.locator('#job[data-state="done"]').waitFor({ timeout: 50_000 }); // a real scan: slow on a loaded CI machine
    await expect.poll(() => blocking()).toBe(before - 1);
    const yaml = readFileSync(join(root, '.sentrik', 'suppressions.yaml'), 'utf8');
    expect(yaml).toMatch(/rule_id: OWASP-A03-001\n\s+file_glob: server\.js\n\s+reason: eval of a constant in a demo route\n\s+approved_by: alice@example\.com/);
    // Gone from the active list, listed among the suppressed.
    await page.goto(`${base}#/findings?q=eval`);
    await page.locator('#findings').waitFor();
    // Neither the finding nor its duplicate (the same eval, seen by JS-EVAL-001) comes back.
    expect(await page.locator('#findings tbody tr', { hasText: 'server.js' }).count()).toBe(0);
    await page.goto(`${base}#/findings?status=suppressed`);
    await page.locator('#findings tbody tr[data-rule="OWASP-A03-001"]').waitFor();
    await page.goto(`${base}#/overview`);
    await page.locator('#gate-card').waitFor();
    expect(Number(await page.locator('#blocking-count').textContent())).toBe(before - 1);
    await shot('overview-after-suppress');
  }, 60_000);

  it('packs and rules: a severity override is written back with the comments kept', async () => {
    await page.goto(`${base}#/packs?pack=javascript-typescript-security`);
    const select = page.locator('select[aria-label="severity of JS-EVAL-001"]');
    await select.waitFor();
    await select.selectOption('medium');
    await expect.poll(() => readFileSync(join(root, '.sentrik', 'config.yaml'), 'utf8')).toMatch(/JS-EVAL-001:\s*\n?\s*severity: medium/);
    const text = readFileSync(join(root, '.sentrik', 'config.yaml'), 'utf8');
    expect(text).toContain('# Our team config — this comment must survive dashboard edits');
    await page.locator('#toast').waitFor({ state: 'visible' });
    await page.locator('select[aria-label="severity of JS-EVAL-001"]').waitFor();
    expect(await page.locator('select[aria-label="severity of JS-EVAL-001"]').inputValue()).toBe('medium');
    await shot('packs');
  });

  it('vulnerabilities and SBOM, suppressions, audit log', async () => {
    await page.goto(`${base}#/vulns`);
    await page.locator('#vulns').waitFor();
    expect(await page.locator('#vulns').textContent()).toContain('GHSA-35jh-r3h4-6jhm');
    expect(await page.locator('#sbom tbody tr').count()).toBe(2);
    expect(await page.locator('#sbom').textContent()).toContain('pkg:npm/lodash@4.17.20');
    await shot('vulns-sbom');

    await page.goto(`${base}#/suppressions`);
    await page.locator('#suppressions').waitFor();
    expect(await page.locator('#suppressions').textContent()).toContain('eval of a constant in a demo route');
    await shot('suppressions');

    await page.goto(`${base}#/audit`);
    await page.locator('#audit-status').waitFor();
    expect(await page.locator('#audit-status').textContent()).toMatch(/Chain verified: \d+ entries intact/);
    await shot('audit');
  });

  it('run history and comparison', async () => {
    await page.goto(`${base}#/runs`);
    await page.locator('#runs').waitFor();
    const rows = page.locator('#runs tbody tr');
    expect(await rows.count()).toBe(4); // scan, vulns, scan, scan from the UI
    await page.check('input[aria-label="select run 1"]');
    await page.check('input[aria-label="select run 4"]');
    await shot('runs');
    await page.click('text=Compare selected');
    await page.locator('#cmp-counts').waitFor();
    expect(await page.locator('h1').textContent()).toBe('Run #4 compared with run #1');
    const resolved = await page.locator('#cmp-resolved').textContent();
    expect(resolved).toContain('SCS-CI-001'); // fixed in ci.sh
    expect(resolved).toContain('OWASP-A03-001'); // suppressed since
    await shot('compare');
  });

  it('loaded nothing from elsewhere, ran no injected script, broke no CSP rule', () => {
    expect(foreignRequests).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
  });
});
