// Where a CI run happens, from the standard GitHub Actions environment: token, repository, pull request and
// commit. GUARD_GITHUB_OWNER / GUARD_GITHUB_REPO (the reference product's names) override the repository.
import { readFileSync } from 'node:fs';

export interface GitHubContext {
  token?: string;
  owner?: string;
  repo?: string;
  /** Pull request number (from the event payload). */
  pr?: number;
  /** Commit to attach the status to: the PR head, else GITHUB_SHA. */
  sha?: string;
  /** REST API base (GitHub Enterprise: https://HOST/api/v3). */
  apiUrl: string;
  /** Link to the workflow run, for the PR comment. */
  runUrl?: string;
  /** Name of the artifact holding the full reports on that run (SENTRIK_REPORTS_ARTIFACT, set by action.yml). */
  reportsArtifact?: string;
  /** Why some of the above could not be read (a broken event file). */
  problems: string[];
}

const MAX_EVENT_BYTES = 25 * 1024 * 1024;

export function readGitHubContext(env: Record<string, string | undefined>): GitHubContext {
  const v = (name: string) => (env[name]?.trim() ? env[name]!.trim() : undefined);
  const problems: string[] = [];
  const [repoOwner, repoName] = (v('GITHUB_REPOSITORY') ?? '').split('/');
  const ctx: GitHubContext = {
    token: v('GITHUB_TOKEN') ?? v('SENTRIK_GITHUB_TOKEN') ?? v('GH_TOKEN'),
    owner: v('GUARD_GITHUB_OWNER') ?? (repoOwner || undefined),
    repo: v('GUARD_GITHUB_REPO') ?? (repoName || undefined),
    sha: v('GITHUB_SHA'),
    apiUrl: (v('GITHUB_API_URL') ?? 'https://api.github.com').replace(/\/+$/, ''),
    problems,
  };
  const server = v('GITHUB_SERVER_URL');
  if (server && v('GITHUB_REPOSITORY') && v('GITHUB_RUN_ID')) ctx.runUrl = `${server.replace(/\/+$/, '')}/${v('GITHUB_REPOSITORY')}/actions/runs/${v('GITHUB_RUN_ID')}`;
  const artifact = v('SENTRIK_REPORTS_ARTIFACT');
  if (artifact) ctx.reportsArtifact = artifact;

  const eventPath = v('GITHUB_EVENT_PATH');
  if (eventPath) {
    const event = readEvent(eventPath, problems);
    const pr = event?.pull_request ?? (event?.issue?.pull_request ? event.issue : undefined);
    if (typeof pr?.number === 'number' && Number.isInteger(pr.number) && pr.number > 0) ctx.pr = pr.number;
    // On pull_request events GITHUB_SHA is a temporary merge commit; the status belongs on the PR head.
    const head = event?.pull_request?.head?.sha;
    if (typeof head === 'string' && /^[0-9a-f]{40}$/i.test(head)) ctx.sha = head;
  }
  return ctx;
}

interface EventPayload {
  pull_request?: { number?: number; head?: { sha?: unknown } };
  issue?: { number?: number; pull_request?: unknown };
}

function readEvent(file: string, problems: string[]): EventPayload | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    if (text.length > MAX_EVENT_BYTES) throw new Error('too large');
    const data: unknown = JSON.parse(text);
    return data && typeof data === 'object' ? (data as EventPayload) : undefined;
  } catch (err) {
    problems.push(`cannot read GITHUB_EVENT_PATH ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return undefined;
  }
}
