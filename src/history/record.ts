// Recording a finished scan/gate/vulns run. Called by the CLI after the reports are written; a failure to
// record is returned as a warning, never thrown, so it can never change a command's exit code.
import type { SentrikConfig } from '../config/schema.js';
import { evaluateGate } from '../engine/gate.js';
import { headBranch, headCommit } from '../governance/context.js';
import type { GateResult, ScanResult } from '../engine/model.js';
import { errorMessage } from '../util/errors.js';
import type { RunCommand, RunInput } from './model.js';
import { openHistory, projectKey } from './open.js';
import { recordedChangedLines, recordedSkipped } from './scope.js';

export interface RecordRequest {
  root: string;
  config: Pick<SentrikConfig, 'gate'> & { history?: { enabled: boolean; retention_runs: number } };
  env: Record<string, string | undefined>;
  command: RunCommand;
  result: ScanResult;
  /** The gate the command evaluated; plain scans are judged against gate.fail_on for the history. */
  gate?: GateResult;
}

export function runInputOf(r: RecordRequest): RunInput {
  const m = r.result.metrics;
  const gate = r.gate ?? evaluateGate(r.result, r.config.gate.fail_on);
  return {
    project: projectKey(r.root, r.env),
    command: r.command,
    startedAt: m.startedAt,
    durationMs: m.durationMs,
    root: r.root,
    scope: m.scope,
    toolVersion: r.result.tool.version,
    packs: m.packs,
    filesScanned: m.filesScanned,
    filesSkipped: m.filesSkipped,
    rulesEvaluated: m.rulesEvaluated,
    gate: { passed: gate.passed, failOn: gate.failOn, blocking: gate.blocking.length },
    metrics: {
      skippedByReason: m.skippedByReason,
      phasesMs: m.phasesMs,
      problems: r.result.problems.length,
      cacheHits: m.cacheHits,
      bytesScanned: m.bytesScanned,
      // What `compare` needs to tell a fixed finding from one this run never looked at.
      rules: r.result.rules.map((rule) => rule.id),
      ...recordedSkipped(r.result.skipped),
      ...(r.result.metrics.scope.changedLinesOnly ? { changedLines: recordedChangedLines(r.result.changedLines) } : {}),
    },
    git: gitHead(r.root),
  };
}

/** Record the run; returns the run id, or a warning explaining why nothing was recorded. */
export async function recordHistory(r: RecordRequest): Promise<{ runId?: number; warning?: string }> {
  const settings = r.config.history ?? { enabled: true, retention_runs: 100 };
  if (!settings.enabled || r.result.metrics.scope.mode === 'snippet') return {};
  try {
    const store = await openHistory({ root: r.root, env: r.env });
    try {
      return { runId: await store.recordRun(runInputOf(r), r.result.findings, { retainRuns: settings.retention_runs }) };
    } finally {
      await store.close();
    }
  } catch (err) {
    return { warning: `run not recorded: ${errorMessage(err)}` };
  }
}

/** Commit and branch checked out at `root` (git itself reads worktrees, packed refs and a detached HEAD). */
export function gitHead(root: string): { commit?: string; branch?: string } | undefined {
  const commit = headCommit(root);
  const branch = headBranch(root);
  return commit || branch ? { commit, branch } : undefined;
}
