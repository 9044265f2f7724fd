// `sentrik watch` through the real CLI: re-scans on file changes (events and polling) printing only new and
// resolved findings, SIGINT/SIGTERM stop it cleanly, and `--vulns --fix --create-pr` against a local bare git
// remote and the loopback GitHub double — one pull request per advisory set, none twice, a new advisory
// opens another, and an unreachable remote or a refusing API is a clear error while the watch goes on.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../github/fake-github.js';
import { BIN, expectNoStack, git, project, REPO, sentrik } from './helpers.js';

const PYPI = join(REPO, '..', 'shared', 'corpora', 'osv', 'PyPI', 'all.zip');
const REQUIREMENTS = '# pinned\nJinja2==2.10  # templating\nrequests>=2.0\n';
/** Each child gets this long to print what a test waits for; a hang fails the test instead of blocking it. */
const WAIT_MS = 20_000;

interface Watch {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when `re` appears in stdout (or stderr) `count` times. */
  waitFor(re: RegExp, stream?: 'stdout' | 'stderr', count?: number): Promise<void>;
  exit: Promise<number>;
}

const running = new Set<ChildProcess>();
// A failed expectation must not leave a watcher running after the test.
afterEach(() => {
  for (const c of running) c.kill('SIGKILL');
  running.clear();
});

/** Async: the GitHub double answers from this process while the CLI runs. */
function start(args: string[], env: Record<string, string | undefined> = {}): Watch {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', ...env } as NodeJS.ProcessEnv });
  running.add(child);
  const text = { stdout: '', stderr: '' };
  const waiters: (() => void)[] = [];
  const poke = () => waiters.forEach((w) => w());
  child.stdout!.on('data', (d) => ((text.stdout += d), poke()));
  child.stderr!.on('data', (d) => ((text.stderr += d), poke()));
  const exit = new Promise<number>((done) => child.on('close', (code, sig) => (running.delete(child), poke(), done(code ?? (sig ? 128 : -1)))));
  return {
    child,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    exit,
    waitFor: (re, stream = 'stdout', count = 1) =>
      new Promise((done, fail) => {
        const g = new RegExp(re.source, `${re.flags.replace('g', '')}g`);
        const check = () => {
          if ((text[stream].match(g) ?? []).length >= count) return (clearTimeout(timer), done());
          if (child.exitCode !== null || child.signalCode !== null) return (clearTimeout(timer), fail(new Error(`exited before ${re} appeared:\n${text.stdout}\n${text.stderr}`)));
        };
        const timer = setTimeout(() => fail(new Error(`${re} did not appear:\n${text.stdout}\n${text.stderr}`)), WAIT_MS);
        waiters.push(check);
        check();
      }),
  };
}

async function runToEnd(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const w = start(args, env);
  const code = await w.exit;
  return { code, stdout: w.stdout(), stderr: w.stderr() };
}

describe('sentrik watch: files', () => {
  it.each([['file events', []], ['polling', ['--poll']]])('re-scans on change with %s, prints only new and resolved findings, stops on SIGINT', async (_mode, extra) => {
    const root = project({ 'app.py': 'import os\nprint(os.environ["HOME"])\n', '.sentrik/config.yaml': 'standards_packs: [secrets]\nreporters: []\n' });
    const w = start(['watch', root, '--interval', '0.2', ...extra]);
    await w.waitFor(/scan \(first scan\): 0 findings/);
    expect(w.stdout()).toContain(extra.length ? 'polling every 0.2 s' : '(file events)');

    writeFileSync(join(root, 'deploy.sh'), 'export AWS_KEY=AKIAIOSFODNN7EXAMPLX\n');
    await w.waitFor(/\+ high\s+SEC-AWS-001\s+deploy\.sh:1/);
    expect(w.stdout()).toMatch(/scan \(1 changed file: deploy\.sh\): 1 finding, 1 new, 0 resolved/);
    // The key itself is never printed.
    expect(w.stdout()).not.toContain('AKIAIOSFODNN7EXAMPLX');

    writeFileSync(join(root, 'deploy.sh'), 'export AWS_KEY="$AWS_KEY"\n');
    await w.waitFor(/- high\s+SEC-AWS-001\s+deploy\.sh:1/);
    expect(w.stdout()).toMatch(/0 findings, 0 new, 1 resolved/);

    w.child.kill('SIGINT');
    expect(await w.exit).toBe(0);
    expect(w.stderr()).toContain('sentrik watch: SIGINT, stopping');
    expect(w.stderr()).toMatch(/stopped after \d+ cycles/);
    expectNoStack(w.stderr());
  });

  it('--once runs one cycle and exits; a broken config file is one line, exit 2', async () => {
    const root = project({ 'app.py': 'x = 1\n', '.sentrik/config.yaml': 'standards_packs: [secrets]\nreporters: []\n' });
    const once = await runToEnd(['watch', root, '--once']);
    expect(once.code, once.stderr).toBe(0);
    expect(once.stdout).toMatch(/first scan/);
    writeFileSync(join(root, '.sentrik/config.yaml'), 'standards_packs: [secrets]\nparallel_scan: maybe\n');
    const broken = await runToEnd(['watch', root, '--once']);
    expect(broken.code).toBe(2);
    expect(broken.stderr.trim().split('\n')).toHaveLength(1);
    expect(broken.stderr).toMatch(/config\.yaml:2/);
  });

  it('refuses a file argument (exit 2) instead of watching the current directory', async () => {
    const root = project({ 'src/server.js': 'x = 1\n' });
    const elsewhere = project({});
    const r = sentrik(['watch', join(root, 'src', 'server.js'), '--once'], { cwd: elsewhere });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${join(root, 'src', 'server.js')}: not a directory — give the project directory`);
    expect(r.stdout).not.toContain('watching');
  });
});

/** Real OSV records from the PyPI snapshot, written as a folder `vulns db import` accepts. */
function osvFolder(ids: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'sentrik-osv-'));
  const files = unzipSync(readFileSync(PYPI), { filter: (f) => ids.includes(f.name.replace(/\.json$/, '')) });
  expect(Object.keys(files).sort()).toEqual(ids.map((id) => `${id}.json`).sort());
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
  return dir;
}

function importDb(db: string, ids: string[]): void {
  const r = sentrik(['vulns', 'db', 'import', osvFolder(ids), '--db', db]);
  expect(r.code, r.stderr).toBe(0);
}

/** A checkout of a bare remote (both in a temp folder), with a vulnerable pin committed and pushed. */
function repoWithRemote(): { work: string; remote: string } {
  const work = project({ 'requirements.txt': REQUIREMENTS, 'app.py': 'print("hello")\n', '.sentrik/config.yaml': 'standards_packs: [secrets]\nreporters: []\n' });
  const remote = join(mkdtempSync(join(tmpdir(), 'sentrik-remote-')), 'api.git');
  git(tmpdir(), 'init', '--bare', '--quiet', remote);
  git(work, 'init', '--quiet');
  git(work, 'add', '.');
  git(work, 'commit', '--quiet', '-m', 'initial');
  git(work, 'remote', 'add', 'origin', remote);
  git(work, 'push', '--quiet', 'origin', 'main');
  return { work, remote };
}

function remoteBranches(remote: string): string[] {
  return git(remote, 'for-each-ref', '--format=%(refname:short)', 'refs/heads').split('\n').filter(Boolean).sort();
}

describe('sentrik watch --vulns --fix --create-pr', () => {
  let gh: FakeGitHub;
  let db: string;
  let remote: string;
  let work: string;
  const env = (extra: Record<string, string | undefined> = {}) => ({ GITHUB_TOKEN: gh.token, GITHUB_REPOSITORY: 'acme/api', GITHUB_API_URL: gh.url, ...extra });

  beforeAll(async () => {
    gh = await new FakeGitHub().start();
  });
  afterAll(() => gh.stop());
  beforeEach(() => {
    gh.reset();
    ({ work, remote } = repoWithRemote());
    // GitHub knows the branches the bare remote has, as it would after a push.
    gh.branches = { has: (b: string) => remoteBranches(remote).includes(b) };
    db = join(mkdtempSync(join(tmpdir(), 'sentrik-db-')), 'osv');
    importDb(db, ['PYSEC-2019-217']);
  });

  it('opens one pull request per advisory set, never twice, and another for a new advisory', async () => {
    // Repository hooks must not run when sentrik commits and pushes.
    const marker = join(work, 'hook-ran');
    for (const hook of ['reference-transaction', 'pre-push', 'pre-commit', 'post-commit']) {
      writeFileSync(join(work, '.git', 'hooks', hook), `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
    }
    const args = ['watch', work, '--vulns', '--fix', '--create-pr', '--once', '--db', db];
    const first = await runToEnd(args, env());
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/dependencies: 1 known vulnerability, 1 new, 0 resolved/);
    expect(first.stdout).toMatch(/\+ \w+\s+PYSEC-2019-217\s+Jinja2 2\.10\s+requirements\.txt:2\s+fixed in 2\.10\.1/);
    expect(first.stdout).toMatch(/fix: opened pull request #1 https:\/\/github\.example\/acme\/api\/pull\/1 \(branch sentrik\/fix-[0-9a-f]{12}\)/);
    expect(gh.violations).toEqual([]);
    expect(gh.pulls).toHaveLength(1);
    const pr = gh.pulls[0];
    expect(pr).toMatchObject({ base: 'main', title: 'sentrik: upgrade Jinja2 to 2.10.1 (PYSEC-2019-217)' });
    expect(pr.body).toContain('| Jinja2 | 2.10 | 2.10.1 |');
    expect(remoteBranches(remote)).toEqual(['main', pr.head]);
    // The branch holds the fix, on top of main; the user's checkout is untouched.
    expect(git(remote, 'show', `${pr.head}:requirements.txt`)).toBe(REQUIREMENTS.replace('Jinja2==2.10 ', 'Jinja2==2.10.1 '));
    expect(git(remote, 'rev-parse', `${pr.head}~1`)).toBe(git(remote, 'rev-parse', 'main'));
    expect(readFileSync(join(work, 'requirements.txt'), 'utf8')).toBe(REQUIREMENTS);
    expect(git(work, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('main');
    expect(git(work, 'status', '--porcelain', '--untracked-files=no')).toBe('');
    expect(git(work, 'diff', '--cached', '--name-only')).toBe('');
    expect(existsSync(marker)).toBe(false);

    // Second cycle: the state file says it is done; nothing is pushed or opened.
    const second = await runToEnd(args, env());
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).not.toMatch(/dependencies:|fix:/);
    expect(gh.pulls).toHaveLength(1);
    expect(gh.requests.filter((r) => r.method === 'POST')).toHaveLength(1);

    // Without the state file the advisory is new again, but the remote already has its pull request.
    rmSync(join(work, '.sentrik', 'watch-state.json'));
    const third = await runToEnd(args, env());
    expect(third.stdout).toMatch(/found existing pull request #1/);
    expect(gh.pulls).toHaveLength(1);

    // A new advisory for the same package: a new set, a second pull request with the safe version for both.
    importDb(db, ['PYSEC-2019-217', 'PYSEC-2021-66']);
    const fourth = await runToEnd(args, env());
    expect(fourth.code, fourth.stderr).toBe(0);
    expect(fourth.stdout).toMatch(/dependencies: 2 known vulnerabilities, 1 new, 0 resolved/);
    expect(fourth.stdout).toMatch(/\+ \w+\s+PYSEC-2021-66\s+Jinja2 2\.10/);
    expect(fourth.stdout).toMatch(/opened pull request #2/);
    expect(gh.pulls.map((p) => p.title)).toEqual(['sentrik: upgrade Jinja2 to 2.10.1 (PYSEC-2019-217)', 'sentrik: upgrade Jinja2 to 2.11.3 (PYSEC-2021-66)']);
    expect(new Set(gh.pulls.map((p) => p.head)).size).toBe(2);
    expect(git(remote, 'show', `${gh.pulls[1].head}:requirements.txt`)).toContain('Jinja2==2.11.3');
    expect(gh.violations).toEqual([]);
    expect(existsSync(marker)).toBe(false);
  });

  it('keeps running when the remote is unreachable, says why, retries, and stops on SIGTERM', async () => {
    git(work, 'remote', 'set-url', 'origin', join(tmpdir(), 'sentrik-no-such-remote', 'gone.git'));
    const w = start(['watch', work, '--vulns', '--fix', '--create-pr', '--vuln-interval', '0.3', '--db', db], env());
    await w.waitFor(/cannot reach the 'origin' remote: git ls-remote failed: .*gone\.git/, 'stderr', 2);
    expect(w.child.exitCode).toBeNull();
    w.child.kill('SIGTERM');
    expect(await w.exit).toBe(0);
    expect(w.stderr()).toMatch(/SIGTERM, stopping/);
    expect(gh.pulls).toEqual([]);
    expectNoStack(w.stderr());
    // The set stays pending in the state file, with the reason.
    const state = JSON.parse(readFileSync(join(work, '.sentrik', 'watch-state.json'), 'utf8'));
    expect(Object.values(state.fixes)).toMatchObject([{ error: expect.stringContaining("cannot reach the 'origin' remote") }]);

    // A bounded run (CI) reports the failure with exit 2.
    const once = await runToEnd(['watch', work, '--vulns', '--fix', '--create-pr', '--once', '--db', db], env());
    expect(once.code).toBe(2);
    expect(once.stderr).toMatch(/cannot reach the 'origin' remote/);
  });

  it('recovers when the API refuses the pull request after the push: the next cycle opens it without pushing again', async () => {
    gh.faults.set('POST /pulls', { status: 422, message: 'Validation Failed', times: 1 });
    const args = ['watch', work, '--vulns', '--fix', '--create-pr', '--once', '--db', db];
    const first = await runToEnd(args, env());
    expect(first.code).toBe(2);
    expect(first.stderr).toMatch(/cannot open a pull request from sentrik\/fix-[0-9a-f]{12} into main on acme\/api: HTTP 422 "Validation Failed" — GitHub rejected the request content/);
    expect(remoteBranches(remote)).toHaveLength(2);
    const pushed = git(remote, 'rev-parse', remoteBranches(remote)[1]);

    const second = await runToEnd(args, env());
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/opened pull request #1/);
    expect(git(remote, 'rev-parse', remoteBranches(remote)[1])).toBe(pushed);
  });

  it('a token GitHub refuses is a clear error naming the cause; nothing is pushed', async () => {
    const r = await runToEnd(['watch', work, '--vulns', '--fix', '--create-pr', '--once', '--db', db], env({ GITHUB_TOKEN: 'ghp_revoked000000000000000000000000000000' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot look up pull requests for sentrik\/fix-[0-9a-f]{12} on acme\/api: HTTP 401 "Bad credentials" — the token is invalid or expired/);
    expect(r.stderr).not.toContain('ghp_revoked');
    expect(remoteBranches(remote)).toEqual(['main']);
    expectNoStack(r.stderr);
  });

  it('reaches the GitHub API only through the network policy (off by default in CI)', async () => {
    const args = ['watch', work, '--vulns', '--fix', '--create-pr', '--once', '--db', db];
    const refused = await runToEnd(args, env({ CI: 'true' }));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--create-pr needs the GitHub API, but network is off by default in CI — allow it with `network: on`/);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(gh.requests).toEqual([]);
    expect(remoteBranches(remote)).toEqual(['main']);

    const allowed = await runToEnd([...args, '--network', 'on'], env({ CI: 'true' }));
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toMatch(/opened pull request #1/);

    // `ask` without a terminal: the command line counts as consent, and the contact is announced.
    rmSync(join(work, '.sentrik', 'watch-state.json'));
    const asked = await runToEnd(args, env());
    expect(asked.stderr).toMatch(/sentrik: network: contacting \S+ for the GitHub API \(network: ask/);
    expect(asked.stdout).toMatch(/found existing pull request #1/);
  });

  it.each([
    ['--create-pr without --fix', ['--vulns', '--create-pr'], {}, /--create-pr needs --fix/],
    ['no token', ['--fix', '--create-pr'], { GITHUB_TOKEN: undefined }, /--create-pr needs a GitHub token — set GITHUB_TOKEN/],
    ['no repository name', ['--fix', '--create-pr'], { GITHUB_REPOSITORY: undefined }, /cannot tell the GitHub repository from the 'origin' URL — set GITHUB_REPOSITORY/],
    ['no advisory database', ['--vulns', '--db', '/nonexistent/osv'], {}, /no offline advisory database — run `sentrik vulns db import/],
    ['a bad interval', ['--interval', 'soon'], {}, /expected seconds/],
  ])('refuses to start with %s: one line, exit 2', async (_name, flags, extraEnv, message) => {
    const args = ['watch', work, '--once', ...flags];
    if (!flags.includes('--db')) args.push('--db', db);
    const r = await runToEnd(args, env(extraEnv));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expectNoStack(r.stderr);
  });

  it('refuses --create-pr outside a git repository', async () => {
    const plain = project({ 'requirements.txt': REQUIREMENTS });
    mkdirSync(join(plain, '.sentrik'), { recursive: true });
    const r = await runToEnd(['watch', plain, '--fix', '--create-pr', '--once', '--db', db], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a git repository with a commit/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('sentrik watch --fix (working tree)', () => {
  it('edits the manifest once for a new advisory, then reports it resolved', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'sentrik-db-')), 'osv');
    importDb(db, ['PYSEC-2019-217']);
    const root = project({ 'requirements.txt': REQUIREMENTS, '.sentrik/config.yaml': 'standards_packs: [secrets]\nreporters: []\n' });
    const w = start(['watch', root, '--fix', '--interval', '0.2', '--db', db]);
    await w.waitFor(/fix: edited requirements\.txt: Jinja2: 2\.10 → 2\.10\.1/);
    expect(readFileSync(join(root, 'requirements.txt'), 'utf8')).toBe(REQUIREMENTS.replace('Jinja2==2.10 ', 'Jinja2==2.10.1 '));
    // The edit is a lockfile change: the dependencies are re-checked at once and the advisory is gone.
    await w.waitFor(/- PYSEC-2019-217 PyPI:jinja2@2\.10\n/);
    expect(w.stdout()).toMatch(/dependencies: 0 known vulnerabilities, 0 new, 1 resolved/);
    w.child.kill('SIGINT');
    expect(await w.exit).toBe(0);
  });
});
