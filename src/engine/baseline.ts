// Baselines: the fingerprints of findings known at some point (a file written by `sentrik baseline create` or
// `sentrik secrets --update-baseline`, or a scan of an earlier commit). Applied to a result, they hide the
// known findings (suppressed, kind `baseline`) so only new ones count. Fingerprints survive line shifts, so
// unrelated edits do not bring old findings back. One format for every command: src/secrets/baseline.ts.
import { baselineIndex, createBaseline, type Baseline } from '../secrets/baseline.js';
import { countFindings } from './findings.js';
import type { ScanResult } from './model.js';

export { createBaseline, loadBaseline, serializeBaseline, type Baseline } from '../secrets/baseline.js';

/**
 * A baseline of the result's current, unsuppressed findings (meta findings about suppressions left out), with
 * the duplicates of those: if the rule of the finding that counts is switched off later, its duplicate, which
 * then counts, is known too.
 */
export function baselineOf(result: ScanResult, now?: Date): Baseline {
  const known = result.findings.filter((f) => (!f.suppressed || f.suppressed.kind === 'duplicate') && f.kind !== 'meta');
  return createBaseline(known.map((f) => ({ ruleId: f.ruleId, path: f.file, fingerprint: f.fingerprint })), now);
}

/** Hide the findings the baseline knows (`source` says where it came from), then refresh the counts. */
export function applyBaseline(result: ScanResult, baseline: Baseline | Set<string>, source: string): number {
  const index = baseline instanceof Set ? baseline : baselineIndex(baseline);
  const reasons = baseline instanceof Set ? new Map<string, string | undefined>() : new Map(baseline.entries.map((e) => [e.fingerprint, e.reason]));
  let hidden = 0;
  for (const f of result.findings) {
    if (f.suppressed || !index.has(f.fingerprint)) continue;
    f.suppressed = { kind: 'baseline', reason: reasons.get(f.fingerprint) ?? `known in the baseline (${source})`, source };
    hidden++;
  }
  result.metrics.baseline = { source, entries: index.size, hidden };
  recount(result);
  return hidden;
}

/** Findings may have been added or suppressed after the scan (history, baseline, policies): refresh the counts. */
export function recount(result: ScanResult): void {
  Object.assign(result.metrics, countFindings(result.findings));
}
