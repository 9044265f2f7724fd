// The pieces of `watch` in-process: change detection (events and polling, ignored folders), the state file,
// advisory-set names, GitHub remote URLs, plumbing commits that leave the checkout alone and run no
// repository program, and the loop's AbortSignal contract.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { watchChanges } from '../../src/watch/changes.js';
import { setHash, fixBranch } from '../../src/watch/advisories.js';
import { commitFiles, readAt, redactUrls, repoFromRemoteUrl, repoInfo, setBranch } from '../../src/watch/git.js';
import { loadState, saveState, STATE_FILE } from '../../src/watch/state.js';
import { runWatch } from '../../src/watch/watch.js';
import { excludeMatcher } from '../../src/engine/discovery.js';
import { git, project } from '../cli/helpers.js';

/** Resolve when `pred` holds, checked on every change; fail after a bound so a missed event cannot hang. */
function until(pred: () => boolean, register: (check: () => void) => void, what: string): Promise<void> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`${what} never happened`)), 15_000);
    const check = () => pred() && (clearTimeout(timer), done());
    register(check);
    check();
  });
}

describe('change detection', () => {
  it.each([['events', false], ['poll', true]])('reports changed files and nothing under ignored folders (%s)', async (mode, poll) => {
    const root = project({ 'src/a.py': 'x = 1\n', 'node_modules/pkg/index.js': '1\n', 'out/findings.json': '{}\n' });
    const ignored = excludeMatcher(['.git', 'node_modules', 'out']);
    const seen: string[] = [];
    let check = () => {};
    const source = watchChanges({ root, ignored: (r, d) => ignored(r, d), onChange: (r) => (seen.push(r), check()), pollMs: 50, poll });
    try {
      expect(source.mode).toBe(mode);
      // Ignored writes first, then one that counts: when it is seen, the ignored ones would have been too.
      writeFileSync(join(root, 'node_modules/pkg/index.js'), '2\n');
      writeFileSync(join(root, 'out/findings.json'), '{"a":1}\n');
      mkdirSync(join(root, 'src/new'));
      writeFileSync(join(root, 'src/new/b.py'), 'y = 2\n');
      await until(() => seen.includes('src/new/b.py'), (c) => (check = c), 'a file in a new folder');
      writeFileSync(join(root, 'src/a.py'), 'x = 3\n');
      await until(() => seen.includes('src/a.py'), (c) => (check = c), 'a change to an existing file');
      expect(seen.filter((p) => p.startsWith('node_modules') || p.startsWith('out'))).toEqual([]);
    } finally {
      source.close();
    }
  });
});

describe('state file', () => {
  it('round-trips, and a broken file is reported and replaced by an empty state', () => {
    const root = project({});
    expect(loadState(root)).toEqual({ state: { version: 1, advisories: {}, fixes: {} } });
    const state = { version: 1 as const, advisories: { 'PYSEC-1 PyPI:x@1': { firstSeen: '2025-01-01T00:00:00.000Z' } }, fixes: {} };
    saveState(root, state);
    expect(loadState(root).state).toEqual(state);
    writeFileSync(join(root, STATE_FILE), '{"version": 1, "advisories": [');
    const broken = loadState(root);
    expect(broken.state.advisories).toEqual({});
    expect(broken.problem).toMatch(/^\.sentrik\/watch-state\.json: not a watch state file .*starting afresh$/);
  });
});

describe('advisory sets and remotes', () => {
  it('names a set by its advisories, whatever their order', () => {
    const a = setHash(['GHSA-1 npm:a@1.0.0', 'PYSEC-2 PyPI:b@2']);
    expect(a).toMatch(/^[0-9a-f]{12}$/);
    expect(setHash(['PYSEC-2 PyPI:b@2', 'GHSA-1 npm:a@1.0.0', 'PYSEC-2 PyPI:b@2'])).toBe(a);
    expect(setHash(['PYSEC-2 PyPI:b@2'])).not.toBe(a);
    expect(fixBranch(a)).toBe(`sentrik/fix-${a}`);
  });

  it.each([
    ['https://github.com/acme/api.git', { owner: 'acme', repo: 'api' }],
    ['https://x-access-token:tok@github.com/acme/api', { owner: 'acme', repo: 'api' }],
    ['git@github.com:acme/api.git', { owner: 'acme', repo: 'api' }],
    ['ssh://git@github.example.com:2222/acme/my.repo.git', { owner: 'acme', repo: 'my.repo' }],
    ['/srv/git/api.git', undefined],
    ['file:///srv/git/api.git', undefined],
    ['https://github.com/acme/api/../../etc', undefined],
  ])('reads the GitHub repository from %s', (url, expected) => {
    expect(repoFromRemoteUrl(url)).toEqual(expected);
  });
});

it('redacts credentials in remote URLs from git messages', () => {
  expect(redactUrls("fatal: repository 'https://x-access-token:ghs_secret123@github.com/acme/api/' not found")).toBe("fatal: repository 'https://***@github.com/acme/api/' not found");
  expect(redactUrls('ssh://git@host/x and /srv/git/api.git')).toBe('ssh://***@host/x and /srv/git/api.git');
});

describe('fix commits', () => {
  it('commit on top of HEAD without touching the checkout, and run no repository hook or signing program', async () => {
    const root = project({ 'requirements.txt': 'Jinja2==2.10\n', 'run.sh': '#!/bin/sh\n' });
    chmodSync(join(root, 'run.sh'), 0o755);
    git(root, 'init', '--quiet');
    git(root, 'add', '.');
    git(root, 'commit', '--quiet', '-m', 'initial');
    const marker = join(root, 'program-ran');
    const program = join(root, 'evil.sh');
    writeFileSync(program, `#!/bin/sh\ntouch '${marker}'\ncat\n`, { mode: 0o755 });
    writeFileSync(join(root, '.git', 'hooks', 'reference-transaction'), `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
    // Repository config naming programs: a signing program, a clean filter, an fsmonitor.
    git(root, 'config', 'commit.gpgSign', 'true');
    git(root, 'config', 'gpg.program', program);
    git(root, 'config', 'filter.evil.clean', program);
    git(root, 'config', 'core.fsmonitor', program);
    writeFileSync(join(root, '.gitattributes'), '* filter=evil\n');
    writeFileSync(join(root, 'requirements.txt'), 'Jinja2==2.10\nuncommitted==1\n');

    const o = { env: { PATH: process.env.PATH, HOME: process.env.HOME } };
    const info = await repoInfo(root, o);
    expect(info).toMatchObject({ top: root, prefix: '', branch: 'main' });
    const commit = await commitFiles(info.top, info.head, [{ path: 'requirements.txt', content: 'Jinja2==2.10.1\n' }], 'fix\n', o, { name: 'sentrik watch', email: 'w@example.invalid' });
    expect(await readAt(root, commit, 'requirements.txt', o)).toBe('Jinja2==2.10.1\n');
    await setBranch(root, 'sentrik/fix-test', commit, o);
    expect(existsSync(marker)).toBe(false);
    expect(git(root, 'rev-parse', 'sentrik/fix-test').trim()).toBe(commit);
    // From here on the test's own git calls must not run the fsmonitor program either.
    git(root, 'config', '--unset', 'core.fsmonitor');
    expect(git(root, 'rev-parse', `${commit}~1`).trim()).toBe(info.head);
    // File modes are kept; nothing else changes.
    expect(git(root, 'ls-tree', commit, 'run.sh')).toMatch(/^100755 /);
    expect(git(root, 'diff', '--name-only', info.head, commit).trim()).toBe('requirements.txt');
    // HEAD, the index and the working tree are the user's, untouched.
    expect(git(root, 'rev-parse', 'HEAD').trim()).toBe(info.head);
    expect(git(root, 'diff', '--cached', '--name-only')).toBe('');
    expect(readFileSync(join(root, 'requirements.txt'), 'utf8')).toBe('Jinja2==2.10\nuncommitted==1\n');
  });
});

describe('the loop', () => {
  it('scans, then ends when its AbortSignal aborts', async () => {
    const root = project({ 'app.py': 'x = 1\n', '.sentrik/config.yaml': 'standards_packs: [secrets]\nreporters: []\ncache: false\n' });
    const out: string[] = [];
    const stop = new AbortController();
    const done = runWatch(
      {
        root,
        loadConfig: () => loadConfig({ root, env: {}, overrides: {} }).config,
        intervalMs: 100,
        out: (l) => {
          out.push(l);
          if (l.includes('first scan')) stop.abort();
        },
        err: (l) => out.push(`ERR ${l}`),
      },
      stop.signal,
    );
    const summary = await done;
    expect(summary).toEqual({ cycles: 1, pullRequests: [], errors: 0 });
    expect(out[0]).toMatch(/^watching .*: files \(file events\) — Ctrl-C stops$/);
    expect(out[1]).toMatch(/scan \(first scan\): 0 findings, 0 new, 0 resolved/);
  });
});
