// `sentrik baseline create [-o FILE]`: record the fingerprints of the current findings, so that
// `scan/gate --baseline FILE` report only what is new. Fingerprints survive line shifts (rule, file,
// normalised match, occurrence), so unrelated edits do not bring old findings back. Same file format as
// `sentrik secrets --baseline`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { baselineOf, serializeBaseline } from '../../engine/baseline.js';
import { runScan } from '../../run/scan.js';
import { SentrikError } from '../../util/errors.js';
import { loadEffectiveConfig, resolveProjectDir } from '../context.js';
import { EXIT, type CliIO } from '../io.js';
import { listOption } from '../options.js';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

export const DEFAULT_BASELINE = '.sentrik/baseline.json';

interface CreateFlags {
  output?: string;
  packs?: string[];
  root?: string;
  config?: string;
  cache?: boolean;
}

export function registerBaselineCommands(program: Command, io: CliIO, run: Run): void {
  const cmd = program.command('baseline').description('record the current findings, so later scans report only new ones (--baseline FILE)');
  cmd
    .command('create')
    .description('scan and write the fingerprints of every current finding')
    .argument('[path]', 'project directory (default: the current directory)')
    .option('-o, --output <file>', `baseline file (default: <root>/${DEFAULT_BASELINE})`)
    .option('--packs <ids>', 'pack ids to run (default: the configured packs)', listOption)
    .option('--no-cache', 'ignore and do not update the result cache')
    .option('--root <dir>', 'the project root')
    .option('--config <file>', 'configuration file')
    .action(run((path: string | undefined, flags: CreateFlags) => create(io, path, flags)));
  for (const c of [cmd, ...cmd.commands]) c.exitOverride().configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
}

async function create(io: CliIO, path: string | undefined, flags: CreateFlags): Promise<number> {
  const root = resolveProjectDir(io, path, flags.root);
  const { config } = loadEffectiveConfig(io, root, flags.cache === false ? { cache: false } : {}, flags.config);
  const result = await runScan({ root, config, scope: { mode: 'paths', paths: [] }, packs: flags.packs, noCache: flags.cache === false, last: true });
  const baseline = baselineOf(result);
  const file = flags.output ? resolve(io.cwd, flags.output) : join(root, DEFAULT_BASELINE);
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, serializeBaseline(baseline));
  } catch (err) {
    throw new SentrikError(`cannot write baseline: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, flags.output ?? file, undefined, 'choose a writable path with -o');
  }
  const shown = isAbsolute(flags.output ?? '') ? file : relative(io.cwd, file) || file;
  io.stdout(`Baseline written to ${shown}: ${baseline.entries.length} finding${baseline.entries.length === 1 ? '' : 's'} recorded (${result.metrics.filesScanned} files, ${result.metrics.rulesEvaluated} rules)\n`);
  io.stdout(`Use it with: sentrik gate --baseline ${shown}\n`);
  return EXIT.OK;
}
