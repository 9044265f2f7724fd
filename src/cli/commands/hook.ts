// `sentrik hook install [--force]` / `sentrik hook uninstall`: a native git pre-commit hook that runs
// `sentrik gate --staged`. An existing hook that is not ours is never replaced without --force (and then kept
// as a backup; an earlier backup is never overwritten).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { SentrikError } from '../../util/errors.js';
import { CLI_SCRIPT } from '../../util/package.js';
import { EXIT, type CliIO } from '../io.js';

type Run = (fn: (...args: any[]) => Promise<number> | number) => (...args: any[]) => Promise<void>;

/** Identifies a hook file written by sentrik (so re-installing updates it and uninstall removes only ours). */
export const HOOK_MARKER = 'sentrik-managed-hook';
const BACKUP_SUFFIX = '.sentrik-backup';

export function registerHookCommands(program: Command, io: CliIO, run: Run): void {
  const hook = program.command('hook').description('git hook integration (see also .pre-commit-hooks.yaml for the pre-commit framework)');
  hook
    .command('install')
    .description('write .git/hooks/pre-commit running `sentrik gate --staged`; an existing hook is kept unless --force')
    .option('--force', 'replace an existing pre-commit hook (kept as pre-commit.sentrik-backup; never over an earlier backup: then .sentrik-backup.1, .2, …)')
    .option('--root <dir>', 'the repository (default: the current directory)')
    .action(run((flags: { force?: boolean; root?: string }) => install(io, flags)));
  hook
    .command('uninstall')
    .description('remove the sentrik pre-commit hook (restoring a hook it replaced)')
    .option('--root <dir>', 'the repository (default: the current directory)')
    .action(run((flags: { root?: string }) => uninstall(io, flags)));
  for (const c of hook.commands) c.exitOverride().configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
}

function install(io: CliIO, flags: { force?: boolean; root?: string }): number {
  const { file, shown } = hookFile(io, flags.root);
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (existing !== undefined && !existing.includes(HOOK_MARKER)) {
    if (!flags.force) {
      const framework = /pre-commit\.com|pre_commit/.test(existing);
      throw new SentrikError(
        'a pre-commit hook already exists and was left unchanged',
        shown,
        undefined,
        framework
          ? 'it belongs to the pre-commit framework: add the sentrik-gate hook to .pre-commit-config.yaml instead (see docs/ci.md), or use --force'
          : `run \`sentrik hook install --force\` to replace it (it is kept as pre-commit${BACKUP_SUFFIX})`,
      );
    }
    io.stdout(`${keepBackup(file, existing, shown)}\n`);
  }
  mkdirSync(resolve(file, '..'), { recursive: true });
  writeFileSync(file, hookScript());
  chmodSync(file, 0o755);
  io.stdout(`${existing?.includes(HOOK_MARKER) ? 'Updated' : 'Installed'} ${shown}: \`sentrik gate --staged\` runs before every commit (skip once with git commit --no-verify)\n`);
  return EXIT.OK;
}

/**
 * Move the foreign hook at `file` aside; returns what to tell the user. The first backup is the hook the
 * repository had before sentrik (the one uninstall restores) and is never overwritten: a later foreign hook
 * (written over ours by another tool) goes to the next free numbered name, unless the first already holds it.
 */
function keepBackup(file: string, content: string, shown: string): string {
  const first = file + BACKUP_SUFFIX;
  if (!existsSync(first)) {
    renameSync(file, first);
    return `Kept the previous hook as ${shown}${BACKUP_SUFFIX}`;
  }
  if (readFileSync(first, 'utf8') === content) {
    rmSync(file);
    return `The previous hook is already kept as ${shown}${BACKUP_SUFFIX}`;
  }
  const n = laterBackups(file).length + 1;
  renameSync(file, `${first}.${n}`);
  return `Kept the previous hook as ${shown}${BACKUP_SUFFIX}.${n} (${shown}${BACKUP_SUFFIX} already holds an earlier one, which \`sentrik hook uninstall\` restores)`;
}

/** The numbered backups beside the first, in order (pre-commit.sentrik-backup.1, .2, …). */
function laterBackups(file: string): string[] {
  const found: string[] = [];
  for (let n = 1; existsSync(`${file}${BACKUP_SUFFIX}.${n}`); n++) found.push(`${file}${BACKUP_SUFFIX}.${n}`);
  return found;
}

function uninstall(io: CliIO, flags: { root?: string }): number {
  const { file, shown } = hookFile(io, flags.root);
  if (!existsSync(file) || !readFileSync(file, 'utf8').includes(HOOK_MARKER)) {
    io.stdout(`No sentrik hook at ${shown}; nothing changed\n`);
    return EXIT.OK;
  }
  rmSync(file);
  if (existsSync(file + BACKUP_SUFFIX)) {
    renameSync(file + BACKUP_SUFFIX, file);
    io.stdout(`Removed the sentrik hook and restored the previous ${shown}\n`);
  } else io.stdout(`Removed ${shown}\n`);
  const later = laterBackups(file);
  if (later.length) io.stdout(`Left in place: ${later.map((b) => relative(io.cwd, b) || b).join(', ')} — hooks that replaced sentrik's after it was installed; restore one by hand if you need it\n`);
  return EXIT.OK;
}

/** Where git looks for the pre-commit hook (honours core.hooksPath and worktrees). */
function hookFile(io: CliIO, rootFlag?: string): { file: string; shown: string } {
  const root = resolve(io.cwd, rootFlag ?? '.');
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new SentrikError('not a directory', rootFlag ?? root, undefined, 'pass --root with the repository folder');
  const r = spawnSync('git', ['rev-parse', '--git-path', 'hooks'], { cwd: root, encoding: 'utf8' });
  if (r.error) throw new SentrikError('git is not installed or not on PATH', undefined, undefined, 'install git');
  if (r.status !== 0) throw new SentrikError('not a git repository', rootFlag ?? root, undefined, 'run it inside a git repository (git init)');
  const file = join(resolve(root, r.stdout.trim()), 'pre-commit');
  return { file, shown: relative(io.cwd, file) || file };
}

/**
 * The hook prefers the sentrik that installed it (same Node, same version) and falls back to `sentrik` on PATH
 * when that checkout is gone. It runs from the repository's top level, which `gate --staged` scans.
 */
function hookScript(): string {
  const bin = CLI_SCRIPT;
  return [
    '#!/bin/sh',
    `# ${HOOK_MARKER}: installed by \`sentrik hook install\`. Blocks commits that add findings at the gate's`,
    '# fail_on severities (.sentrik/config.yaml). Skip once with `git commit --no-verify`.',
    `SENTRIK_BIN=${shellQuote(bin)}`,
    'if [ -f "$SENTRIK_BIN" ]; then',
    `  exec ${shellQuote(process.execPath)} "$SENTRIK_BIN" gate --staged`,
    'fi',
    'exec sentrik gate --staged',
    '',
  ].join('\n');
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
