// `sentrik secrets [PATH…] [--history [--range A..B]] [--baseline FILE [--update-baseline]]`: the secrets
// pack alone, over the working tree and optionally over git history. Values are masked in every output.
// Exit 1 when an unacknowledged secret is found (a dedicated secret check is a gate), 0 when clean, 2 on errors.
import { listSome } from '../../util/text.js';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { SEVERITY_RANK, type Finding } from '../../engine/model.js';
import { markDuplicates, nonGatingRules } from '../../engine/findings.js';
import { loadPacksById, type LoadedRule } from '../../packs/load.js';
import { runScan } from '../../run/scan.js';
import { applyBaseline, baselineOf, recount } from '../../engine/baseline.js';
import { loadBaseline, serializeBaseline } from '../../secrets/baseline.js';
import { headBranch } from '../../governance/context.js';
import { scanHistory, type HistoryHit } from '../../secrets/history.js';
import { SentrikError } from '../../util/errors.js';
import { emitReports, FORMATS, loadEffectiveConfig, reportFormat, resolveRoot, runOutputs } from '../context.js';
import { EXIT, type CliIO } from '../io.js';
import { intOption } from '../options.js';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

interface SecretsFlags {
  history?: boolean;
  range?: string;
  baseline?: string;
  updateBaseline?: boolean;
  format?: string;
  output?: string;
  outputDir?: string;
  jobs?: number;
  cache?: boolean;
  quiet?: boolean;
  color?: boolean;
  root?: string;
  config?: string;
}

const PACK = 'secrets';

export function registerSecretsCommands(program: Command, io: CliIO, run: Run): void {
  program
    .command('secrets')
    .description('find hard-coded credentials (values masked in every output); exit 1 when one is found that no baseline accepts')
    .argument('[paths...]', 'files or directories to scan (default: the current directory)')
    .option('--history', 'also scan every reachable commit for secrets that were committed and later removed')
    .option('--range <range>', 'scan the history of only these commits (e.g. "origin/main..HEAD"; implies --history)')
    .option('--baseline <file>', 'JSON baseline of accepted findings (fingerprints only, never values)')
    .option('--update-baseline', 'write every current finding into --baseline and exit 0 (no report: not with -o, -f or --output-dir)')
    .option('-f, --format <format>', `report to produce: ${FORMATS.join(', ')}`)
    .option('-o, --output <file>', 'write one report to this file (format: --format, else told by the extension: .json, .sarif, .xml, .csv, .md, .html)')
    .option('--output-dir <dir>', 'write the configured set of reports into this directory')
    .option('-j, --jobs <n>', 'worker threads', intOption)
    .option('--no-cache', 'ignore and do not update the result cache')
    .option('-q, --quiet', 'print only the summary')
    .option('--no-color', 'no ANSI colours')
    .option('--root <dir>', 'the project root (default: see [paths])')
    .option('--config <file>', 'configuration file (default: <root>/.sentrik/config.yaml)')
    .action(run((paths: string[], flags: SecretsFlags) => runSecretsCommand(io, paths, flags)));
}

export async function runSecretsCommand(io: CliIO, paths: string[], flags: SecretsFlags): Promise<number> {
  if (flags.range && !flags.history) flags.history = true;
  if (flags.updateBaseline && !flags.baseline) {
    throw new SentrikError('--update-baseline needs --baseline FILE', undefined, undefined, 'name the file to write, e.g. --baseline .sentrik/secrets-baseline.json');
  }
  // --update-baseline writes the baseline and nothing else: a report option with it would be silently ignored.
  const reportFlag = flags.output ? '--output' : flags.outputDir ? '--output-dir' : flags.format ? '--format' : undefined;
  if (flags.updateBaseline && reportFlag) {
    throw new SentrikError(`--update-baseline cannot be combined with ${reportFlag}`, undefined, undefined, 'it writes only the baseline; run again without --update-baseline for a report');
  }
  // Refuse an --output whose format cannot be told, or an unknown --format, before scanning (and --history), not after.
  reportFormat(flags);
  const { root, paths: scanPaths } = resolveRoot(io, paths, flags.root);
  // The command runs the secrets pack whatever the configuration names: naming it here spares the zero-config
  // detection of the project's packs (a walk of its manifests).
  const overrides = { standards_packs: [PACK], ...(flags.cache === false ? { cache: false } : {}), ...(flags.jobs ? { jobs: flags.jobs } : {}) };
  const config = loadEffectiveConfig(io, root, overrides, flags.config).config;
  const result = await runScan({ root, config, scope: { mode: 'paths', paths: scanPaths }, packs: [PACK], noCache: flags.cache === false, jobs: flags.jobs, last: true, ownOutputs: runOutputs(io, root, flags, config.output_dir) });

  if (flags.history) {
    const [pack] = loadPacksById([PACK], root);
    const rules = pack?.rules ?? [];
    const hits = await scanHistory(root, { range: flags.range, rules });
    const byId = new Map(rules.map((r) => [r.def.id, r]));
    const known = new Set(result.findings.map((f) => f.fingerprint));
    // Secrets still at HEAD are already reported by the working-tree scan; history adds the removed ones.
    const head = hits.some((h) => !h.presentAtHead) ? (headBranch(root) ?? 'HEAD') : 'HEAD';
    for (const h of hits) if (!h.presentAtHead && !known.has(h.fingerprint)) result.findings.push(historyFinding(h, byId.get(h.ruleId)!, head));
    // Two rules that saw the same removed secret are one detection there too.
    markDuplicates(result.findings, nonGatingRules(result.rules), config.suppressions);
  }

  const baselineFile = flags.baseline ? resolve(io.cwd, flags.baseline) : undefined;
  if (flags.updateBaseline) {
    const b = baselineOf(result);
    try {
      mkdirSync(dirname(baselineFile!), { recursive: true });
      writeFileSync(baselineFile!, serializeBaseline(b));
    } catch (err) {
      throw new SentrikError(`cannot write baseline: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, flags.baseline, undefined, 'choose a writable path');
    }
    io.stderr(`Baseline written to ${flags.baseline}: ${b.entries.length} accepted finding(s)\n`);
    return EXIT.OK;
  }
  if (baselineFile && existsSync(baselineFile)) applyBaseline(result, loadBaseline(baselineFile), flags.baseline!);
  else if (baselineFile) throw new SentrikError('baseline file not found', flags.baseline, undefined, 'create it with --update-baseline');

  recount(result);
  emitReports(io, root, result, undefined, { format: flags.format, output: flags.output, outputDir: flags.outputDir, quiet: flags.quiet, color: flags.color === false ? false : undefined }, config.reporters, config.output_dir);
  for (const p of result.problems.slice(0, 20)) if (!flags.quiet) io.stderr(`sentrik: problem: ${p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : ''}${p.message}\n`);
  return result.findings.some((f) => !f.suppressed) ? EXIT.GATE_FAILED : EXIT.OK;
}

/** A secret found only in history, as a finding: where it was added, when, and that it is gone now. */
function historyFinding(h: HistoryHit, rule: LoadedRule, head: string): Finding {
  const d = rule.def;
  return {
    ruleId: d.id,
    packId: rule.packId,
    title: d.title,
    severity: h.severity && SEVERITY_RANK[h.severity] < SEVERITY_RANK[d.severity] ? h.severity : d.severity,
    message: `${h.message ?? d.message} ${historyStatus(h, head)}`,
    file: h.path,
    line: h.line,
    column: h.column,
    ...(h.endColumn !== undefined ? { endLine: h.line, endColumn: h.endColumn } : {}),
    snippet: h.snippet,
    standard: rule.standard,
    clause: d.clause,
    cwe: d.cwe,
    remediation: d.remediation,
    fingerprint: h.fingerprint,
    confidence: h.confidence ?? d.confidence,
    kind: 'secret-history',
  };
}

/**
 * Where a secret that is not at HEAD stands, saying only what the scan knows: whether the commit that added it
 * is in the current branch's history, and which branch and tag tips still hold it (`--all` scans branches the
 * current one never had, so "removed" would be wrong for those).
 */
export function historyStatus(h: Pick<HistoryHit, 'commit' | 'date' | 'inHeadHistory' | 'presentOn' | 'refsNotChecked'>, head: string): string {
  const at = head === 'HEAD' ? 'HEAD' : `${head} (HEAD)`;
  const where = h.inHeadHistory === false ? `not in the history of ${at}` : `removed from ${at} since`;
  const on = h.presentOn;
  const shown = on ? listSome(on, 5, (n) => ` and ${n} more`) : '';
  const unchecked = h.refsNotChecked ? ` (${h.refsNotChecked} more branch and tag tips not checked)` : '';
  const still = on === undefined ? '' : on.length ? `; still present on ${shown}${unchecked}: remove it there too` : `; at no branch or tag tip now${unchecked}`;
  return `Committed in ${h.commit.slice(0, 12)} (${h.date}), ${where}${still}. It stays in the history and must be revoked.`;
}
