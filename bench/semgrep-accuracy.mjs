#!/usr/bin/env node
// Accuracy of the code packs on semgrep-rules' labelled rule tests, per language and per CWE family (issue 5).
//
//   node bench/semgrep-accuracy.mjs [--lang python[,go,…]] [--json] [--sarif FILE] [--keep-sarif FILE] [--top N]
//                                   [--packs LIST]
//
// Scans ../shared/corpora/semgrep-rules/files with the code packs to SARIF (or scores --sarif FILE without
// scanning), then scores with ../shared/bench/score.mjs's own matching (its exported loadCorpus/loadSarif/score,
// so the counts are exactly what `score.mjs --corpus … --sarif …` would give for the same labels).
// A label's language is the top folder of its file; its CWE family is its first CWE. Per language, a family
// counts as covered when sentrik reported anything in it (tp + fp > 0); the targets are judged over the
// covered families. Exit 0, or 2 when the scan or the scoring fails.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { removeNewEntries, REPO, sentrikSync, topLevelEntries } from './sentrik.mjs';

const SHARED = resolve(REPO, '..', 'shared');
const CORPUS = join(SHARED, 'corpora', 'semgrep-rules');
const SCORE = join(SHARED, 'bench', 'score.mjs');
const PACKS = 'owasp-top-10,python-security,go-security,java-security,javascript-typescript-security';
export const LANGUAGES = ['python', 'javascript', 'typescript', 'java', 'go'];
export const TARGETS = { precision: 0.85, recall: 0.6 };
const TOLERANCE = 2;

const USAGE = `usage: node bench/semgrep-accuracy.mjs [--lang LIST] [--json] [--sarif FILE] [--keep-sarif FILE] [--top N] [--packs LIST]
  --lang LIST        languages to report (default: ${LANGUAGES.join(',')})
  --json             one JSON document on stdout instead of the table
  --sarif FILE       score this SARIF instead of scanning
  --keep-sarif FILE  write the scan's SARIF here (default: a temporary file, removed afterwards)
  --top N            FP rules and FN categories listed per language (default 8)
  --packs LIST       packs to scan with (default: ${PACKS})`;

function parseArgs(argv) {
  const opts = { langs: LANGUAGES, json: false, sarif: null, keepSarif: null, top: 8, packs: PACKS };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--lang') {
      opts.langs = val().split(',').map((s) => s.trim()).filter(Boolean);
      const bad = opts.langs.find((l) => !LANGUAGES.includes(l));
      if (bad) throw new Error(`unknown language '${bad}' (choose from ${LANGUAGES.join(', ')})`);
    } else if (a === '--json') opts.json = true;
    else if (a === '--sarif') opts.sarif = resolve(val());
    else if (a === '--keep-sarif') opts.keepSarif = resolve(val());
    else if (a === '--packs') opts.packs = val();
    else if (a === '--top') {
      opts.top = Number(val());
      if (!Number.isInteger(opts.top) || opts.top < 0) throw new Error('--top takes a non-negative integer');
    } else if (a === '-h' || a === '--help') opts.help = true;
    else throw new Error(`unknown argument '${a}'`);
  }
  return opts;
}

/** Scans the labelled files to `sarif`, leaving the shared corpus as it was. */
function scan(sarif, packs, log) {
  const files = join(CORPUS, 'files');
  const args = ['scan', files, '--packs', packs, '--no-cache', '--quiet', '--format', 'sarif', '--output', sarif];
  log(`sentrik ${args.join(' ')}`);
  const before = topLevelEntries(files);
  const started = performance.now();
  const run = sentrikSync(args);
  const seconds = (performance.now() - started) / 1000;
  // A scan may create .sentrik/ or out/ (audit log) in its root; the corpus is shared.
  removeNewEntries(files, before);
  // Exit 1 means findings above the gate; 2 is a failure.
  if (![0, 1].includes(run.status)) {
    throw new Error(`sentrik exited ${run.status}: ${(run.stderr || run.stdout).trim().split('\n').slice(-2).join(' | ')}`);
  }
  return seconds;
}

const languageOf = (label) => label.file.split('/')[0];
const familyOf = (label) => (Array.isArray(label.cwe) && label.cwe[0]) || '(no CWE)';

function ratios({ tp, fp, fn }) {
  const r4 = (x) => Math.round(x * 10000) / 10000;
  return { precision: r4(tp + fp ? tp / (tp + fp) : 0), recall: r4(tp + fn ? tp / (tp + fn) : 0), tp, fp, fn };
}

const sum = (rows) => rows.reduce((a, r) => ({ tp: a.tp + r.tp, fp: a.fp + r.fp, fn: a.fn + r.fn }), { tp: 0, fp: 0, fn: 0 });

/** Every (language, family) label group scored on its own with score.mjs's matching rules. */
function scoreLanguage(scorer, corpus, results, lang) {
  const groups = new Map();
  for (const l of corpus.labels) {
    if (languageOf(l) !== lang) continue;
    const f = familyOf(l);
    if (!groups.has(f)) groups.set(f, []);
    groups.get(f).push(l);
  }
  const families = [...groups].map(([family, labels]) => {
    const s = scorer({ ...corpus, labels }, results, TOLERANCE, false);
    return {
      family,
      positives: labels.filter((l) => l.expect === 'finding').length,
      tp: s.tp, fp: s.fp, fn: s.fn,
      fpByRule: s.fpByScannerRule,
      missed: s.categories.filter((c) => c.fn > 0).map((c) => ({ category: c.category, fn: c.fn, tp: c.tp })),
    };
  }).sort((a, b) => b.positives - a.positives || a.family.localeCompare(b.family));
  const covered = families.filter((f) => f.tp + f.fp > 0);
  const fpRules = new Map();
  for (const f of covered) for (const r of f.fpByRule) fpRules.set(r.rule, (fpRules.get(r.rule) ?? 0) + r.fp);
  const judged = ratios(sum(covered));
  return {
    language: lang,
    families: { covered: covered.length, of: families.length },
    covered: judged,
    all: ratios(sum(families)),
    pass: { precision: judged.precision >= TARGETS.precision, recall: judged.recall >= TARGETS.recall },
    fpByRule: [...fpRules].sort((a, b) => b[1] - a[1]).map(([rule, fp]) => ({ rule, fp })),
    // What to work on next: misses inside covered families, then whole families with no result at all.
    missedInCovered: covered.flatMap((f) => f.missed.map((m) => ({ ...m, family: f.family }))).sort((a, b) => b.fn - a.fn),
    uncovered: families.filter((f) => f.tp + f.fp === 0 && f.positives > 0)
      .map((f) => ({ family: f.family, positives: f.positives, categories: f.missed.map((m) => m.category) })),
    perFamily: families.map(({ family, positives, tp, fp, fn }) => ({ family, positives, ...ratios({ tp, fp, fn }), covered: tp + fp > 0 })),
  };
}

/**
 * Scans (unless `sarif` is given) and scores. Returns { seconds, languages, overall, allLabels }:
 * `overall` sums the covered families of the reported languages, `allLabels` is score.mjs's own total
 * over the whole corpus (every language, covered or not).
 */
export async function semgrepAccuracy({ langs = LANGUAGES, sarif = null, keepSarif = null, packs = PACKS, log = () => {} } = {}) {
  const { loadCorpus, loadSarif, score } = await import(pathToFileURL(SCORE).href);
  const dir = sarif ? null : mkdtempSync(join(tmpdir(), 'sentrik-semgrep-acc-'));
  try {
    let seconds = null;
    if (!sarif) {
      sarif = keepSarif ?? join(dir, 'semgrep-rules.sarif');
      seconds = scan(sarif, packs, log);
    }
    const corpus = loadCorpus(CORPUS);
    const results = loadSarif(sarif);
    const languages = langs.map((l) => scoreLanguage(score, corpus, results, l));
    const overall = ratios(sum(languages.map((l) => l.covered)));
    const whole = score(corpus, results, TOLERANCE, false);
    return {
      corpus: CORPUS, packs: seconds === null ? null : packs, tolerance: TOLERANCE, targets: TARGETS, seconds, languages,
      overall: { ...overall, pass: { precision: overall.precision >= TARGETS.precision, recall: overall.recall >= TARGETS.recall } },
      allLabels: ratios(whole),
    };
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

const f3 = (x) => x.toFixed(3);
const verdict = (pass) => (pass.precision && pass.recall ? 'pass' : `FAIL (${[!pass.precision && 'precision', !pass.recall && 'recall'].filter(Boolean).join(', ')})`);

/** The report as text lines: the per-language table, then what to look at per language. */
export function reportLines(report, top = 8) {
  const head = ['language', 'families', 'tp', 'fp', 'fn', 'precision', 'recall', `vs P≥${TARGETS.precision} R≥${TARGETS.recall}`];
  const row = (name, fam, r, pass) => [name, fam, String(r.tp), String(r.fp), String(r.fn), f3(r.precision), f3(r.recall), pass ? verdict(pass) : ''];
  const rows = report.languages.map((l) => row(l.language, `${l.families.covered}/${l.families.of}`, l.covered, l.pass));
  rows.push(row('overall', '', report.overall, report.overall.pass));
  rows.push(row('all labels', '', report.allLabels, null));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const out = [
    `semgrep-rules (${report.corpus}), tolerance ±${report.tolerance}${report.seconds === null ? '' : `, scan ${report.seconds.toFixed(2)} s`}`,
    'families = CWE families with a result (tp+fp>0) / all families with labels; the verdict is over the covered ones',
    'overall = the covered families of the languages above; all labels = score.mjs over the whole corpus',
    '',
    fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt),
  ];
  for (const l of report.languages) {
    out.push('', `${l.language}:`);
    if (l.fpByRule.length) out.push(`  FP rules: ${l.fpByRule.slice(0, top).map((x) => `${x.rule}=${x.fp}`).join(', ')}`);
    if (l.missedInCovered.length) out.push(`  FN in covered families: ${l.missedInCovered.slice(0, top).map((m) => `${m.category} [${m.family}] ${m.fn}`).join(', ')}`);
    if (l.uncovered.length) out.push(`  uncovered families: ${l.uncovered.slice(0, top).map((u) => `${u.family} (${u.positives}: ${u.categories.slice(0, 3).join(', ')}${u.categories.length > 3 ? ', …' : ''})`).join('; ')}`);
  }
  return out;
}

async function main(argv) {
  let opts;
  try { opts = parseArgs(argv); } catch (e) {
    process.stderr.write(`semgrep-accuracy: ${e.message}\n${USAGE}\n`);
    return 2;
  }
  if (opts.help) { process.stdout.write(USAGE + '\n'); return 0; }
  let report;
  try {
    report = await semgrepAccuracy({ ...opts, log: (m) => process.stderr.write(`semgrep-accuracy: ${m}\n`) });
  } catch (e) {
    process.stderr.write(`semgrep-accuracy: ${e.message}\n`);
    return 2;
  }
  process.stdout.write(opts.json ? JSON.stringify(report) + '\n' : reportLines(report, opts.top).join('\n') + '\n');
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main(process.argv.slice(2));
