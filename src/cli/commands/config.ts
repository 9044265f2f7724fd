// Configuration commands: init (write a commented config from what was detected) and validate-config.
import { ignoreGeneratedInSentrikDir } from '../../util/generated-dir.js';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { detectProject, describeDetection } from '../../config/detect.js';
import { renderInitConfig } from '../../config/init.js';
import { describeConfig } from '../../config/show.js';
import { availablePackIds, loadPack } from '../../packs/load.js';
import { buildRules, checkPackOverrides } from '../../run/scan.js';
import { SentrikError } from '../../util/errors.js';
import { loadEffectiveConfig, resolveRoot } from '../context.js';
import { EXIT, type CliIO } from '../io.js';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

export function registerConfigCommands(program: Command, io: CliIO, run: Run): void {
  program
    .command('init')
    .description('detect languages, frameworks and CI; write .sentrik/config.yaml with suggested packs')
    .option('--root <dir>', 'project root', '.')
    .option('--no-interactive', 'never prompt (the default when stdin is not a terminal; init never prompts today)')
    .option('--force', 'overwrite an existing .sentrik/config.yaml')
    .action(run((flags) => init(io, flags)));
  program
    .command('validate-config')
    .description('validate .sentrik/config.yaml and show the effective settings and where each came from')
    .option('--root <dir>', 'project root', '.')
    .option('--config <file>', 'configuration file to validate')
    .action(run((flags) => validate(io, flags)));
}

function init(io: CliIO, flags: { root: string; force?: boolean }): number {
  const { root } = resolveRoot(io, [], flags.root);
  const file = join(root, '.sentrik', 'config.yaml');
  if (existsSync(file) && !flags.force) {
    throw new SentrikError('a configuration already exists', relative(io.cwd, file) || file, undefined, 'pass --force to overwrite it, or edit it');
  }
  const detection = detectProject(root);
  const available = new Set(availablePackIds(root).map((p) => p.id));
  const text = renderInitConfig({ ...detection, suggestedPacks: detection.suggestedPacks.filter((p) => available.has(p)) });
  mkdirSync(join(root, '.sentrik'), { recursive: true });
  writeFileSync(file, text);
  ignoreGeneratedInSentrikDir(join(root, '.sentrik'));
  io.stdout(`${describeDetection(detection)}\nWrote ${relative(io.cwd, file) || file}\n`);
  return EXIT.OK;
}

function validate(io: CliIO, flags: { root: string; config?: string }): number {
  const { root } = resolveRoot(io, [], flags.root);
  // Packs named in standards_packs must exist: loadEffectiveConfig refuses an unknown one at its file:line.
  const loaded = loadEffectiveConfig(io, root, {}, flags.config);
  const packs = availablePackIds(root);
  const available = new Set(packs.map((p) => p.id));
  const overridden = packs.filter((p) => p.id in loaded.config.pack_overrides);
  try {
    checkPackOverrides(available, loaded.config.pack_overrides, overridden.map((p) => loadPack(p.dir, p.builtin, p.prefix)));
    // The enabled packs load as a scan loads them: a broken custom pack, or two sharing a rule id, is found here.
    buildRules(root, loaded.config);
  } catch (err) {
    if (err instanceof SentrikError && !err.file && loaded.file) throw new SentrikError(err.message, loaded.file, undefined, err.hint);
    throw err;
  }
  io.stdout(describeConfig(loaded));
  io.stdout(`\n${loaded.file ? `${relative(io.cwd, loaded.file) || loaded.file} is valid` : 'No configuration file: zero-config defaults apply'}\n`);
  return EXIT.OK;
}
