// findings.json and scan_metrics.json: complete, stable order, deterministic.
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/reporters/json.js';
import { renderMetrics } from '../../src/reporters/metrics.js';
import { findings as fixtureFindings, makeGate, makeResult } from './fixture.js';

describe('renderJson', () => {
  const result = makeResult();
  const gate = makeGate(result);
  const report = JSON.parse(renderJson(result, gate));

  it('holds the whole result, the gate and a summary', () => {
    expect(Object.keys(report)).toEqual(['format', 'formatVersion', 'tool', 'root', 'summary', 'gate', 'findings', 'problems', 'skipped', 'metrics', 'rules']);
    expect(report.findings).toHaveLength(fixtureFindings.length);
    expect(report.problems).toHaveLength(2);
    expect(report.skipped.map((s: { file: string }) => s.file)).toEqual(['assets/logo.png', 'data/dump.sql', 'vendor/lib.min.js']);
    expect(report.rules).toHaveLength(result.rules.length);
    expect(report.summary).toEqual({
      findings: 8,
      suppressed: 1,
      duplicates: 0,
      bySeverity: { critical: 2, high: 3, medium: 1, low: 1, info: 1 },
      problems: 2,
      filesScanned: 42,
      filesSkipped: 3,
    });
    expect(report.gate).toEqual({
      passed: false,
      failOn: ['critical', 'high'],
      summary: gate.summary,
      blocking: gate.blocking.map((f) => f.fingerprint),
    });
  });

  it('keeps every finding field, with the snippet verbatim', () => {
    const xss = report.findings.find((f: { fingerprint: string }) => f.fingerprint === 'f-xss-01');
    const original = fixtureFindings.find((f) => f.fingerprint === 'f-xss-01')!;
    expect(xss).toEqual(JSON.parse(JSON.stringify(original)));
    expect(Object.keys(xss).slice(0, 4)).toEqual(['ruleId', 'packId', 'title', 'severity']);
    const suppressed = report.findings.find((f: { fingerprint: string }) => f.fingerprint === 'f-tls-suppressed');
    expect(suppressed.suppressed).toEqual({ kind: 'inline', reason: 'internal mirror with a pinned certificate', source: 'scripts/fetch.py:9' });
  });

  it('orders findings by location and map keys alphabetically, whatever the input order', () => {
    const files = report.findings.map((f: { file: string; line?: number }) => `${f.file}:${f.line ?? ''}`);
    expect(files.slice(0, 4)).toEqual(['.:', 'app/server.py:17', 'app/server.py:42', 'app/server.py:60']);
    expect(Object.keys(report.metrics.phasesMs)).toEqual(['discovery', 'match', 'packs']);
    const shuffled = makeResult({ findings: [...fixtureFindings].reverse(), rules: [...result.rules].reverse() });
    expect(renderJson(shuffled, gate)).toBe(renderJson(result, gate));
  });

  it('leaves the gate out when there is none', () => {
    expect(JSON.parse(renderJson(result)).gate).toBeUndefined();
  });
});

describe('renderMetrics', () => {
  const metrics = JSON.parse(renderMetrics(makeResult()));

  it('reports durations, files, cache, counts by severity, rule and pack', () => {
    expect(metrics).toMatchObject({
      tool: { name: 'sentrik', version: '0.1.0' },
      durationMs: 1234,
      filesScanned: 42,
      filesSkipped: 3,
      skippedByReason: { binary: 1, excluded: 1, 'too-large': 1 },
      cacheHits: 10,
      cacheMisses: 32,
      bySeverity: { critical: 2, high: 3, medium: 1, low: 1, info: 1 },
      byRule: { 'OWASP-A03-001': 1, 'SCS-CI-001': 1 },
      byPack: { 'owasp-top-10': 5, 'supply-chain-security': 3 },
      problems: 2,
      problemsByCode: { 'parse-error': 1, 'rule-error': 1 },
    });
    expect(Object.keys(metrics.bySeverity)).toEqual(['critical', 'high', 'medium', 'low', 'info']);
  });
});
