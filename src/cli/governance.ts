// Governance around a scan or gate run (profiles, review, audit), kept out of scan.ts so that file only
// calls two functions. The profile's policies on the scan itself are applied by runScan, for every command.
import type { LoadedConfig } from '../config/load.js';
import type { GateResult, ScanResult } from '../engine/model.js';
import { reviewGate } from '../governance/gate.js';
import { recordEvent } from '../governance/record.js';
import { loadPacksById } from '../packs/load.js';
import { errorMessage, SentrikError } from '../util/errors.js';
import { reportDir } from './context.js';
import type { CliIO } from './io.js';

/** Review triggers and approvals, folded into the gate result (review.json is written into the report folder). */
export function governGate(io: CliIO, root: string, loaded: LoadedConfig, result: ScanResult, gate: GateResult, opts: { outputDir?: string; requireApproval?: boolean }): void {
  reviewGate(result, gate, loaded.config, { root, outputDir: reportDir(io, root, opts.outputDir, loaded.config.output_dir), requireApproval: Boolean(opts.requireApproval) });
}

/** Append the run to the audit log. A gate whose decision cannot be recorded fails closed (exit 2); a scan warns. */
export function auditRun(io: CliIO, root: string, loaded: LoadedConfig, mode: 'scan' | 'gate', result: ScanResult, gate?: GateResult): void {
  const m = result.metrics;
  const outcome: Record<string, unknown> = {
    scope: m.scope.mode,
    files: m.filesScanned,
    findings: m.findings,
    suppressed: m.suppressed,
    bySeverity: m.bySeverity,
    problems: result.problems.length,
    ...(gate ? { passed: gate.passed, failOn: gate.failOn, blocking: gate.blocking.length, review: gate.review && { required: gate.review.required, runId: gate.review.runId, approved: gate.review.approved, enforced: gate.review.enforced } } : {}),
  };
  try {
    const packs = loadPacksById(m.packs, root);
    // Its notes (an unkeyed chain) are for those who ask about the log — `sentrik doctor`, `sentrik audit
    // verify` — not the first words of every new user's first scan.
    recordEvent({ root, config: loaded.config, env: io.env, configFile: loaded.file }, mode, outcome, packs);
  } catch (err) {
    if (mode === 'gate') throw err instanceof SentrikError ? new SentrikError(`audit: ${err.message} (the gate fails closed)`, err.file, err.line, err.hint) : err;
    io.stderr(`sentrik: warning: audit: ${errorMessage(err)}\n`);
  }
}
