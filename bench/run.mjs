#!/usr/bin/env node
// `npm run bench`: sentrik's speed and memory on a real-world corpus against ripgrep (the floor) and
// secretlint (the secret-scanner peer), plus precision/recall on the labelled corpora. See bench/README.md.
//
//   node bench/run.mjs [--runs N] [--only speed|secrets|accuracy[,…]] [--corpus DIR] [--skip-peers]
//                      [--timeout S] [--no-build] [--out FILE]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { runAccuracy } from './accuracy.mjs';
import { reportLines as semgrepAccuracyLines, semgrepAccuracy } from './semgrep-accuracy.mjs';
import { measure, median, rssMethod } from './measure.mjs';
import { ensureRipgrep, ensureSecretlint } from './peers.mjs';
import { BIN, build, capabilities, parseCacheHits, removeNewEntries, REPO, secretsArgs, topLevelEntries } from './sentrik.mjs';

const SHARED_BENCH = resolve(REPO, '..', 'shared', 'bench');
const SECTIONS = ['speed', 'secrets', 'accuracy'];
const TARGETS = { coldVsRg: 4, warmVsRg: 1, rssMB: 400, secretsVsSecretlint: 10, astVsNoAst: 3 };
const USAGE = `usage: node bench/run.mjs [--runs N] [--only ${SECTIONS.join('|')}[,…]] [--corpus DIR] [--skip-peers]
                         [--timeout S] [--no-build] [--out FILE]
  --runs N       measured runs per command (default 5; secretlint always runs once)
  --only LIST    sections to run (default: all)
  --corpus DIR   benchmark corpus (default /tmp/sentrik-corpus, built by ../shared/bench/make-corpus.sh);
                 an existing folder without .complete is used as it is
  --skip-peers   do not install ripgrep/secretlint; measure them only if already present
  --timeout S    per-run time limit in seconds (default 600)
  --no-build     measure dist/ as it is (default: compile src/ first)
  --out FILE     JSON results (default out/bench/latest.json)`;

const log = (msg) => process.stderr.write(`bench: ${msg}\n`);

function parseArgs(argv) {
  const opts = { runs: 5, only: SECTIONS, corpus: '/tmp/sentrik-corpus', skipPeers: false, timeout: 600, build: true, out: join(REPO, 'out', 'bench', 'latest.json') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--runs') opts.runs = positiveInt(a, val());
    else if (a === '--timeout') opts.timeout = positiveInt(a, val());
    else if (a === '--only') {
      opts.only = val().split(',').map((s) => s.trim()).filter(Boolean);
      const bad = opts.only.find((s) => !SECTIONS.includes(s));
      if (bad) throw new Error(`unknown section '${bad}' (choose from ${SECTIONS.join(', ')})`);
    } else if (a === '--corpus') opts.corpus = resolve(val());
    else if (a === '--out') opts.out = resolve(val());
    else if (a === '--skip-peers') opts.skipPeers = true;
    else if (a === '--no-build') opts.build = false;
    else if (a === '-h' || a === '--help') opts.help = true;
    else throw new Error(`unknown argument '${a}'`);
  }
  return opts;
}

function positiveInt(flag, s) {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} takes a positive integer, got '${s}'`);
  return n;
}

/** The corpus folder: built by make-corpus.sh (a no-op once built), or a user's folder used as it is. */
function ensureCorpus(dir) {
  if (existsSync(dir) && !existsSync(join(dir, '.complete'))) {
    log(`using ${dir} as it is (no .complete marker, so make-corpus.sh is not run on it)`);
    return dir;
  }
  log(`corpus: bash make-corpus.sh ${dir} (first build takes a few minutes)`);
  const r = spawnSync('bash', [join(SHARED_BENCH, 'make-corpus.sh'), dir], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`make-corpus.sh failed (exit ${r.status})`);
  return dir;
}

/** A configuration that switches every AST rule of the built-in packs off. */
function noAstConfigYaml() {
  const r = spawnSync(process.execPath, [BIN, 'list-rules', '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`sentrik list-rules failed: ${r.stderr.trim()}`);
  const overrides = {};
  for (const rule of JSON.parse(r.stdout)) if (rule.kind === 'ast') (overrides[rule.pack] ??= {})[rule.id] = { enabled: false };
  return `${JSON.stringify({ pack_overrides: overrides }, null, 2)}\n`; // JSON is YAML
}

function countFiles(dir) {
  const r = spawnSync('find', [dir, '-path', join(dir, '.git'), '-prune', '-o', '-path', join(dir, '.sentrik'), '-prune', '-o', '-type', 'f', '-print'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return r.stdout.split('\n').filter(Boolean).length;
}

function readMetrics(outDir) {
  const file = join(outDir, 'scan_metrics.json');
  if (!existsSync(file)) return undefined;
  const m = JSON.parse(readFileSync(file, 'utf8'));
  return {
    filesScanned: m.filesScanned, filesSkipped: m.filesSkipped, bytesScanned: m.bytesScanned, packs: m.packs,
    rulesEvaluated: m.rulesEvaluated, findings: m.findings, cacheHits: m.cacheHits, jobs: m.jobs,
    durationMs: m.durationMs, phasesMs: m.phasesMs, perPackMs: m.perPackMs,
  };
}

/** A table row from a measurement. */
function row(id, tool, command, m, extra = {}) {
  if (!m.ok) {
    const why = m.timedOut ? `timed out after ${m.seconds.toFixed(0)} s` : `exit ${m.code}: ${m.stderrTail}`;
    // Runs that finished before the failure (e.g. a pack broken mid-bench in a tree under edit) still count.
    const done = m.samples.map((s) => s.seconds);
    return { id, tool, command, ok: false, timedOut: m.timedOut, seconds: m.seconds, error: why, completedRuns: done, ...extra };
  }
  return { id, tool, command, ok: true, runs: m.runs, median: m.median, min: m.min, max: m.max, rssMB: m.rssMB, samples: m.samples, ...extra };
}

async function speedSections(opts, caps, sections, result) {
  const corpus = ensureCorpus(opts.corpus);
  result.corpus = { dir: corpus, files: countFiles(corpus) };
  const tmp = mkdtempSync(join(tmpdir(), 'sentrik-bench-'));
  const cacheDir = join(corpus, '.sentrik', 'cache');
  const before = topLevelEntries(corpus);
  const common = { runs: opts.runs, timeoutSec: opts.timeout };
  const rows = result.rows;
  try {
    const rg = ensureRipgrep({ install: !opts.skipPeers, log });
    const rgArgs = ['-c', '-f', join(SHARED_BENCH, 'reference-patterns.txt'), corpus];
    // Exit 1 = no match. The first, unmeasured run warms the OS page cache for every tool.
    const rgOpts = { ...common, okCodes: [0, 1] };
    let rgFirst;
    if (rg.path) {
      log(`ripgrep: ${rg.path} ${rgArgs.join(' ')}`);
      rgFirst = await measure(rg.path, rgArgs, { ...rgOpts, warmups: 1 });
    } else log(rg.hint);

    if (sections.includes('speed')) {
      const coldOut = join(tmp, 'cold');
      const cold = ['scan', corpus, '--packs', 'all', '--no-cache', '--quiet', '--output-dir', coldOut];
      log(`sentrik cold: sentrik ${cold.join(' ')}`);
      const mc = await measure(process.execPath, [BIN, ...cold], { ...common, before: () => rmSync(cacheDir, { recursive: true, force: true }) });
      rows.push(row('cold', 'sentrik scan, cold (--no-cache)', `sentrik ${cold.join(' ')}`, mc, { metrics: readMetrics(coldOut) }));

      // Issue 5: the same cold scan with every AST rule switched off (pack_overrides in a temporary config).
      const noAstOut = join(tmp, 'no-ast');
      const noAstConfig = join(tmp, 'no-ast.yaml');
      writeFileSync(noAstConfig, noAstConfigYaml());
      const noAst = ['scan', corpus, '--packs', 'all', '--no-cache', '--quiet', '--config', noAstConfig, '--output-dir', noAstOut];
      log(`sentrik cold, AST rules off: sentrik ${noAst.join(' ')}`);
      const mn = await measure(process.execPath, [BIN, ...noAst], common);
      rows.push(row('cold-no-ast', 'sentrik scan, cold, AST rules off', `sentrik ${noAst.join(' ')}`, mn, { metrics: readMetrics(noAstOut) }));

      const warmOut = join(tmp, 'warm');
      const warm = ['scan', corpus, '--packs', 'all', '--quiet', '--output-dir', warmOut];
      log(`sentrik warm: sentrik ${warm.join(' ')} (after one priming run)`);
      rmSync(cacheDir, { recursive: true, force: true });
      const mw = await measure(process.execPath, [BIN, ...warm], { ...common, warmups: 1 });
      rows.push(row('warm', 'sentrik scan, warm (cache)', `sentrik ${warm.join(' ')}`, mw, {
        metrics: readMetrics(warmOut), cache: mw.ok ? parseCacheHits(mw.last.stdout) : undefined,
      }));
    }

    if (sections.includes('secrets')) {
      const sarif = join(tmp, 'secrets.sarif');
      const args = secretsArgs(caps, corpus, sarif);
      if (args) {
        log(`sentrik secrets: sentrik ${args.join(' ')}`);
        // `sentrik secrets` exits 1 when it finds a secret, like a gate; 2 is a failure.
        const m = await measure(process.execPath, [BIN, ...args], { ...common, okCodes: [0, 1] });
        rows.push(row('secrets', caps.hasSecrets ? 'sentrik secrets' : 'sentrik scan --packs secrets', `sentrik ${args.join(' ')}`, m));
      } else {
        rows.push({ id: 'secrets', tool: 'sentrik secrets', ok: false, error: 'neither `sentrik secrets` nor the secrets pack exists yet' });
      }
      const sl = ensureSecretlint({ install: !opts.skipPeers, log });
      if (sl.bin) {
        const slArgs = ['--secretlintrc', sl.rc, '--format', 'json', '--output', join(tmp, 'secretlint.json'), '**/*'];
        log(`secretlint (one run, limit ${opts.timeout} s): cd ${corpus} && secretlint ${slArgs.join(' ')}`);
        // Exit 1 = secrets found, which is a normal outcome.
        const m = await measure(sl.bin, slArgs, { runs: 1, timeoutSec: opts.timeout, cwd: corpus, okCodes: [0, 1] });
        rows.push(row('secretlint', `secretlint ${sl.version} + preset-recommend`, `secretlint "**/*" (cwd: corpus)`, m));
      } else {
        log(sl.hint);
        rows.push({ id: 'secretlint', tool: 'secretlint', ok: false, error: sl.hint });
      }
    }
    // ripgrep runs again at the end and its median is taken over both batches, so the ratios stay fair when
    // the machine's load changes during the bench.
    if (rg.path) {
      const again = rgFirst.ok ? await measure(rg.path, rgArgs, rgOpts) : rgFirst;
      const m = again.ok ? mergeRuns(rgFirst, again) : again;
      rows.unshift(row('rg', `ripgrep (${rg.version})`, `rg ${rgArgs.join(' ')}`, m));
    } else rows.unshift({ id: 'rg', tool: 'ripgrep', ok: false, error: rg.hint });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    // Leave the corpus as it was: drop sentrik's cache and whatever it created at the top (.sentrik/, out/).
    rmSync(cacheDir, { recursive: true, force: true });
    removeNewEntries(corpus, before);
  }
}

function mergeRuns(a, b) {
  const samples = [...a.samples, ...b.samples];
  const rss = [a.rssMB, b.rssMB].filter((x) => x !== null);
  return { ok: true, runs: samples.length, median: median(samples), min: Math.min(...samples), max: Math.max(...samples), rssMB: rss.length ? Math.max(...rss) : null, samples };
}

function judgeTargets(rows) {
  const by = Object.fromEntries(rows.map((r) => [r.id, r]));
  const targets = [];
  const rg = by.rg?.ok ? by.rg.median : null;
  const vsRg = (id, factor, name) => {
    const r = by[id];
    if (!r) return;
    if (!r.ok || rg === null) targets.push({ target: name, pass: null, detail: r.ok ? 'no ripgrep baseline' : r.error });
    else targets.push({ target: name, pass: r.median <= factor * rg, detail: `${(r.median / rg).toFixed(1)}× rg (limit ${factor}×: ${(factor * rg).toFixed(2)} s)` });
  };
  vsRg('cold', TARGETS.coldVsRg, `scan cold ≤ ${TARGETS.coldVsRg}× ripgrep`);
  vsRg('warm', TARGETS.warmVsRg, `scan warm ≤ ${TARGETS.warmVsRg}× ripgrep`);
  const [cold, noAst] = [by.cold, by['cold-no-ast']];
  if (cold?.ok && noAst?.ok) {
    const x = cold.median / noAst.median;
    targets.push({ target: `scan cold with AST rules ≤ ${TARGETS.astVsNoAst}× without`, pass: x <= TARGETS.astVsNoAst, detail: `${x.toFixed(1)}×` });
  }
  for (const id of ['cold', 'warm']) {
    const r = by[id];
    if (r?.ok && r.rssMB !== null) targets.push({ target: `scan ${id} peak RSS ≤ ${TARGETS.rssMB} MB`, pass: r.rssMB <= TARGETS.rssMB, detail: `${r.rssMB.toFixed(0)} MB` });
  }
  const s = by.secrets;
  const sl = by.secretlint;
  if (s && sl) {
    const name = `secrets ≥ ${TARGETS.secretsVsSecretlint}× faster than secretlint`;
    if (!s.ok) targets.push({ target: name, pass: null, detail: s.error });
    else if (sl.ok) {
      const x = sl.median / s.median;
      targets.push({ target: name, pass: x >= TARGETS.secretsVsSecretlint, detail: `${x.toFixed(1)}×` });
    } else if (sl.timedOut) {
      // secretlint took at least the timeout, so the true speed-up is at least this.
      const x = sl.seconds / s.median;
      targets.push({ target: name, pass: x >= TARGETS.secretsVsSecretlint ? true : null, detail: `> ${x.toFixed(1)}× (secretlint timed out)` });
    } else targets.push({ target: name, pass: null, detail: `secretlint: ${sl.error}` });
  }
  return targets;
}

const fmtS = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const verdict = (p) => (p === true ? 'PASS' : p === false ? 'MISS' : 'n/a');

function printTable(result) {
  const out = [];
  const { meta } = result;
  if (result.corpus) out.push(`corpus: ${result.corpus.dir} (${result.corpus.files} files)   rss method: ${meta.rssMethod}   cpus: ${meta.cpus}   load at start: ${meta.loadavg1m.toFixed(1)}`);
  // Timings on a busy machine are noise; say so next to them.
  if (result.corpus && meta.loadavg1m > meta.cpus / 2) out.push(`warning: the machine was busy (1-min load ${meta.loadavg1m.toFixed(1)} on ${meta.cpus} CPUs): compare ratios, rerun for absolute times`);
  if (result.corpus) out.push('');
  if (result.rows.length) out.push(...speedLines(result.rows));
  if (result.targets.length) {
    out.push('', 'targets:');
    for (const t of result.targets) out.push(`  ${verdict(t.pass).padEnd(4)}  ${t.target}  — ${t.detail}`);
  }
  if (result.accuracy) out.push(...(out.length ? [''] : []), ...accuracyLines(result.accuracy));
  if (result.codeAccuracy) {
    out.push('', 'code packs on semgrep-rules (bench/semgrep-accuracy.mjs):');
    out.push(...(result.codeAccuracy.skipped ? [`  skipped: ${result.codeAccuracy.skipped}`] : semgrepAccuracyLines(result.codeAccuracy, 5).map((l) => `  ${l}`)));
  }
  process.stdout.write(out.join('\n') + '\n');
}

function speedLines(rows) {
  const rg = rows.find((r) => r.id === 'rg' && r.ok)?.median ?? null;
  const head = ['tool', 'median s', 'min–max s', 'runs', 'peak RSS MB', '× rg'];
  const cells = rows.map((r) => {
    if (!r.ok) return [r.tool, r.timedOut ? `> ${fmtS(r.seconds)}` : 'failed', '', '', '', r.timedOut && rg ? `> ${(r.seconds / rg).toFixed(0)}` : ''];
    return [r.tool, fmtS(r.median), `${fmtS(r.min)}–${fmtS(r.max)}`, String(r.runs), r.rssMB === null ? '?' : r.rssMB.toFixed(0), rg ? (r.median / rg).toFixed(1) : ''];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((l) => l[i].length)));
  const fmtLine = (line) => line.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [fmtLine(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(fmtLine)];
  for (const r of rows) {
    if (!r.ok && !r.timedOut) out.push(`  ${r.id}: ${r.error}`);
    if (!r.ok && r.completedRuns?.length) out.push(`  ${r.id}: before that, ${r.completedRuns.length} run(s) finished in ${r.completedRuns.map(fmtS).join(', ')} s`);
    if (r.metrics) {
      const m = r.metrics;
      out.push(`  ${r.id}: ${m.filesScanned} files scanned, ${m.filesSkipped} skipped, ${m.rulesEvaluated} rules from ${m.packs?.length} packs (${m.packs?.join(', ')}), ${m.findings} findings, ${m.jobs} jobs, phases ms ${JSON.stringify(m.phasesMs)}${r.cache ? `, cache ${r.cache.hits}/${r.cache.files} hits` : ''}`);
    }
  }
  return out;
}

function accuracyLines(accuracy) {
  const out = ['accuracy (../shared/bench/score.mjs, tolerance ±2 lines):'];
  for (const a of accuracy) {
    if (a.skipped) { out.push(`  skipped  ${a.name}: ${a.skipped}`); continue; }
    const o = a.overall;
    const c = a.covered;
    out.push(`  ${a.name}  (${a.seconds.toFixed(2)} s)`);
    out.push(`    all labels:          precision ${o.precision.toFixed(3)}  recall ${o.recall.toFixed(3)}  (tp ${o.tp}, fp ${o.fp}, fn ${o.fn})`);
    out.push(`    covered categories:  precision ${c.precision.toFixed(3)}  recall ${c.recall.toFixed(3)}  (${c.categories} of ${c.of} categories; tp ${c.tp}, fp ${c.fp}, fn ${c.fn})`);
    out.push(`    ${verdict(a.pass.precision)} precision ≥ ${a.targets.precision}, ${verdict(a.pass.recall)} recall ≥ ${a.targets.recall}  (judged on ${a.judgedOn})`);
    if (a.fpByRule?.length) out.push(`    rules behind FPs: ${a.fpByRule.map((x) => `${x.rule}=${x.fp}`).join(', ')}`);
    if (a.worstCategories.length) out.push(`    most errors: ${a.worstCategories.map((x) => `${x.category} (fn ${x.fn}, fp ${x.fp} of ${x.labels})`).join('; ')}`);
  }
  return out;
}

function gitHead() {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO, encoding: 'utf8' }).stdout.trim() !== '';
  return head ? `${head}${dirty ? '+dirty' : ''}` : null;
}

async function main(argv) {
  let opts;
  try { opts = parseArgs(argv); } catch (e) {
    process.stderr.write(`bench: ${e.message}\n${USAGE}\n`);
    return 2;
  }
  if (opts.help) { process.stdout.write(USAGE + '\n'); return 0; }

  if (opts.build) {
    log('building dist/ (tsc, bundle, pack manifest)');
    const errors = build();
    if (errors) log(`the build reported errors; measuring what it emitted:\n${errors.split('\n').slice(0, 5).join('\n')}`);
  }
  if (!existsSync(join(REPO, 'dist', 'bin', 'main.js'))) {
    log('dist/bin/main.js is missing: run `npm run build` first');
    return 2;
  }
  const caps = capabilities();
  const result = {
    meta: {
      date: new Date().toISOString(), sentrik: caps.version, commit: gitHead(), node: process.version,
      cpus: cpus().length, loadavg1m: loadavg()[0], memGB: Math.round(totalmem() / 2 ** 30), rssMethod: rssMethod(), runs: opts.runs, packs: caps.packIds,
    },
    rows: [],
    targets: [],
  };
  log(`sentrik ${caps.version}, packs: ${caps.packIds.join(', ') || '(none)'}; secrets command: ${caps.hasSecrets ? 'yes' : 'no'}`);

  const speed = opts.only.filter((s) => s === 'speed' || s === 'secrets');
  if (speed.length) await speedSections(opts, caps, speed, result);
  result.targets = judgeTargets(result.rows);
  if (opts.only.includes('accuracy')) {
    result.accuracy = runAccuracy(caps, log);
    result.codeAccuracy = await semgrepAccuracy({ log: (m) => log(`accuracy: ${m}`) }).catch((e) => ({ skipped: e.message }));
  }

  printTable(result);
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, JSON.stringify(result, null, 2) + '\n');
  log(`results written to ${opts.out}`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
