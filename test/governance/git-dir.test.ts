// HEAD read from the .git folder (for repositories git refuses to open), checked against git's own answer.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headBranch, headCommit, isDirty } from '../../src/governance/context.js';
import { readHead } from '../../src/governance/git-dir.js';

const ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
const git = (cwd: string, ...args: string[]): string => execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], { cwd, env: ENV, encoding: 'utf8' }).trim();

function repo(): string {
  const root = mkdtempSync(join(tmpdir(), 'sentrik-git-dir-'));
  git(root, 'init', '-q');
  git(root, 'commit', '-q', '--allow-empty', '-m', 'one');
  return root;
}

describe('readHead', () => {
  it('reads the branch and its commit, loose or packed', () => {
    const root = repo();
    const sha = git(root, 'rev-parse', 'HEAD');
    expect(readHead(root)).toEqual({ commit: sha, branch: 'main' });
    git(root, 'pack-refs', '--all');
    expect(readdirSync(join(root, '.git', 'refs', 'heads'))).toEqual([]); // the ref now lives in packed-refs only
    expect(readHead(root)).toEqual({ commit: sha, branch: 'main' });
  });

  it('reads a detached HEAD, a sub-folder, a worktree, and an unborn branch', () => {
    const root = repo();
    const first = git(root, 'rev-parse', 'HEAD');
    git(root, 'commit', '-q', '--allow-empty', '-m', 'two');
    git(root, 'checkout', '-q', first);
    expect(readHead(root)).toEqual({ commit: first });
    git(root, 'checkout', '-q', 'main');
    execFileSync('mkdir', ['-p', join(root, 'src', 'app')]);
    expect(readHead(join(root, 'src', 'app'))?.branch).toBe('main');

    const tree = join(mkdtempSync(join(tmpdir(), 'sentrik-worktree-')), 'wt');
    git(root, 'worktree', 'add', '-q', '-b', 'feature', tree, first);
    expect(readHead(tree)).toEqual({ commit: first, branch: 'feature' });

    const empty = mkdtempSync(join(tmpdir(), 'sentrik-git-dir-'));
    git(empty, 'init', '-q');
    expect(readHead(empty)).toEqual({ branch: 'main' });
  });

  it('a hostile .git (HEAD is /dev/zero, a ref is a FIFO, a huge packed-refs) gives nothing, at once', () => {
    const zero = mkdtempSync(join(tmpdir(), 'sentrik-git-dir-'));
    mkdirSync(join(zero, '.git'));
    symlinkSync('/dev/zero', join(zero, '.git', 'HEAD'));
    expect(readHead(zero)).toBeUndefined();

    const fifo = mkdtempSync(join(tmpdir(), 'sentrik-git-dir-'));
    mkdirSync(join(fifo, '.git', 'refs', 'heads'), { recursive: true });
    writeFileSync(join(fifo, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    execFileSync('mkfifo', [join(fifo, '.git', 'refs', 'heads', 'main')]);
    writeFileSync(join(fifo, '.git', 'packed-refs'), Buffer.alloc(70_000_000, 'a'));
    expect(readHead(fifo)).toEqual({ branch: 'main' });

    const dotGitFile = mkdtempSync(join(tmpdir(), 'sentrik-git-dir-'));
    symlinkSync('/dev/zero', join(dotGitFile, '.git'));
    expect(readHead(dotGitFile)).toBeUndefined();
  });

  it('is undefined outside a repository', () => {
    expect(readHead(mkdtempSync(join(tmpdir(), 'sentrik-no-git-')))).toBeUndefined();
  });

  // git refuses a repository owned by another user ("dubious ownership"), as in many CI containers.
  it.skipIf(process.getuid?.() !== 0)('gives the commit and branch when git refuses the repository; dirtiness stays unknown', () => {
    const root = repo();
    const sha = git(root, 'rev-parse', 'HEAD');
    execFileSync('chown', ['-R', '12345:12345', root]);
    expect(statSync(root).uid).toBe(12345);
    expect(() => git(root, 'rev-parse', 'HEAD')).toThrow();
    expect(headCommit(root)).toBe(sha);
    expect(headBranch(root)).toBe('main');
    expect(isDirty(root)).toBeUndefined();
    chownSync(root, 0, 0);
  });
});
