// What every command needs: the scan root, the effective configuration, and report writing.
import { makeGeneratedDir } from '../util/generated-dir.js';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import type { ConfigOverrides, Reporter } from '../config/schema.js';
import type { GateResult, ScanResult } from '../engine/model.js';
import { availablePackIds } from '../packs/load.js';
import { REPORTERS } from '../reporters/index.js';
import { renderTerminal } from '../reporters/terminal.js';
import { SentrikError } from '../util/errors.js';
import { closest } from '../util/text.js';
import type { CliIO } from './io.js';

/** The report folder a run writes to: --output-dir (from the working directory), else output_dir (from the root). */
export function runOutputDir(io: CliIO, root: string, outputDirFlag: string | undefined, configured: string): string {
  return outputDirFlag ? resolve(io.cwd, outputDirFlag) : isAbsolute(configured) ? configured : join(root, configured);
}

/**
 * The scan root: `--root` if given; else a single directory argument is the project (its config, its
 * .gitignore, its obligations); else the current directory.
 */
export function resolveRoot(io: CliIO, paths: string[], rootFlag?: string): { root: string; paths: string[] } {
  if (rootFlag) {
    const root = resolve(io.cwd, rootFlag);
    if (!existsSync(root) || !statSync(root).isDirectory()) throw new SentrikError('the root is not a directory', rootFlag);
    return { root, paths: paths.map((p) => resolve(io.cwd, p)) };
  }
  if (paths.length === 1) {
    const abs = resolve(io.cwd, paths[0]);
    if (!existsSync(abs)) throw new SentrikError('no such file or directory', paths[0], undefined, 'check the path');
    if (statSync(abs).isDirectory()) return { root: abs, paths: [] };
  }
  return { root: io.cwd, paths: paths.map((p) => resolve(io.cwd, p)) };
}

/**
 * The project folder of a command that covers a whole project (vulns, sbom, compliance, baseline, …): `path`
 * or `--root`, else the current directory. A file is refused: working on the current directory instead, as
 * resolveRoot would, is not what was asked.
 */
export function resolveProjectDir(io: CliIO, path: string | undefined, rootFlag?: string): string {
  if (path !== undefined && rootFlag !== undefined && resolve(io.cwd, path) !== resolve(io.cwd, rootFlag)) {
    throw new SentrikError('give the project directory once: as the argument or as --root', path);
  }
  const { root, paths } = resolveRoot(io, path !== undefined && rootFlag === undefined ? [path] : [], rootFlag);
  if (paths.length) throw new SentrikError('not a directory', path, undefined, 'give the project directory');
  return root;
}

/**
 * The effective configuration. A pack id written in standards_packs that no pack has is an error at its
 * item's file:line (unless `allowUnknownPacks`: list-packs, add-pack and remove-pack, which must be able
 * to remove it); detection may suggest packs this version does not ship, and those are left out.
 */
export function loadEffectiveConfig(io: CliIO, root: string, overrides: ConfigOverrides, configPath?: string, opts: { allowUnknownPacks?: boolean } = {}): LoadedConfig {
  // A --config path is relative to where the user typed it, not to the project root.
  const explicit = configPath ?? io.env.SENTRIK_CONFIG;
  const loaded = loadConfig({ root, env: io.env, overrides, configPath: explicit ? resolve(io.cwd, explicit) : undefined });
  for (const w of loaded.warnings) io.stderr(`sentrik: warning: ${w}\n`);
  const available = availablePackIds(root).map((p) => p.id);
  const unknown = loaded.config.standards_packs.filter((p) => !available.includes(p));
  const written = unknown.filter((p) => loaded.packSources[p] !== undefined);
  if (written.length && !opts.allowUnknownPacks) throw unknownPackError(written[0], loaded.packSources[written[0]], available);
  loaded.config.standards_packs = loaded.config.standards_packs.filter((p) => available.includes(p) || written.includes(p));
  return loaded;
}

/** `file:line: unknown pack 'x' in standards_packs — did you mean 'y'? available: …` (or the variable that set it). */
function unknownPackError(id: string, source: string, available: string[]): SentrikError {
  const guess = closest(id, available);
  const hint = `${guess ? `did you mean '${guess}'? ` : ''}available: ${available.join(', ')} (sentrik list-packs)`;
  const at = /^(.*):(\d+)$/.exec(source);
  if (at) return new SentrikError(`unknown pack '${id}' in standards_packs`, at[1], Number(at[2]), hint);
  return new SentrikError(`unknown pack '${id}' in standards_packs (${source})`, undefined, undefined, hint);
}

export const FORMATS = ['terminal', 'json', 'sarif', 'junit', 'csv', 'markdown', 'html', 'metrics'] as const;
export type Format = (typeof FORMATS)[number];

export interface OutputOptions {
  format?: string;
  output?: string;
  outputDir?: string;
  quiet?: boolean;
  color?: boolean;
}

/**
 * Write what the user asked for:
 *  --format F --output FILE   one report to FILE (terminal summary to stderr)
 *  --output FILE              the same, the format told by FILE's extension (formatOfFile)
 *  --format F                 that report to stdout
 *  --output-dir DIR           the configured set of reports into DIR
 *  (default)                  terminal report to stdout and the configured set into output_dir
 */
export function emitReports(io: CliIO, root: string, result: ScanResult, gate: GateResult | undefined, o: OutputOptions, reporters: Reporter[], outputDir: string): void {
  const format = reportFormat(o);
  // Colour is for a terminal: a report written to a file never has it, whatever stdout is.
  const color = o.output ? false : (o.color ?? io.isTTY);
  const render = (f: Format): string => (f === 'terminal' ? renderTerminal(result, { color, quiet: o.quiet, gate }) : REPORTERS[f].render(result, gate));

  if (o.output) {
    const file = resolve(io.cwd, o.output);
    writeReport(file, render(format), o.output);
    io.stderr(renderTerminal(result, { color: false, quiet: true, gate }));
    io.stderr(`Report written to ${o.output}\n`);
    return;
  }
  io.stdout(render(format));

  const dir = reportDir(io, root, o.outputDir, outputDir);
  const written: string[] = [];
  for (const name of reporters) {
    const r = REPORTERS[name];
    writeReport(join(dir, r.fileName), r.render(result, gate), join(dir, r.fileName));
    written.push(r.fileName);
  }
  if (written.length && !o.quiet) (format === 'terminal' ? io.stdout : io.stderr)(`Reports written to ${dir}: ${written.join(', ')}\n`);
}

/** Refuse a --format no reporter writes (undefined: none given). */
export function checkFormat(format: string | undefined): void {
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) throw new SentrikError(`unknown format '${format}'`, undefined, undefined, `use one of: ${FORMATS.join(', ')}`);
}

/** The one report `--format` / `--output FILE` asks for (terminal when neither); commands ask before their work. */
export function reportFormat(o: Pick<OutputOptions, 'format' | 'output'>): Format {
  const format = o.format ?? (o.output ? formatOfFile(o.output) : 'terminal');
  checkFormat(format);
  return format as Format;
}

/**
 * What this run writes (absolute): the --output file, else the report folder. A scan leaves these out when
 * they lie inside the root (runScan's ownOutputs: the file, or the folder's report files).
 */
export function runOutputs(io: CliIO, root: string, o: Pick<OutputOptions, 'output' | 'outputDir'>, configured: string): { file?: string; dir?: string } {
  return o.output ? { file: resolve(io.cwd, o.output) } : { dir: runOutputDir(io, root, o.outputDir, configured) };
}

/** The report format an --output file's extension names (longest suffix first: `.sarif.json` is SARIF). */
const FORMAT_BY_EXTENSION: [string, Format][] = [
  ['.sarif.json', 'sarif'],
  ['.junit.xml', 'junit'],
  ['.sarif', 'sarif'],
  ['.json', 'json'],
  ['.xml', 'junit'],
  ['.csv', 'csv'],
  ['.md', 'markdown'],
  ['.markdown', 'markdown'],
  ['.html', 'html'],
  ['.htm', 'html'],
  ['.txt', 'terminal'],
];

/** The format of `--output FILE` without `--format` (scan, gate, secrets): see formatOfExtension. */
export function formatOfFile(file: string): Format {
  return formatOfExtension(file, FORMATS, { formatFlag: true });
}

/**
 * The format an `-o FILE` names by its extension, among the `formats` a command writes (longest suffix first),
 * so `-o r.json` is JSON and not terminal text in a .json file. An extension that names none of them is refused,
 * naming it and the ones accepted, rather than guessed. `formatFlag`: the command also takes --format.
 */
export function formatOfExtension<F extends Format>(file: string, formats: readonly F[], opts: { command?: string; formatFlag?: boolean } = {}): F {
  const name = file.toLowerCase();
  const table = FORMAT_BY_EXTENSION.filter((e): e is [string, F] => (formats as readonly Format[]).includes(e[1]));
  const hit = table.find(([ext]) => name.endsWith(ext));
  if (hit) return hit[1];
  const ext = extname(name);
  const who = opts.command ? `${opts.command} ` : '';
  throw new SentrikError(
    ext ? `${who}cannot write a '${ext}' report` : `${who}cannot tell the report format from the file name`,
    file,
    undefined,
    `use an extension (${table.map(([e]) => e).join(', ')})${opts.formatFlag ? ` or give --format (${formats.join(', ')})` : ''}`,
  );
}

/**
 * The report folder (runOutputDir), made: when this run creates it, it keeps itself out of git. A folder that
 * cannot be made is a one-line error naming it.
 */
export function reportDir(io: CliIO, root: string, outputDirFlag: string | undefined, configured: string): string {
  const dir = runOutputDir(io, root, outputDirFlag, configured);
  try {
    makeGeneratedDir(dir);
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (err) {
    throw cannotWrite(err, dir, 'give a writable folder: --output-dir, or output_dir in the configuration');
  }
  return dir;
}

/** Write one report file (its folder made); a failure is a one-line error naming `shown`. */
export function writeReport(file: string, content: string | Uint8Array, shown: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  } catch (err) {
    throw cannotWrite(err, shown);
  }
}

function cannotWrite(err: unknown, shown: string, hint = 'choose a writable --output / --output-dir'): SentrikError {
  return new SentrikError(`cannot write report: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, shown, undefined, hint);
}
