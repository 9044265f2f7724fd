import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SentrikError } from '../../src/util/errors.js';
import { isInside, resolveInsideRoot, toPosix } from '../../src/util/paths.js';

let base: string;
let root: string;

beforeAll(() => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sentrik-paths-')));
  root = path.join(base, 'repo');
  fs.mkdirSync(path.join(root, 'src', 'deep'), { recursive: true });
  fs.writeFileSync(path.join(root, 'src', 'app.ts'), 'x');
  fs.mkdirSync(path.join(base, 'repo2'));
  fs.writeFileSync(path.join(base, 'repo2', 'secret.txt'), 's');
  fs.writeFileSync(path.join(base, 'outside.txt'), 'o');
  fs.symlinkSync(path.join(base, 'outside.txt'), path.join(root, 'link-out'));
  fs.symlinkSync(path.join(base, 'repo2'), path.join(root, 'dir-link-out'));
  fs.symlinkSync(path.join(root, 'link-out'), path.join(root, 'link-to-link-out'));
  fs.symlinkSync(path.join(root, 'src', 'app.ts'), path.join(root, 'link-in'));
  fs.symlinkSync('../outside-new.txt', path.join(root, 'dangling-out'));
  fs.symlinkSync('src/new.ts', path.join(root, 'dangling-in'));
  fs.symlinkSync('self-loop', path.join(root, 'self-loop'));
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe('resolveInsideRoot refuses real attacks', () => {
  it.each([
    ['parent traversal', '../outside.txt'],
    ['deep traversal', 'src/../../outside.txt'],
    ['absolute path elsewhere', '/etc/passwd'],
    ['sibling with the root as prefix', '../repo2/secret.txt'],
    ['absolute sibling with the root as prefix', () => path.join(base, 'repo2', 'secret.txt')],
    ['symlink pointing out', 'link-out'],
    ['file under a directory symlink pointing out', 'dir-link-out/secret.txt'],
    ['symlink to a symlink pointing out', 'link-to-link-out'],
    ['dangling symlink pointing out', 'dangling-out'],
    ['missing file under a directory symlink pointing out', 'dir-link-out/new/file.txt'],
    ['Windows-style traversal', '..\\outside.txt'],
    ['Windows-style deep traversal', 'src\\..\\..\\outside.txt'],
  ])('%s', (_name, given) => {
    const p = typeof given === 'function' ? given() : given;
    expect(() => resolveInsideRoot(root, p)).toThrowError(SentrikError);
    try {
      resolveInsideRoot(root, p);
    } catch (err) {
      expect((err as SentrikError).message).toBe('path is outside the scan root');
      expect((err as SentrikError).file).toBe(p);
      expect((err as SentrikError).hint).toBeTruthy();
    }
  });

  it('refuses a NUL byte and never prints it raw', () => {
    const err = catchError(() => resolveInsideRoot(root, 'src/app.ts\0.png'));
    expect(err.message).toBe('path contains a NUL byte');
    expect(err.format()).not.toContain('\0');
  });

  it('refuses a symlink loop', () => {
    expect(catchError(() => resolveInsideRoot(root, 'self-loop')).message).toMatch(/symlink loop/);
  });
});

describe('resolveInsideRoot accepts paths inside', () => {
  it.each([
    ['relative file', 'src/app.ts', 'src/app.ts'],
    ['the root itself', '.', ''],
    ['empty path', '', ''],
    ['traversal that stays inside', 'src/deep/../app.ts', 'src/app.ts'],
    ['symlink pointing inside', 'link-in', 'link-in'],
    ['file that does not exist yet', 'src/new/file.ts', 'src/new/file.ts'],
    ['dangling symlink pointing inside', 'dangling-in', 'dangling-in'],
    ['backslash separators', 'src\\app.ts', 'src/app.ts'],
  ])('%s', (_name, p, expected) => {
    expect(resolveInsideRoot(root, p)).toBe(path.join(root, expected));
  });

  it('accepts an absolute path inside and a root given with a trailing slash', () => {
    expect(resolveInsideRoot(root + path.sep, path.join(root, 'src', 'app.ts'))).toBe(path.join(root, 'src', 'app.ts'));
  });

  it('works when the root itself is reached through a symlink', () => {
    const alias = path.join(base, 'alias');
    fs.symlinkSync(root, alias);
    expect(resolveInsideRoot(alias, 'src/app.ts')).toBe(path.join(alias, 'src', 'app.ts'));
    expect(() => resolveInsideRoot(alias, 'link-out')).toThrowError(/outside the scan root/);
  });

  it('accepts a file named through another name of the root (a symlinked folder), under the root\'s own name; a symlink out stays refused', () => {
    const other = path.join(base, 'other-name');
    fs.symlinkSync(root, other);
    // The process sees the real root; the agent (or the shell's $PWD) names the file through the link, and the other way round.
    expect(resolveInsideRoot(root, path.join(other, 'src', 'app.ts'))).toBe(path.join(root, 'src', 'app.ts'));
    expect(resolveInsideRoot(other, path.join(root, 'src', 'app.ts'))).toBe(path.join(other, 'src', 'app.ts'));
    expect(resolveInsideRoot(root, path.join(other, 'src', 'new', 'file.ts'))).toBe(path.join(root, 'src', 'new', 'file.ts'));
    for (const out of ['link-out', 'dir-link-out/secret.txt', 'dangling-out', '../repo2/secret.txt']) {
      expect(() => resolveInsideRoot(root, path.join(other, out)), out).toThrowError(/outside the scan root/);
    }
    expect(() => resolveInsideRoot(root, `${other}2/x.ts`)).toThrowError(/outside the scan root/);
  });
});

describe('helpers', () => {
  it('isInside uses separator semantics', () => {
    expect(isInside('/repo', '/repo')).toBe(true);
    expect(isInside('/repo', '/repo/a')).toBe(true);
    expect(isInside('/repo', '/repo2')).toBe(false);
    expect(isInside('/', '/etc')).toBe(true);
  });
  it('toPosix keeps posix paths', () => {
    expect(toPosix(path.join('a', 'b', 'c.ts'))).toBe('a/b/c.ts');
  });
});

function catchError(fn: () => unknown): SentrikError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SentrikError) return err;
    throw err;
  }
  throw new Error('expected a SentrikError');
}
