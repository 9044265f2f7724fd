// Structured output shared by the tools: findings as an agent needs them (secrets already masked by the
// engine), gate verdicts, and the conversion from the engine's model.
import { z } from 'zod';
import { evaluateGate } from '../engine/gate.js';
import { SEVERITIES, type Finding, type GateResult, type ScanResult, type Severity } from '../engine/model.js';
import { compareBySeverity, countBySeverity } from '../reporters/common.js';

export const severity = z.enum(SEVERITIES);

export const findingSchema = z.object({
  ruleId: z.string(),
  packId: z.string(),
  title: z.string(),
  severity,
  message: z.string(),
  file: z.string().describe('path relative to the workspace root; "." for repository-level findings'),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  endLine: z.number().int().optional(),
  snippet: z.string().optional().describe('the offending code, secrets masked'),
  standard: z.string().optional(),
  clause: z.string().optional(),
  cwe: z.array(z.string()),
  remediation: z.string().optional().describe('how to fix it'),
  confidence: z.enum(['high', 'medium', 'low']),
  fingerprint: z.string(),
  blocking: z.boolean().describe('true when this finding fails the gate (severity in gate.fail_on, not suppressed)'),
  suppressed: z.object({ kind: z.string(), reason: z.string() }).optional(),
});
export type FindingOut = z.output<typeof findingSchema>;

export const countsSchema = z.object(Object.fromEntries(SEVERITIES.map((s) => [s, z.number().int()])) as Record<Severity, z.ZodNumber>);

export const gateSchema = z.object({
  passed: z.boolean(),
  failOn: z.array(severity),
  blocking: z.number().int(),
  summary: z.string(),
});

/** At most this many findings per answer: agents work through them worst first. */
export const MAX_FINDINGS_OUT = 200;

export const scanOutputSchema = z.object({
  path: z.string().describe('the file scanned, relative to the workspace root'),
  findings: z.array(findingSchema).describe(`worst first; at most ${MAX_FINDINGS_OUT}`),
  truncated: z.boolean().describe('true when more findings exist than are listed'),
  counts: countsSchema.describe('unsuppressed findings by severity'),
  suppressed: z.number().int(),
  duplicates: z.number().int().describe('findings not counted: another finding stands for the same detection'),
  gate: gateSchema.describe('passed is false when the file was not scanned (see skipped): no verdict is not a pass'),
  problems: z.array(z.object({ code: z.string(), message: z.string(), line: z.number().int().optional() })),
  skipped: z.string().optional().describe('why the file was not scanned (binary, too-large, …), if it was not'),
  packs: z.array(z.string()),
  rulesEvaluated: z.number().int(),
  durationMs: z.number(),
});
export type ScanOutput = z.output<typeof scanOutputSchema>;

export function toFindingOut(f: Finding, blocking: Set<Finding>): FindingOut {
  return {
    ruleId: f.ruleId,
    packId: f.packId,
    title: f.title,
    severity: f.severity,
    message: f.message,
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    snippet: f.snippet,
    standard: f.standard,
    clause: f.clause,
    cwe: f.cwe,
    remediation: f.remediation,
    confidence: f.confidence,
    fingerprint: f.fingerprint,
    blocking: blocking.has(f),
    suppressed: f.suppressed && { kind: f.suppressed.kind, reason: f.suppressed.reason },
  };
}

/** Why a file was left out, as an agent can act on it. */
const NOT_SCANNED_BECAUSE: Record<string, string> = {
  'too-large': 'it is larger than max_file_size',
  excluded: 'scan_exclude or .sentrikignore leaves it out',
  gitignored: '.gitignore leaves it out',
  binary: 'it is a binary file',
};

/** Why `path` was not scanned by this run, or undefined when it was. */
export function notScanned(result: ScanResult, path: string): string | undefined {
  return result.skipped.find((s) => s.file === path)?.reason;
}

/**
 * The verdict on one file, from the run's `gate`; `reason`: why the file was not scanned (see notScanned). A file
 * that was not scanned has none, so it never passes; what rules that judge files whole found on it (a keystore's
 * password, a committed .env) still counts and is said first.
 */
export function fileGate(path: string, gate: GateResult, reason: string | undefined): z.output<typeof gateSchema> {
  const evaluated = { passed: gate.passed, failOn: gate.failOn, blocking: gate.blocking.length, summary: gate.summary };
  if (!reason) return evaluated;
  const why = NOT_SCANNED_BECAUSE[reason];
  const notRead = `${path} was not scanned (${reason}${why ? `: ${why}` : ''})`;
  return { ...evaluated, passed: false, summary: gate.blocking.length ? `${gate.summary}; the rest of ${notRead}` : `${notRead}, so there is no verdict on it` };
}

export function toScanOutput(path: string, result: ScanResult, failOn: Severity[]): ScanOutput {
  const gate = evaluateGate(result, failOn);
  const blocking = new Set(gate.blocking);
  const sorted = [...result.findings].sort(compareBySeverity);
  const active = result.findings.filter((f) => !f.suppressed);
  const skipped = notScanned(result, path);
  return {
    path,
    findings: sorted.slice(0, MAX_FINDINGS_OUT).map((f) => toFindingOut(f, blocking)),
    truncated: sorted.length > MAX_FINDINGS_OUT,
    counts: countBySeverity(active),
    suppressed: result.metrics.suppressed,
    duplicates: result.metrics.duplicates ?? 0,
    gate: fileGate(path, gate, skipped),
    problems: result.problems.map((p) => ({ code: p.code, message: p.message, line: p.line })),
    skipped,
    packs: result.metrics.packs,
    rulesEvaluated: result.metrics.rulesEvaluated,
    durationMs: result.metrics.durationMs,
  };
}

/** One line per finding: what an agent reads when it ignores structuredContent. */
export function scanText(out: ScanOutput): string {
  const active = out.findings.filter((f) => !f.suppressed);
  if (out.skipped && active.length === 0) return out.gate.summary;
  const head = active.length === 0 ? `${out.path}: no findings (${out.rulesEvaluated} rules from ${out.packs.join(', ')})` : `${out.path}: ${out.gate.summary}`;
  const lines = active.map((f) => `${f.severity.toUpperCase()} ${f.ruleId} ${f.file}${f.line ? `:${f.line}` : ''} — ${f.message}${f.remediation ? ` Fix: ${f.remediation.trim()}` : ''}`);
  return [head, ...lines, ...(out.truncated ? ['… more findings not listed'] : [])].join('\n');
}
