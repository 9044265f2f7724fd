// `sentrik vulns`: known-vulnerable dependencies from lockfiles, matched against an offline OSV database
// (default) or the OSV API (--online); `--fix-preview` / `--fix` plan and apply the smallest safe upgrades;
// `sentrik vulns db import` fills the database.
import { readFileSync, writeFileSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import type { Command } from 'commander';
import { applyPlans } from '../../advisories/apply.js';
import { gitignoredNote, vulnsSummary } from '../../advisories/coverage.js';
import { defaultDbDir, readManifest } from '../../advisories/db.js';
import { planFixes, type FixPlan, type UpgradeLevel } from '../../advisories/fix.js';
import { importOsv } from '../../advisories/import.js';
import { DEFAULT_OSV_API } from '../../advisories/online.js';
import { scanVulns } from '../../advisories/scan.js';
import { recordHistory } from '../../history/record.js';
import type { VulnFinding } from '../../advisories/findings.js';
import type { Ecosystem, Package } from '../../ecosystems/types.js';
import { evaluateGate } from '../../engine/gate.js';
import { SEVERITIES, type DependencyCoverage, type ScanProblem, type Severity } from '../../engine/model.js';
import { SentrikError } from '../../util/errors.js';
import { resolveInsideRoot } from '../../util/paths.js';
import { loadConfig } from '../../config/load.js';
import { repositoryOf } from '../../engine/git.js';
import { emitReports, formatOfExtension, resolveProjectDir, writeReport } from '../context.js';
import { EXIT, type CliIO } from '../io.js';
import { addNetworkOptions, checkCaFlags, netClientFor, type NetworkFlags } from '../network.js';
import { listOption } from '../options.js';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

interface VulnsFlags extends NetworkFlags {
  offline?: boolean;
  online?: boolean;
  db?: string;
  fix?: boolean;
  fixPreview?: boolean;
  upgrade: string;
  format?: string;
  output?: string;
  failOn?: string[];
  quiet?: boolean;
}

const DB_HELP = 'advisory database folder (default: $SENTRIK_OSV_DB, else $XDG_CACHE_HOME/sentrik/osv or ~/.cache/sentrik/osv)';

export function registerVulnsCommands(program: Command, io: CliIO, run: Run): void {
  const vulns = program
    .command('vulns')
    .description('known-vulnerable dependencies from lockfiles, matched offline against OSV data (see `vulns db import`)')
    .argument('[path]', 'project directory (default: the current directory)')
    .option('--offline', 'use only the local database (the default)')
    .option('--online', 'query the OSV API (api.osv.dev, or $SENTRIK_OSV_API_URL) instead of the local database')
    .option('--db <dir>', DB_HELP)
    .option('--fix-preview', 'show the smallest safe upgrade for each vulnerable package and the manifest edits, change nothing')
    .option('--fix', 'apply the upgrades to manifests (package.json, requirements.txt, pyproject.toml, pom.xml) and print the lockfile commands')
    .option('--upgrade <level>', 'largest upgrade a fix may make: patch, minor or major', 'minor')
    .option('-f, --format <format>', 'terminal (table), json or sarif')
    .option('-o, --output <file>', 'write one report to this file (format: --format, else told by the extension: .json, .sarif, .txt for the table)')
    .option('--fail-on <severities>', 'exit 1 when a finding has one of these severities (e.g. critical,high)', listOption)
    .option('-q, --quiet', 'only the summary');
  addNetworkOptions(vulns).action(run((path: string | undefined, flags: VulnsFlags) => vulnsCommand(io, path, flags)));
  const db = vulns.command('db').description('manage the offline advisory database');
  db.command('import')
    .description('import OSV exports: an <Ecosystem>/all.zip, a folder of them (the public dump layout), or a folder of OSV JSON records')
    .argument('<source>', 'all.zip or folder')
    .option('--db <dir>', DB_HELP)
    .action(run((source: string, _flags: unknown, cmd: Command) => dbImport(io, source, cmd.optsWithGlobals())));
  db.command('status')
    .description('show what the offline database holds')
    .option('--db <dir>', DB_HELP)
    .action(run((_flags: unknown, cmd: Command) => dbStatus(io, cmd.optsWithGlobals())));
  for (const c of [vulns, db, ...db.commands]) c.exitOverride().configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
}

function dbImport(io: CliIO, source: string, flags: { db?: string }): number {
  const db = defaultDbDir(io.env, io.cwd, flags.db);
  const abs = posix.isAbsolute(source) ? source : `${io.cwd}/${source}`;
  const summary = importOsv(abs, db);
  for (const p of summary.problems.slice(0, 30)) io.stderr(`sentrik: problem: ${p.source}${p.entry ? ` [${p.entry}]` : ''}: ${p.message}\n`);
  if (summary.problems.length > 30) io.stderr(`sentrik: … and ${summary.problems.length - 30} more problems\n`);
  for (const e of summary.ecosystems) io.stdout(`${e.ecosystem.padEnd(10)} ${String(e.advisories).padStart(6)} advisories\n`);
  if (!summary.ecosystems.length) throw new SentrikError('no advisories for a supported ecosystem were found', source, undefined, 'import npm, PyPI, Go, crates.io, Maven, RubyGems or Packagist data');
  // A folder of records feeds every ecosystem from one read: count each source once.
  const records = [...new Map(summary.ecosystems.map((e) => [e.source, e.records])).values()].reduce((a, b) => a + b, 0);
  io.stdout(`Imported ${records} records into ${db} in ${(summary.ms / 1000).toFixed(1)}s\n`);
  return EXIT.OK;
}

function dbStatus(io: CliIO, flags: { db?: string }): number {
  const db = defaultDbDir(io.env, io.cwd, flags.db);
  const manifest = readManifest(db);
  if (!manifest) {
    io.stdout(`No advisory database at ${db} — run \`sentrik vulns db import <all.zip|dir>\`\n`);
    return EXIT.OK;
  }
  io.stdout(`${db}\n`);
  for (const [eco, m] of Object.entries(manifest.ecosystems)) io.stdout(`  ${eco.padEnd(10)} ${String(m.records).padStart(6)} advisories, imported ${m.importedAt}\n`);
  return EXIT.OK;
}

function parseLevel(v: string): UpgradeLevel {
  if (v === 'patch' || v === 'minor' || v === 'major') return v;
  throw new SentrikError(`unknown upgrade level '${v}'`, undefined, undefined, 'use patch, minor or major');
}

async function vulnsCommand(io: CliIO, path: string | undefined, flags: VulnsFlags): Promise<number> {
  if (flags.online && flags.offline) throw new SentrikError('choose one of --online and --offline');
  if (flags.fix && flags.fixPreview) throw new SentrikError('choose one of --fix and --fix-preview', undefined, undefined, '--fix-preview shows what --fix would change');
  // Checked before any work: a name vulns cannot write is refused at once.
  const format = flags.format ?? (flags.output ? vulnsFormatOfFile(flags.output) : 'terminal');
  if (!(VULNS_FORMATS as readonly string[]).includes(format)) throw new SentrikError(`unknown format '${format}'`, undefined, undefined, `vulns writes ${VULNS_FORMATS.join(', ')}`);
  const level = parseLevel(flags.upgrade);
  const failOn = (flags.failOn ?? []).map((s) => {
    if (!(SEVERITIES as readonly string[]).includes(s)) throw new SentrikError(`unknown severity '${s}' in --fail-on`, undefined, undefined, `use any of: ${SEVERITIES.join(', ')}`);
    return s as Severity;
  });
  const root = resolveProjectDir(io, path);
  // Only scan_exclude and output_dir matter here: the packs (slow to load and validate) are not needed.
  const loaded = loadConfig({ root, env: io.env, overrides: {}, configPath: io.env.SENTRIK_CONFIG });
  for (const w of loaded.warnings) io.stderr(`sentrik: warning: ${w}\n`);
  const config = loaded.config;
  checkCaFlags(io, flags);
  const db = defaultDbDir(io.env, io.cwd, flags.db);
  const offline = { root, exclude: config.scan_exclude, db };
  let scan: Awaited<ReturnType<typeof scanVulns>>;
  if (flags.online) {
    // Every request goes through the one client (policy, proxy, CA, retries); when it fails, the offline
    // database is the cached data to fall back on, with a warning, rather than a failed run.
    const net = netClientFor(io, config, flags);
    const baseUrl = (io.env.SENTRIK_OSV_API_URL ?? DEFAULT_OSV_API).replace(/\/+$/, '');
    try {
      scan = await scanVulns({ ...offline, online: { baseUrl, fetch: (url, init) => net.fetch(url, init, 'the OSV API (--online)') } });
    } catch (err) {
      if (!(err instanceof SentrikError)) throw err;
      io.stderr(`sentrik: warning: --online: ${err.message}; using the offline database at ${db} instead\n`);
      try {
        scan = await scanVulns(offline);
      } catch (fallback) {
        throw new SentrikError(`--online failed (${err.message}) and there is no offline data to fall back on`, db, undefined, 'import a database with `sentrik vulns db import`, or allow the network');
      }
    }
  } else scan = await scanVulns(offline);
  const gate = failOn.length ? evaluateGate(scan.result, failOn) : undefined;
  const note = gitignoredNote(scan.gitignored);
  if (note) io.stderr(`sentrik: note: ${note}\n`);

  // The terminal format is the table (and its coverage sentence), on stdout or in the --output file.
  const table = format === 'terminal';
  if (table) {
    const text = renderTable(scan.findings, scan.result.dependencies!, flags.quiet, scan.result.problems.filter((p) => p.code === 'parse-error'));
    if (flags.output) {
      writeReport(resolve(io.cwd, flags.output), text, flags.output);
      io.stderr(`Report written to ${flags.output}\n`);
    } else io.stdout(text);
  } else {
    // SARIF paths are from the repository top (runScan sets this for code scans; vulns' result is its own).
    const repo = repositoryOf(root);
    if (repo) scan.result.repository = repo;
    emitReports(io, root, scan.result, gate, { format, output: flags.output, quiet: true }, [], config.output_dir);
  }
  // The table lists the dependencies it could not check itself; every other problem goes to stderr.
  for (const p of scan.result.problems.filter((p) => !table || p.code !== 'not-checked').slice(0, 20)) io.stderr(`sentrik: problem: ${p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : ''}${p.message}\n`);

  if (flags.fix || flags.fixPreview) {
    const ecoOf = new Map<Package, Ecosystem>();
    const formatOf = new Map<Package, string>();
    for (const l of scan.lockfiles) for (const p of l.packages) (ecoOf.set(p, l.ecosystem), formatOf.set(p, l.format.name));
    const plans = planFixes(scan.matches, scan.indexes, (p) => ecoOf.get(p)!, level);
    const read = (rel: string): string | undefined => {
      try {
        return readFileSync(resolveInsideRoot(root, rel), 'utf8');
      } catch {
        return undefined;
      }
    };
    const applied = applyPlans(plans, (p) => formatOf.get(p.package)!, read);
    const out = format === 'terminal' ? io.stdout : io.stderr;
    out(renderPlans(plans, level));
    for (const e of applied.edits) {
      out(`${flags.fix ? 'Edited' : 'Would edit'} ${e.file}:\n${e.changes.map((c) => `  ${c}\n`).join('')}`);
      if (flags.fix) writeFileSync(resolveInsideRoot(root, e.file), e.after);
    }
    if (applied.commands.length) out(`${flags.fix ? 'Now run' : 'Then run'}:\n${[...new Set(applied.commands)].map((c) => `  ${c}\n`).join('')}`);
  }
  const recorded = await recordHistory({ root, config, env: io.env, command: 'vulns', result: scan.result, gate });
  if (recorded.warning) io.stderr(`sentrik: warning: history: ${recorded.warning}\n`);
  if (gate) {
    io.stderr(`${gate.summary}\n`);
    return gate.passed ? EXIT.OK : EXIT.GATE_FAILED;
  }
  return EXIT.OK;
}

const VULNS_FORMATS = ['terminal', 'json', 'sarif'] as const;

/** The format of `vulns -o FILE` without --format; any other extension is refused, naming it. */
function vulnsFormatOfFile(file: string): string {
  return formatOfExtension(file, VULNS_FORMATS, { command: 'vulns', formatFlag: true });
}

function renderTable(findings: VulnFinding[], deps: DependencyCoverage, quiet: boolean | undefined, unreadable: ScanProblem[]): string {
  const lines: string[] = [];
  if (!quiet && findings.length) {
    const rows = findings.map((f) => [f.vuln.package, f.vuln.installed, f.vuln.fixedIn ?? '-', f.severity, f.vuln.ids.slice(0, 3).join(' '), `${f.file}${f.line ? `:${f.line}` : ''}`]);
    const head = ['PACKAGE', 'INSTALLED', 'FIXED IN', 'SEVERITY', 'IDS', 'LOCKFILE'];
    const widths = head.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => r[i].length))));
    const fmt = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.slice(0, widths[i]).padEnd(widths[i]))).join('  ');
    lines.push(fmt(head));
    findings.forEach((f, i) => {
      lines.push(fmt(rows[i]));
      const tags = [f.vuln.kind !== 'vulnerability' ? f.vuln.kind : '', f.vuln.dev ? 'dev' : ''].filter(Boolean).join(', ');
      if (f.vuln.chain && f.vuln.chain.length > 1) lines.push(`  via ${f.vuln.chain.join(' > ')}`);
      if (tags) lines.push(`  (${tags})`);
    });
    lines.push('');
  }
  // The same sentence as the MCP tool's: "0 known vulnerabilities" never reads as covering what was NOT checked.
  lines.push(vulnsSummary(deps, findings.map((f) => f.severity)));
  for (const u of deps.notChecked) lines.push(`  ${u.file}${u.line ? `:${u.line}` : ''}: ${u.message}`);
  // … and nothing about what a lockfile that could not be read holds.
  const files = new Set(unreadable.map((p) => p.file)).size;
  if (files) {
    lines.push(`${files} lockfile${files === 1 ? '' : 's'} could not be read in full; what ${files === 1 ? 'it holds' : 'they hold'} beyond the packages above was NOT checked:`);
    for (const p of unreadable) lines.push(`  ${p.file ?? '?'}${p.line ? `:${p.line}` : ''}: ${p.message}`);
  }
  return `${lines.join('\n')}\n`;
}

function renderPlans(plans: FixPlan[], level: UpgradeLevel): string {
  if (!plans.length) return 'Nothing to fix.\n';
  const lines = [`Upgrade plan (--upgrade ${level}; smallest version no known advisory affects):`];
  for (const p of plans) lines.push(p.to ? `  ${p.package.name} ${p.from} → ${p.to}   (${p.package.file}; fixes ${p.ids.join(', ')})` : `  ${p.package.name} ${p.from}: not fixed — ${p.reason}`);
  return `${lines.join('\n')}\n`;
}
