// `sentrik suppressions list`: every inline `sentrik-ignore` and every .sentrik/suppressions.yaml entry, with
// its reason, approver, expiry, status (active, stale, expired, no-reason, not-allowed, unapproved) and how
// many findings it matched in this run — the list a reviewer walks through.
import type { Command } from 'commander';
import type { SuppressionRecord } from '../../engine/model.js';
import { visibleText } from '../../util/text.js';
import { runScan } from '../../run/scan.js';
import { loadEffectiveConfig, resolveProjectDir } from '../context.js';
import { EXIT, type CliIO } from '../io.js';
import { listOption } from '../options.js';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

interface ListFlags {
  json?: boolean;
  root?: string;
  config?: string;
  packs?: string[];
  cache?: boolean;
}

export function registerSuppressionsCommands(program: Command, io: CliIO, run: Run): void {
  const cmd = program.command('suppressions').description('review suppressions: inline sentrik-ignore comments and .sentrik/suppressions.yaml');
  cmd
    .command('list')
    .description('scan, then list every suppression with its reason, approver, expiry, status and findings matched')
    .argument('[path]', 'project directory (default: the current directory)')
    .option('--json', 'machine-readable output')
    .option('--packs <ids>', 'pack ids to run (default: the configured packs)', listOption)
    .option('--no-cache', 'ignore and do not update the result cache')
    .option('--root <dir>', 'the project root')
    .option('--config <file>', 'configuration file')
    .action(run((path: string | undefined, flags: ListFlags) => list(io, path, flags)));
  for (const c of [cmd, ...cmd.commands]) c.exitOverride().configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
}

async function list(io: CliIO, path: string | undefined, flags: ListFlags): Promise<number> {
  const root = resolveProjectDir(io, path, flags.root);
  const { config } = loadEffectiveConfig(io, root, flags.cache === false ? { cache: false } : {}, flags.config);
  const result = await runScan({ root, config, scope: { mode: 'paths', paths: [] }, packs: flags.packs, noCache: flags.cache === false, last: true });
  const records = result.suppressions ?? [];
  if (flags.json) {
    io.stdout(`${JSON.stringify(records, null, 2)}\n`);
    return EXIT.OK;
  }
  if (!records.length) {
    io.stdout('No suppressions: no sentrik-ignore comments and no .sentrik/suppressions.yaml entries.\n');
    return EXIT.OK;
  }
  io.stdout(renderTable(records));
  const byStatus = new Map<string, number>();
  for (const r of records) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  io.stdout(`\n${records.length} suppression${records.length === 1 ? '' : 's'}: ${[...byStatus].map(([s, n]) => `${n} ${s}`).join(', ')}\n`);
  return EXIT.OK;
}

const STATUS_NOTE: Record<SuppressionRecord['status'], string> = {
  active: 'applied',
  stale: 'matched nothing: remove or correct it (SENTRIK-SUP-003)',
  expired: 'past its expiry: the finding counts again (SENTRIK-SUP-002)',
  'no-reason': 'no reason: not applied (SENTRIK-SUP-001)',
  'not-allowed': 'severity needs a file suppression: not applied (SENTRIK-SUP-004)',
  unapproved: 'no approved_by, which this profile requires: not applied (governance.suppressions_require_approval)',
  unchecked: 'matched nothing in this scope (partial scan, or its rule was not run)',
  unknown: 'no pack has this rule: it can never apply (SENTRIK-SUP-005)',
};

function renderTable(records: SuppressionRecord[]): string {
  const lines: string[] = [];
  for (const r of records) {
    const rules = r.ruleIds.join(', ') + (r.fileGlob ? ` on ${r.fileGlob}` : '');
    lines.push(`${visibleText(r.source)}  [${r.kind}]  ${visibleText(rules)}`);
    lines.push(`    status:   ${r.status} — ${STATUS_NOTE[r.status]}${r.didYouMean ? `; did you mean ${r.didYouMean}?` : ''}; matched ${r.matched} finding${r.matched === 1 ? '' : 's'}`);
    lines.push(`    reason:   ${r.reason ? visibleText(r.reason) : '(none)'}`);
    if (r.kind === 'file') lines.push(`    approved: ${r.approvedBy ? visibleText(r.approvedBy) : '(nobody)'}   expires: ${r.expires ?? '(never)'}`);
  }
  return `${lines.join('\n')}\n`;
}
