// Regression guard for the measured numbers: the secrets pack over secretlint's labelled cases, scored the
// way ../shared/bench/score.mjs scores (±2 lines; any result in a clean file is a false positive).
// Binary files are skipped by per-file rules as the scanner skips them. Skipped when the shared corpus is not present.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceFile, type RepoView } from '../../src/engine/source.js';
import { builtinPacksDir, loadPack } from '../../src/packs/load.js';

const CORPUS = join(__dirname, '../../../shared/corpora/secretlint');

describe.skipIf(!existsSync(CORPUS))('secretlint corpus', () => {
  it('reaches precision ≥ 0.95 and recall ≥ 0.90', () => {
    const pack = loadPack(join(builtinPacksDir(), 'secrets'), true);
    const filesDir = join(CORPUS, 'files');
    const files: string[] = [];
    const walk = (dir: string, rel: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(join(dir, e.name), r);
        else files.push(r);
      }
    };
    walk(filesDir, '');
    const results = new Map<string, (number | null)[]>();
    const texts = new Map<string, string>();
    const add = (f: string, line: number | null): void => void results.set(f, [...(results.get(f) ?? []), line]);
    for (const f of files) {
      const buf = readFileSync(join(filesDir, f));
      if (buf.subarray(0, 8192).includes(0)) continue;
      const text = new TextDecoder().decode(buf);
      texts.set(f, text);
      const sf = new SourceFile(f, text);
      for (const r of pack.rules) {
        if (r.matcher.scope !== 'file' || !r.appliesTo(f)) continue;
        if (r.matcher.keywords && !r.matcher.keywords.some((k) => sf.lower.includes(k))) continue;
        for (const m of r.matcher.match(sf)) add(f, m.line ?? null);
      }
    }
    // Repository rules see binary files too, as raw bytes (SEC-GCP-004 reads PKCS#12 keystores).
    const repo: RepoView = { files, read: (p) => texts.get(p), size: (p) => texts.get(p)?.length, bytes: (p) => (files.includes(p) ? readFileSync(join(filesDir, p)) : undefined) };
    for (const r of pack.rules) if (r.matcher.scope === 'repo') for (const m of r.matcher.match(repo)) add(m.file!, m.line ?? null);

    let tp = 0;
    let fn = 0;
    let fp = 0;
    for (const l of readFileSync(join(CORPUS, 'labels.jsonl'), 'utf8').split('\n').filter(Boolean)) {
      const label = JSON.parse(l) as { file: string; line: number | null; expect: string };
      const got = results.get(label.file) ?? [];
      if (label.expect === 'finding') {
        const ok = label.line === null ? got.length > 0 : got.some((g) => g !== null && Math.abs(g - label.line!) <= 2);
        if (ok) tp++;
        else fn++;
      } else if (got.length) fp++;
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    console.log(`secretlint corpus: precision ${precision.toFixed(3)} recall ${recall.toFixed(3)} (tp ${tp}, fp ${fp}, fn ${fn})`);
    // The issue asks for 0.95 / 0.90; these guard what was measured (1.000 / 0.974 with the P12 keystores).
    expect(precision).toBeGreaterThanOrEqual(0.99);
    expect(recall).toBeGreaterThanOrEqual(0.97);
  });
});
