// Synthetic runs and findings in the real finding model, for the history store and dashboard tests.
import type { Finding, ScanScope, Severity } from '../../src/engine/model.js';
import type { RunInput } from '../../src/history/model.js';

const SEVS: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export function finding(i: number, over: Partial<Finding> = {}): Finding {
  const rule = `TST-R${String(i % 7).padStart(2, '0')}-001`;
  return {
    ruleId: rule,
    packId: i % 2 ? 'pack-a' : 'pack-b',
    title: `Rule ${i % 7} title`,
    severity: SEVS[i % 5],
    message: `Rule ${i % 7} explains what is wrong`,
    file: `src/dir${i % 13}/file${i % 101}.ts`,
    line: (i % 400) + 1,
    snippet: `const value${i} = call(${i});`,
    standard: 'Test Standard',
    clause: `C-${i % 7}`,
    cwe: ['CWE-79'],
    remediation: `Fix rule ${i % 7} by doing the right thing.`,
    fingerprint: `fp-${i}`,
    confidence: 'high',
    kind: 'regex',
    ...over,
  };
}

export function findings(n: number, from = 0): Finding[] {
  return Array.from({ length: n }, (_, k) => finding(from + k));
}

export function runInput(over: Partial<RunInput> = {}): RunInput {
  const scope: ScanScope = { mode: 'paths', paths: ['.'] };
  return {
    project: 'proj',
    command: 'scan',
    startedAt: new Date('2026-01-02T03:04:05Z').toISOString(),
    durationMs: 1234,
    root: '/repo',
    scope,
    toolVersion: '0.1.0',
    packs: ['pack-a', 'pack-b'],
    filesScanned: 10,
    filesSkipped: 1,
    rulesEvaluated: 7,
    gate: { passed: false, failOn: ['critical', 'high'], blocking: 2 },
    metrics: { skippedByReason: { binary: 1 }, phasesMs: { match: 10 }, problems: 0, cacheHits: 0, bytesScanned: 100, skipped: [] },
    ...over,
  };
}
