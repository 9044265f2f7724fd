// `sentrik scan` and `sentrik gate`: the same scan; the gate also enforces `fail_on` (exit 1).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parseByteSize, type ConfigOverrides } from '../../config/schema.js';
import { evaluateGate } from '../../engine/gate.js';
import { SEVERITIES, type Severity } from '../../engine/model.js';
import { runScan, type ScopeRequest } from '../../run/scan.js';
import { recordHistory } from '../../history/record.js';
import { SentrikError } from '../../util/errors.js';
import { emitReports, FORMATS, loadEffectiveConfig, reportFormat, resolveRoot, runOutputs } from '../context.js';
import { EXIT, type CliIO } from '../io.js';
import { auditRun, governGate } from '../governance.js';
import { intOption, listOption } from '../options.js';
import { addTrustOptions, applyTrustFlags, coverageGap, coverageHint, publishingFetch, type TrustFlags } from '../trust.js';

interface ScanFlags extends TrustFlags {
  staged?: boolean;
  gitRange?: string;
  diff?: string;
  fullFiles?: boolean;
  skipOutsideRoot?: boolean;
  packs?: string[];
  format?: string;
  output?: string;
  outputDir?: string;
  failOn?: string[];
  jobs?: number;
  cache?: boolean;
  quiet?: boolean;
  color?: boolean;
  root?: string;
  config?: string;
  maxFileSize?: string;
  rescore?: boolean;
  decoratePr?: boolean;
  statusCheck?: boolean;
  requireApproval?: boolean;
}

export function addScanOptions(cmd: Command): Command {
  cmd
    .argument('[paths...]', 'files or directories to scan (default: the current directory; one directory = the project root)')
    .option('--staged', 'scan the staged (index) content and report only the lines being committed')
    .option('--git-range <range>', 'scan files changed in A...B and report only changed lines (e.g. "origin/main...HEAD")')
    .option('--diff <file>', 'scan the files of a unified diff and report only its changed lines (- reads it from standard input)')
    .option('--full-files', 'with --staged/--git-range/--diff: report findings anywhere in the changed files')
    .option('--skip-outside-root', 'with --staged/--git-range/--diff from a sub-folder: skip the changed files outside it instead of failing the gate (one package of a monorepo)')
    .option('--packs <ids>', 'comma-separated pack ids to run, or "all" (default: configured or detected packs)', listOption)
    .option('-f, --format <format>', `report to produce: ${FORMATS.join(', ')}`)
    .option('-o, --output <file>', 'write one report to this file, and no other report; its format is --format, else told by the extension (.json, .sarif, .sarif.json, .xml/.junit.xml, .csv, .md, .html, .txt) (the cache, run history and audit log are still kept)')
    .option('--output-dir <dir>', 'write the configured set of reports into this directory')
    .option('-j, --jobs <n>', 'worker threads (default: one per CPU when parallel_scan is on)', intOption)
    .option('--no-cache', 'ignore and do not update the result cache')
    .option('--no-rescore', 'keep every rule severity as written (no test/comment/auth rescoring)')
    .option('--max-file-size <size>', 'skip files larger than this (e.g. 2MiB, 500KB)')
    .option('-q, --quiet', 'print only the summary')
    .option('--no-color', 'no ANSI colours')
    .option('--root <dir>', 'the project root (config, .gitignore, suppressions); default: see [paths]')
    .option('--config <file>', 'configuration file (default: <root>/.sentrik/config.yaml)');
  // Publishing flags belong to `gate` only: a scan has no verdict to publish.
  if (cmd.name() === 'gate') {
    cmd
      .option('--decorate-pr', 'post or update the pull-request comment on GitHub (GITHUB_TOKEN, GITHUB_EVENT_PATH)')
      .option('--status-check', 'set the sentrik/gate status on the commit (check run with line annotations, or commit status)')
      .option('--require-approval', 'fail while a required human review has no approval bound to these findings and this commit');
  }
  addTrustOptions(cmd);
  return cmd;
}

export async function runScanCommand(io: CliIO, paths: string[], flags: ScanFlags, mode: 'scan' | 'gate'): Promise<number> {
  const modes = [flags.staged, flags.gitRange, flags.diff].filter(Boolean).length;
  if (modes > 1) throw new SentrikError('choose one of --staged, --git-range and --diff', undefined, undefined, 'they select different sets of changes');
  // Without a change to widen, --full-files would silently mean "the whole repository".
  if (flags.fullFiles && !modes) throw new SentrikError('--full-files needs --staged, --git-range or --diff', undefined, undefined, 'it widens a change to its whole files; drop it to scan paths');
  if (flags.skipOutsideRoot && !modes) throw new SentrikError('--skip-outside-root needs --staged, --git-range or --diff', undefined, undefined, 'it narrows a repository change to the files under the root');
  if (modes && paths.length && !flags.root) throw new SentrikError('paths cannot be combined with --staged/--git-range/--diff', undefined, undefined, 'use --root DIR to name the repository');
  // Refuse an --output whose format cannot be told, or an unknown --format, before scanning, not after.
  reportFormat(flags);
  const { root, paths: scanPaths } = resolveRoot(io, paths, flags.root);

  const overrides: ConfigOverrides = {};
  if (flags.failOn) overrides.gate = { fail_on: parseSeverities(flags.failOn) };
  if (flags.cache === false) overrides.cache = false;
  if (flags.rescore === false) overrides.severity_rescoring_enabled = false;
  if (flags.jobs) overrides.jobs = flags.jobs;
  const loaded = loadEffectiveConfig(io, root, overrides, flags.config);
  const config = loaded.config;
  if (flags.maxFileSize) {
    const n = parseByteSize(flags.maxFileSize);
    if (!n) throw new SentrikError(`invalid --max-file-size '${flags.maxFileSize}'`, undefined, undefined, 'use a size like 2MiB or 500KB');
    config.max_file_size = n;
  }

  const scope: ScopeRequest = flags.staged
    ? { mode: 'staged', fullFiles: flags.fullFiles }
    : flags.gitRange
      ? { mode: 'git-range', range: flags.gitRange, fullFiles: flags.fullFiles }
      : flags.diff
        ? diffScope(io, flags.diff, flags.fullFiles)
        : { mode: 'paths', paths: scanPaths };

  const ownOutputs = runOutputs(io, root, flags, config.output_dir);
  const result = await runScan({ root, config, scope, packs: flags.packs, noCache: flags.cache === false, jobs: flags.jobs, last: true, ownOutputs });
  await applyTrustFlags(io, root, config, flags, result, flags.packs);
  const gate = mode === 'gate' ? evaluateGate(result, config.gate.fail_on) : undefined;

  // Proof of coverage: a gate that looked at nothing must not say "passed".
  if (gate && result.metrics.rulesEvaluated === 0) {
    throw new SentrikError('the gate evaluated no rules', loaded.file, undefined, 'check standards_packs / --packs and pack_overrides');
  }
  const gap = coverageGap(result, config, { skipOutsideRoot: flags.skipOutsideRoot });
  if (gap && gate) throw new SentrikError(gap.gate, undefined, undefined, coverageHint(result));
  if (gap) io.stderr(`sentrik: warning: ${gap.why}\n`);
  if (gate) governGate(io, root, loaded, result, gate, { outputDir: flags.outputDir, requireApproval: flags.requireApproval });
  auditRun(io, root, loaded, mode, result, gate);
  emitReports(io, root, result, gate, { format: flags.format, output: flags.output, outputDir: flags.outputDir, quiet: flags.quiet, color: flags.color === false ? false : undefined }, config.reporters, config.output_dir);
  for (const p of result.problems.slice(0, 20)) {
    if (!flags.quiet) io.stderr(`sentrik: problem: ${p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : ''}${p.message}\n`);
  }
  if (result.problems.length > 20 && !flags.quiet) io.stderr(`sentrik: … and ${result.problems.length - 20} more problems (see findings.json)\n`);
  const publishFetch = gate && (flags.decoratePr || flags.statusCheck) ? publishingFetch(io, config, flags) : undefined;
  if (gate && publishFetch) {
    // Loaded only when asked: the forge client is the one part of sentrik that uses the network.
    // A GitHub failure is a warning: the exit code is the gate's alone.
    try {
      const { publishGateResult } = await import('../../integrations/github/index.js');
      const report = await publishGateResult(result, gate, { decoratePr: flags.decoratePr, statusCheck: flags.statusCheck }, io.env, { log: (m) => io.stderr(`sentrik: github: ${m}\n`), fetch: publishFetch });
      for (const d of report.done) io.stderr(`sentrik: github: ${d}\n`);
      for (const w of report.warnings) io.stderr(`sentrik: warning: github: ${w}\n`);
    } catch (err) {
      io.stderr(`sentrik: warning: github: nothing published: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  // Run history (compare, dashboard): a failure to record is a warning, never a different exit code.
  const recorded = await recordHistory({ root, config, env: io.env, command: mode, result, gate });
  if (recorded.warning) io.stderr(`sentrik: warning: history: ${recorded.warning}\n`);
  if (gate) return gate.passed ? EXIT.OK : EXIT.GATE_FAILED;
  return EXIT.OK;
}

function parseSeverities(list: string[]): Severity[] {
  for (const s of list) {
    if (!(SEVERITIES as readonly string[]).includes(s)) {
      throw new SentrikError(`unknown severity '${s}' in --fail-on`, undefined, undefined, `use any of: ${SEVERITIES.join(', ')}`);
    }
  }
  return list as Severity[];
}

/** `--diff FILE`, or `--diff -`: the diff piped in (`git diff | sentrik gate --diff -`). */
function diffScope(io: CliIO, diff: string, fullFiles?: boolean): ScopeRequest {
  if (diff !== '-') return { mode: 'diff', diffFile: resolve(io.cwd, diff), fullFiles };
  const text = io.readStdin?.();
  if (text === undefined) throw new SentrikError('--diff - reads the diff from standard input, and nothing is piped in', undefined, undefined, 'git diff | sentrik gate --diff -');
  return { mode: 'diff', diffFile: 'stdin', diffText: text, fullFiles };
}
