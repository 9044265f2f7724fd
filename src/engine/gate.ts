// The gate decision: which findings block, and the one summary line users read first.
import { SEVERITIES, type GateResult, type ScanResult, type Severity } from './model.js';

export function evaluateGate(result: ScanResult, failOn: Severity[]): GateResult {
  const nonGating = new Set(result.rules.filter((r) => r.gate === false).map((r) => r.id));
  const blocking = result.findings.filter((f) => !f.suppressed && failOn.includes(f.severity) && !nonGating.has(f.ruleId));
  const passed = blocking.length === 0;
  const counts = SEVERITIES.filter((s) => failOn.includes(s))
    .map((s) => [s, blocking.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  const suppressed = result.metrics.suppressed ? `, ${result.metrics.suppressed} suppressed` : '';
  const summary = passed
    ? `Gate PASSED: no ${failOn.join('/')} findings in ${result.metrics.filesScanned} files (${result.metrics.findings} findings below the threshold${suppressed})`
    : `Gate FAILED: ${blocking.length} blocking finding${blocking.length === 1 ? '' : 's'} (${counts.join(', ')}) in ${new Set(blocking.map((f) => f.file)).size} file(s)${suppressed}; fail_on: ${failOn.join(', ')}`;
  return { passed, failOn, blocking, summary };
}
