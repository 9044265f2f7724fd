// One detection, reported once: findings of different rules at the same place for the same weakness (packs
// overlap on purpose) count once, over real scans of small projects; the others stay in the result, marked.
import { describe, expect, it } from 'vitest';
import { project } from '../cli/helpers.js';
import { buildComplianceReport } from '../../src/compliance/report.js';
import { loadConfig } from '../../src/config/load.js';
import { applyBaseline, baselineOf } from '../../src/engine/baseline.js';
import { evaluateGate } from '../../src/engine/gate.js';
import { markDuplicates } from '../../src/engine/findings.js';
import { enforceSuppressionApproval } from '../../src/governance/policy.js';
import type { Finding } from '../../src/engine/model.js';
import { loadAllPacks } from '../../src/packs/load.js';
import { runScan } from '../../src/run/scan.js';

async function scanWith(root: string, packs: string[]) {
  const { config } = loadConfig({ root, env: {}, overrides: {} });
  return runScan({ root, config, scope: { mode: 'paths', paths: [] }, packs, noCache: true, jobs: 1 });
}

const EVAL_ROUTE = 'const express = require("express");\nconst app = express();\napp.get("/run", (req, res) => { eval(req.query.code); });\n';
const JS_PACKS = ['owasp-top-10', 'javascript-typescript-security'];

describe('the same detection from two packs', () => {
  it('counts once: the most severe finding stands, the other is kept and marked as its duplicate', async () => {
    const result = await scanWith(project({ 'server.js': EVAL_ROUTE }), JS_PACKS);
    const atEval = result.findings.filter((f) => f.file === 'server.js' && f.line === 3);
    const owasp = atEval.find((f) => f.ruleId === 'OWASP-A03-001')!;
    const jsEval = atEval.find((f) => f.ruleId === 'JS-EVAL-001')!;
    expect(owasp.severity).toBe('critical');
    expect(owasp.suppressed).toBeUndefined();
    expect(jsEval.suppressed).toEqual({ kind: 'duplicate', reason: 'the same code and weakness as OWASP-A03-001 (CWE-95)' });
    expect(jsEval.duplicateOf).toBe(owasp.fingerprint);
    expect(atEval.filter((f) => !f.suppressed)).toEqual([owasp]);
    // The duplicate's standard clause now travels with the finding that stands.
    expect(owasp.clauses).toContainEqual({ standard: jsEval.standard, clause: jsEval.clause, packId: 'javascript-typescript-security' });
    // Counted apart: not among the suppressed.
    expect(result.metrics).toMatchObject({ duplicates: 1, suppressed: 0, suppressedByKind: {} });
    expect(result.metrics.findings).toBe(result.findings.filter((f) => !f.suppressed).length);
    expect(evaluateGate(result, ['high']).summary).toMatch(/, 1 duplicate merged; fails on/);
  });

  it('with one pack only, its finding stands alone', async () => {
    const result = await scanWith(project({ 'server.js': EVAL_ROUTE }), ['javascript-typescript-security']);
    const jsEval = result.findings.find((f) => f.ruleId === 'JS-EVAL-001')!;
    expect(jsEval.suppressed).toBeUndefined();
    expect(result.metrics.duplicates).toBe(0);
  });

  it('different weaknesses at the same place are both reported', async () => {
    const workflow = 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n';
    const result = await scanWith(project({ '.github/workflows/ci.yml': workflow }), ['supply-chain-security']);
    const atCheckout = result.findings.filter((f) => f.line === 6).map((f) => [f.ruleId, f.suppressed?.kind]);
    expect(atCheckout).toEqual(expect.arrayContaining([['SCS-CI-003', undefined], ['SCS-CI-011', undefined]]));
  });

  it('suppressing the finding that stands suppresses the detection: the duplicate does not come back', async () => {
    const root = project({ 'server.js': EVAL_ROUTE.replace('});\n', '}); // sentrik-ignore OWASP-A03-001: the route is behind an admin-only vm sandbox\n') });
    const result = await scanWith(root, JS_PACKS);
    const atEval = result.findings.filter((f) => f.line === 3);
    expect(atEval.find((f) => f.ruleId === 'OWASP-A03-001')!.suppressed?.kind).toBe('inline');
    expect(atEval.find((f) => f.ruleId === 'JS-EVAL-001')!.suppressed?.kind).toBe('duplicate');
    expect(atEval.filter((f) => !f.suppressed)).toEqual([]);
  });

  it('a duplicate suppressed on its own keeps its suppression, and the finding that stands counts', async () => {
    const root = project({ 'server.js': EVAL_ROUTE.replace('});\n', '}); // sentrik-ignore JS-EVAL-001: reviewed\n') });
    const result = await scanWith(root, JS_PACKS);
    const atEval = result.findings.filter((f) => f.line === 3);
    expect(atEval.find((f) => f.ruleId === 'JS-EVAL-001')!.suppressed?.kind).toBe('inline');
    expect(atEval.find((f) => f.ruleId === 'OWASP-A03-001')!.suppressed).toBeUndefined();
  });

  it("an inline suppression of the finding that stands does not silence a duplicate whose pack refuses inline suppressions", async () => {
    const config = 'suppressions:\n  inline_allowed_for: [low, medium, high]\n  inline_allowed_for_packs: { secrets: [] }\n';
    const root = project({ '.sentrik/config.yaml': config, 'settings.py': 'DB_PASSWORD = "x7DBYQDxUzCUG9q2"  # sentrik-ignore OWASP-A07-001: dev database only\n' });
    const result = await scanWith(root, ['owasp-top-10', 'secrets']);
    const owasp = result.findings.find((f) => f.ruleId === 'OWASP-A07-001')!;
    const generic = result.findings.find((f) => f.ruleId === 'SEC-GEN-001')!;
    expect(owasp.suppressed?.kind).toBe('inline');
    expect(generic.duplicateOf).toBe(owasp.fingerprint);
    expect(generic.suppressed).toBeUndefined(); // it counts: the secrets pack allows no inline suppression
  });

  it('a duplicate whose own file suppression is revoked for want of an approver goes with the finding that stands', async () => {
    const root = project({
      '.sentrik/suppressions.yaml': 'suppressions:\n  - { rule_id: SEC-GEN-001, file_glob: settings.py, reason: a throwaway dev password }\n',
      'settings.py': 'DB_PASSWORD = "x7DBYQDxUzCUG9q2"\n',
    });
    const result = await scanWith(root, ['owasp-top-10', 'secrets']);
    const generic = result.findings.find((f) => f.ruleId === 'SEC-GEN-001')!;
    expect(generic.suppressed?.kind).toBe('file');
    expect(enforceSuppressionApproval(result)).toBe(1);
    expect(generic.suppressed?.kind).toBe('duplicate');
    expect(result.findings.filter((f) => f.file === 'settings.py' && !f.suppressed).map((f) => f.ruleId)).toEqual(['OWASP-A07-001']);
    expect(result.problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/no approved_by.*the same detection as OWASP-A07-001/));
  });

  it('a baseline knows the duplicates too, so switching a pack off brings nothing back as new', async () => {
    const root = project({ 'server.js': EVAL_ROUTE });
    const baseline = baselineOf(await scanWith(root, JS_PACKS));
    const later = await scanWith(root, ['javascript-typescript-security']);
    applyBaseline(later, baseline, 'baseline.json');
    expect(later.findings.find((f) => f.ruleId === 'JS-EVAL-001')!.suppressed?.kind).toBe('baseline');
    expect(later.metrics.findings).toBe(0);
  });

  it("a compliance report still fails the clause of a rule whose finding is another rule's duplicate", async () => {
    const go = 'package main\n\nimport (\n\t"fmt"\n\t"html/template"\n\t"net/http"\n)\n\nfunc Page(r *http.Request) template.HTML {\n\tid := r.URL.Query().Get("id")\n\treturn template.HTML(fmt.Sprintf("<h1>%s</h1>", id))\n}\n';
    const root = project({ 'page.go': go });
    const result = await scanWith(root, ['owasp-top-10', 'go-security']);
    const owasp = result.findings.find((f) => f.ruleId === 'OWASP-A03-004')!;
    expect(owasp.suppressed?.kind).toBe('duplicate');
    const standing = result.findings.find((f) => f.fingerprint === owasp.duplicateOf)!;
    expect(standing.clauses).toContainEqual({ standard: owasp.standard, clause: owasp.clause, packId: 'owasp-top-10' });
    const packs = loadAllPacks(root);
    const report = buildComplianceReport(result, packs.find((p) => p.id === 'owasp-top-10')!, packs);
    const a03 = report.clauses.find((c) => c.clause === owasp.clause)!;
    expect(a03.status).toBe('fail');
    expect(a03.findings.map((f) => f.ruleId)).toContain('OWASP-A03-004');
    expect(a03.suppressed).toEqual([]);
  });

  it('a compliance report counts a duplicate as suppressed when the finding that stands is', async () => {
    const root = project({ 'server.js': EVAL_ROUTE.replace('});\n', '}); // sentrik-ignore OWASP-A03-001: the route is behind an admin-only vm sandbox\n') });
    const result = await scanWith(root, JS_PACKS);
    const packs = loadAllPacks(root);
    const jsEval = result.findings.find((f) => f.ruleId === 'JS-EVAL-001')!;
    const report = buildComplianceReport(result, packs.find((p) => p.id === 'javascript-typescript-security')!, packs);
    const clause = report.clauses.find((c) => c.clause === jsEval.clause)!;
    expect(clause.findings).toEqual([]);
    expect(clause.suppressed.map((f) => [f.ruleId, f.kind])).toEqual([['JS-EVAL-001', 'inline']]);
  });
});

describe('markDuplicates', () => {
  const finding = (over: Partial<Finding>): Finding => ({
    ruleId: 'R',
    packId: 'p',
    title: 't',
    severity: 'high',
    message: 'm',
    file: 'a.js',
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 10,
    cwe: ['CWE-79'],
    fingerprint: over.ruleId ?? 'R',
    confidence: 'high',
    kind: 'regex',
    ...over,
  });

  it('prefers a finding that can fail the gate, then severity, then confidence, then the rule id', () => {
    const run = (list: Finding[], nonGating: string[] = []) => {
      markDuplicates(list, new Set(nonGating));
      return list.filter((f) => !f.suppressed).map((f) => f.ruleId);
    };
    expect(run([finding({ ruleId: 'A', severity: 'critical' }), finding({ ruleId: 'B' })], ['A'])).toEqual(['B']);
    expect(run([finding({ ruleId: 'A' }), finding({ ruleId: 'B', severity: 'critical' })])).toEqual(['B']);
    expect(run([finding({ ruleId: 'A', confidence: 'low' }), finding({ ruleId: 'B' })])).toEqual(['B']);
    expect(run([finding({ ruleId: 'B' }), finding({ ruleId: 'A' })])).toEqual(['A']);
  });

  it('of two equal secret readings, the one that recognised its provider\'s prefix stands', () => {
    // A Stripe key `sk_live_` + 40 characters next to an AKIA key id: a shape-only AWS detector once read the 40.
    const stripe = () => finding({ ruleId: 'SEC-STRIPE-001', severity: 'critical', kind: 'secret', cwe: ['CWE-798'], column: 12, endColumn: 60, prefixed: true });
    const awsShape = () => finding({ ruleId: 'SEC-AWS-003', severity: 'critical', kind: 'secret', cwe: ['CWE-798'], column: 20, endColumn: 60 });
    for (const list of [[stripe(), awsShape()], [awsShape(), stripe()]]) {
      markDuplicates(list, new Set());
      expect(list.filter((f) => !f.suppressed).map((f) => f.ruleId)).toEqual(['SEC-STRIPE-001']);
      expect(list.find((f) => f.ruleId === 'SEC-AWS-003')!.suppressed?.reason).toMatch(/as SEC-STRIPE-001/);
    }
    // Severity and confidence still come first: a prefix never lets a weaker reading hide a stronger one.
    const weaker = [finding({ ruleId: 'A', severity: 'low', prefixed: true }), finding({ ruleId: 'B' })];
    markDuplicates(weaker, new Set());
    expect(weaker.filter((f) => !f.suppressed).map((f) => f.ruleId)).toEqual(['B']);
  });

  it('leaves alone: other columns of the line, other CWEs, the same rule twice, whole-file findings', () => {
    const list = [
      finding({ ruleId: 'A' }),
      finding({ ruleId: 'B', column: 10, endColumn: 20 }), // starts where A ends
      finding({ ruleId: 'C', cwe: ['CWE-89'] }),
      finding({ ruleId: 'A', fingerprint: 'A2', endColumn: 5 }),
      finding({ ruleId: 'D', line: undefined, column: undefined, endLine: undefined, endColumn: undefined }),
      finding({ ruleId: 'E', line: undefined, column: undefined, endLine: undefined, endColumn: undefined }),
    ];
    expect(markDuplicates(list, new Set())).toBe(0);
  });

  it('a finding without an end is its start alone; one that runs onto later lines covers the rest of its first', () => {
    // e.g. a CI secret check that reports where the value starts: a second token later on the line is another secret
    const noEnd = () => [finding({ ruleId: 'A', column: 17, endLine: undefined, endColumn: undefined }), finding({ ruleId: 'B', column: 17, endColumn: 57 }), finding({ ruleId: 'C', column: 74, endColumn: 110 })];
    const list = noEnd();
    expect(markDuplicates(list, new Set())).toBe(1);
    expect(list.map((f) => f.suppressed?.kind)).toEqual([undefined, 'duplicate', undefined]);
    const multiLine = [finding({ ruleId: 'A', column: 5, endLine: 3, endColumn: 2 }), finding({ ruleId: 'B', column: 40, endColumn: 50 })];
    expect(markDuplicates(multiLine, new Set())).toBe(1);
  });

  it('leaves a line with hundreds of findings as it is (pairing them all would be quadratic)', () => {
    const many = Array.from({ length: 201 }, (_, i) => finding({ ruleId: `R${i % 2}`, fingerprint: `F${i}` }));
    expect(markDuplicates(many, new Set())).toBe(0);
    const few = many.slice(0, 200);
    expect(markDuplicates(few, new Set())).toBe(100);
  });

  it('does not depend on the order findings come in', () => {
    const make = () => [finding({ ruleId: 'B' }), finding({ ruleId: 'A', severity: 'critical' }), finding({ ruleId: 'C', severity: 'low' })];
    const forward = make();
    const backward = make().reverse();
    markDuplicates(forward, new Set());
    markDuplicates(backward, new Set());
    const standing = (l: Finding[]) => l.filter((f) => !f.suppressed).map((f) => f.ruleId);
    expect(standing(forward)).toEqual(['A']);
    expect(standing(backward)).toEqual(['A']);
  });
});
