// `sentrik gate --decorate-pr --status-check` as CI runs it: a real child process talking to the loopback
// GitHub double through GITHUB_API_URL. Whatever GitHub answers, the exit code is the gate's.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMMENT_MARKER } from '../../src/integrations/github/comment.js';
import { BIN, expectNoStack, git, project } from '../cli/helpers.js';
import { FakeGitHub } from './fake-github.js';

const HEAD = 'c'.repeat(40);
let gh: FakeGitHub;
let failing: string;
let clean: string;
let event: string;

/** Async: the GitHub double runs in this process and must keep answering while the CLI runs. */
function run(args: string[], cwd: string, env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', ...env } as NodeJS.ProcessEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

function ciEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { GITHUB_TOKEN: gh.token, GITHUB_REPOSITORY: 'acme/api', GITHUB_EVENT_PATH: event, GITHUB_SHA: 'd'.repeat(40), GITHUB_API_URL: gh.url, ...extra };
}

beforeAll(async () => {
  gh = await new FakeGitHub().start();
  const dir = mkdtempSync(join(tmpdir(), 'sentrik-gh-cli-'));
  event = join(dir, 'event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { number: 7, head: { sha: HEAD } } }));
  failing = project({ 'app.py': 'import os\nDB_PASSWORD = "hunter2-prod-7731"\n', '.sentrik/config.yaml': 'reporters: []\n' });
  clean = project({ 'app.py': 'import os\nDB_PASSWORD = os.environ["DB_PASSWORD"]\n', '.sentrik/config.yaml': 'reporters: []\n' });
});
afterAll(() => gh.stop());
beforeEach(() => gh.reset());

describe('gate --decorate-pr --status-check', () => {
  it('from a subfolder of a git repository (the action\'s working-directory): annotations name files from the repository top', async () => {
    const top = project({ 'svc/app.py': 'import os\nDB_PASSWORD = "hunter2-prod-7731"\n', 'svc/.sentrik/config.yaml': 'reporters: []\n' });
    git(top, 'init', '-q');
    const r = await run(['gate', '.', '--status-check'], join(top, 'svc'), ciEnv());
    expect(r.code).toBe(1);
    const paths = gh.checkRuns[0].body.output.annotations.map((a: { path: string }) => a.path);
    expect(paths).toContain('svc/app.py');
    expect(paths).not.toContain('app.py');
  });

  it('failing gate: exit 1, one PR comment updated in place on the next run, a failing sentrik/gate check', async () => {
    const first = await run(['gate', '.', '--decorate-pr', '--status-check'], failing, ciEnv());
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('sentrik: github: created the PR comment on acme/api#7');
    expect(first.stderr).toMatch(/sentrik: github: check run sentrik\/gate: failure with \d+ annotations? on c{12}/);
    expect(gh.violations).toEqual([]);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0].body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(gh.comments[0].body).toContain('sentrik gate failed');
    expect(gh.comments[0].body).not.toContain('hunter2-prod-7731'); // secrets masked in the comment too
    expect(gh.checkRuns[0].body).toMatchObject({ name: 'sentrik/gate', head_sha: HEAD, conclusion: 'failure' });
    expect(gh.checkRuns[0].body.output.annotations.some((a: { path: string; start_line: number; annotation_level: string }) => a.path === 'app.py' && a.start_line === 2 && a.annotation_level === 'failure')).toBe(true);
    expect(JSON.stringify(gh.checkRuns[0].body)).not.toContain('hunter2-prod-7731');

    const again = await run(['gate', '.', '--decorate-pr'], failing, ciEnv());
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('updated the PR comment on acme/api#7');
    expect(gh.comments).toHaveLength(1);
  });

  it('passing gate: exit 0 and a successful check', async () => {
    const r = await run(['gate', '.', '--status-check'], clean, ciEnv());
    expect(r.code).toBe(0);
    expect(gh.checkRuns[0].body.conclusion).toBe('success');
  });

  it.each([
    ['failing', 1],
    ['clean', 0],
  ])('GitHub answering 401 leaves the %s gate\'s exit code (%i) unchanged, with a warning', async (which, code) => {
    gh.faults.set('*', { status: 401, message: 'Bad credentials' });
    const r = await run(['gate', '.', '--decorate-pr', '--status-check'], which === 'failing' ? failing : clean, ciEnv());
    expect(r.code).toBe(code);
    expect(r.stderr).toContain('sentrik: warning: github: --decorate-pr: could not comment on acme/api#7: HTTP 401 "Bad credentials" — the token is invalid or expired');
    expect(r.stderr).toContain('sentrik: warning: github: --status-check: could not set the acme/api status');
    expectNoStack(r.stderr);
  });

  it('an unreachable API leaves the exit code unchanged', async () => {
    const r = await run(['gate', '.', '--status-check'], failing, ciEnv({ GITHUB_API_URL: 'http://127.0.0.1:9' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/warning: github: --status-check: could not set the acme\/api status on c{12}: cannot reach the API/);
  }, 30_000);

  it('no token: one clear warning, no request, the gate result stands', async () => {
    const r = await run(['gate', '.', '--decorate-pr', '--status-check'], failing, ciEnv({ GITHUB_TOKEN: undefined }));
    expect(r.code).toBe(1);
    expect(r.stderr.match(/warning: github:/g)).toHaveLength(1);
    expect(r.stderr).toContain('no GITHUB_TOKEN in the environment');
    expect(gh.requests).toEqual([]);
  });

  it('the publishing flags belong to gate only', async () => {
    const r = await run(['scan', '.', '--decorate-pr'], clean, ciEnv());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--decorate-pr'");
    expect(gh.requests).toEqual([]);
  });
});
