// `sentrik config show [--origin]`: the effective configuration after every layer (defaults → extended files
// → repository file → directory-level files → environment → flags); with --origin, each key says the file
// and line (or variable, or flag) it came from.
import { relative } from 'node:path';
import type { Command } from 'commander';
import { Document } from 'yaml';
import { builtinPacksLeftOut } from '../../config/layers.js';
import { networkPolicy } from '../../config/load.js';
import { describeConfig } from '../../config/show.js';
import { loadEffectiveConfig, resolveRoot } from '../context.js';
import { EXIT, type CliIO } from '../io.js';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

export function registerConfigShowCommands(program: Command, io: CliIO, run: Run): void {
  const cmd = program.command('config').description('inspect the effective configuration');
  cmd
    .command('show')
    .description('print the effective configuration (valid .sentrik/config.yaml); --origin adds where each key came from')
    .option('--origin', 'annotate every key with the file:line, environment variable or flag that set it')
    .option('--root <dir>', 'project root', '.')
    .option('--config <file>', 'configuration file (replaces the repository and directory files)')
    .action(run((flags: { origin?: boolean; root: string; config?: string }) => show(io, flags)));
  for (const c of [cmd, ...cmd.commands]) c.exitOverride().configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
}

function show(io: CliIO, flags: { origin?: boolean; root: string; config?: string }): number {
  const { root } = resolveRoot(io, [], flags.root);
  const loaded = loadEffectiveConfig(io, root, {}, flags.config);
  // The network default depends on the environment (off in CI): show the value that applies.
  const effective = { ...loaded, config: { ...loaded.config, network: networkPolicy(loaded.config, io.env) } };
  const shown = (f: string): string => relative(io.cwd, f) || f;
  const notes = [
    `layers: built-in defaults${(loaded.files ?? []).map((f) => ` → ${shown(f)}`).join('')} → environment → flags`,
    ...builtinPacksLeftOut(loaded.config.standards_packs).map((p) => `built-in pack ${p} is not enabled (standards_packs leaves it out)`),
  ];
  if (flags.origin) {
    io.stdout(`${notes.map((n) => `# ${n}`).join('\n')}\n${describeConfig(effective)}`);
    return EXIT.OK;
  }
  const doc = new Document(effective.config);
  doc.commentBefore = notes.map((n) => ` ${n}`).join('\n');
  io.stdout(doc.toString({ lineWidth: 0 }));
  return EXIT.OK;
}
