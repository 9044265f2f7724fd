#!/usr/bin/env node
// Spec benchmark: real-world OpenAPI documents (the APIs-guru directory + GitHub's 13 MB REST description,
// built by ../shared/bench/make-spec-corpus.sh) against Spectral with its OWASP ruleset.
//
//   node bench/specs.mjs [--corpus DIR] [--no-spectral] [--skip-import-all] [--json]
//
// 1. import: every spec goes through import-spec's code path (parse with positions, $ref validation, pack
//    generation, the contract's own findings); any rejection is listed with its reason, any crash fails.
// 2. speed: `sentrik scan --packs api-security` vs `spectral lint` (OWASP ruleset) on first50.txt, and both on
//    GitHub's description. Spectral is installed on demand into ~/.cache/sentrik-bench/spectral, never into
//    this repository.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const BIN = join(REPO, 'bin', 'sentrik.js');
const SPECTRAL_DIR = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sentrik-bench', 'spectral');
const SPECTRAL = { cli: '6.16.3', owasp: '2.0.1' };

const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const opt = (f) => (args.includes(f) ? args[args.indexOf(f) + 1] : undefined);
const log = (s) => process.stderr.write(`${s}\n`);

function corpusDir() {
  const given = opt('--corpus');
  if (given) return given;
  const r = spawnSync('bash', [join(REPO, '..', 'shared', 'bench', 'make-spec-corpus.sh')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`make-spec-corpus.sh failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').pop();
}

function time(fn) {
  const t = process.hrtime.bigint();
  const value = fn();
  return { value, ms: Number(process.hrtime.bigint() - t) / 1e6 };
}

async function importAll(corpus) {
  const { readSpec, buildPackYaml, currentFindings, defaultPackId } = await import(join(REPO, 'dist', 'specs', 'import.js'));
  const { SentrikError } = await import(join(REPO, 'dist', 'util', 'errors.js'));
  const files = [...readdirSync(join(corpus, 'directory')).sort().map((f) => join(corpus, 'directory', f)), join(corpus, 'github', 'api.github.com.json')];
  const rejected = [];
  const crashed = [];
  let findings = 0;
  let slowest = { file: '', ms: 0 };
  const total = time(() => {
    for (const f of files) {
      const t = time(() => {
        try {
          const spec = readSpec({ root: corpus, specAbs: f });
          findings += currentFindings(spec, buildPackYaml(spec, defaultPackId(spec))).reduce((a, x) => a + x.count, 0);
        } catch (e) {
          if (e instanceof SentrikError) rejected.push(e.format());
          else crashed.push(`${f}: ${e?.stack ?? e}`);
        }
      });
      if (t.ms > slowest.ms) slowest = { file: basename(f), ms: Math.round(t.ms) };
    }
  });
  return { specs: files.length, imported: files.length - rejected.length - crashed.length, rejected, crashed, findings, ms: Math.round(total.ms), slowest };
}

/** A scan root holding copies of `files`, with a config that lets big specs through. */
function scanRoot(files) {
  const dir = mkdtempSync(join(tmpdir(), 'sentrik-bench-specs-'));
  mkdirSync(join(dir, '.sentrik'));
  writeFileSync(join(dir, '.sentrik', 'config.yaml'), 'standards_packs: [api-security]\nmax_file_size: 64MiB\nreporters: []\n');
  for (const f of files) copyFileSync(f, join(dir, basename(f)));
  return dir;
}

function sentrikScan(dir) {
  const sarif = join(dir, 'out.sarif');
  const r = time(() => spawnSync(process.execPath, [BIN, 'scan', dir, '--packs', 'api-security', '--no-cache', '--format', 'sarif', '--output', sarif], { encoding: 'utf8', maxBuffer: 256 << 20 }));
  let results = null;
  try {
    results = JSON.parse(readFileSync(sarif, 'utf8')).runs[0].results.length;
  } catch { /* reported as error */ }
  return { ms: Math.round(r.ms), exit: r.value.status, results, error: r.value.status === 0 ? undefined : r.value.stderr.trim().split('\n')[0] };
}

function ensureSpectral() {
  const bin = join(SPECTRAL_DIR, 'node_modules', '.bin', 'spectral');
  if (!existsSync(bin)) {
    log(`installing @stoplight/spectral-cli ${SPECTRAL.cli} + @stoplight/spectral-owasp-ruleset ${SPECTRAL.owasp} into ${SPECTRAL_DIR}`);
    mkdirSync(SPECTRAL_DIR, { recursive: true });
    writeFileSync(join(SPECTRAL_DIR, 'package.json'), JSON.stringify({ name: 'sentrik-bench-spectral', private: true, dependencies: { '@stoplight/spectral-cli': SPECTRAL.cli, '@stoplight/spectral-owasp-ruleset': SPECTRAL.owasp } }, null, 2));
    spawnSync('npm', ['install', '--prefix', SPECTRAL_DIR, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit' });
  }
  const ruleset = join(SPECTRAL_DIR, '.spectral-owasp.yaml');
  writeFileSync(ruleset, 'extends: ["@stoplight/spectral-owasp-ruleset"]\n');
  return existsSync(bin) ? { bin, ruleset } : null;
}

function spectralLint(sp, files, timeoutMs) {
  const out = join(mkdtempSync(join(tmpdir(), 'sentrik-bench-spectral-')), 'out.json');
  const r = time(() => spawnSync(sp.bin, ['lint', ...files, '-r', sp.ruleset, '-f', 'json', '-o', out, '--quiet'], { cwd: SPECTRAL_DIR, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 << 20 }));
  let results = null;
  try {
    results = JSON.parse(readFileSync(out, 'utf8')).length;
  } catch { /* crash or timeout */ }
  const timedOut = r.value.error?.code === 'ETIMEDOUT' || r.value.signal === 'SIGTERM';
  const error = timedOut ? `timed out after ${timeoutMs / 1000}s` : results === null ? (r.value.stderr || r.value.stdout || '').trim().split('\n').slice(-1)[0] || `exit ${r.value.status}` : undefined;
  return { ms: Math.round(r.ms), exit: r.value.status, results, error };
}

async function main() {
  const corpus = corpusDir();
  const first50 = readFileSync(join(corpus, 'first50.txt'), 'utf8').split('\n').filter(Boolean);
  const github = join(corpus, 'github', 'api.github.com.json');
  const report = { corpus };

  if (!flag('--skip-import-all')) {
    log('importing every spec …');
    report.importAll = await importAll(corpus);
  }
  log('sentrik on first50 …');
  const d50 = scanRoot(first50);
  report.sentrikFirst50 = sentrikScan(d50);
  const dgh = scanRoot([github]);
  log('sentrik on GitHub …');
  report.sentrikGithub = sentrikScan(dgh);
  if (!flag('--no-spectral')) {
    const sp = ensureSpectral();
    if (sp) {
      log('spectral on first50 (minutes) …');
      report.spectralFirst50 = spectralLint(sp, first50, 30 * 60_000);
      log('spectral on GitHub …');
      report.spectralGithub = spectralLint(sp, [github], 15 * 60_000);
      if (report.spectralFirst50.ms && report.sentrikFirst50.ms) report.speedupFirst50 = Math.round((report.spectralFirst50.ms / report.sentrikFirst50.ms) * 10) / 10;
    } else report.spectral = 'not installed';
  }
  rmSync(d50, { recursive: true, force: true });
  rmSync(dgh, { recursive: true, force: true });

  if (flag('--json')) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    const lines = [`spec corpus: ${corpus}`];
    const ia = report.importAll;
    if (ia) {
      lines.push(`import: ${ia.imported}/${ia.specs} specs imported in ${(ia.ms / 1000).toFixed(1)} s (slowest ${ia.slowest.file} ${ia.slowest.ms} ms), ${ia.rejected.length} rejected, ${ia.crashed.length} crashed, ${ia.findings} contract findings`);
      for (const r of ia.rejected) lines.push(`  rejected: ${r}`);
      for (const c of ia.crashed) lines.push(`  CRASH: ${c.split('\n')[0]}`);
    }
    const row = (name, r) => lines.push(`${name.padEnd(22)} ${r ? `${(r.ms / 1000).toFixed(2).padStart(8)} s  ${r.results ?? '-'} results${r.error ? `  ERROR: ${r.error}` : ''}` : 'skipped'}`);
    row('sentrik first50', report.sentrikFirst50);
    row('spectral first50', report.spectralFirst50);
    row('sentrik github', report.sentrikGithub);
    row('spectral github', report.spectralGithub);
    if (report.speedupFirst50) lines.push(`speed-up on first50: ${report.speedupFirst50}x`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return report.importAll?.crashed.length || report.sentrikGithub.error ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (e) => { log(`bench/specs.mjs: ${e.message}`); process.exitCode = 2; });
