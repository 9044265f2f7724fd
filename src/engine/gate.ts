// The gate decision: which findings block, and the one summary line users read first.
// `fail_on` lists severities; a finding blocks when it is at or above the least severe one listed, so
// `fail_on: [high]` also blocks critical findings (a gate must never pass a worse finding than it blocks).
import { SEVERITIES, SEVERITY_RANK, type GateResult, type ScanResult, type Severity } from './model.js';

export function blockingSeverities(failOn: Severity[]): Severity[] {
  if (!failOn.length) return [];
  const floor = Math.min(...failOn.map((s) => SEVERITY_RANK[s]));
  return SEVERITIES.filter((s) => SEVERITY_RANK[s] >= floor);
}

export function evaluateGate(result: ScanResult, failOn: Severity[]): GateResult {
  const blocks = new Set(blockingSeverities(failOn));
  const nonGating = new Set(result.rules.filter((r) => r.gate === false).map((r) => r.id));
  const blocking = result.findings.filter((f) => !f.suppressed && blocks.has(f.severity) && !nonGating.has(f.ruleId));
  const passed = blocking.length === 0;
  const counts = SEVERITIES.map((s) => [s, blocking.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  const threshold = [...blocks].join('/') || 'nothing';
  // Suppressed findings are counted, the ones a baseline hid separately (they are known, not accepted), and
  // duplicates apart again (they are reported, once).
  const hidden = result.metrics.suppressedByKind?.baseline ?? 0;
  const duplicates = result.metrics.duplicates ?? 0;
  const accepted = result.metrics.suppressed - hidden;
  const suppressed = `${accepted ? `, ${accepted} suppressed` : ''}${hidden ? `, ${hidden} hidden by the baseline` : ''}${duplicates ? `, ${duplicates} ${duplicates === 1 ? 'duplicate' : 'duplicates'} merged` : ''}`;
  // Findings at a blocking severity from rules that never gate (`gate: false`) are neither "below the
  // threshold" nor absent: said apart.
  const notGating = result.findings.filter((f) => !f.suppressed && blocks.has(f.severity) && nonGating.has(f.ruleId)).length;
  const below = `${result.metrics.findings - notGating} below the threshold`;
  const summary = passed
    ? notGating
      ? `no gating ${threshold} findings in ${result.metrics.filesScanned} files (${notGating} from rules that do not gate, ${below}${suppressed})`
      : `no ${threshold} findings in ${result.metrics.filesScanned} files (${below}${suppressed})`
    : `${blocking.length} blocking finding${blocking.length === 1 ? '' : 's'} (${counts.join(', ')}) in ${new Set(blocking.map((f) => f.file)).size} file(s)${suppressed}; fails on ${threshold}`;
  return { passed, failOn, blocking, summary };
}
