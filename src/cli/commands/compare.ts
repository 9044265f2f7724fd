// `sentrik compare`: new / resolved / unchanged findings of the latest run against the previous run of the
// same kind (or a chosen one), from the run history.
import type { Command } from 'commander';
import { historyLocation, openExistingHistory, projectKey } from '../../history/open.js';
import type { Comparison, FindingRow, RunSummary } from '../../history/model.js';
import { describeRunScope } from '../../history/scope.js';
import { SentrikError } from '../../util/errors.js';
import { resolveRoot } from '../context.js';
import { EXIT, type CliIO } from '../io.js';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

interface CompareFlags {
  runId?: string;
  head?: string;
  root?: string;
  project?: string;
  format?: string;
  unchanged?: boolean;
}

export function registerCompareCommands(program: Command, io: CliIO, run: Run): void {
  program
    .command('compare')
    .description('new, resolved and unchanged findings of the latest run against the previous run (or --run-id)')
    .option('--run-id <id>', 'compare against this run instead of the previous one')
    .option('--head <id>', 'the run to look at (default: the latest run)')
    .option('--root <dir>', 'project root (default: the current directory)')
    .option('--project <name>', 'project key in a shared store (default: $SENTRIK_PROJECT, the CI repository, or the root path)')
    .option('-f, --format <format>', 'terminal or json', 'terminal')
    .option('--unchanged', 'also list the unchanged findings')
    .action(run((flags: CompareFlags) => compare(io, flags)));
}

function runId(text: string, flag: string): number {
  const n = Number(text.replace(/^#/, ''));
  if (!Number.isInteger(n) || n < 1) throw new SentrikError(`invalid ${flag} '${text}'`, undefined, undefined, 'use a run number from the dashboard or a previous compare');
  return n;
}

async function compare(io: CliIO, flags: CompareFlags): Promise<number> {
  if (!['terminal', 'json'].includes(flags.format ?? 'terminal')) throw new SentrikError(`unknown format '${flags.format}'`, undefined, undefined, 'use terminal or json');
  const { root } = resolveRoot(io, [], flags.root);
  const project = flags.project ?? projectKey(root, io.env);
  const noRuns = (where: string) => new SentrikError('no runs recorded yet', where, undefined, 'run `sentrik scan` (or gate) first; history.enabled must not be false');
  const store = await openExistingHistory({ root, env: io.env });
  if (!store) {
    const where = historyLocation(root, io.env);
    throw noRuns(where.kind === 'sqlite' ? where.file : 'SENTRIK_DATABASE_URL');
  }
  try {
    const head = flags.head ? await store.getRun(runId(flags.head, '--head')) : await store.latestRun(project, 'code');
    if (!head) {
      if (flags.head) throw new SentrikError(`no run #${flags.head} in the history`, store.label);
      throw noRuns(store.label);
    }
    const base = flags.runId ? await store.getRun(runId(flags.runId, '--run-id')) : await store.previousRun(head);
    if (flags.runId && !base) throw new SentrikError(`no run #${flags.runId} in the history`, store.label, undefined, 'see the run list in `sentrik dashboard`');
    if (!base) {
      const none = noBase(head, await store.previousRun(head, { anyScope: true }));
      io.stdout(flags.format === 'json' ? `${JSON.stringify({ base: null, noBase: none, head: runJson(head) }, null, 2)}\n` : `${none.message}\n`);
      return EXIT.OK;
    }
    const cmp = (await store.compare(base.id, head.id))!;
    io.stdout(flags.format === 'json' ? `${JSON.stringify(toJson(cmp), null, 2)}\n` : renderComparison(cmp, flags.unchanged));
    return EXIT.OK;
  } finally {
    await store.close();
  }
}

/**
 * Why a run has nothing to compare with: it is the first of its kind, or only runs of other scope modes came
 * before it (a --git-range gate after path scans), which compare does not pick on its own — said, with the
 * --run-id that compares with the latest of them anyway.
 */
function noBase(head: RunSummary, other: RunSummary | undefined): { reason: 'first-run' | 'no-run-of-this-scope'; message: string; scopeMode: string; latestOtherScopeRun?: object } {
  if (!other) return { reason: 'first-run', scopeMode: head.scope.mode, message: `Run #${head.id} is the first ${head.command} run of this project: nothing to compare with yet.` };
  return {
    reason: 'no-run-of-this-scope',
    scopeMode: head.scope.mode,
    message:
      `Run #${head.id} is the first ${head.command} run of this project with scope ${head.scope.mode}: no earlier run of the same scope to compare with. ` +
      `The latest earlier run, #${other.id} ${other.command}, had scope ${other.scope.mode} (${describeRunScope(other)}): \`sentrik compare --run-id ${other.id}\` compares with it anyway.`,
    latestOtherScopeRun: runJson(other),
  };
}

function describeRun(r: RunSummary): string {
  const gate = r.gate.passed ? 'gate passed' : `gate failed (${r.gate.blocking} blocking)`;
  return `#${r.id} ${r.command} ${r.startedAt.replace('T', ' ').slice(0, 19)}${r.git?.commit ? ` @${r.git.commit.slice(0, 8)}` : ''}, ${gate}`;
}

/** ` with packs a, b` when the other run used other packs. */
function packsNote(r: RunSummary, other: RunSummary): string {
  return r.packs.join() === other.packs.join() ? '' : ` with ${r.packs.length ? r.packs.join(', ') : 'no packs'}`;
}

function line(f: FindingRow): string {
  return `  ${f.severity.padEnd(8)} ${f.ruleId.padEnd(18)} ${f.file}${f.line ? `:${f.line}` : ''}  ${f.title}`;
}

export function renderComparison(c: Comparison, showUnchanged = false): string {
  const out = [`Comparing run ${describeRun(c.head)}`, `     with run ${describeRun(c.base)}`];
  if (c.scopesDiffer) {
    out.push(`The runs had different scopes: #${c.head.id} ${describeRunScope(c.head)}${packsNote(c.head, c.base)}; #${c.base.id} ${describeRunScope(c.base)}${packsNote(c.base, c.head)}.`);
    out.push(`A finding counts as resolved only where run #${c.head.id} looked again (its file, its rule, its lines).`);
  }
  out.push('');
  const section = (title: string, rows: FindingRow[]): void => {
    out.push(`${title} (${rows.length})`);
    for (const f of rows.slice(0, 200)) out.push(line(f));
    if (rows.length > 200) out.push(`  … and ${rows.length - 200} more (use --format json)`);
    out.push('');
  };
  section('NEW', c.new);
  section('RESOLVED', c.resolved);
  if (c.counts.notRescanned) section(`NOT RESCANNED — outside run #${c.head.id}'s scope, neither fixed nor confirmed`, c.notRescanned);
  if (showUnchanged) section('UNCHANGED', c.unchanged);
  out.push(`${c.counts.new} new, ${c.counts.resolved} resolved, ${c.counts.unchanged} unchanged${c.counts.notRescanned ? `, ${c.counts.notRescanned} not rescanned` : ''}`);
  return `${out.join('\n')}\n`;
}

function runJson(r: RunSummary): object {
  return { id: r.id, command: r.command, startedAt: r.startedAt, gate: r.gate, git: r.git, scope: { ...r.scope, packs: r.packs } };
}

function toJson(c: Comparison): object {
  return {
    base: runJson(c.base),
    head: runJson(c.head),
    scopesDiffer: c.scopesDiffer,
    counts: c.counts,
    new: c.new,
    resolved: c.resolved,
    unchanged: c.unchanged,
    notRescanned: c.notRescanned,
  };
}
