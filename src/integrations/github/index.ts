// Publishing a gate result to GitHub: the PR comment (--decorate-pr) and the `sentrik/gate` status
// (--status-check). The only code that talks to a forge. It never throws and never changes the gate's
// verdict: every failure comes back as one warning line for the CLI to print.
import type { GateResult, ScanResult } from '../../engine/model.js';
import { createGitHubClient, describeHttpError, type ClientOptions, type HttpError } from './client.js';
import { renderPrComment, upsertPrComment } from './comment.js';
import { readGitHubContext } from './context.js';
import { publishStatus } from './status.js';

export interface PublishRequest {
  decoratePr?: boolean;
  statusCheck?: boolean;
}

export interface PublishReport {
  /** What was done, e.g. "updated the PR comment on acme/api#12". */
  done: string[];
  /** What could not be done and why; the gate result stands regardless. */
  warnings: string[];
}

export async function publishGateResult(
  result: ScanResult,
  gate: GateResult,
  want: PublishRequest,
  env: Record<string, string | undefined>,
  client: Partial<Omit<ClientOptions, 'token' | 'apiUrl' | 'fetch'>> & Pick<ClientOptions, 'fetch'>,
): Promise<PublishReport> {
  const report: PublishReport = { done: [], warnings: [] };
  const ctx = readGitHubContext(env);
  const flags = [want.decoratePr && '--decorate-pr', want.statusCheck && '--status-check'].filter(Boolean).join(' and ');
  report.warnings.push(...ctx.problems);
  if (!ctx.token) {
    report.warnings.push(`${flags}: no GITHUB_TOKEN in the environment; nothing was published (pass the token to the step: env: GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }})`);
    return report;
  }
  if (!ctx.owner || !ctx.repo) {
    report.warnings.push(`${flags}: no repository (GITHUB_REPOSITORY, or GUARD_GITHUB_OWNER and GUARD_GITHUB_REPO); nothing was published`);
    return report;
  }
  const octokit = createGitHubClient({ ...client, token: ctx.token, apiUrl: ctx.apiUrl });
  const where = `${ctx.owner}/${ctx.repo}`;

  if (want.decoratePr) {
    if (!ctx.pr) {
      report.warnings.push(`--decorate-pr: not a pull request (GITHUB_EVENT_PATH has no pull_request); no comment posted`);
    } else {
      try {
        const action = await upsertPrComment(octokit, { owner: ctx.owner, repo: ctx.repo, pr: ctx.pr }, renderPrComment(result, gate, ctx.runUrl, ctx.reportsArtifact));
        report.done.push(`${action} the PR comment on ${where}#${ctx.pr}`);
      } catch (err) {
        report.warnings.push(`--decorate-pr: could not comment on ${where}#${ctx.pr}: ${describeHttpError(err as HttpError)}`);
      }
    }
  }
  if (want.statusCheck) {
    if (!ctx.sha) {
      report.warnings.push('--status-check: no commit (GITHUB_SHA or the pull request head); no status posted');
    } else {
      try {
        report.done.push(`${await publishStatus(octokit, { owner: ctx.owner, repo: ctx.repo, sha: ctx.sha, runUrl: ctx.runUrl }, result, gate)} on ${ctx.sha.slice(0, 12)}`);
      } catch (err) {
        report.warnings.push(`--status-check: could not set the ${where} status on ${ctx.sha.slice(0, 12)}: ${describeHttpError(err as HttpError)}`);
      }
    }
  }
  return report;
}
