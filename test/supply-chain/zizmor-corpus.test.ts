// Regression guard on zizmor's labeled workflows (../shared/corpora/zizmor, read in place): precision and
// recall over the categories the pack covers, scored by the shared scorer. Skipped when the corpus is absent.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scanText } from '../../src/engine/file-scan.js';
import { buildRuleSet } from '../../src/engine/ruleset.js';
import { builtinPacksDir, loadPack } from '../../src/packs/load.js';

const corpus = join(import.meta.dirname, '../../../shared/corpora/zizmor');
const scorer = join(import.meta.dirname, '../../../shared/bench/score.mjs');

/** Categories whose audits the pack implements (see the closing report for the ones left out and why). */
const COVERED = [
  'use-trusted-publishing', 'cache-poisoning', 'template-injection', 'adhoc-packages', 'excessive-permissions',
  'unpinned-uses', 'bot-conditions', 'unsound-condition', 'github-env', 'dependabot-cooldown', 'unsound-contains',
  'unpinned-images', 'insecure-url-scheme', 'overprovisioned-secrets', 'unredacted-secrets', 'artipacked',
  'dependabot-execution', 'insecure-commands', 'secrets-inherit', 'self-hosted-runner', 'anonymous-definition',
  'undocumented-permissions',
];

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

describe.skipIf(!existsSync(corpus) || !existsSync(scorer))('zizmor corpus', () => {
  it('precision ≥ 0.90 and recall ≥ 0.80 over the covered categories', async () => {
    const { loadCorpus, score } = (await import(pathToFileURL(scorer).href)) as {
      loadCorpus(dir: string): unknown;
      score(c: unknown, results: { uri: string; line: number | null; ruleId: string }[], tol: number, restrict: boolean): {
        categories: { category: string; tp: number; fp: number; fn: number }[];
      };
    };
    const rules = buildRuleSet([loadPack(join(builtinPacksDir(), 'supply-chain-security'), true)], {}, 'test');
    const files = join(corpus, 'files');
    const results = walk(files).flatMap((abs) => {
      const rel = relative(files, abs).split('\\').join('/');
      const r = scanText(rel, readFileSync(abs, 'utf8'), rules);
      expect(r.problems, rel).toEqual([]);
      return r.hits.map((h) => ({ uri: rel, line: h.line ?? null, ruleId: h.ruleId }));
    });
    const report = score(loadCorpus(corpus), results, 2, false);
    const covered = report.categories.filter((c) => COVERED.includes(c.category));
    const sum = covered.reduce((a, c) => ({ tp: a.tp + c.tp, fp: a.fp + c.fp, fn: a.fn + c.fn }), { tp: 0, fp: 0, fn: 0 });
    const precision = sum.tp / (sum.tp + sum.fp);
    const recall = sum.tp / (sum.tp + sum.fn);
    expect(precision).toBeGreaterThanOrEqual(0.9);
    expect(recall).toBeGreaterThanOrEqual(0.8);
  });
});
