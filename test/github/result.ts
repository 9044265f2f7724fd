// Scan results for the GitHub tests, built through the real gate evaluation.
import { evaluateGate } from '../../src/engine/gate.js';
import type { Finding, GateResult, ScanResult, Severity } from '../../src/engine/model.js';

export function finding(i: number, severity: Severity = 'high', extra: Partial<Finding> = {}): Finding {
  return {
    ruleId: severity === 'high' ? 'OWASP-A07-001' : 'SCS-DEP-001',
    packId: severity === 'high' ? 'owasp-top-10' : 'supply-chain-security',
    title: severity === 'high' ? 'Hard-coded password' : 'Unpinned pip install',
    severity,
    message: 'A password is written into the source.',
    file: `src/module${i % 7}.py`,
    line: i + 1,
    column: 1,
    snippet: 'PASSWORD = "Sup3…(16 chars)"',
    standard: 'OWASP Top 10 2021',
    clause: 'A07:2021',
    cwe: ['CWE-798'],
    remediation: 'Read it from the environment.',
    fingerprint: `fp${i}`,
    confidence: 'high',
    kind: 'regex',
    ...extra,
  };
}

export function resultOf(findings: Finding[]): { result: ScanResult; gate: GateResult } {
  const bySeverity = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) bySeverity[f.severity]++;
  const result: ScanResult = {
    root: '/tmp/project',
    tool: { name: 'sentrik', version: '0.1.0' },
    findings,
    problems: [],
    skipped: [],
    rules: [],
    metrics: {
      startedAt: '2025-01-01T00:00:00.000Z',
      durationMs: 12,
      phasesMs: {},
      filesScanned: 7,
      bytesScanned: 1000,
      filesSkipped: 0,
      skippedByReason: {},
      cacheHits: 0,
      cacheMisses: 7,
      packs: ['owasp-top-10', 'supply-chain-security'],
      rulesEvaluated: 40,
      findings: findings.length,
      suppressed: 0,
      bySeverity,
      byRule: {},
      byPack: {},
      jobs: 1,
      scope: { mode: 'git-range', paths: [], range: 'origin/main...HEAD', changedLinesOnly: true },
    },
  };
  return { result, gate: evaluateGate(result, ['critical', 'high']) };
}
