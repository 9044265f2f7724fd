// The GitHub integration against a loopback GitHub double that checks every request as GitHub's REST API
// defines it: the PR comment is created once and then updated in place, the status is a check run with
// annotations (≤ 50 per request) or a commit status, and every API failure becomes one clear warning.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO } from '../cli/helpers.js';
import { COMMENT_MARKER, MAX_COMMENT_CHARS } from '../../src/integrations/github/comment.js';
import { readGitHubContext } from '../../src/integrations/github/context.js';
import { publishGateResult } from '../../src/integrations/github/index.js';
import { createNetClient } from '../../src/net/client.js';
import { FakeGitHub } from './fake-github.js';
import { finding, resultOf } from './result.js';

const HEAD = 'a'.repeat(40);
const MERGE = 'b'.repeat(40);
let gh: FakeGitHub;
let dir: string;

function env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const event = join(dir, 'event.json');
  writeFileSync(event, JSON.stringify({ action: 'synchronize', number: 12, pull_request: { number: 12, head: { sha: HEAD } } }));
  return {
    GITHUB_TOKEN: gh.token,
    GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
    GITHUB_EVENT_PATH: event,
    GITHUB_SHA: MERGE,
    GITHUB_API_URL: `${gh.url}/`,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '77',
    ...extra,
  };
}

// The one outbound client, as the CLI passes it (the policy allows the loopback double).
const netFetch = createNetClient({ policy: 'on', env: {} }).fetchOnce;
const fast = { timeoutMs: 2_000, retries: 2, backoffMs: 10, fetch: netFetch };

beforeAll(async () => {
  gh = await new FakeGitHub().start();
  dir = mkdtempSync(join(tmpdir(), 'sentrik-gh-'));
});
afterAll(() => gh.stop());
beforeEach(() => gh.reset());

describe('GitHub context from the environment', () => {
  it('reads token, repository, PR number, head SHA and the API URL', () => {
    const ctx = readGitHubContext(env());
    expect(ctx).toMatchObject({ token: gh.token, owner: 'acme', repo: 'api', pr: 12, sha: HEAD, apiUrl: gh.url, runUrl: 'https://github.example/acme/api/actions/runs/77' });
  });

  it('accepts GUARD_GITHUB_OWNER/REPO and falls back to GITHUB_SHA outside pull requests', () => {
    const ctx = readGitHubContext({ GITHUB_TOKEN: 't', GUARD_GITHUB_OWNER: 'org', GUARD_GITHUB_REPO: 'svc', GITHUB_SHA: MERGE });
    expect(ctx).toMatchObject({ owner: 'org', repo: 'svc', sha: MERGE, apiUrl: 'https://api.github.com' });
    expect(ctx.pr).toBeUndefined();
  });

  it('reports an unreadable event file instead of failing', () => {
    const bad = join(dir, 'broken.json');
    writeFileSync(bad, '{not json');
    const ctx = readGitHubContext({ GITHUB_EVENT_PATH: bad });
    expect(ctx.pr).toBeUndefined();
    expect(ctx.problems[0]).toContain('cannot read GITHUB_EVENT_PATH');
  });
});

describe('pull-request comment', () => {
  it('creates one comment with the marker, the per-pack summary, blocking findings and remediation', async () => {
    const { result, gate } = resultOf([finding(0), finding(1, 'medium')]);
    const report = await publishGateResult(result, gate, { decoratePr: true }, env(), fast);
    expect(report).toEqual({ done: ['created the PR comment on acme/api#12'], warnings: [] });
    expect(gh.violations).toEqual([]);
    const list = gh.requests[0];
    expect([list.method, list.path, list.query.get('per_page')]).toEqual(['GET', '/repos/acme/api/issues/12/comments', '100']);
    expect(list.headers.authorization).toBe(`token ${gh.token}`);
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /repos/acme/api/issues/12/comments', 'POST /repos/acme/api/issues/12/comments']);
    const body = gh.comments[0].body;
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(body).toContain('sentrik gate failed');
    expect(body).toMatch(/\| Pack \|/);
    expect(body).toContain('Blocking findings');
    expect(body).toContain('OWASP\\-A07\\-001');
    expect(body).toContain('How to fix');
    expect(body).toContain('https://github.example/acme/api/actions/runs/77');
  });

  it('updates the marked comment in place on the next run, even when it is on a later page', async () => {
    gh.seedComments([...Array.from({ length: 130 }, (_, i) => `review comment ${i}`), `${COMMENT_MARKER}\nold verdict`, `> quoting ${COMMENT_MARKER}`]);
    const ours = gh.comments[130].id;
    const { result, gate } = resultOf([]);
    const report = await publishGateResult(result, gate, { decoratePr: true }, env(), fast);
    expect(report.done).toEqual(['updated the PR comment on acme/api#12']);
    expect(gh.violations).toEqual([]);
    expect(gh.requests.filter((r) => r.method === 'GET').map((r) => r.query.get('page') ?? '1')).toEqual(['1', '2']);
    const patch = gh.requests.find((r) => r.method === 'PATCH')!;
    expect(patch.path).toBe(`/repos/acme/api/issues/comments/${ours}`);
    expect(gh.comments).toHaveLength(132); // nothing new
    expect(gh.comments[130].body).toContain('sentrik gate passed');
  });

  it('stays within GitHub\'s 65,536-character limit for huge results', async () => {
    const long = 'x'.repeat(3000);
    const { result, gate } = resultOf(Array.from({ length: 60 }, (_, i) => finding(i, 'high', { message: `${long} ${i}`, remediation: `${long} fix ${i}`, ruleId: `OWASP-A07-${100 + i}` })));
    const report = await publishGateResult(result, gate, { decoratePr: true }, env(), fast);
    expect(report.warnings).toEqual([]);
    expect(gh.violations).toEqual([]);
    const body = gh.comments[0].body;
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(body).toContain('comment truncated');
  });

  it('says where every finding is only when the action keeps the reports (SENTRIK_REPORTS_ARTIFACT)', async () => {
    const { result, gate } = resultOf(Array.from({ length: 60 }, (_, i) => finding(i, 'high', { ruleId: `OWASP-A07-${100 + i}` })));
    await publishGateResult(result, gate, { decoratePr: true }, env({ SENTRIK_REPORTS_ARTIFACT: 'sentrik-reports' }), fast);
    const kept = gh.comments[0].body;
    expect(kept).toContain('…and 10 more are not shown here; every finding is in findings.html and findings.json in the `sentrik-reports` artifact of the [workflow run](https://github.example/acme/api/actions/runs/77).');
    expect(kept).toContain('[Workflow run](https://github.example/acme/api/actions/runs/77) · full reports: ');
    gh.reset();
    // Without the artifact (upload-reports: false, or sentrik run by hand) the comment points at nothing it cannot vouch for.
    await publishGateResult(result, gate, { decoratePr: true }, env(), fast);
    const bare = gh.comments[0].body;
    expect(bare).toContain('…and 10 more are not shown here.');
    expect(bare).not.toMatch(/full report/);
    expect(bare).toContain('[Workflow run](https://github.example/acme/api/actions/runs/77)');
  });
});

describe('action.yml', () => {
  const action = parse(readFileSync(join(REPO, 'action.yml'), 'utf8'));
  const steps: any[] = action.runs.steps;

  it('keeps every report as the artifact the PR comment names, with a SHA-pinned upload-artifact', () => {
    const gateStep = steps.find((st) => st.id === 'gate');
    const upload = steps.find((st) => String(st.uses ?? '').startsWith('actions/upload-artifact@'));
    expect(upload).toBeDefined();
    expect(upload.uses).toMatch(/^actions\/upload-artifact@[0-9a-f]{40}$/);
    expect(upload.with.name).toBe('sentrik-reports');
    expect(upload.with.path).toBe('${{ steps.gate.outputs.reports-dir }}');
    expect(upload.if).toMatch(/always\(\)/);
    expect(upload.if).toContain("inputs.upload-reports == 'true'");
    // The name the comment cites is the name uploaded, and only when it is uploaded.
    expect(gateStep.env.SENTRIK_REPORTS_ARTIFACT).toBe("${{ inputs.upload-reports == 'true' && 'sentrik-reports' || '' }}");
    expect(gateStep.run).toContain('echo "reports-dir=$out" >> "$GITHUB_OUTPUT"');
    expect(gateStep.env.SENTRIK_REPORTERS.split(',')).toEqual(expect.arrayContaining(['html', 'json']));
    expect(action.inputs['upload-reports'].default).toBe('true');
    // The upload comes before the SARIF upload, which can fail the job on its own.
    expect(steps.indexOf(upload)).toBeLessThan(steps.findIndex((st) => String(st.uses ?? '').startsWith('github/codeql-action/upload-sarif@')));
  });
});

describe('status check', () => {
  it('creates a sentrik/gate check run on the PR head with annotations, 50 per request', async () => {
    const findings = Array.from({ length: 120 }, (_, i) => finding(i, i % 2 ? 'high' : 'medium'));
    findings.push(finding(500, 'critical', { file: '.', line: undefined })); // repository-level: no annotation
    const { result, gate } = resultOf(findings);
    const report = await publishGateResult(result, gate, { statusCheck: true }, env(), fast);
    expect(report.warnings).toEqual([]);
    expect(report.done[0]).toMatch(/^check run sentrik\/gate: failure with 120 annotations on a{12}$/);
    expect(gh.violations).toEqual([]);
    const [run] = gh.checkRuns;
    expect(run.body).toMatchObject({ name: 'sentrik/gate', head_sha: HEAD, status: 'completed', conclusion: 'failure', details_url: 'https://github.example/acme/api/actions/runs/77' });
    expect(run.body.output.annotations).toHaveLength(50);
    expect(run.updates.map((u) => u.output.annotations.length)).toEqual([50, 20]);
    const all = [run.body, ...run.updates].flatMap((b) => b.output.annotations);
    // Blocking (high) findings come first, as failures; the rest are warnings.
    expect(all.slice(0, 60).every((a) => a.annotation_level === 'failure')).toBe(true);
    expect(all.slice(60).every((a) => a.annotation_level === 'warning')).toBe(true);
    expect(gh.statuses).toEqual([]);
  });

  it('degrades to a commit status when the token may not use the checks API', async () => {
    gh.faults.set('POST /check-runs', { status: 403, message: 'Resource not accessible by integration' });
    const { result, gate } = resultOf([finding(0)]);
    const report = await publishGateResult(result, gate, { statusCheck: true }, env(), fast);
    expect(report.warnings).toEqual([]);
    expect(report.done[0]).toContain('commit status sentrik/gate: failure (no line annotations: the checks API answered HTTP 403 "Resource not accessible by integration"');
    expect(gh.violations).toEqual([]);
    expect(gh.statuses).toHaveLength(1);
    const s = gh.statuses[0];
    expect(s).toMatchObject({ sha: HEAD, state: 'failure', context: 'sentrik/gate', target_url: 'https://github.example/acme/api/actions/runs/77' });
    expect(s.description.length).toBeLessThanOrEqual(140);
    expect(s.description).toMatch(/1 blocking finding/i);
  });

  it('posts success for a passing gate', async () => {
    gh.faults.set('POST /check-runs', { status: 404, message: 'Not Found' });
    const { result, gate } = resultOf([finding(0, 'medium')]);
    await publishGateResult(result, gate, { statusCheck: true }, env(), fast);
    expect(gh.statuses[0].state).toBe('success');
  });
});

describe('failures become one clear warning', () => {
  it.each([
    [401, 'Bad credentials', 'the token is invalid or expired'],
    [403, 'Must have admin rights to Repository.', 'the token lacks a permission'],
    [404, 'Not Found', 'not found, or not visible to the token'],
    [422, 'Validation Failed', 'GitHub rejected the request content'],
    [500, 'Server Error', 'HTTP 500'],
  ])('HTTP %i', async (status, message, meaning) => {
    gh.faults.set('*', { status, message });
    const { result, gate } = resultOf([finding(0)]);
    const report = await publishGateResult(result, gate, { decoratePr: true, statusCheck: true }, env(), fast);
    expect(report.done).toEqual([]);
    expect(report.warnings).toHaveLength(2);
    expect(report.warnings[0]).toMatch(new RegExp(`^--decorate-pr: could not comment on acme/api#12: HTTP ${status} "${message}"`));
    expect(report.warnings[1]).toMatch(new RegExp(`^--status-check: could not set the acme/api status on a{12}: HTTP ${status}`));
    for (const w of report.warnings) expect(w).toContain(meaning);
    // 5xx is retried (2 retries); client errors are not.
    const lists = gh.requests.filter((r) => r.method === 'GET').length;
    expect(lists).toBe(status >= 500 ? 3 : 1);
  });

  it('a request that never answers times out', async () => {
    gh.faults.set('*', { hang: true });
    const { result, gate } = resultOf([finding(0)]);
    const report = await publishGateResult(result, gate, { decoratePr: true }, env(), { timeoutMs: 300, retries: 1, backoffMs: 10, fetch: netFetch });
    expect(report.warnings).toEqual(['--decorate-pr: could not comment on acme/api#12: no answer within 0.3 s (timeout)']);
    expect(gh.requests).toHaveLength(2); // first attempt + one retry
  });

  it('waits out a rate limit (X-RateLimit-Reset, Retry-After) and then succeeds', async () => {
    const reset = String(Math.floor(Date.now() / 1000));
    gh.faults.set('GET /comments', { status: 403, message: 'API rate limit exceeded', headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, times: 1 });
    gh.faults.set('POST /check-runs', { status: 429, message: 'secondary rate limit', headers: { 'retry-after': '1' }, times: 1 });
    const { result, gate } = resultOf([finding(0)]);
    const logs: string[] = [];
    const report = await publishGateResult(result, gate, { decoratePr: true, statusCheck: true }, env(), { ...fast, log: (m) => logs.push(m) });
    expect(report.warnings).toEqual([]);
    expect(report.done).toHaveLength(2);
    expect(gh.comments).toHaveLength(1);
    expect(gh.checkRuns).toHaveLength(1);
    expect(logs.join('\n')).toMatch(/rate limit exceeded; retrying/);
  });

  it('a rate limit too long to wait for is reported, not waited out', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    gh.faults.set('*', { status: 403, message: 'API rate limit exceeded', headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } });
    const { result, gate } = resultOf([finding(0)]);
    const report = await publishGateResult(result, gate, { decoratePr: true }, env(), fast);
    expect(report.warnings[0]).toContain('HTTP 403 "API rate limit exceeded" — rate limit exceeded');
  });

  it('no token: a warning and no request at all', async () => {
    const { result, gate } = resultOf([finding(0)]);
    const report = await publishGateResult(result, gate, { decoratePr: true, statusCheck: true }, env({ GITHUB_TOKEN: undefined }), fast);
    expect(report.warnings).toEqual([expect.stringMatching(/^--decorate-pr and --status-check: no GITHUB_TOKEN in the environment; nothing was published/)]);
    expect(gh.requests).toEqual([]);
  });

  it('no pull request: the comment is skipped with a warning, the status is still set on GITHUB_SHA', async () => {
    const { result, gate } = resultOf([finding(0)]);
    const report = await publishGateResult(result, gate, { decoratePr: true, statusCheck: true }, env({ GITHUB_EVENT_PATH: undefined }), fast);
    expect(report.warnings).toEqual(['--decorate-pr: not a pull request (GITHUB_EVENT_PATH has no pull_request); no comment posted']);
    expect(gh.checkRuns[0].body.head_sha).toBe(MERGE);
  });
});
