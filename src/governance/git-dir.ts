// The checked-out commit and branch read from the .git folder itself, for when git will not answer: in CI
// containers the checkout often belongs to another user, and git then refuses the repository ("dubious
// ownership") unless it is marked safe. Reading HEAD and its ref is all a run record needs, and reading files
// runs nothing the repository configures. Handles a .git file (worktrees, submodules), a worktree's common
// folder and packed refs.
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { readFileBytes } from '../engine/read.js';

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** Commit and branch at `root` from its .git folder, or undefined when there is none or HEAD is unborn. */
export function readHead(root: string): { commit?: string; branch?: string } | undefined {
  const gitDir = findGitDir(resolve(root));
  if (!gitDir) return undefined;
  const commonDir = readCommonDir(gitDir);
  const head = readText(join(gitDir, 'HEAD'));
  if (!head) return undefined;
  if (SHA.test(head)) return { commit: head };
  const ref = /^ref: (refs\/\S+)$/.exec(head)?.[1];
  if (!ref || ref.split('/').includes('..')) return undefined;
  const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
  const commit = resolveRef(gitDir, commonDir, ref);
  return commit || branch ? { commit, branch } : undefined;
}

/** The .git folder of the repository `dir` lies in: the nearest `.git` above it, a folder or a `gitdir:` file. */
function findGitDir(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const dotGit = join(d, '.git');
    if (existsSync(dotGit)) {
      if (isDirectory(dotGit)) return dotGit;
      const target = /^gitdir: (.+)$/.exec(readText(dotGit) ?? '')?.[1];
      return target ? resolve(d, target) : undefined;
    }
    if (dirname(d) === d) return undefined;
  }
}

/** A worktree keeps HEAD in its own folder and refs in the main repository's (named by `commondir`). */
function readCommonDir(gitDir: string): string {
  const common = readText(join(gitDir, 'commondir'));
  if (!common) return gitDir;
  return isAbsolute(common) ? common : resolve(gitDir, common);
}

function resolveRef(gitDir: string, commonDir: string, ref: string): string | undefined {
  for (const dir of new Set([gitDir, commonDir])) {
    const loose = readText(join(dir, ref));
    if (loose && SHA.test(loose)) return loose;
  }
  for (const line of (readText(join(commonDir, 'packed-refs'), 64_000_000) ?? '').split('\n')) {
    const [sha, name] = line.split(' ');
    if (name === ref && SHA.test(sha)) return sha;
  }
  return undefined;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * A regular file of at most `max` bytes as trimmed text; undefined otherwise. The repository is untrusted: its
 * HEAD may be a FIFO, /dev/zero or a huge file, and readFileBytes neither blocks on nor reads past those.
 */
function readText(path: string, max = 64_000): string | undefined {
  const bytes = readFileBytes(path, max);
  return Buffer.isBuffer(bytes) ? bytes.toString('utf8').trim() : undefined;
}
