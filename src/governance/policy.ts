// Profile policies applied to a finished scan.
import { recount } from '../engine/baseline.js';
import type { ScanResult } from '../engine/model.js';

/**
 * governance.suppressions_require_approval: a file suppression without `approved_by` does not apply — the
 * finding counts again, and a problem says which suppression lacks its approver. Metrics are recounted.
 */
export function enforceSuppressionApproval(result: ScanResult): number {
  let revoked = 0;
  for (const f of result.findings) {
    const s = f.suppressed;
    if (!s || s.kind !== 'file' || s.approvedBy) continue;
    f.suppressed = undefined;
    revoked++;
    result.problems.push({ file: f.file, line: f.line, ruleId: f.ruleId, code: 'suppression-unapproved', message: `suppression${s.source ? ` at ${s.source}` : ''} has no approved_by, which this profile requires; the finding counts` });
  }
  if (!revoked) return 0;
  recount(result);
  return revoked;
}
