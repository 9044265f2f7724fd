// Compliance reporting: compliance-report (clause table of one framework, HTML + JSON), trust-center (a
// publishable summary: statuses only), evidence-export (one zip for an auditor: reports, findings, SBOM,
// audit log, trace matrix, with a manifest of hashes).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { strToU8, zipSync } from 'fflate';
import { projectIdentity, readProject } from '../../advisories/project.js';
import { renderComplianceHtml, renderTrustHtml } from '../../compliance/html.js';
import { buildComplianceReport, clauseBasis, trustSummary, type ComplianceReport } from '../../compliance/report.js';
import type { SentrikConfig } from '../../config/schema.js';
import { headFile } from '../../governance/audit.js';
import type { ScanResult } from '../../engine/model.js';
import { licensesFor } from '../../licenses/index.js';
import { loadAllPacks, type LoadedPack } from '../../packs/load.js';
import { renderJson } from '../../reporters/json.js';
import { renderSarif } from '../../reporters/sarif.js';
import { runScan } from '../../run/scan.js';
import { cycloneDx } from '../../sbom/index.js';
import { SentrikError } from '../../util/errors.js';
import { resolveInsideRoot } from '../../util/paths.js';
import { formatOfExtension, loadEffectiveConfig, reportDir, resolveProjectDir, writeReport } from '../context.js';
import { EXIT, type CliIO } from '../io.js';
import { traceProject } from './trace.js';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

export function registerComplianceCommands(program: Command, io: CliIO, run: Run): void {
  program
    .command('compliance-report')
    .description('scan against one framework and write its clause table (pass / fail / not assessed / obligation) as HTML and JSON')
    .argument('[path]', 'project directory (default: the current directory)')
    .requiredOption('-f, --framework <pack>', 'framework pack, e.g. pci-dss, soc2, hipaa, fda-iec-62304')
    .option('-o, --output <file>', 'write one report to this file (.json, or .html/.htm); default: both into output_dir')
    .option('--format <format>', 'json or html (default: from the --output extension)')
    .option('--root <dir>', 'project root')
    .action(run((path: string | undefined, flags) => complianceReport(io, path, flags)));
  program
    .command('trust-center')
    .description('a summary safe to publish: clause statuses per framework, without paths, snippets or finding details')
    .argument('[path]', 'project directory (default: the current directory)')
    .option('-f, --framework <packs>', 'comma-separated framework packs (default: the enabled packs that name clauses, by mappings or rules)')
    .option('-o, --output <file>', 'write one file (.json, or .html/.htm); default: both into output_dir')
    .option('--format <format>', 'json or html (default: from the --output extension)')
    .option('--root <dir>', 'project root')
    .action(run((path: string | undefined, flags) => trustCenter(io, path, flags)));
  program
    .command('evidence-export')
    .description('one zip for an auditor: compliance report, findings (JSON, SARIF), SBOM, audit log and trace matrix, with a manifest of hashes')
    .argument('[path]', 'project directory (default: the current directory)')
    .requiredOption('-f, --framework <pack>', 'framework pack')
    .option('-o, --output <file>', 'zip file (default: <output_dir>/evidence-<framework>.zip)')
    .option('--root <dir>', 'project root')
    .action(run((path: string | undefined, flags) => evidenceExport(io, path, flags)));
}

interface Context {
  root: string;
  config: SentrikConfig;
  packs: LoadedPack[];
}

function context(io: CliIO, path: string | undefined, rootFlag?: string): Context {
  const root = resolveProjectDir(io, path, rootFlag);
  const { config } = loadEffectiveConfig(io, root, {});
  return { root, config, packs: loadAllPacks(root) };
}

/**
 * A framework is a pack that names clauses of its standard: through `mappings:` (soc2, iso-27001…) or its own
 * rules' `clause:` (owasp-top-10, supply-chain-security, secrets). -f takes exactly these, and lists them.
 */
function namesClauses(p: LoadedPack | undefined): boolean {
  return !!p && (p.mappings.length > 0 || p.rules.some((r) => r.def.clause));
}

function frameworkPack(ctx: Context, id: string): LoadedPack {
  const pack = ctx.packs.find((p) => p.id === id);
  if (!namesClauses(pack)) {
    const frameworks = ctx.packs.filter(namesClauses).map((p) => p.id);
    const why = pack ? `pack '${id}' names no clauses of a standard, so it is no framework` : `unknown framework '${id}'`;
    throw new SentrikError(why, undefined, undefined, `available: ${frameworks.join(', ')}`);
  }
  return pack!;
}

/** Scan the whole project with the framework pack (which brings in the rules it maps onto) and report. */
async function reportFor(ctx: Context, framework: LoadedPack): Promise<{ result: ScanResult; report: ComplianceReport }> {
  const result = await runScan({ root: ctx.root, config: ctx.config, scope: { mode: 'paths', paths: [] }, packs: [framework.id] });
  return { result, report: buildComplianceReport(result, framework, ctx.packs) };
}

const COMPLIANCE_FORMATS = ['json', 'html'] as const;

/** --format, else the --output extension's (.json, .html, .htm; any other is refused), else html. Asked before the scan. */
function formatOf(command: string, flags: { output?: string; format?: string }): 'json' | 'html' {
  const f = flags.format ?? (flags.output ? formatOfExtension(flags.output, COMPLIANCE_FORMATS, { command, formatFlag: true }) : 'html');
  if (f !== 'json' && f !== 'html') throw new SentrikError(`unknown format '${f}'`, undefined, undefined, 'use json or html');
  return f;
}

/** The report folder, made (see reportDir). */
function outputDir(io: CliIO, ctx: { root: string; config: { output_dir: string } }): string {
  return reportDir(io, ctx.root, undefined, ctx.config.output_dir);
}

async function complianceReport(io: CliIO, path: string | undefined, flags: { framework: string; output?: string; format?: string; root?: string }): Promise<number> {
  const format = formatOf('compliance-report', flags);
  const ctx = context(io, path, flags.root);
  const { report } = await reportFor(ctx, frameworkPack(ctx, flags.framework));
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const written: string[] = [];
  if (flags.output) {
    writeReport(resolve(io.cwd, flags.output), format === 'json' ? json : renderComplianceHtml(report), flags.output);
    written.push(flags.output);
  } else {
    const base = join(outputDir(io, ctx), `compliance-${report.framework.id}`);
    writeReport(`${base}.json`, json, `${base}.json`);
    writeReport(`${base}.html`, renderComplianceHtml(report), `${base}.html`);
    written.push(`${base}.json`, `${base}.html`);
  }
  const s = report.summary;
  const pass = s.passPartly ? `${s.pass} pass (${s.passPartly} on part of their checks)` : `${s.pass} pass`;
  const notAssessed = s.notApplied ? `${s.not_assessed} not assessed (${s.notApplied} with no file for their checks)` : `${s.not_assessed} not assessed`;
  io.stdout(`${report.framework.name}: ${s.clauses} clauses — ${pass}, ${s.fail} fail, ${notAssessed}, ${s.obligation} obligations (${s.obligationsMet} met); ${s.findings} findings, ${s.suppressed} suppressed\n`);
  for (const c of report.clauses.filter((c) => c.status === 'fail')) {
    const rules = [...new Set(c.findings.map((f) => f.ruleId))].join(', ');
    io.stdout(`  FAIL ${c.clause.padEnd(22)} ${c.title} (${c.findings.length} finding${c.findings.length === 1 ? '' : 's'}${rules ? `: ${rules}` : ''})\n`);
  }
  // A clause that looks covered but has no evidence is what an auditor asks about first.
  for (const c of report.clauses.filter((c) => c.reason === 'not-applied')) {
    io.stdout(`  NOT ASSESSED ${c.clause.padEnd(14)} ${c.title} (${clauseBasis(c)})\n`);
  }
  io.stdout(`Written: ${written.join(', ')}\n`);
  return EXIT.OK;
}

/** A pack `standard:` that is sentrik's own guidance rather than a published standard. */
const SENTRIK_OWN_STANDARD = /^sentrik\b/i;

/**
 * One pack per published standard: php-security and kotlin-security name OWASP Top 10 2021 clauses as
 * owasp-top-10 does, and a trust page listing "OWASP Top 10 2021" three times would read as three frameworks.
 * The pack that maps its clauses, else the one covering the most languages (the standard's own pack, not a
 * language pack naming its clauses), else the one with the most rules, stands for the standard (-f picks others).
 */
function onePerStandard(packs: LoadedPack[]): string[] {
  const best = new Map<string, LoadedPack>();
  // (no `applies_to`: every language, the broadest)
  const rank = (p: LoadedPack): number => (p.mappings.length > 0 ? 1e9 : 0) + (p.appliesTo.length || 1000) * 1e5 + p.rules.length;
  for (const p of packs) {
    const key = p.standard.trim().toLowerCase();
    const held = best.get(key);
    if (!held || rank(p) > rank(held)) best.set(key, p);
  }
  const kept = new Set(best.values());
  return packs.filter((p) => kept.has(p)).map((p) => p.id);
}

async function trustCenter(io: CliIO, path: string | undefined, flags: { framework?: string; output?: string; format?: string; root?: string }): Promise<number> {
  const format = formatOf('trust-center', flags);
  const ctx = context(io, path, flags.root);
  // Published by default: those, less the packs whose standard is sentrik's own secure-coding guidance
  // (`standard: sentrik Go secure coding`…): a trust page lists published standards, not our rule sets.
  const published = (p: LoadedPack | undefined): boolean => namesClauses(p) && (p!.mappings.length > 0 || !SENTRIK_OWN_STANDARD.test(p!.standard));
  const ids = flags.framework ? flags.framework.split(',').map((s) => s.trim()).filter(Boolean) : onePerStandard(ctx.config.standards_packs.map((id) => ctx.packs.find((p) => p.id === id)).filter(published) as LoadedPack[]);
  if (!ids.length) {
    const frameworks = ctx.packs.filter(published).map((p) => p.id);
    throw new SentrikError(`no framework to summarise: no enabled pack (${ctx.config.standards_packs.join(', ') || 'none'}) names clauses of a published standard`, undefined, undefined, `pass -f with one or more of ${frameworks.join(', ')} (or enable one with \`sentrik add-pack\`)`);
  }
  const reports: ComplianceReport[] = [];
  for (const id of ids) reports.push((await reportFor(ctx, frameworkPack(ctx, id))).report);
  const summary = trustSummary(reports);
  const json = `${JSON.stringify(summary, null, 2)}\n`;
  if (flags.output) {
    writeReport(resolve(io.cwd, flags.output), format === 'json' ? json : renderTrustHtml(summary), flags.output);
    io.stdout(`Trust center summary (${ids.join(', ')}) written to ${flags.output}\n`);
  } else {
    const base = join(outputDir(io, ctx), 'trust-center');
    writeReport(`${base}.json`, json, `${base}.json`);
    writeReport(`${base}.html`, renderTrustHtml(summary), `${base}.html`);
    io.stdout(`Trust center summary (${ids.join(', ')}) written to ${base}.json and ${base}.html\n`);
  }
  return EXIT.OK;
}

async function evidenceExport(io: CliIO, path: string | undefined, flags: { framework: string; output?: string; root?: string }): Promise<number> {
  const ctx = context(io, path, flags.root);
  const framework = frameworkPack(ctx, flags.framework);
  const { result, report } = await reportFor(ctx, framework);
  const files: Record<string, Uint8Array> = {};
  const notes: string[] = [];
  files['compliance-report.json'] = strToU8(`${JSON.stringify(report, null, 2)}\n`);
  files['compliance-report.html'] = strToU8(renderComplianceHtml(report));
  files['findings.json'] = strToU8(renderJson(result));
  files['findings.sarif'] = strToU8(renderSarif(result));

  const project = readProject(ctx.root, ctx.config.scan_exclude);
  const packages = project.packages;
  if (packages.length) files['sbom.cdx.json'] = strToU8(cycloneDx(projectIdentity(ctx.root), packages, licensesFor(ctx.root, packages)));
  else notes.push('no lockfile found: no SBOM included');

  const audit = ctx.config.governance.audit.log_file;
  try {
    const abs = resolveInsideRoot(ctx.root, audit);
    if (existsSync(abs)) {
      files['audit/agent_audit.jsonl'] = readFileSync(abs);
      // The head record (last seq and MAC) is what lets a verifier tell a log cut short from a whole one.
      if (existsSync(headFile(abs))) files['audit/agent_audit.jsonl.head'] = readFileSync(headFile(abs));
      else notes.push(`no head record beside the audit log (${headFile(audit)}): a truncated log cannot be detected`);
    } else notes.push(`no audit log at ${audit}`);
  } catch {
    notes.push(`audit log ${audit} lies outside the project: not included`);
  }

  const trace = traceProject(ctx.root, ctx.config);
  if (trace) files['trace-matrix.json'] = strToU8(`${JSON.stringify(trace, null, 2)}\n`);
  else notes.push('no requirements.yaml: no trace matrix included');

  const manifest = {
    schema: 'sentrik.evidence/1',
    framework: report.framework,
    tool: report.tool,
    generatedAt: report.generatedAt,
    packs: report.packs,
    summary: report.summary,
    files: Object.fromEntries(Object.entries(files).map(([name, data]) => [name, { sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length }])),
    notes,
  };
  files['manifest.json'] = strToU8(`${JSON.stringify(manifest, null, 2)}\n`);
  // A fixed timestamp inside the archive keeps identical evidence byte-identical.
  const zip = zipSync(Object.fromEntries(Object.entries(files).map(([n, d]) => [n, [d, { mtime: new Date('2000-01-01T00:00:00Z') }]])), { level: 6 });
  const out = flags.output ? resolve(io.cwd, flags.output) : join(outputDir(io, ctx), `evidence-${framework.id}.zip`);
  writeReport(out, zip, flags.output ?? out);
  io.stdout(`Evidence for ${framework.name} (${Object.keys(files).length} files) written to ${flags.output ?? out}\n`);
  for (const n of notes) io.stderr(`sentrik: note: ${n}\n`);
  return EXIT.OK;
}
