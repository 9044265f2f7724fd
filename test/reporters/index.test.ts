// The reporter registry: every format renders the same result, deterministically, to its file name.
import { describe, expect, it } from 'vitest';
import { REPORTERS, isReporterName, reporterNames } from '../../src/reporters/index.js';
import { emptyResult, makeGate, makeResult } from './fixture.js';

describe('REPORTERS', () => {
  it('maps each format to the file name the reference product uploads', () => {
    expect(Object.fromEntries(reporterNames().map((n) => [n, REPORTERS[n].fileName]))).toEqual({
      json: 'findings.json',
      sarif: 'findings.sarif',
      junit: 'findings.junit.xml',
      csv: 'findings.csv',
      markdown: 'findings.md',
      html: 'findings.html',
      metrics: 'scan_metrics.json',
    });
    expect(isReporterName('sarif')).toBe(true);
    expect(isReporterName('toString')).toBe(false);
  });

  for (const name of reporterNames()) {
    it(`${name} renders a full and an empty result, the same bytes every time`, () => {
      const result = makeResult();
      const gate = makeGate(result);
      const out = REPORTERS[name].render(result, gate);
      expect(out.length).toBeGreaterThan(100);
      expect(out.endsWith('\n')).toBe(true);
      expect(REPORTERS[name].render(makeResult(), makeGate(makeResult()))).toBe(out);
      expect(REPORTERS[name].render(emptyResult()).length).toBeGreaterThan(50);
    });
  }
});
