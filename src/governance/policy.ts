// Profile policies applied to a finished scan.
import { recount } from '../engine/baseline.js';
import { duplicateSuppression, followsStanding } from '../engine/findings.js';
import { standingOf, type ScanResult } from '../engine/model.js';
import type { SuppressionPolicy } from '../engine/suppressions.js';

/**
 * governance.suppressions_require_approval: a file suppression without `approved_by` does not apply — the
 * finding counts again (or, if another finding stands for the same detection, goes with that one), and a
 * problem says which suppression lacks its approver. Metrics are recounted, and the suppression inventory
 * calls such an entry `unapproved` (not applied) where it would have been `active`.
 */
export function enforceSuppressionApproval(result: ScanResult, policy?: SuppressionPolicy): number {
  const standingFor = standingOf(result.findings);
  let revoked = 0;
  for (const f of result.findings) {
    const s = f.suppressed;
    if (!s || s.kind !== 'file' || s.approvedBy) continue;
    const standing = standingFor(f);
    f.suppressed = standing && followsStanding(f, standing, policy) ? duplicateSuppression(f, standing) : undefined;
    revoked++;
    const outcome = f.suppressed ? `the finding is the same detection as ${standing!.ruleId}, which stands for it` : 'the finding counts';
    result.problems.push({ file: f.file, line: f.line, ruleId: f.ruleId, code: 'suppression-unapproved', message: `suppression${s.source ? ` at ${s.source}` : ''} has no approved_by, which this profile requires; ${outcome}` });
  }
  for (const r of result.suppressions ?? []) if (r.kind === 'file' && !r.approvedBy && r.status === 'active') r.status = 'unapproved';
  if (!revoked) return 0;
  recount(result);
  return revoked;
}
