// The pull-request comment: one per PR, found again by a hidden marker and updated in place on every run.
import type { Octokit } from '@octokit/rest';
import type { GateResult, ScanResult } from '../../engine/model.js';
import { renderMarkdown } from '../../reporters/markdown.js';

export const COMMENT_MARKER = '<!-- sentrik-gate -->';
/** GitHub refuses issue comments longer than this (characters). */
export const MAX_COMMENT_CHARS = 65_536;

/**
 * The markdown report (verdict, per-pack summary, blocking findings, how to fix) behind the marker, with a
 * link to the run, cut at a line boundary when it would exceed GitHub's limit.
 */
export function renderPrComment(result: ScanResult, gate: GateResult, runUrl?: string): string {
  const footer = runUrl ? `\n[Workflow run and full reports](${runUrl})\n` : '';
  const body = `${COMMENT_MARKER}\n${renderMarkdown(result, gate)}${footer}`;
  if (body.length <= MAX_COMMENT_CHARS) return body;
  const note = `\n\n…comment truncated to GitHub's size limit; the full report is in the workflow's findings.md / findings.sarif.\n${footer}`;
  const room = MAX_COMMENT_CHARS - note.length;
  const cut = body.lastIndexOf('\n', room);
  return body.slice(0, cut > 0 ? cut : room) + note;
}

/** Create the comment, or update the one that carries the marker. Returns what was done. */
export async function upsertPrComment(octokit: Octokit, t: { owner: string; repo: string; pr: number }, body: string): Promise<'created' | 'updated'> {
  const base = { owner: t.owner, repo: t.repo };
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, { ...base, issue_number: t.pr, per_page: 100 })) {
    const ours = page.data.find((c) => c.body?.startsWith(COMMENT_MARKER));
    if (ours) {
      await octokit.rest.issues.updateComment({ ...base, comment_id: ours.id, body });
      return 'updated';
    }
  }
  await octokit.rest.issues.createComment({ ...base, issue_number: t.pr, body });
  return 'created';
}
