// import-spec: turn an OpenAPI / AsyncAPI / protobuf contract into a custom pack under .sentrik/rules/<id>/.
// Everything is validated before anything is written: a broken spec is one line with file:line, exit 2.
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { checkRuleExamples } from '../../packs/examples.js';
import { builtinPacksDir, customPacksDir, loadPack } from '../../packs/load.js';
import { looksLikeAsyncApi } from '../../specs/asyncapi/index.js';
import type { SpecKind } from '../../specs/check.js';
import { looksLikeOpenApi } from '../../specs/openapi/model.js';
import { buildPackYaml, currentFindings, defaultPackId, driftScope, keepUserOptions, packChanges, readSpec, samePack, type DriftScope } from '../../specs/import.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { listSome } from '../../util/text.js';
import { SentrikError } from '../../util/errors.js';
import { resolveInsideRoot, toPosix } from '../../util/paths.js';
import { resolveRoot } from '../context.js';
import { EXIT, type CliIO } from '../io.js';
import { editPacks } from './packs.js';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

interface Flags {
  format?: string;
  id?: string;
  overwrite?: boolean;
  enable?: boolean;
  externalRefs?: boolean;
  scope?: string;
  root?: string;
}

export function registerImportSpecCommands(program: Command, io: CliIO, run: Run): void {
  program
    .command('import-spec')
    .description('generate a custom pack from an API contract (OpenAPI, AsyncAPI, .proto), enforced on every scan')
    .argument('<file>', 'the spec file (inside the project)')
    .option('-f, --format <format>', 'openapi | asyncapi | protobuf (default: detected from the content)')
    .option('--id <id>', 'pack id (default: spec-<title>)')
    .option('--overwrite', 'replace the pack when the spec changed, and report what changed')
    .option('--enable', 'add the pack to standards_packs in .sentrik/config.yaml')
    .option('--external-refs', 'follow $refs into other local files (never URLs)')
    .option('--scope <dir>', 'folder whose code the drift rules check (default: the folder holding the spec, or the nearest one above it with code)')
    .option('--root <dir>', 'project root', '.')
    .action(run((file: string, flags: Flags) => importSpec(io, file, flags)));
}

const FORMATS: SpecKind[] = ['openapi', 'asyncapi', 'protobuf'];

function importSpec(io: CliIO, file: string, flags: Flags): number {
  if (flags.format && !FORMATS.includes(flags.format as SpecKind)) throw new SentrikError(`unknown format '${flags.format}'`, undefined, undefined, `use one of: ${FORMATS.join(', ')}`);
  if (flags.id && !/^[a-z0-9][a-z0-9-]*$/.test(flags.id)) throw new SentrikError(`invalid pack id '${flags.id}'`, undefined, undefined, 'pack ids are lower-case words joined by dashes');
  const { root } = resolveRoot(io, [], flags.root ?? '.');
  const specAbs = resolveInsideRoot(root, resolve(io.cwd, file));
  if (!existsSync(specAbs)) throw new SentrikError('no such file', file, undefined, 'check the path');
  if (statSync(specAbs).isDirectory()) throw folderGiven(file, specAbs);

  const spec = readSpec({ root, specAbs, format: flags.format as SpecKind | undefined, externalRefs: flags.externalRefs });
  const id = flags.id ?? defaultPackId(spec);
  if (existsSync(join(builtinPacksDir(), id, 'pack.yaml'))) throw new SentrikError(`'${id}' is the id of a built-in pack`, undefined, undefined, 'choose another with --id');
  const drift = driftScope(spec, id, flags.scope === undefined ? undefined : scopeDir(io, root, flags.scope));
  const dest = join(customPacksDir(root), id);
  const packFile = join(dest, 'pack.yaml');
  const old = existsSync(packFile) ? readFileSync(packFile, 'utf8') : undefined;
  const { yaml, kept } = old === undefined ? { yaml: buildPackYaml(spec, id, drift), kept: [] } : keepUserOptions(old, buildPackYaml(spec, id, drift));
  validate(yaml, id);

  if (old !== undefined && samePack(old, yaml)) {
    // Nothing was imported: the summary of an import would say otherwise.
    io.stdout(`${id} is up to date with ${spec.specRel} (nothing changed): ${packFile}\n`);
    return flags.enable ? editPacks(io, id, root, 'add') : EXIT.OK;
  }
  if (old !== undefined && !flags.overwrite) {
    const changes = packChanges(old, yaml);
    throw new SentrikError(`pack '${id}' exists and differs (${changes.length} change${changes.length === 1 ? '' : 's'}: ${changes.slice(0, 3).join('; ')}${changes.length > 3 ? '; …' : ''})`, packFile, undefined, 'pass --overwrite to update it');
  }
  writeFileAtomic(packFile, yaml);
  if (old !== undefined) {
    io.stdout(`Updated ${id} from ${spec.specRel}:\n`);
    for (const c of packChanges(old, yaml)) io.stdout(`  ${c}\n`);
    for (const k of kept) io.stdout(`  kept your edit: ${k}\n`);
  }
  summarise(io, spec, id, yaml, packFile, drift);
  if (flags.enable) return editPacks(io, id, root, 'add');
  return EXIT.OK;
}

/** `import-spec .`: name the spec file, and which files of the folder look like one. */
function folderGiven(file: string, dir: string): SentrikError {
  const specs = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ya?ml|json|proto)$/i.test(e.name) && looksLikeSpec(join(dir, e.name)))
    .map((e) => join(file, e.name).split(sep).join('/'))
    .sort();
  const hint = specs.length
    ? `name the spec file: ${listSome(specs.map((f) => `sentrik import-spec ${f}`), 5, (n) => ` (and ${n} more)`)}`
    : 'name the spec file (OpenAPI, AsyncAPI or .proto); none was found directly in this folder';
  return new SentrikError('is a folder, not a spec file', file, undefined, hint);
}

/** A .proto file, or YAML/JSON whose first 64 KiB declare openapi, swagger or asyncapi. */
function looksLikeSpec(path: string): boolean {
  if (path.endsWith('.proto')) return true;
  try {
    const fd = openSync(path, 'r');
    const buf = Buffer.alloc(65536);
    const n = readSync(fd, buf, 0, buf.length, 0);
    closeSync(fd);
    const head = buf.subarray(0, n).toString('utf8');
    return looksLikeOpenApi(head) || looksLikeAsyncApi(head);
  } catch {
    return false;
  }
}

/** `--scope DIR`: a folder inside the root, as a posix path relative to it ('.' for the root). */
function scopeDir(io: CliIO, root: string, dir: string): string {
  const abs = resolveInsideRoot(root, resolve(io.cwd, dir));
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new SentrikError('--scope is not a folder', dir, undefined, 'give the folder that holds the code the spec describes');
  return toPosix(relative(root, abs)) || '.';
}

/** The generated pack must load and pass its own examples before it is written. */
function validate(yaml: string, id: string): void {
  const tmp = mkdtempSync(join(tmpdir(), 'sentrik-spec-'));
  const dir = join(tmp, id); // a pack lives in a folder named after its id
  try {
    mkdirSync(dir);
    writeFileSync(join(dir, 'pack.yaml'), yaml);
    const pack = loadPack(dir, false);
    const failures = pack.rules.flatMap((r) => checkRuleExamples(r));
    if (failures.length) throw new SentrikError(`generated pack fails its own examples (${failures[0].ruleId}: ${failures[0].reason})`, undefined, undefined, 'please report this');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function summarise(io: CliIO, spec: ReturnType<typeof readSpec>, id: string, yaml: string, packFile: string, drift: DriftScope): void {
  const rules = (yaml.match(/^ {2}- id: /gm) ?? []).length;
  const what = spec.contract
    ? `${spec.contract.operations.length} operations, ${spec.contract.secured.length} secured`
    : spec.proto
      ? `${spec.proto.files.length} file(s), ${spec.proto.requests.length} request / ${spec.proto.responses.length} response messages`
      : 'channels and servers';
  io.stdout(`Imported ${spec.kind} contract ${spec.specRel} (${spec.title}${spec.version ? ` ${spec.version}` : ''}): ${what}\n`);
  io.stdout(`Pack ${id}: ${rules} rules in ${packFile}\n`);
  const found = currentFindings(spec, yaml);
  if (found.length) {
    io.stdout(`The contract itself currently has ${found.reduce((a, f) => a + f.count, 0)} findings:\n`);
    for (const f of found) io.stdout(`  ${f.ruleId.padEnd(16)} ${String(f.count).padStart(5)}  first at ${f.first ?? spec.specRel}\n`);
  }
  if (spec.contract) {
    io.stdout(`Drift rules check code under ${drift.scope === '.' ? 'the whole repository' : `${drift.scope}/`}${drift.tag ? ` as SPEC-DRIFT-${drift.tag}-001/002 (another imported spec has SPEC-DRIFT-001)` : ''}; --scope DIR to change\n`);
    for (const o of drift.staleOthers) io.stdout(`${o.packId} checks code under this spec's folder but does not know its operations: re-import ${o.spec} --id ${o.packId} --overwrite\n`);
  }
  if (spec.refs?.externalFiles.length) {
    const n = spec.refs.externalFiles.length;
    io.stdout(`Followed $refs into ${n} file(s) (${listSome(spec.refs.externalFiles, 3, () => ' …')}): their operations and schemas are part of the contract and were checked; a scan checks ${spec.specRel} on its own and reports its external $refs as not followed\n`);
  }
  if (spec.refs?.externalSkipped.length) {
    io.stdout(`${spec.refs.externalSkipped.length} external $ref(s) not followed (e.g. ${spec.refs.externalSkipped[0]}); pass --external-refs to follow local files\n`);
  }
}
