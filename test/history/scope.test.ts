// What a run records of its coverage for `compare`: skipped files (all, only the hiding ones, or none when too
// many) and the changed lines of a changed-lines-only run, and how a comparison reads them back.
import { describe, expect, it } from 'vitest';
import type { SkippedFile } from '../../src/engine/model.js';
import type { RunSummary } from '../../src/history/model.js';
import { coveredBy, MAX_RECORDED_LINE_RANGES, MAX_RECORDED_SKIPPED, recordedChangedLines, recordedSkipped } from '../../src/history/scope.js';
import { runInput } from './fixtures.js';

const skips = (n: number, reason: SkippedFile['reason'], from = 0): SkippedFile[] => Array.from({ length: n }, (_, i) => ({ file: `${reason}/f${from + i}`, reason }));
const summary = (over: Partial<RunSummary> = {}): RunSummary => ({ ...runInput(), id: 1, findings: 0, suppressed: 0, facets: { severity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 }, pack: {}, rule: {}, files: 0 }, ...over });
const f = (file: string, line?: number) => ({ file, line, ruleId: 'R', packId: 'pack-a' });

describe('recorded coverage', () => {
  it('records every skipped file up to the cap; beyond it only the hiding ones; beyond that none', () => {
    expect(recordedSkipped(skips(3, 'gitignored'))).toEqual({ skipped: ['gitignored/f0', 'gitignored/f1', 'gitignored/f2'] });
    const many = [...skips(MAX_RECORDED_SKIPPED, 'gitignored'), ...skips(2, 'too-large'), ...skips(1, 'binary')];
    expect(recordedSkipped(many)).toEqual({ skipped: ['too-large/f0', 'too-large/f1', 'binary/f0'], skippedPartial: true });
    expect(recordedSkipped(skips(MAX_RECORDED_SKIPPED + 1, 'binary'))).toEqual({});
  });

  it('records changed lines as ranges, none when there are too many', () => {
    expect(recordedChangedLines(new Map([['b.py', new Set([9, 2, 3, 4])], ['a.py', new Set([1])]]))).toEqual({ 'a.py': '1', 'b.py': '2-4,9' });
    expect(recordedChangedLines(undefined)).toBeUndefined();
    const lines = new Set(Array.from({ length: MAX_RECORDED_LINE_RANGES + 1 }, (_, i) => i * 2 + 1));
    expect(recordedChangedLines(new Map([['big.py', lines]]))).toBeUndefined();
  });

  it('a changed-lines run covers only its recorded lines; unknown skipped files are covered only where the run reported', () => {
    const staged = { mode: 'staged' as const, paths: ['a.py'], changedLinesOnly: true };
    const seen = coveredBy(summary({ scope: staged, metrics: { ...runInput().metrics, changedLines: { 'a.py': '3,5-6' } } }));
    expect([f('a.py', 2), f('a.py', 3), f('a.py', 6), f('a.py', 7), f('a.py')].map(seen)).toEqual([false, true, true, false, true]);
    expect(coveredBy(summary({ scope: staged }))(f('a.py', 3))).toBe(false);
    // An older run (no skipped list): a file is vouched for only by a finding the run reported in it.
    const old = summary({ metrics: { skippedByReason: {}, phasesMs: {}, problems: 0, cacheHits: 0, bytesScanned: 0 } });
    expect(coveredBy(old)(f('src/a.js', 1))).toBe(false);
    expect(coveredBy(old, new Set(['src/a.js']))(f('src/a.js', 1))).toBe(true);
  });
});
