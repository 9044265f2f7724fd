// The `sentrik/gate` status on the commit: a check run with line annotations where the token may use the
// checks API, otherwise a commit status with the one-line verdict.
import type { Octokit } from '@octokit/rest';
import { SEVERITY_RANK, type Finding, type GateResult, type ScanResult } from '../../engine/model.js';
import { renderMarkdown } from '../../reporters/markdown.js';
import { describeHttpError, rateLimitWait, type HttpError } from './client.js';

export const STATUS_CONTEXT = 'sentrik/gate';
export const MAX_DESCRIPTION = 140;
/** The checks API takes at most 50 annotations per request; further batches go through updates. */
export const ANNOTATIONS_PER_REQUEST = 50;
export const MAX_ANNOTATIONS = 500;
const MAX_SUMMARY_CHARS = 65_535;

export interface Target {
  owner: string;
  repo: string;
  sha: string;
  runUrl?: string;
}

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'failure' | 'warning' | 'notice';
  title: string;
  message: string;
}

export async function publishStatus(octokit: Octokit, t: Target, result: ScanResult, gate: GateResult): Promise<string> {
  try {
    const n = await createCheckRun(octokit, t, result, gate);
    return `check run ${STATUS_CONTEXT}: ${gate.passed ? 'success' : 'failure'} with ${n} annotation${n === 1 ? '' : 's'}`;
  } catch (err) {
    // Degrade only when the checks API itself is refused (permission, not found, rejected content); an
    // unreachable API or a bad token would fail the commit status the same way.
    const status = (err as HttpError).status;
    if (status === undefined || ![403, 404, 422].includes(status) || rateLimitWait(err as HttpError) !== undefined) throw err;
    const why = describeHttpError(err as HttpError);
    await octokit.rest.repos.createCommitStatus({
      owner: t.owner,
      repo: t.repo,
      sha: t.sha,
      state: gate.passed ? 'success' : 'failure',
      context: STATUS_CONTEXT,
      description: oneLine(gate.summary, MAX_DESCRIPTION),
      ...(t.runUrl ? { target_url: t.runUrl } : {}),
    });
    return `commit status ${STATUS_CONTEXT}: ${gate.passed ? 'success' : 'failure'} (no line annotations: the checks API answered ${why})`;
  }
}

async function createCheckRun(octokit: Octokit, t: Target, result: ScanResult, gate: GateResult): Promise<number> {
  const annotations = toAnnotations(result, gate);
  const output = (batch: Annotation[]) => ({
    title: oneLine(gate.summary, 255),
    summary: oneLine(renderMarkdown(result, gate), MAX_SUMMARY_CHARS, false),
    annotations: batch,
  });
  const { data } = await octokit.rest.checks.create({
    owner: t.owner,
    repo: t.repo,
    name: STATUS_CONTEXT,
    head_sha: t.sha,
    status: 'completed',
    conclusion: gate.passed ? 'success' : 'failure',
    ...(t.runUrl ? { details_url: t.runUrl } : {}),
    output: output(annotations.slice(0, ANNOTATIONS_PER_REQUEST)),
  });
  for (let i = ANNOTATIONS_PER_REQUEST; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    await octokit.rest.checks.update({ owner: t.owner, repo: t.repo, check_run_id: data.id, output: output(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST)) });
  }
  return annotations.length;
}

/** Line findings as annotations, blocking ones first (as failures); repository-level findings have no line. */
export function toAnnotations(result: ScanResult, gate: GateResult): Annotation[] {
  const blocking = new Set<Finding>(gate.blocking);
  return result.findings
    .filter((f) => !f.suppressed && f.line !== undefined && f.file !== '.' && f.file !== '')
    .sort((a, b) => Number(blocking.has(b)) - Number(blocking.has(a)) || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity])
    .slice(0, MAX_ANNOTATIONS)
    .map((f) => ({
      path: (result.repository?.prefix ?? '') + f.file, // GitHub wants the path from the repository top
      start_line: f.line!,
      end_line: Math.max(f.line!, f.endLine ?? f.line!),
      annotation_level: blocking.has(f) ? 'failure' : SEVERITY_RANK[f.severity] >= SEVERITY_RANK.medium ? 'warning' : 'notice',
      title: oneLine(`${f.ruleId} (${f.severity}): ${f.title}`, 255),
      message: oneLine(`${f.message}${f.remediation ? `\nFix: ${f.remediation.trim()}` : ''}`, 4000, false),
    }));
}

/** Shortened to `max` characters with an ellipsis; by default also flattened to one line. */
function oneLine(text: string, max: number, flatten = true): string {
  const t = flatten ? text.replace(/\s+/g, ' ').trim() : text;
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}
