// Accuracy: sentrik's SARIF on the labelled corpora in ../shared/corpora, scored by ../shared/bench/score.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { removeNewEntries, REPO, secretsArgs, sentrikSync, topLevelEntries } from './sentrik.mjs';

const SHARED = resolve(REPO, '..', 'shared');
const SCORE = join(SHARED, 'bench', 'score.mjs');

/** The labelled sets, the command that produces SARIF for each, and the targets from the issues. */
function suites(caps) {
  return [
    {
      name: 'supply-chain-security on zizmor',
      corpus: join(SHARED, 'corpora', 'zizmor'),
      // --no-cache: the corpus lives in a shared folder; nothing may be written into it.
      args: (files, sarif) => (caps.packIds.includes('supply-chain-security')
        ? ['scan', files, '--packs', 'supply-chain-security', '--no-cache', '--quiet', '--format', 'sarif', '--output', sarif]
        : null),
      missing: 'pack supply-chain-security not built yet',
      targets: { precision: 0.9, recall: 0.8 },
      // The issue scores "over the categories your rules cover".
      coveredOnly: true,
    },
    {
      name: `secrets on secretlint (${caps.hasSecrets ? 'sentrik secrets' : 'scan --packs secrets'})`,
      corpus: join(SHARED, 'corpora', 'secretlint'),
      args: (files, sarif) => secretsArgs(caps, files, sarif),
      missing: 'neither `sentrik secrets` nor the secrets pack exists yet',
      targets: { precision: 0.95, recall: 0.9 },
      coveredOnly: false,
    },
  ];
}

/** Runs every suite; a suite whose pack/command is missing is reported as skipped with the reason. */
export function runAccuracy(caps, log) {
  const dir = mkdtempSync(join(tmpdir(), 'sentrik-bench-acc-'));
  try {
    return suites(caps).map((s) => runSuite(s, dir, log));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runSuite(suite, dir, log) {
  const files = join(suite.corpus, 'files');
  const base = { name: suite.name, corpus: suite.corpus, targets: suite.targets };
  if (!existsSync(files)) return { ...base, skipped: `corpus not found: ${files}` };
  const sarif = join(dir, `${suite.corpus.split('/').pop()}.sarif`);
  const args = suite.args(files, sarif);
  if (!args) return { ...base, skipped: suite.missing };
  log(`accuracy: sentrik ${args.join(' ')}`);
  const before = topLevelEntries(files);
  const started = performance.now();
  const run = sentrikSync(args);
  const seconds = (performance.now() - started) / 1000;
  // Leave the shared corpus as it was: a scan may create .sentrik/ or out/ (audit log) in its root.
  removeNewEntries(files, before);
  // Exit 1 is `sentrik secrets` reporting that it found secrets; 2 is a failure.
  if (![0, 1].includes(run.status) || !existsSync(sarif)) {
    return { ...base, skipped: `sentrik exited ${run.status}: ${(run.stderr || run.stdout).trim().split('\n').slice(-2).join(' | ')}` };
  }
  const score = spawnSync(process.execPath, [SCORE, '--corpus', suite.corpus, '--sarif', sarif, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const lines = score.stdout.trim().split('\n');
  if (score.status !== 0 || lines.length < 2) return { ...base, skipped: `score.mjs failed: ${score.stderr.trim()}` };
  const overall = JSON.parse(lines[lines.length - 1]);
  const detail = JSON.parse(lines[lines.length - 2]).corpora[0];
  const categories = detail.categories;
  // A category counts as covered when sentrik reported anything in it, right (tp) or wrong (fp).
  const covered = categories.filter((c) => c.tp + c.fp > 0);
  const coveredScore = ratios(covered.reduce((a, c) => ({ tp: a.tp + c.tp, fp: a.fp + c.fp, fn: a.fn + c.fn }), { tp: 0, fp: 0, fn: 0 }));
  const judged = suite.coveredOnly ? coveredScore : overall;
  return {
    ...base,
    seconds,
    overall,
    covered: { categories: covered.length, of: categories.length, ...coveredScore },
    judgedOn: suite.coveredOnly ? 'covered categories' : 'all labels',
    pass: { precision: judged.precision >= suite.targets.precision, recall: judged.recall >= suite.targets.recall },
    fpByRule: detail.fpByScannerRule,
    worstCategories: [...categories].filter((c) => c.fn + c.fp > 0).sort((a, b) => b.fn + b.fp - (a.fn + a.fp)).slice(0, 8)
      .map(({ category, labels, tp, fp, fn }) => ({ category, labels, tp, fp, fn })),
  };
}

function ratios({ tp, fp, fn }) {
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  return { precision, recall, tp, fp, fn };
}
