// The governance step of `sentrik gate`: compute review triggers, look for an approval bound to the same
// items and commit, and fold the verdict into the gate result (summary, and with --require-approval, pass/fail).
// Writes <output_dir>/review.json so `sentrik approve <run-id>` knows what it approves.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SentrikConfig } from '../config/schema.js';
import type { GateResult, ScanResult } from '../engine/model.js';
import { makeGeneratedDir } from '../util/generated-dir.js';
import { resolveInsideRoot } from '../util/paths.js';
import { checkApprovals, readApprovals } from './approvals.js';
import { headCommit } from './context.js';
import { computeReview, patchPresent, readAppliedPatches, type Review } from './review.js';

export const REVIEW_FILE = 'review.json';
export const APPLIED_FILE = 'patches/applied.json';

export interface ReviewFile extends Review {
  approved: boolean;
  approvedBy: string[];
  missing: string[];
}

export function approvalsPath(root: string, config: SentrikConfig): string {
  return resolveInsideRoot(root, config.governance.approvals_file);
}

export function reviewGate(result: ScanResult, gate: GateResult, config: SentrikConfig, opts: { root: string; outputDir: string; requireApproval: boolean }): ReviewFile {
  const commit = headCommit(opts.root);
  // Only patches whose change is still in the tree: a reverted one, or one on another branch, asks for nothing.
  const applied = readAppliedPatches(join(opts.outputDir, APPLIED_FILE)).filter((p) => patchPresent(opts.root, p));
  const review = computeReview(result, config, { commit, applied });
  const file = approvalsPath(opts.root, config);
  const check = review.required ? checkApprovals(review.items.map((i) => i.id), readApprovals(file), commit, opts.root, file) : { approved: false, by: [], missing: [], stale: [] };
  const out: ReviewFile = { ...review, approved: check.approved, approvedBy: check.by, missing: check.missing };
  makeGeneratedDir(opts.outputDir); // first to create the report folder: it keeps itself out of git
  writeFileSync(join(opts.outputDir, REVIEW_FILE), `${JSON.stringify(out, null, 2)}\n`);

  gate.review = { required: review.required, runId: review.runId, reasons: review.reasons, approved: check.approved, approvedBy: check.by, enforced: opts.requireApproval };
  if (!review.required) return out;
  if (check.approved) {
    gate.summary += `; review approved by ${check.by.join(', ')}`;
    return out;
  }
  const why = !commit
    ? 'approvals need a git commit to bind to'
    : check.stale.length
      ? `the approval no longer applies (${check.stale[0]}, now ${commit.slice(0, 12)})`
      : `approve with \`sentrik approve ${review.runId} --by <you> --reason …\``;
  gate.summary += `; review required: ${review.reasons.join('; ')} — ${why}`;
  // Fail closed: an enforced review without a valid approval fails the gate.
  if (opts.requireApproval) gate.passed = false;
  return out;
}
