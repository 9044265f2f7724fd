// `sentrik fix [PATH] [--dry-run]`: apply the rules' mechanical fixes up to the profile's auto-patch
// severity, writing every fix as a unified diff under <output_dir>/patches/ (fixes above it only as patches
// under patches/review/, for a person to check). `sentrik fix --patch FILE` applies such a patch later,
// strictly: if the file changed since, nothing is touched.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { SEVERITIES, type Severity } from '../../engine/model.js';
import { applyPatch, parsePatch } from '../../fixes/patch.js';
import { runFixes, type FixOutcome } from '../../fixes/plan.js';
import { APPLIED_FILE } from '../../governance/gate.js';
import { recordEvent } from '../../governance/record.js';
import { headBranch, headCommit, sha256 } from '../../governance/context.js';
import { changedLines, patchPresent, readAppliedPatches, type AppliedPatch } from '../../governance/review.js';
import type { LoadedRule } from '../../packs/load.js';
import { buildRules, runScan } from '../../run/scan.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { SentrikError } from '../../util/errors.js';
import { resolveInsideRoot, toPosix } from '../../util/paths.js';
import { loadEffectiveConfig, reportDir, resolveRoot, runOutputDir, writeReport } from '../context.js';
import { EXIT, type CliIO } from '../io.js';
import { listOption } from '../options.js';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

interface FixFlags {
  dryRun?: boolean;
  patch?: string;
  packs?: string[];
  root?: string;
  outputDir?: string;
  config?: string;
}

export function registerFixCommands(program: Command, io: CliIO, run: Run): void {
  program
    .command('fix')
    .description("apply rules' mechanical fixes up to the profile's auto-patch severity; every fix is also written as a patch")
    .argument('[path]', 'project root (default: the current directory)')
    .option('--dry-run', 'write the patches only; change no file')
    .option('--patch <file>', 'apply one patch written earlier (e.g. a reviewed one from patches/review/)')
    .option('--packs <ids>', 'comma-separated pack ids (default: configured or detected packs)', listOption)
    .option('--root <dir>', 'project root (same as [path])')
    .option('--output-dir <dir>', 'where patches/ is written (default: output_dir)')
    .option('--config <file>', 'configuration file')
    .action(run((path: string | undefined, flags: FixFlags) => (flags.patch ? applyOnePatch(io, path, flags) : fix(io, path, flags))));
}

function setup(io: CliIO, path: string | undefined, flags: FixFlags) {
  const { root } = resolveRoot(io, [], flags.root ?? path ?? '.');
  const loaded = loadEffectiveConfig(io, root, {}, flags.config);
  const patchDir = join(runOutputDir(io, root, flags.outputDir, loaded.config.output_dir), 'patches');
  return { root, loaded, patchDir };
}

async function fix(io: CliIO, path: string | undefined, flags: FixFlags): Promise<number> {
  const { root, loaded, patchDir } = setup(io, path, flags);
  const config = loaded.config;
  const result = await runScan({ root, config, scope: { mode: 'paths', paths: [] }, packs: flags.packs, last: true });
  const ruleSet = buildRules(root, config, flags.packs);
  const rules = new Map<string, LoadedRule>([...ruleSet.fileRules, ...ruleSet.repoRules].map((a) => [a.rule.def.id, a.rule]));
  const autoUpTo = config.governance.human_review_required.on_auto_patch_above;
  reportDir(io, root, flags.outputDir, config.output_dir); // made before the patches are written into it
  const fixRun = runFixes({ root, findings: result.findings, rules, autoUpTo, dryRun: Boolean(flags.dryRun), patchDir });

  writeReport(join(patchDir, 'fixes.json'), `${JSON.stringify({ dryRun: Boolean(flags.dryRun), autoUpTo, outcomes: fixRun.outcomes }, null, 2)}\n`, join(patchDir, 'fixes.json'));
  const count = (s: FixOutcome['status']) => fixRun.outcomes.filter((o) => o.status === s).length;
  for (const o of fixRun.outcomes) {
    const label = { applied: 'fixed', 'would-apply': 'would fix', 'needs-review': 'review', 'not-applied': 'not applied', failed: 'failed' }[o.status];
    io.stdout(`${label.padEnd(11)} ${o.file}:${o.line}  ${o.ruleId} (${o.severity})${o.patch ? `  patches/${o.patch}` : ''}${o.reason ? `\n            ${o.reason}` : ''}\n`);
  }
  const rel = toPosix(relative(io.cwd, patchDir)) || '.';
  io.stdout(
    fixRun.outcomes.length
      ? `${flags.dryRun ? `${count('would-apply')} fixes would apply` : `${count('applied')} fixes applied in ${fixRun.filesChanged.length} files`} (up to ${autoUpTo}), ${count('needs-review')} need review, ${count('not-applied') ? `${count('not-applied')} not applied (a requirement unmet), ` : ''}${count('failed')} did not apply; patches in ${rel}\n`
      : 'No fixable findings.\n',
  );
  for (const n of recordEvent({ root, config, env: io.env, configFile: loaded.file }, 'fix', { dryRun: Boolean(flags.dryRun), autoUpTo, applied: count('applied'), proposed: count('needs-review') + count('would-apply'), notApplied: count('not-applied'), failed: count('failed'), files: fixRun.filesChanged }, ruleSet.packs)) {
    io.stderr(`sentrik: audit: ${n}\n`);
  }
  return EXIT.OK;
}

/** Apply one patch file exactly, or change nothing and say which line no longer matches. */
function applyOnePatch(io: CliIO, path: string | undefined, flags: FixFlags): number {
  const { root, loaded, patchDir } = setup(io, path, flags);
  const patchFile = resolve(io.cwd, flags.patch!);
  if (!existsSync(patchFile)) throw new SentrikError('no such patch file', flags.patch);
  const text = readFileSync(patchFile, 'utf8');
  const parsed = parsePatch(text);
  if ('error' in parsed) throw new SentrikError(`not a sentrik patch: ${parsed.error}`, flags.patch, parsed.line, 'use a file written by `sentrik fix`');
  const target = resolveInsideRoot(root, parsed.path); // a patch never reaches outside the scan root
  if (!existsSync(target) || !lstatSync(target).isFile()) throw new SentrikError(`the patch targets ${parsed.path}, which is not a regular file in the scan root`, flags.patch);
  const before = readFileSync(target);
  const applied = applyPatch(before.toString('utf8'), parsed);
  if ('mismatchAt' in applied) {
    throw new SentrikError(
      `patch no longer applies: ${parsed.path}:${applied.mismatchAt} has changed since the patch was written (nothing was modified)`,
      flags.patch,
      undefined,
      'run `sentrik fix --dry-run` again for a fresh patch',
    );
  }
  const fixes = [...text.matchAll(/^# sentrik-fix: (\S+) (\S+) (.+):(\d+)$/gm)]
    .filter((m) => (SEVERITIES as readonly string[]).includes(m[2]))
    .map((m) => ({ ruleId: m[1], severity: m[2] as Severity, file: m[3], line: Number(m[4]) }));
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  for (const n of recordEvent({ root, config: loaded.config, env: io.env, configFile: loaded.file }, 'fix', { patch: toPosix(relative(root, patchFile)), hash, file: parsed.path, fixes })) io.stderr(`sentrik: audit: ${n}\n`);
  writeFileAtomic(target, applied.text); // keeps the file's mode
  // Remember it: a fix above the auto-patch threshold now in the tree is a review trigger for the gate.
  const record = join(patchDir, APPLIED_FILE.replace(/^patches\//, ''));
  // Records whose change is no longer in the tree (reverted, or made on another branch) are dropped here.
  const entry: AppliedPatch = {
    patch: toPosix(relative(root, patchFile)),
    hash,
    fixes,
    at: new Date().toISOString(),
    file: toPosix(relative(root, target)),
    contentHash: sha256(applied.text),
    changes: changedLines(parsed),
  };
  const commit = headCommit(root);
  const branch = headBranch(root);
  if (commit) entry.commit = commit;
  if (branch) entry.branch = branch;
  const list: AppliedPatch[] = [...readAppliedPatches(record).filter((p) => p.hash !== hash && patchPresent(root, p)), entry];
  writeReport(record, `${JSON.stringify(list, null, 2)}\n`, record);
  io.stdout(`Applied ${flags.patch} to ${parsed.path}\n`);
  return EXIT.OK;
}
