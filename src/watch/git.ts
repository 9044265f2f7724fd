// Git for fix branches. The commit is built with plumbing (a temporary index, hash-object, write-tree,
// commit-tree) on top of HEAD, so the user's working tree, index and checked-out branch are never touched.
// git runs through execFile (no shell) with the engine's safety flags plus the ones writing needs: no hooks
// (reference-transaction, pre-push), no signing program, no `ext::` transport, no clean filters, no
// credential prompt — repository-controlled config never runs a program. Network steps have a timeout
// and stop when the watch is stopped.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAFE_CONFIG } from '../engine/git.js';
import { SentrikError } from '../util/errors.js';

export interface GitOptions {
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
}

const LOCAL_TIMEOUT_MS = 30_000;
export const NETWORK_TIMEOUT_MS = 60_000;
const MAX_OUTPUT = 64 * 1024 * 1024;

// Hooks are looked up under the null device, where none can exist.
const SAFE_WRITE_CONFIG = [...SAFE_CONFIG, '-c', `core.hooksPath=${devNull}`, '-c', 'commit.gpgSign=false', '-c', 'protocol.ext.allow=never', '-c', 'gc.auto=0'];

interface GitCall {
  input?: string | Buffer;
  extraEnv?: Record<string, string>;
  timeoutMs?: number;
}

export class GitError extends SentrikError {}

/** Run git; resolve stdout, reject with a GitError carrying git's first line of complaint. */
export function git(cwd: string, args: string[], o: GitOptions, call: GitCall = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = { ...o.env, ...call.extraEnv, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' };
    const child = execFile(
      'git',
      [...SAFE_WRITE_CONFIG, ...args],
      { cwd, env, encoding: 'buffer', maxBuffer: MAX_OUTPUT, timeout: call.timeoutMs ?? LOCAL_TIMEOUT_MS, signal: o.signal, windowsHide: true },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout.toString('utf8'));
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string };
        const first = redactUrls(stderr.toString('utf8').trim().split('\n').find((l) => l.trim()) ?? '');
        if (e.code === 'ENOENT') return reject(new GitError('git is not installed or not on PATH', undefined, undefined, 'install git to use --create-pr'));
        if (e.name === 'AbortError') return reject(new GitError(`git ${args[0]} stopped`));
        if (e.killed || e.signal) return reject(new GitError(`git ${args[0]} gave no answer within ${(call.timeoutMs ?? LOCAL_TIMEOUT_MS) / 1000} s`, undefined, undefined, 'check the network and the remote URL'));
        reject(new GitError(`git ${args[0]} failed: ${first.replace(/^(fatal|error): /, '') || `exit status ${String(e.code)}`}`));
      },
    );
    child.stdin?.on('error', () => {}); // git may exit before reading its input; the exit status tells why
    child.stdin?.end(call.input ?? '');
  });
}

/** Credentials in a URL (`https://user:token@host`) never reach a message or the state file. */
export function redactUrls(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}

export interface RepoInfo {
  /** The folder holding the repository's top level. */
  top: string;
  /** The scan root relative to `top` ('' or 'sub/dir/'). */
  prefix: string;
  head: string;
  /** Checked-out branch, or undefined when HEAD is detached. */
  branch?: string;
}

export async function repoInfo(root: string, o: GitOptions): Promise<RepoInfo> {
  let out: string;
  try {
    out = await git(root, ['rev-parse', '--show-toplevel', '--show-prefix', '--verify', 'HEAD^{commit}'], o);
  } catch (err) {
    throw new GitError('not a git repository with a commit: --create-pr needs one', root, undefined, `run watch in a git checkout (${(err as Error).message})`);
  }
  const [top, prefix, head] = out.split('\n');
  const branch = (await git(root, ['symbolic-ref', '--quiet', '--short', 'HEAD'], o).catch(() => '')).trim() || undefined;
  return { top, prefix: prefix ?? '', head, branch };
}

export async function remoteUrl(root: string, remote: string, o: GitOptions): Promise<string> {
  try {
    return (await git(root, ['remote', 'get-url', remote], o)).trim();
  } catch {
    throw new GitError(`no '${remote}' remote`, root, undefined, `add one: git remote add ${remote} <url>`);
  }
}

/** owner/repo from a GitHub remote URL (https, ssh or scp-like), or undefined for anything else. */
export function repoFromRemoteUrl(url: string): { owner: string; repo: string } | undefined {
  const m = /^(?:[a-z+]+:\/\/(?:[^@/]+@)?[^/]+(?::\d+)?\/|[^@/:]+@[^:/]+:)([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(url.trim());
  return m ? { owner: m[1], repo: m[2] } : undefined;
}

/** Content of `path` (repository-relative) in commit `rev`, or undefined when it is not there. */
export async function readAt(top: string, rev: string, path: string, o: GitOptions): Promise<string | undefined> {
  try {
    return await git(top, ['cat-file', 'blob', `${rev}:${path}`], o);
  } catch {
    return undefined;
  }
}

export interface Identity {
  name: string;
  email: string;
}

/** The configured committer, or sentrik's own name when the machine has none (CI runners often do not). */
async function identityEnv(top: string, o: GitOptions, fallback: Identity): Promise<Record<string, string>> {
  const email = (await git(top, ['config', '--get', 'user.email'], o).catch(() => '')).trim();
  if (email || o.env.GIT_COMMITTER_EMAIL) return {};
  return { GIT_AUTHOR_NAME: fallback.name, GIT_AUTHOR_EMAIL: fallback.email, GIT_COMMITTER_NAME: fallback.name, GIT_COMMITTER_EMAIL: fallback.email };
}

/**
 * A commit on top of `parent` that replaces the given files (repository-relative paths), built in a
 * temporary index. Returns the new commit id.
 */
export async function commitFiles(top: string, parent: string, files: { path: string; content: string }[], message: string, o: GitOptions, fallback: Identity): Promise<string> {
  const tmp = mkdtempSync(join(tmpdir(), 'sentrik-index-'));
  try {
    const index = { GIT_INDEX_FILE: join(tmp, 'index') };
    await git(top, ['read-tree', parent], o, { extraEnv: index });
    for (const f of files) {
      const tree = await git(top, ['ls-tree', '-z', parent, '--', f.path], o);
      const mode = /^(100644|100755) /.exec(tree)?.[1] ?? '100644';
      // --no-filters: a clean filter named in .gitattributes is a program; it must not run.
      const blob = (await git(top, ['hash-object', '-w', '--no-filters', '--stdin'], o, { input: f.content })).trim();
      await git(top, ['update-index', '--add', '--cacheinfo', `${mode},${blob},${f.path}`], o, { extraEnv: index });
    }
    const treeId = (await git(top, ['write-tree'], o, { extraEnv: index })).trim();
    const extraEnv = await identityEnv(top, o, fallback);
    return (await git(top, ['commit-tree', treeId, '-p', parent, '-F', '-'], o, { input: message, extraEnv })).trim();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Point the local branch at `commit` (created or moved: `sentrik/fix-*` branches belong to sentrik). */
export async function setBranch(top: string, branch: string, commit: string, o: GitOptions): Promise<void> {
  await git(top, ['update-ref', '-m', 'sentrik watch: fix branch', `refs/heads/${branch}`, commit], o);
}

/** True when the remote has the branch. Throws when the remote cannot be reached. */
export async function remoteHasBranch(top: string, remote: string, branch: string, o: GitOptions): Promise<boolean> {
  const out = await git(top, ['ls-remote', '--heads', remote, `refs/heads/${branch}`], o, { timeoutMs: NETWORK_TIMEOUT_MS });
  return out.split('\n').some((l) => l.endsWith(`\trefs/heads/${branch}`));
}

export async function pushBranch(top: string, remote: string, branch: string, o: GitOptions): Promise<void> {
  await git(top, ['push', '--no-verify', '--quiet', remote, `refs/heads/${branch}:refs/heads/${branch}`], o, { timeoutMs: NETWORK_TIMEOUT_MS });
}
