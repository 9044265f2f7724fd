// Commit-time checks: the native hook from `sentrik hook install`, and the real pre-commit framework
// (Debian's `pre-commit`) running the hooks this repository declares in .pre-commit-hooks.yaml. A commit
// adding a hard-coded credential is refused; a clean one goes through.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN, expectNoStack, git, REPO, sentrik } from './helpers.js';

const SECRET_LINE = 'password = "Sup3rS3cret!2024"\n';
const AWS_LINE = 'AWS_ACCESS_KEY_ID = "AKIAQ7XW3PLMNB5RT2YK"\n';

function newRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sentrik-hook-'));
  git(dir, 'init', '-q');
  writeFileSync(join(dir, 'README.md'), '# demo\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '--no-verify', '-m', 'initial');
  return dir;
}

/** `git commit` as a developer runs it (hooks enabled); returns its exit code and output. */
function commit(dir: string, file: string, content: string, env: Record<string, string> = {}): { code: number; output: string } {
  writeFileSync(join(dir, file), content);
  git(dir, 'add', file);
  const r = spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-m', `add ${file}`], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1', ...env },
    timeout: 120_000,
  });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

const commits = (dir: string) => git(dir, 'rev-list', '--count', 'HEAD').trim();

describe('sentrik hook install (native git hook)', () => {
  it('installs an executable pre-commit hook that refuses a hard-coded password and lets a clean commit through', () => {
    const dir = newRepo();
    const r = sentrik(['hook', 'install', '--root', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Installed .*\.git\/hooks\/pre-commit: `sentrik gate --staged` runs before every commit/);
    const hook = join(dir, '.git', 'hooks', 'pre-commit');
    expect(statSync(hook).mode & 0o111).not.toBe(0);
    expect(readFileSync(hook, 'utf8')).toContain('gate --staged');

    const clean = commit(dir, 'settings.py', 'import os\npassword = os.environ["DB_PASSWORD"]\n');
    expect(clean.code, clean.output).toBe(0);
    expect(commits(dir)).toBe('2');

    const leaky = commit(dir, 'db.py', `import os\n${SECRET_LINE}`);
    expect(leaky.code).not.toBe(0);
    expect(leaky.output).toMatch(/Gate\s+FAILED/);
    expect(leaky.output).toContain('db.py');
    expect(leaky.output).not.toContain('Sup3rS3cret!2024'); // masked
    expect(commits(dir)).toBe('2');
  });

  it('never clobbers an existing hook; --force keeps it as a backup; uninstall restores it', () => {
    const dir = newRepo();
    const hook = join(dir, '.git', 'hooks', 'pre-commit');
    const mine = '#!/bin/sh\necho my own checks\n';
    writeFileSync(hook, mine);
    chmodSync(hook, 0o755);

    const refused = sentrik(['hook', 'install', '--root', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/pre-commit: a pre-commit hook already exists and was left unchanged — run `sentrik hook install --force` to replace it/);
    expectNoStack(refused.stderr);
    expect(readFileSync(hook, 'utf8')).toBe(mine);

    expect(sentrik(['hook', 'install', '--root', dir, '--force']).code).toBe(0);
    expect(readFileSync(`${hook}.sentrik-backup`, 'utf8')).toBe(mine);
    expect(readFileSync(hook, 'utf8')).toContain('sentrik-managed-hook');

    // Re-installing over our own hook is an update, not a clobber.
    const again = sentrik(['hook', 'install', '--root', dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Updated');

    expect(sentrik(['hook', 'uninstall', '--root', dir]).code).toBe(0);
    expect(readFileSync(hook, 'utf8')).toBe(mine);
    expect(existsSync(`${hook}.sentrik-backup`)).toBe(false);
  });

  it('--force never overwrites an earlier backup: a later foreign hook is numbered, and uninstall restores the first', () => {
    const dir = newRepo();
    const hook = join(dir, '.git', 'hooks', 'pre-commit');
    const original = '#!/bin/sh\necho the original checks\n';
    const later = '#!/bin/sh\necho another tool wrote this over sentrik\n';
    writeFileSync(hook, original);
    expect(sentrik(['hook', 'install', '--root', dir, '--force']).code).toBe(0);
    // Another tool replaces sentrik's hook; the user forces sentrik back in.
    writeFileSync(hook, later);
    const second = sentrik(['hook', 'install', '--root', dir, '--force'], { cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('Kept the previous hook as .git/hooks/pre-commit.sentrik-backup.1 (.git/hooks/pre-commit.sentrik-backup already holds an earlier one, which `sentrik hook uninstall` restores)');
    expect(readFileSync(`${hook}.sentrik-backup`, 'utf8')).toBe(original);
    expect(readFileSync(`${hook}.sentrik-backup.1`, 'utf8')).toBe(later);
    // The original again: it is already kept, so no second copy.
    writeFileSync(hook, original);
    const third = sentrik(['hook', 'install', '--root', dir, '--force'], { cwd: dir });
    expect(third.stdout).toContain('The previous hook is already kept as .git/hooks/pre-commit.sentrik-backup');
    expect(existsSync(`${hook}.sentrik-backup.2`)).toBe(false);

    const removed = sentrik(['hook', 'uninstall', '--root', dir], { cwd: dir });
    expect(removed.code).toBe(0);
    expect(readFileSync(hook, 'utf8')).toBe(original);
    expect(removed.stdout).toContain('Left in place: .git/hooks/pre-commit.sentrik-backup.1');
    expect(readFileSync(`${hook}.sentrik-backup.1`, 'utf8')).toBe(later);
  });

  it('a pre-commit framework hook gets a hint to use .pre-commit-config.yaml instead', () => {
    const dir = newRepo();
    writeFileSync(join(dir, '.git', 'hooks', 'pre-commit'), '#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n');
    const r = sentrik(['hook', 'install', '--root', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('add the sentrik-gate hook to .pre-commit-config.yaml');
  });

  it('outside a git repository: one line, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentrik-nogit-'));
    const r = sentrik(['hook', 'install', '--root', dir], { env: { GIT_CEILING_DIRECTORIES: tmpdir() } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a git repository — run it inside a git repository/);
    expectNoStack(r.stderr);
  });
});

describe('the pre-commit framework with the hooks of .pre-commit-hooks.yaml', () => {
  let preCommit: string;
  beforeAll(() => {
    const v = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
    if (v.error || v.status !== 0) {
      throw new Error('the real `pre-commit` is required for this test and is not installed: apt-get install pre-commit (.ci/run installs it)');
    }
    preCommit = v.stdout.trim();
  });

  it('the manifest is valid for pre-commit and declares both hooks as the docs say', () => {
    const r = spawnSync('pre-commit', ['validate-manifest', join(REPO, '.pre-commit-hooks.yaml')], { encoding: 'utf8' });
    expect(r.status, `${preCommit}: ${r.stdout}${r.stderr}`).toBe(0);
    const hooks = parse(readFileSync(join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as Record<string, unknown>[];
    expect(hooks.map((h) => [h.id, h.entry, h.language, h.pass_filenames])).toEqual([
      ['sentrik-scan', 'sentrik scan --staged', 'node', false],
      ['sentrik-gate', 'sentrik gate --staged', 'node', false],
    ]);
  });

  it('refuses a commit adding a hard-coded key and lets a clean one through', () => {
    const dir = newRepo();
    // The manifest's hooks, run offline: same ids, entries and arguments, with this checkout's sentrik as
    // the executable (a `repo: local` hook; `language: node` would npm-install the repository).
    const manifest = parse(readFileSync(join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as Record<string, unknown>[];
    const hooks = manifest.map((h) => ({ ...h, language: 'system', entry: String(h.entry).replace(/^sentrik /, `${process.execPath} ${BIN} `) }));
    writeFileSync(join(dir, '.pre-commit-config.yaml'), JSON.stringify({ repos: [{ repo: 'local', hooks }] }, null, 2));
    git(dir, 'add', '.pre-commit-config.yaml');
    git(dir, 'commit', '-q', '--no-verify', '-m', 'pre-commit config');
    const env = { PRE_COMMIT_HOME: join(dir, '.pre-commit-cache') };
    const install = spawnSync('pre-commit', ['install'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: dir, ...env } });
    expect(install.status, install.stderr).toBe(0);

    const clean = commit(dir, 'app.py', 'import os\npassword = os.environ["DB_PASSWORD"]\n', env);
    expect(clean.code, clean.output).toBe(0);
    expect(clean.output).toMatch(/sentrik gate \(staged changes\)\.+Passed/);
    expect(commits(dir)).toBe('3');

    const leaky = commit(dir, 'config.py', `import os\n${SECRET_LINE}${AWS_LINE}`, env);
    expect(leaky.code, leaky.output).not.toBe(0);
    expect(leaky.output).toMatch(/sentrik scan \(staged changes\)\.+Passed/); // scan reports, never blocks
    expect(leaky.output).toMatch(/sentrik gate \(staged changes\)\.+Failed/);
    expect(leaky.output).toContain('config.py');
    expect(leaky.output).not.toContain('Sup3rS3cret!2024');
    expect(leaky.output).not.toContain('AKIAQ7XW3PLMNB5RT2YK');
    expect(commits(dir)).toBe('3');
  });
});
