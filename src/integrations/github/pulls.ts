// Pull requests for `sentrik watch --create-pr`: find the one already opened for a branch (in any state, so a
// closed fix PR is not reopened on every cycle) and open a new one. Errors are thrown as octokit raises them;
// the caller words them with describeHttpError.
import type { Octokit } from '@octokit/rest';

export interface Repo {
  owner: string;
  repo: string;
}

export interface PullRequestRef {
  number: number;
  url: string;
  state: string;
}

/** The pull request whose head is `branch` of this repository (open or closed), if any. */
export async function findPullRequest(octokit: Octokit, r: Repo, branch: string): Promise<PullRequestRef | undefined> {
  const { data } = await octokit.rest.pulls.list({ owner: r.owner, repo: r.repo, head: `${r.owner}:${branch}`, state: 'all', per_page: 10 });
  const pr = data.find((p) => p.head.ref === branch) ?? data[0];
  return pr ? { number: pr.number, url: pr.html_url, state: pr.state } : undefined;
}

/** Open a pull request from `head` (a branch of the same repository) into `base`. */
export async function openPullRequest(octokit: Octokit, r: Repo, pr: { head: string; base: string; title: string; body: string }): Promise<PullRequestRef> {
  const { data } = await octokit.rest.pulls.create({ owner: r.owner, repo: r.repo, head: pr.head, base: pr.base, title: pr.title, body: pr.body });
  return { number: data.number, url: data.html_url, state: data.state };
}
