// `sentrik sbom`: a bill of materials of the packages in the project's lockfiles (CycloneDX 1.6 or SPDX 2.3).
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { describeUnchecked, gitignoredNote } from '../../advisories/coverage.js';
import { projectIdentity, readProject } from '../../advisories/project.js';
import { ECOSYSTEMS } from '../../ecosystems/index.js';
import type { Package } from '../../ecosystems/types.js';
import { loadConfig } from '../../config/load.js';
import { licensesFor } from '../../licenses/index.js';
import { cycloneDx, spdx } from '../../sbom/index.js';
import { SentrikError } from '../../util/errors.js';
import { resolveProjectDir } from '../context.js';
import { EXIT, type CliIO } from '../io.js';

/** `package-lock.json, yarn.lock, …`: every lockfile format, for the hint on an empty project. */
const LOCKFILE_NAMES = ECOSYSTEMS.flatMap((e) => e.formats.map((f) => f.name)).join(', ');

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

/**
 * Packages of every lockfile under the root, each once, with problems printed (the SBOM is still written),
 * and what `what` (the SBOM, the licence list) leaves out: declared dependencies whose versions no lockfile
 * gives, with the command that writes one — or, with no dependency file at all, that there is none.
 */
export function projectPackages(io: CliIO, path: string | undefined, what: string): { root: string; packages: Package[] } {
  const root = resolveProjectDir(io, path);
  const { config } = loadConfig({ root, env: io.env, overrides: {}, configPath: io.env.SENTRIK_CONFIG });
  const project = readProject(root, config.scan_exclude);
  for (const p of project.problems.slice(0, 20)) io.stderr(`sentrik: problem: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}\n`);
  const note = gitignoredNote(project.gitignored);
  if (note) io.stderr(`sentrik: note: ${note}\n`);
  if (project.unchecked.length) {
    const n = project.unchecked.reduce((sum, u) => sum + u.names.length, 0);
    io.stderr(`sentrik: warning: ${n} dependenc${n === 1 ? 'y is' : 'ies are'} not in ${what}:\n`);
    for (const u of project.unchecked) io.stderr(`  ${u.file}${u.line ? `:${u.line}` : ''}: ${describeUnchecked(u, 'left out')}\n`);
  } else if (!project.lockfiles.length && !project.problems.length) {
    io.stderr(`sentrik: warning: ${what} lists no packages: no lockfile or dependency manifest under ${root} (sentrik reads ${LOCKFILE_NAMES}, and their manifests)\n`);
  }
  return { root, packages: project.packages };
}

function sbomCommand(io: CliIO, path: string | undefined, flags: { format: string; output?: string }): number {
  if (!['cyclonedx', 'spdx'].includes(flags.format)) throw new SentrikError(`unknown SBOM format '${flags.format}'`, undefined, undefined, 'use cyclonedx or spdx');
  const { root, packages } = projectPackages(io, path, flags.format === 'spdx' ? 'the SPDX document' : 'the SBOM');
  const licenses = licensesFor(root, packages);
  const text = (flags.format === 'spdx' ? spdx : cycloneDx)(projectIdentity(root), packages, licenses);
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
  io.stderr(`SBOM (${flags.format}, ${packages.length} package${packages.length === 1 ? '' : 's'}) written to ${flags.output}\n`);
  return EXIT.OK;
}
