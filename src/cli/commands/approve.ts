// `sentrik approve <run-or-finding-id> --by <identity> --reason …`: record a human approval of the review
// the last gate asked for (review.json), bound to its exact items and the current commit.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { recordApproval } from '../../governance/approvals.js';
import { headCommit } from '../../governance/context.js';
import { approvalsPath, REVIEW_FILE, type ReviewFile } from '../../governance/gate.js';
import { recordEvent } from '../../governance/record.js';
import { hasControlCharacters, visibleText } from '../../util/text.js';
import { SentrikError } from '../../util/errors.js';
import { loadEffectiveConfig, resolveRoot, runOutputDir } from '../context.js';
import { EXIT, type CliIO } from '../io.js';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

export function registerApproveCommands(program: Command, io: CliIO, run: Run): void {
  program
    .command('approve')
    .description('approve the human review a gate asked for (bound to its findings and the current commit)')
    .argument('<id>', 'the run id printed by `sentrik gate`, or one finding fingerprint / review item id')
    .requiredOption('--by <identity>', 'who approves (e.g. an e-mail address)')
    .requiredOption('--reason <text>', 'why the change is acceptable')
    .option('--root <dir>', 'project root', '.')
    .option('--output-dir <dir>', 'where the gate wrote review.json (default: output_dir)')
    .option('--config <file>', 'configuration file')
    .action(run((id: string, flags) => approve(io, id, flags)));
}

function approve(io: CliIO, id: string, flags: { by: string; reason: string; root: string; outputDir?: string; config?: string }): number {
  if (!flags.by.trim()) throw new SentrikError('--by is empty', undefined, undefined, 'name who approves, e.g. --by alice@example.com');
  if (!flags.reason.trim()) throw new SentrikError('--reason is empty', undefined, undefined, 'say why the change is acceptable');
  // Both are echoed to terminals and kept in the approvals file and the audit log: a newline or an escape
  // sequence there could forge a line or rewrite the screen, so they are refused, shown escaped.
  if (hasControlCharacters(flags.by)) throw new SentrikError(`--by holds a control character: '${visibleText(flags.by)}'`, undefined, undefined, 'name who approves in plain text, e.g. --by alice@example.com');
  if (hasControlCharacters(flags.reason)) throw new SentrikError(`--reason holds a control character: '${visibleText(flags.reason)}'`, undefined, undefined, 'write the reason as one line of plain text');
  const { root } = resolveRoot(io, [], flags.root);
  const loaded = loadEffectiveConfig(io, root, {}, flags.config);
  const reviewFile = join(runOutputDir(io, root, flags.outputDir, loaded.config.output_dir), REVIEW_FILE);
  if (!existsSync(reviewFile)) throw new SentrikError('no review to approve', reviewFile, undefined, 'run `sentrik gate` first (it writes review.json)');
  let review: ReviewFile;
  try {
    review = JSON.parse(readFileSync(reviewFile, 'utf8')) as ReviewFile;
  } catch {
    throw new SentrikError('review.json is damaged', reviewFile, undefined, 'run `sentrik gate` again');
  }
  const commit = headCommit(root);
  if (!commit) throw new SentrikError('approvals are bound to a commit, and this is not a git repository with a commit', root, undefined, 'commit the change first');
  if (review.commit !== commit) {
    throw new SentrikError(`the review was computed for commit ${String(review.commit).slice(0, 12)}, but HEAD is ${commit.slice(0, 12)}`, reviewFile, undefined, 'run `sentrik gate` again and approve the new run id');
  }
  let items: string[];
  if (id === review.runId) items = review.items.map((i) => i.id);
  else {
    const item = review.items.find((i) => i.id === id || i.id.endsWith(`:${id}`));
    if (!item) throw new SentrikError(`'${visibleText(id)}' is neither the run id (${review.runId}) nor an item of the last review`, reviewFile, undefined, 'use the run id printed by `sentrik gate`, or a fingerprint listed in review.json');
    items = [item.id];
  }
  if (!items.length) throw new SentrikError('the last gate required no review: nothing to approve', reviewFile);
  const approval = { id, items, commit, by: flags.by.trim(), reason: flags.reason.trim(), at: new Date().toISOString() };
  // Audit first: a recorded decision that was not audited would be worse than an audited one that failed to write.
  for (const n of recordEvent({ root, config: loaded.config, env: io.env, configFile: loaded.file }, 'approval', { id, items: items.length, by: approval.by, reason: approval.reason })) io.stderr(`sentrik: audit: ${n}\n`);
  const file = approvalsPath(root, loaded.config);
  recordApproval(file, approval);
  io.stdout(`Approved ${items.length} review item${items.length === 1 ? '' : 's'} at commit ${commit.slice(0, 12)} by ${approval.by}; recorded in ${file}\n`);
  return EXIT.OK;
}
