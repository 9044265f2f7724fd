// get_scan_summary: the last scan's verdict — the newer of the last scan this server ran and the
// findings.json the CLI wrote under output_dir.
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { evaluateGate } from '../../engine/gate.js';
import { SEVERITIES, SEVERITY_RANK, type Finding, type Severity } from '../../engine/model.js';
import { REPORTERS } from '../../reporters/index.js';
import { compareBySeverity, countBySeverity } from '../../reporters/common.js';
import { errorMessage } from '../../util/errors.js';
import { countsSchema, findingSchema, gateSchema, fileGate, notScanned, toFindingOut, type FindingOut } from '../schemas.js';
import { defineTool, workspacePath, type ToolContext } from '../tool.js';

const TOP = 20;
const MAX_REPORT_BYTES = 64 * 1024 * 1024;

const outputSchema = z.object({
  available: z.boolean().describe('false when no scan has run yet'),
  source: z.enum(['session', 'findings.json', 'none']).describe('"session": the last scan_file/check_code_snippet of this server; "findings.json": the last CLI scan'),
  message: z.string(),
  scannedAt: z.string().optional(),
  scope: z.object({ mode: z.string(), paths: z.array(z.string()), range: z.string().optional() }).optional(),
  filesScanned: z.number().int().optional(),
  counts: countsSchema.optional().describe('unsuppressed findings by severity'),
  suppressed: z.number().int().optional(),
  byPack: z.record(z.string(), z.number().int()).optional(),
  gate: gateSchema.optional(),
  topFindings: z.array(findingSchema).describe(`the ${TOP} worst findings`),
});
type Summary = z.output<typeof outputSchema>;

export const getScanSummary = defineTool({
  name: 'get_scan_summary',
  title: 'Summary of the last scan',
  description:
    'Summarise the most recent scan of this workspace — the last `sentrik scan`/`gate` run (its findings.json) or ' +
    'the last scan_file/check_code_snippet call, whichever is newer: counts by severity and pack, the gate verdict ' +
    `and the ${TOP} worst findings. Use it to see where the project stands before planning fixes; it does not scan.`,
  input: z.object({}).strict(),
  output: outputSchema,
  run(_args, ctx): Summary {
    const report = readReport(ctx);
    const session = ctx.lastScan;
    if (session && (!report.ok || session.finishedAt.getTime() >= report.mtime)) return fromSession(session);
    if (report.ok) return report.summary;
    return { available: false, source: 'none', message: report.message, topFindings: [] };
  },
  text(out) {
    if (!out.available) return out.message;
    const counts = out.counts && (SEVERITIES.filter((s) => out.counts![s]).map((s) => `${out.counts![s]} ${s}`).join(', ') || 'no findings');
    return [counts ? `${out.message}: ${counts}` : out.message, out.gate?.summary, ...out.topFindings.map((f) => `${f.severity.toUpperCase()} ${f.ruleId} ${f.file}${f.line ? `:${f.line}` : ''} — ${f.message}`)]
      .filter(Boolean)
      .join('\n');
  },
});

function fromSession(s: NonNullable<ToolContext['lastScan']>): Summary {
  const { result } = s;
  const gate = evaluateGate(result, s.failOn);
  const blocking = new Set(gate.blocking);
  const active = result.findings.filter((f) => !f.suppressed);
  const call = `last ${result.metrics.scope.mode === 'snippet' ? 'check_code_snippet' : 'scan_file'} call (${result.metrics.scope.paths.join(', ')})`;
  const common = {
    available: true,
    source: 'session' as const,
    scannedAt: s.finishedAt.toISOString(),
    scope: { mode: result.metrics.scope.mode, paths: result.metrics.scope.paths.slice(0, 50) },
    filesScanned: result.metrics.filesScanned,
  };
  // A file that was not scanned, with nothing found on it, has no counts to give: "no findings" would read as a pass.
  const skipped = notScanned(result, s.path);
  if (skipped && active.length === 0) return { ...common, message: `${call}: not scanned (${skipped})`, gate: fileGate(s.path, gate, skipped), topFindings: [] };
  return {
    ...common,
    message: call,
    counts: countBySeverity(active),
    suppressed: result.metrics.suppressed,
    byPack: result.metrics.byPack,
    gate: fileGate(s.path, gate, skipped),
    topFindings: [...active].sort(compareBySeverity).slice(0, TOP).map((f) => toFindingOut(f, blocking)),
  };
}

// findings.json is read defensively: it is a file in the workspace and may be stale, foreign or broken.
const reportSchema = z.object({
  format: z.literal('sentrik-findings'),
  summary: z.object({ bySeverity: z.record(z.string(), z.number()), suppressed: z.number(), filesScanned: z.number() }),
  gate: z.object({ passed: z.boolean(), failOn: z.array(z.enum(SEVERITIES)), summary: z.string(), blocking: z.array(z.string()) }).optional(),
  findings: z.array(z.looseObject({ ruleId: z.string(), severity: z.enum(SEVERITIES), file: z.string(), fingerprint: z.string(), cwe: z.array(z.string()).default([]) })),
  metrics: z.looseObject({ startedAt: z.string(), scope: z.looseObject({ mode: z.string(), paths: z.array(z.string()), range: z.string().optional() }), byPack: z.record(z.string(), z.number()).optional() }),
});

type ReportRead = { ok: true; mtime: number; summary: Summary } | { ok: false; message: string };

function readReport(ctx: ToolContext): ReportRead {
  const config = ctx.config();
  const name = REPORTERS.json.fileName;
  const shown = join(config.output_dir, name);
  let file: string;
  try {
    // A relative output_dir is repository content: confined like any other path. An absolute one came from
    // the environment or a flag of whoever runs sentrik.
    file = isAbsolute(config.output_dir) ? join(config.output_dir, name) : workspacePath(ctx, shown).abs;
  } catch (err) {
    return { ok: false, message: `no scan available: ${errorMessage(err)}` };
  }
  let mtime: number;
  let text: string;
  try {
    const st = statSync(file);
    if (st.size > MAX_REPORT_BYTES) return { ok: false, message: `${shown} is larger than ${MAX_REPORT_BYTES / 1024 / 1024} MB; not read` };
    mtime = st.mtimeMs;
    text = readFileSync(file, 'utf8');
  } catch {
    return { ok: false, message: `no scan has run yet (no ${shown}); run \`sentrik scan\`, or call scan_file` };
  }
  let parsed;
  try {
    parsed = reportSchema.safeParse(JSON.parse(text));
  } catch {
    return { ok: false, message: `${shown} is not valid JSON; run \`sentrik scan\` again` };
  }
  if (!parsed.success) return { ok: false, message: `${shown} is not a sentrik findings report (${parsed.error.issues[0]?.path.join('.') || 'top level'}); run \`sentrik scan\` again` };
  const r = parsed.data;
  // Fields a hand-edited or older report may lack get neutral values.
  const findings = r.findings.map((f) => ({ confidence: 'high', packId: '', title: f.ruleId, message: '', kind: '', ...f }) as Finding);
  const active = findings.filter((f) => !f.suppressed);
  const failOn: Severity[] = r.gate?.failOn ?? config.gate.fail_on;
  const blockingIds = r.gate ? new Set(r.gate.blocking) : undefined;
  const blocking = new Set(active.filter((f) => (blockingIds ? blockingIds.has(f.fingerprint) : failOn.includes(f.severity))));
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, r.summary.bySeverity[s] ?? 0])) as Record<Severity, number>;
  const top: FindingOut[] = [...active]
    .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity])
    .slice(0, TOP)
    .map((f) => toFindingOut(f, blocking));
  return {
    ok: true,
    mtime,
    summary: {
      available: true,
      source: 'findings.json',
      message: `last CLI ${r.gate ? 'gate' : 'scan'} (${shown})`,
      scannedAt: r.metrics.startedAt,
      scope: { mode: r.metrics.scope.mode, paths: r.metrics.scope.paths.slice(0, 50), range: r.metrics.scope.range },
      filesScanned: r.summary.filesScanned,
      counts,
      suppressed: r.summary.suppressed,
      byPack: r.metrics.byPack,
      gate: r.gate && { passed: r.gate.passed, failOn: r.gate.failOn, blocking: r.gate.blocking.length, summary: r.gate.summary },
      topFindings: top,
    },
  };
}
