// `sentrik migrate`: rewrite a reference-product `.guard.yaml` as `.sentrik/config.yaml`. Keys are mapped as
// loadConfig maps them when it reads a .guard.yaml (config/layers.ts: GUARD_KEY_MAP); keys without an
// equivalent are listed as comments in the new file and as warnings, never dropped silently.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { Document } from 'yaml';
import { CONFIG_DIR, GUARD_FILES, mapGuardConfig } from '../../config/layers.js';
import { configSchema } from '../../config/schema.js';
import { SentrikError } from '../../util/errors.js';
import { parseYamlWithPositions } from '../../util/yaml.js';
import { resolveRoot } from '../context.js';
import { EXIT, type CliIO } from '../io.js';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

export function registerMigrateCommands(program: Command, io: CliIO, run: Run): void {
  program
    .command('migrate')
    .description('convert a reference-product .guard.yaml into .sentrik/config.yaml (unmapped keys are reported)')
    .option('--root <dir>', 'project root', '.')
    .option('--dry-run', 'print the new configuration instead of writing it')
    .option('--force', 'overwrite an existing .sentrik/config.yaml')
    .action(run((flags: { root: string; dryRun?: boolean; force?: boolean }) => migrate(io, flags)));
}

function migrate(io: CliIO, flags: { root: string; dryRun?: boolean; force?: boolean }): number {
  const { root } = resolveRoot(io, [], flags.root);
  const source = GUARD_FILES.map((f) => join(root, f)).find((f) => existsSync(f));
  if (!source) throw new SentrikError('no .guard.yaml to migrate', root, undefined, 'run it in the project that has the reference-product configuration');
  const parsed = parseYamlWithPositions(readFileSync(source, 'utf8'), source);
  const mapping = mapGuardConfig(parsed);
  const check = configSchema.safeParse(mapping.value);
  if (!check.success) {
    const issue = check.error.issues[0];
    throw new SentrikError(`cannot migrate: ${issue.path.join('.') || '(top level)'}: ${issue.message}`, source, undefined, 'fix the value in .guard.yaml, then run migrate again');
  }
  const shown = relative(io.cwd, source) || source;
  const doc = new Document(mapping.value);
  doc.commentBefore = [
    ` Migrated from ${shown} by \`sentrik migrate\`. Check it with \`sentrik config show --origin\`.`,
    ...mapping.unmapped.map((u) => ` not migrated: ${u.key}${u.line ? ` (line ${u.line})` : ''}: ${u.why}`),
  ].join('\n');
  const text = doc.toString({ lineWidth: 0 });
  for (const u of mapping.unmapped) io.stderr(`sentrik: warning: ${shown}${u.line ? `:${u.line}` : ''}: ${u.key}: ${u.why}\n`);
  if (flags.dryRun) {
    io.stdout(text);
    return EXIT.OK;
  }
  const target = join(root, CONFIG_DIR, 'config.yaml');
  if (existsSync(target) && !flags.force) throw new SentrikError('a configuration already exists', relative(io.cwd, target) || target, undefined, 'pass --force to overwrite it, or --dry-run to see the result');
  mkdirSync(join(root, CONFIG_DIR), { recursive: true });
  writeFileSync(target, text);
  io.stdout(`Wrote ${relative(io.cwd, target) || target} from ${shown} (${Object.keys(mapping.value).length} keys, ${mapping.unmapped.length} not migrated); you can delete ${shown} now\n`);
  return EXIT.OK;
}
