// `sentrik sbom`: a bill of materials of the packages in the project's lockfiles (CycloneDX 1.6 or SPDX 2.3).
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { readProject } from '../../advisories/project.js';
import { loadConfig } from '../../config/load.js';
import { licensesFor } from '../../licenses/index.js';
import { cycloneDx, spdx } from '../../sbom/index.js';
import { SentrikError } from '../../util/errors.js';
import { resolveRoot } from '../context.js';
import { EXIT, type CliIO } from '../io.js';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

export function registerSbomCommands(program: Command, io: CliIO, run: Run): void {
  program
    .command('sbom')
    .description('bill of materials from the lockfiles: CycloneDX 1.6 JSON (default) or SPDX 2.3 JSON')
    .argument('[path]', 'project directory (default: the current directory)')
    .option('-f, --format <format>', 'cyclonedx or spdx', 'cyclonedx')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(run((path: string | undefined, flags: { format: string; output?: string }) => sbomCommand(io, path, flags)));
}

/** Packages of every lockfile under the root, with problems printed (the SBOM is still written). */
export function projectPackages(io: CliIO, path: string | undefined): { root: string; packages: ReturnType<typeof readProject>['lockfiles'][number]['packages'] } {
  const { root } = resolveRoot(io, path ? [path] : []);
  const { config } = loadConfig({ root, env: io.env, overrides: {}, configPath: io.env.SENTRIK_CONFIG });
  const project = readProject(root, config.scan_exclude);
  for (const p of project.problems.slice(0, 20)) io.stderr(`sentrik: problem: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}\n`);
  return { root, packages: project.packages };
}

function sbomCommand(io: CliIO, path: string | undefined, flags: { format: string; output?: string }): number {
  if (!['cyclonedx', 'spdx'].includes(flags.format)) throw new SentrikError(`unknown SBOM format '${flags.format}'`, undefined, undefined, 'use cyclonedx or spdx');
  const { root, packages } = projectPackages(io, path);
  const licenses = licensesFor(root, packages);
  const text = (flags.format === 'spdx' ? spdx : cycloneDx)(basename(root), packages, licenses);
  if (!flags.output) {
    io.stdout(text);
    return EXIT.OK;
  }
  const file = resolve(io.cwd, flags.output);
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  } catch (err) {
    throw new SentrikError(`cannot write the SBOM: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, flags.output);
  }
  io.stderr(`SBOM (${flags.format}, ${packages.length} packages) written to ${flags.output}\n`);
  return EXIT.OK;
}
