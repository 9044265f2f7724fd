// Human-review triggers: which parts of a gate run need a person's sign-off before merge, and why.
// Each item has a stable id (what an approval is bound to); the run id is derived from the items and commit.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import type { SentrikConfig } from '../config/schema.js';
import { isDuplicate, SEVERITY_RANK, type Finding, type ScanResult, type Severity } from '../engine/model.js';
import { splitLines } from '../fixes/apply.js';
import { parsePatch, type ParsedPatch } from '../fixes/patch.js';
import { SentrikError } from '../util/errors.js';
import { insideRootOrUndefined } from '../util/paths.js';
import { sha256 } from './context.js';

export type ReviewTrigger = 'on_critical_finding' | 'on_auto_patch_above' | 'on_requirement_change' | 'on_suppression_added';

export interface ReviewItem {
  /** `finding:<fingerprint>`, `requirement:<path>@<content hash>`, `suppression:<fingerprint>`, `patch:<hash>`. */
  id: string;
  trigger: ReviewTrigger;
  reason: string;
}

export interface Review {
  required: boolean;
  /** Identifies this set of items at this commit: `sentrik approve <runId>`. */
  runId: string;
  commit?: string;
  items: ReviewItem[];
  /** Distinct human-readable reasons (for summaries). */
  reasons: string[];
}

/** A fix proposed above the auto-patch threshold and later applied (`sentrik fix --patch`): recorded in applied.json. */
export interface AppliedPatch {
  patch: string;
  hash: string;
  fixes: { ruleId: string; severity: Severity; file: string; line: number }[];
  at: string;
  /** The patched file (from the root) and the sha256 of its content right after the patch (records since 0.x). */
  file?: string;
  contentHash?: string;
  /** The lines the patch changed, as they read after it: the change is in the tree while one of them is. */
  changes?: { line: number; after: string }[];
  /** HEAD and branch when it was applied (for the audit reader; presence is decided by the content). */
  commit?: string;
  branch?: string;
}

/**
 * Whether an applied patch's change is still in the working tree: the file has exactly the content it had
 * after the patch, or still has one of the lines the patch wrote within NEAR_LINES of where it wrote it (an
 * unrelated edit elsewhere in the file does not hide the patch from review). A reverted patch (`git checkout .`), a deleted file, or another
 * branch without the change: not present, so it no longer asks for review. An old record without
 * `changes` is read from its patch file; when that is gone too, it counts (fail closed).
 */
export function patchPresent(root: string, p: AppliedPatch): boolean {
  let changes = p.changes;
  let file = p.file;
  const inside = (rel: string): string | undefined => insideRootOrUndefined(root, rel);
  if (!changes || !file) {
    const patchFile = inside(p.patch);
    const parsed = patchFile && existsSync(patchFile) ? parsePatch(readFileSync(patchFile, 'utf8')) : undefined;
    if (!parsed || 'error' in parsed) return true;
    file = parsed.path;
    changes = changedLines(parsed);
  }
  const target = inside(file);
  if (!target) return true; // a record naming a path outside the root is not trusted to clear a review
  let text: Buffer;
  try {
    text = readFileSync(target);
  } catch {
    return false;
  }
  if (p.contentHash && sha256(text) === p.contentHash) return true;
  // Near where the patch wrote it (edits above may shift it), whatever its indentation: the same line in
  // another job of the file is not this change, and re-indenting the file does not revert it.
  const lines = splitLines(text.toString('utf8')).map((l) => l.body.trim());
  return changes.some((c) => {
    const want = c.after.trim();
    if (!want) return false;
    for (let i = Math.max(0, c.line - 1 - NEAR_LINES); i < Math.min(lines.length, c.line + NEAR_LINES); i++) if (lines[i] === want) return true;
    return false;
  });
}

/** How far (lines) a patched line may have moved and still be the patch's. */
const NEAR_LINES = 20;

/** The lines a parsed patch changes, as they read after it. */
export function changedLines(patch: ParsedPatch): { line: number; after: string }[] {
  return patch.hunks.flatMap((h) => h.new.flatMap((after, k) => (after === h.old[k] ? [] : [{ line: h.start + k, after }])));
}

const DIFF_SCOPES = new Set(['staged', 'git-range', 'diff']);

export function computeReview(result: ScanResult, config: SentrikConfig, ctx: { commit?: string; applied: AppliedPatch[] }): Review {
  const hr = config.governance.human_review_required;
  const items: ReviewItem[] = [];
  const active = result.findings.filter((f) => !f.suppressed);
  const where = (f: Finding): string => `${f.file}${f.line ? `:${f.line}` : ''}`;

  if (hr.on_critical_finding) {
    for (const f of active.filter((x) => x.severity === 'critical')) items.push({ id: `finding:${f.fingerprint}`, trigger: 'on_critical_finding', reason: `critical finding ${f.ruleId} at ${where(f)}` });
  }
  const limit = SEVERITY_RANK[hr.on_auto_patch_above];
  for (const p of ctx.applied) {
    const above = p.fixes.filter((x) => SEVERITY_RANK[x.severity] > limit);
    if (above.length) items.push({ id: `patch:${p.hash}`, trigger: 'on_auto_patch_above', reason: `auto-patch above ${hr.on_auto_patch_above} applied (${above.map((x) => `${x.ruleId} ${x.severity} in ${x.file}:${x.line}`).join(', ')})` });
  }
  // What a change added can only be told on a change: --staged, --git-range or --diff.
  const scope = result.metrics.scope;
  if (DIFF_SCOPES.has(scope.mode)) {
    if (hr.on_requirement_change && hr.requirement_files.length) {
      const isReq = picomatch(hr.requirement_files, { dot: true });
      for (const path of scope.paths.filter((p) => isReq(p))) {
        items.push({ id: `requirement:${path}@${contentHash(result.root, path)}`, trigger: 'on_requirement_change', reason: `requirement/spec file changed: ${path}` });
      }
    }
    if (hr.on_suppression_added) {
      for (const f of result.findings.filter((x) => x.suppressed && !isDuplicate(x))) {
        items.push({ id: `suppression:${f.fingerprint}`, trigger: 'on_suppression_added', reason: `suppression added for ${f.ruleId} at ${where(f)} (${f.suppressed!.kind}: ${f.suppressed!.reason || 'no reason'})` });
      }
      const supFile = '.sentrik/suppressions.yaml';
      if (scope.paths.includes(supFile)) items.push({ id: `suppression-file:${contentHash(result.root, supFile)}`, trigger: 'on_suppression_added', reason: `${supFile} changed` });
    }
  }
  const unique = [...new Map(items.map((i) => [i.id, i])).values()];
  const runId = sha256(`${ctx.commit ?? 'no-commit'}\n${unique.map((i) => i.id).sort().join('\n')}`).slice(0, 16);
  return { required: unique.length > 0, runId, commit: ctx.commit, items: unique, reasons: summarise(unique) };
}

/** Reasons grouped by trigger, a few named in full ("3 critical findings (OWASP-A03-001 at a.js:2, …)"). */
function summarise(items: ReviewItem[]): string[] {
  const out: string[] = [];
  const by = new Map<ReviewTrigger, ReviewItem[]>();
  for (const i of items) by.set(i.trigger, [...(by.get(i.trigger) ?? []), i]);
  for (const [, list] of by) {
    const shown = list.slice(0, 3).map((i) => i.reason);
    out.push(list.length > 3 ? `${shown.join('; ')}; and ${list.length - 3} more` : shown.join('; '));
  }
  return out;
}

function contentHash(root: string, rel: string): string {
  try {
    return sha256(readFileSync(join(root, rel))).slice(0, 16);
  } catch {
    return 'deleted';
  }
}

export function readAppliedPatches(file: string): AppliedPatch[] {
  if (!existsSync(file)) return [];
  // Damaged means unknown patches may be in the tree: fail closed rather than skip the trigger.
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    v = undefined;
  }
  if (!Array.isArray(v)) throw new SentrikError('the record of applied patches is damaged', file, undefined, 'restore it, or delete it after checking the working tree by hand');
  return v as AppliedPatch[];
}
