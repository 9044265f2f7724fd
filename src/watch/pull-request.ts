// One fix pull request per advisory set: branch `sentrik/fix-<set hash>` on top of HEAD, the manifest edits
// committed there, pushed to the remote, and a pull request opened through the GitHub API. Before doing
// anything it asks the API and the remote whether that work already exists, so a lost state file, a restart
// or a crash between push and pull request never produces a duplicate.
import type { Octokit } from '@octokit/rest';
import type { UpgradeLevel } from '../advisories/fix.js';
import type { VulnScan } from '../advisories/scan.js';
import { createGitHubClient, describeHttpError, type ClientOptions, type HttpError } from '../integrations/github/client.js';
import { readGitHubContext } from '../integrations/github/context.js';
import { findPullRequest, openPullRequest, type Repo } from '../integrations/github/pulls.js';
import { commitMessage, filesToRead, fixBranch, fixSet, pullRequestBody, pullRequestTitle, type AdvisoryHit } from './advisories.js';
import { SentrikError } from '../util/errors.js';
import { commitFiles, GitError, pushBranch, readAt, remoteHasBranch, remoteUrl, repoFromRemoteUrl, repoInfo, setBranch, type GitOptions } from './git.js';

/** Fix branches are pushed to this remote. */
export const REMOTE = 'origin';

export interface PullRequestTarget {
  root: string;
  remote: string;
  /** Branch the pull request merges into; default: the checked-out branch. */
  base?: string;
  repo: Repo;
  octokit: Octokit;
  level: UpgradeLevel;
  git: GitOptions;
}

export type FixOutcome =
  | { kind: 'opened' | 'exists'; branch: string; pr: { number: number; url: string } }
  | { kind: 'nothing-to-fix'; branch: string; reason: string };

const COMMITTER = { name: 'sentrik watch', email: 'sentrik-watch@users.noreply.invalid' };

/** Open (or find) the pull request for one advisory set. Throws an error with a one-line message on failure. */
export async function fixPullRequest(t: PullRequestTarget, hash: string, hits: AdvisoryHit[], scan: VulnScan): Promise<FixOutcome> {
  const branch = fixBranch(hash);
  const where = `${t.repo.owner}/${t.repo.repo}`;
  const api = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      throw new GitError(`${what} on ${where}: ${describeHttpError(err as HttpError)}`);
    }
  };

  const existing = await api(`cannot look up pull requests for ${branch}`, () => findPullRequest(t.octokit, t.repo, branch));
  if (existing) return { kind: 'exists', branch, pr: existing };

  const info = await repoInfo(t.root, t.git);
  const base = t.base ?? info.branch;
  if (!base) throw new GitError('HEAD is detached: no branch for the pull request to merge into', undefined, undefined, 'pass --base BRANCH');
  let pushed: boolean;
  try {
    pushed = await remoteHasBranch(info.top, t.remote, branch, t.git);
  } catch (err) {
    throw new GitError(`cannot reach the '${t.remote}' remote: ${(err as Error).message}`, undefined, undefined, 'check the network and `git remote get-url origin`; sentrik retries on the next dependency check');
  }

  const fix = await planAtHead(t, info, hits, scan);
  if (!fix.applied.edits.length) {
    const reasons = [...fix.plans.filter((p) => !p.to).map((p) => `${p.package.name} ${p.from}: ${p.reason}`), ...new Set(fix.applied.commands.map((c) => `run ${c}`))];
    return { kind: 'nothing-to-fix', branch, reason: reasons.join('; ') || 'no manifest edit applies' };
  }
  const title = pullRequestTitle(fix);
  if (!pushed) {
    const commit = await commitFiles(info.top, info.head, fix.applied.edits.map((e) => ({ path: `${info.prefix}${e.file}`, content: e.after })), commitMessage(title, fix), t.git, COMMITTER);
    await setBranch(info.top, branch, commit, t.git);
    try {
      await pushBranch(info.top, t.remote, branch, t.git);
    } catch (err) {
      throw new GitError(`cannot push ${branch} to '${t.remote}': ${(err as Error).message}`, undefined, undefined, 'sentrik retries on the next dependency check');
    }
  }
  const pr = await api(`cannot open a pull request from ${branch} into ${base}`, () => openPullRequest(t.octokit, t.repo, { head: branch, base, title, body: pullRequestBody(hash, hits, fix) }));
  return { kind: 'opened', branch, pr };
}

/** The fix applied to the committed files at HEAD (never to uncommitted edits in the working tree). */
async function planAtHead(t: PullRequestTarget, info: { top: string; prefix: string; head: string }, hits: AdvisoryHit[], scan: VulnScan) {
  const files = new Map<string, string | undefined>();
  for (const f of filesToRead(hits)) files.set(f, await readAt(info.top, info.head, `${info.prefix}${f}`, t.git));
  return fixSet(scan, hits, t.level, (f) => files.get(f));
}

/**
 * Everything --create-pr needs, checked once at start: a git repository with a commit, an `origin` remote,
 * a token, the GitHub repository (GITHUB_REPOSITORY / GUARD_GITHUB_OWNER+REPO, else the origin URL) and a
 * base branch. Throws a one-line SentrikError when something is missing: without them nothing can be done.
 * `fetch` is the CLI's outbound client (network policy, proxy, CA): the API is never reached around it.
 */
export async function pullRequestSetup(
  root: string,
  env: Record<string, string | undefined>,
  o: { base?: string; signal?: AbortSignal; log?(message: string): void; fetch: ClientOptions['fetch'] },
): Promise<Omit<PullRequestTarget, 'root' | 'level'>> {
  const git: GitOptions = { env, signal: o.signal };
  const info = await repoInfo(root, git);
  const url = await remoteUrl(root, REMOTE, git);
  const ctx = readGitHubContext(env);
  if (!ctx.token) throw new SentrikError('--create-pr needs a GitHub token', undefined, undefined, 'set GITHUB_TOKEN (a token that may push branches and open pull requests)');
  const repo = ctx.owner && ctx.repo ? { owner: ctx.owner, repo: ctx.repo } : repoFromRemoteUrl(url);
  if (!repo) throw new SentrikError(`cannot tell the GitHub repository from the '${REMOTE}' URL`, undefined, undefined, 'set GITHUB_REPOSITORY=owner/repo');
  const base = o.base ?? info.branch;
  if (!base) throw new SentrikError('HEAD is detached: no branch for pull requests to merge into', undefined, undefined, 'pass --base BRANCH');
  if (base.startsWith('-') || /[\s\0~^:?*[\\]/.test(base)) throw new SentrikError(`invalid branch name '${base}'`, undefined, undefined, 'pass --base BRANCH');
  const octokit = createGitHubClient({ token: ctx.token, apiUrl: ctx.apiUrl, log: o.log, fetch: o.fetch });
  return { remote: REMOTE, base, repo, octokit, git };
}
