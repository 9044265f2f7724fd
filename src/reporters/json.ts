// findings.json: the whole scan result (and the gate verdict), with a stable key and item order so two
// runs over the same tree produce the same bytes (apart from timings) and diffs stay readable.
import type { DependencyCoverage, Finding, GateResult, ScanMetrics, ScanResult } from '../engine/model.js';
import { SEVERITIES, compareByLocation, compareStrings, countBySeverity, activeFindings, sortKeys } from './common.js';

/** Bumped when a field is renamed or removed (adding fields is not a breaking change). */
export const JSON_REPORT_VERSION = 1;

const FINDING_KEYS = [
  'ruleId', 'packId', 'title', 'severity', 'originalSeverity', 'rescoreReason', 'message',
  'file', 'line', 'column', 'endLine', 'endColumn', 'snippet',
  'standard', 'clause', 'clauses', 'cwe', 'remediation', 'confidence', 'kind', 'fingerprint', 'suppressed', 'duplicateOf',
];
const RULE_KEYS = ['id', 'packId', 'title', 'severity', 'kind', 'message', 'remediation', 'standard', 'clause', 'cwe', 'helpUri'];
const METRICS_KEYS = [
  'startedAt', 'durationMs', 'phasesMs', 'perPackMs', 'filesScanned', 'bytesScanned', 'filesSkipped', 'skippedByReason',
  'cacheHits', 'cacheMisses', 'packs', 'rulesEvaluated', 'rulesApplied', 'rulesNotApplied', 'findings', 'suppressed', 'duplicates', 'suppressedByKind', 'bySeverity',
  'byRule', 'byPack', 'jobs', 'scope',
];

export function renderJson(result: ScanResult, gate?: GateResult): string {
  const findings = [...result.findings].sort(compareByLocation);
  const active = activeFindings(result);
  const report = {
    format: 'sentrik-findings',
    formatVersion: JSON_REPORT_VERSION,
    tool: { name: result.tool.name, version: result.tool.version },
    root: result.root,
    summary: {
      findings: active.length,
      suppressed: result.metrics.suppressed,
      duplicates: result.metrics.duplicates ?? 0,
      bySeverity: countBySeverity(active),
      problems: result.problems.length,
      filesScanned: result.metrics.filesScanned,
      filesSkipped: result.metrics.filesSkipped,
    },
    // vulns only: packages checked and declared dependencies not checked, counted apart.
    dependencies: result.dependencies && orderDependencies(result.dependencies),
    gate: gate && {
      passed: gate.passed,
      failOn: gate.failOn,
      summary: gate.summary,
      // Fingerprints point into `findings`; the findings themselves are not repeated.
      blocking: gate.blocking.map((f) => f.fingerprint),
    },
    findings: findings.map(orderFinding),
    problems: [...result.problems]
      .sort((a, b) => compareStrings(a.file ?? '', b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || compareStrings(a.code, b.code))
      .map((p) => ordered(p, ['code', 'file', 'line', 'ruleId', 'message'])),
    skipped: [...result.skipped]
      .sort((a, b) => compareStrings(a.file, b.file))
      .map((s) => ordered(s, ['file', 'reason'])),
    metrics: orderMetrics(result.metrics),
    rules: [...result.rules].sort((a, b) => compareStrings(a.id, b.id)).map((r) => ordered(r, RULE_KEYS)),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function orderFinding(f: Finding): Record<string, unknown> {
  const out = ordered(f, FINDING_KEYS);
  if (f.suppressed) out.suppressed = ordered(f.suppressed, ['kind', 'reason', 'approvedBy', 'expires', 'source']);
  if (f.clauses) out.clauses = f.clauses.map((c) => ordered(c, ['standard', 'clause', 'packId']));
  return out;
}

function orderDependencies(d: DependencyCoverage): Record<string, unknown> {
  const out = ordered(d, ['lockfiles', 'packages', 'checked', 'withoutAdvisories', 'unchecked', 'notChecked', 'advisories']);
  out.notChecked = d.notChecked.map((u) => ordered(u, ['file', 'line', 'ecosystem', 'reason', 'count', 'names', 'message']));
  out.advisories = ordered(d.advisories, ['source', 'location', 'status']);
  return out;
}

export function orderMetrics(m: ScanMetrics): Record<string, unknown> {
  const out = ordered(m, METRICS_KEYS);
  out.phasesMs = sortKeys(m.phasesMs);
  if (m.perPackMs) out.perPackMs = sortKeys(m.perPackMs);
  out.skippedByReason = sortKeys(m.skippedByReason);
  out.bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, m.bySeverity[s] ?? 0]));
  out.byRule = sortKeys(m.byRule);
  out.byPack = sortKeys(m.byPack);
  out.scope = ordered(m.scope, ['mode', 'paths', 'range', 'diffFile', 'changedLinesOnly']);
  return out;
}

/**
 * A copy of `obj` with `keys` first in the given order, then any other keys alphabetically (so a field
 * added to the model later still appears, deterministically). Undefined values are dropped.
 */
export function ordered(obj: object, keys: readonly string[]): Record<string, unknown> {
  const source = obj as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const rest = Object.keys(source).filter((k) => !keys.includes(k)).sort(compareStrings);
  for (const key of [...keys, ...rest]) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
