// Dashboard and history store at scale: `npm run build && node bench/dashboard.mjs [findings=100000]`.
// Fills a SQLite history with runs of N synthetic findings, then measures in Debian's Chromium the time from
// navigation to the first rendered overview and findings page, the bundled asset size, and the DB size.
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { openHistory } from '../dist/history/open.js';
import { startDashboard, uiDir } from '../dist/dashboard/server.js';

const N = Number(process.argv[2] ?? 100_000);
const RUNS = 3;
const SEVS = ['critical', 'high', 'medium', 'low', 'info'];
const root = mkdtempSync(join(tmpdir(), 'sentrik-bench-dash-'));

function findings(n, salt) {
  return Array.from({ length: n }, (_, i) => {
    const rule = i % 180;
    return {
      ruleId: `PACK${rule % 9}-R${String(rule).padStart(3, '0')}`,
      packId: `pack-${rule % 9}`,
      title: `Rule ${rule}: something unsafe in this code`,
      severity: SEVS[(i * 7 + rule) % 5],
      message: `Rule ${rule} found a construct that violates the standard; see the remediation.`,
      file: `services/svc${i % 40}/src/module${i % 997}/file${i % 4999}.ts`,
      line: (i % 700) + 1,
      column: 5,
      snippet: `    const result${i} = dangerousCall(request.params.value${i % 50}, { unsafe: true });`,
      standard: `Standard ${rule % 9}`,
      clause: `${rule % 9}.${rule % 13}`,
      cwe: [`CWE-${70 + (rule % 30)}`],
      remediation: `Use the safe API for rule ${rule}: validate the input, then call the checked variant. See the pack documentation for an example.`,
      fingerprint: `${salt < 2 || i % 50 ? '' : `s${salt}-`}${i.toString(16).padStart(8, '0')}${'0'.repeat(24)}`,
      confidence: 'high',
      kind: 'regex',
    };
  });
}

const run = (i) => ({
  project: root, command: 'scan', startedAt: new Date(Date.now() - (RUNS - i) * 86_400_000).toISOString(), durationMs: 40_000, root,
  scope: { mode: 'paths', paths: ['.'] }, toolVersion: '0.1.0', packs: Array.from({ length: 9 }, (_, k) => `pack-${k}`),
  filesScanned: 25_000, filesSkipped: 120, rulesEvaluated: 180, gate: { passed: false, failOn: ['critical', 'high'], blocking: Math.round(N * 0.4) },
  metrics: { skippedByReason: { binary: 100, 'too-large': 20 }, phasesMs: {}, problems: 3, cacheHits: 0, bytesScanned: 1e8 },
});

const dbSize = () => readdirSync(join(root, '.sentrik')).filter((f) => f.startsWith('history.db')).reduce((n, f) => n + statSync(join(root, '.sentrik', f)).size, 0);

let store = await openHistory({ root, env: {} });
const insertMs = [];
let sizeAfterOne = 0;
for (let i = 0; i < RUNS; i++) {
  const t = performance.now();
  await store.recordRun(run(i), findings(N, i));
  insertMs.push(performance.now() - t);
  if (i === 0) {
    await store.close(); // checkpoint the WAL into the file before measuring it
    sizeAfterOne = dbSize();
    store = await openHistory({ root, env: {} });
  }
}
await store.close();
const sizeAll = dbSize();

store = await openHistory({ root, env: {} });
const token = 'bench-token-0123456789abcdef';
const dash = await startDashboard({ host: '127.0.0.1', port: 0, token, context: { root, project: root, store, env: {} } });
const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'sentrik-bench-chromium-')), {
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = ctx.pages()[0] ?? (await ctx.newPage());
await page.goto(`${dash.url}?token=${token}`);
await page.locator('#gate-card').waitFor();

/** Full page load (new document) until `selector` is in the DOM; median of 7 after one warm-up. */
async function measure(hash, selector) {
  const times = [];
  for (let i = 0; i < 8; i++) {
    await page.goto('about:blank');
    const t = Date.now();
    await page.goto(`${dash.url}${hash}`, { waitUntil: 'commit' });
    await page.locator(selector).first().waitFor({ timeout: 30_000 });
    if (i) times.push(Date.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const results = {
  overview: await measure('#/overview', '#gate-card'),
  'findings page 1': await measure('#/findings', '#findings tbody tr'),
  'findings, severity=high + search "module42"': await measure('#/findings?severity=high&q=module42', '#findings tbody tr'),
  'findings page 1000 (of 2000)': await measure('#/findings?page=1000', '#findings tbody tr'),
  'findings grouped by rule': await measure('#/findings?group=rule', '#groups tbody tr'),
  'finding detail open': await measure('#/findings?open=123', '#detail-snippet'),
  'run history list': await measure('#/runs', '#runs tbody tr'),
  'comparison of the last two runs (N vs N)': await measure('#/compare', '#cmp-counts'),
};
await ctx.close();
await dash.close();
await store.close();

const dir = uiDir();
const assets = readdirSync(dir).map((f) => readFileSync(join(dir, f)));
const raw = assets.reduce((n, b) => n + b.length, 0);
const gz = assets.reduce((n, b) => n + gzipSync(b).length, 0);
const mb = (b) => `${(b / 1024 / 1024).toFixed(2)} MiB`;

console.log(`history: ${RUNS} runs × ${N.toLocaleString('en-US')} findings (SQLite, ${root})`);
console.log(`  record one run: ${insertMs.map((t) => `${Math.round(t)} ms`).join(', ')}`);
console.log(`  DB size: ${mb(sizeAfterOne)} after one run → ${mb((sizeAfterOne / N) * 10_000)} per 10,000 findings; ${mb(sizeAll)} after ${RUNS} runs`);
console.log('time from navigation to first render (median of 7, Chromium headless):');
for (const [k, v] of Object.entries(results)) console.log(`  ${k.padEnd(44)} ${v} ms`);
console.log(`bundled assets (${readdirSync(dir).join(', ')}): ${(raw / 1024).toFixed(1)} KiB, ${(gz / 1024).toFixed(1)} KiB gzipped`);
