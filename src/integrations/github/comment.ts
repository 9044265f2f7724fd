// The pull-request comment: one per PR, found again by a hidden marker and updated in place on every run.
import type { Octokit } from '@octokit/rest';
import type { GateResult, ScanResult } from '../../engine/model.js';
import { renderMarkdown } from '../../reporters/markdown.js';

export const COMMENT_MARKER = '<!-- sentrik-gate -->';
/** GitHub refuses issue comments longer than this (characters). */
export const MAX_COMMENT_CHARS = 65_536;

/**
 * Where every finding can be read, when the run keeps the reports: the artifact the action uploads
 * (`reportsArtifact`, from SENTRIK_REPORTS_ARTIFACT) on the workflow run. Undefined when nothing says so.
 */
export function fullReportPointer(runUrl?: string, reportsArtifact?: string): string | undefined {
  if (!runUrl || !reportsArtifact) return undefined;
  const name = reportsArtifact.replace(/[^\w.-]/g, '_');
  return `findings.html and findings.json in the \`${name}\` artifact of the [workflow run](${runUrl})`;
}

/**
 * The markdown report (verdict, per-pack summary, blocking findings, how to fix) behind the marker, with a
 * link to the run (and to its report artifact when the action uploads one), cut at a line boundary when it
 * would exceed GitHub's limit.
 */
export function renderPrComment(result: ScanResult, gate: GateResult, runUrl?: string, reportsArtifact?: string): string {
  const fullReport = fullReportPointer(runUrl, reportsArtifact);
  const footer = fullReport ? `\n[Workflow run](${runUrl}) · full reports: ${fullReport}\n` : runUrl ? `\n[Workflow run](${runUrl})\n` : '';
  const body = `${COMMENT_MARKER}\n${renderMarkdown(result, gate, { fullReport })}${footer}`;
  if (body.length <= MAX_COMMENT_CHARS) return body;
  const note = `\n\n…comment truncated to GitHub's size limit${fullReport ? `; every finding is in ${fullReport}` : ''}.\n${footer}`;
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
