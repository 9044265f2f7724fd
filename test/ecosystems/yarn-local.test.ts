// yarn.lock entries installed from a folder, git or a tarball URL are not registry packages: their versions
// are the folder's or the commit's, and matching them to registry advisories gives false CVEs. Snyk's own
// fixtures, read in place.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYarnLock } from '../../src/ecosystems/npm/yarn-lock.js';

const SNYK = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpora', 'lockfiles', 'snyk');

const SCALIBR = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpora', 'lockfiles', 'osv-scalibr', 'javascript', 'yarnlock', 'testdata');

function names(fixture: string): string[] {
  const lock = fixture.endsWith('.lock') ? join(SCALIBR, fixture) : join(SNYK, fixture, 'yarn.lock');
  const read = (name: string): string | undefined => {
    try {
      return readFileSync(join(dirname(lock), name), 'utf8');
    } catch {
      return undefined;
    }
  };
  return parseYarnLock(lock, readFileSync(lock, 'utf8'), read).packages.map((p) => p.name);
}

describe('yarn.lock packages from outside the registry', () => {
  it('classic: a file: dependency is left out, registry ones stay', () => {
    const found = names('yarn-lock-v1/real/file-as-version');
    expect(found).not.toContain('shared');
    expect(found.length).toBeGreaterThan(0);
  });

  it('berry: git dependencies are left out, registry ones stay', () => {
    const found = names('yarn-lock-v2/real/git-remote-url');
    expect(found).not.toContain('berry');
    expect(found).not.toContain('fancybox');
    expect(found.length).toBeGreaterThan(0);
  });

  it('classic: GitHub shorthands, ssh and codeload archives are git installs, and an entry of several descriptors is one package', () => {
    // Every entry of osv-scalibr's commits.v1.lock comes from git (`owner/repo#ref`, `github:`, `gitlab:`,
    // `ssh://`, codeload tarballs); `minimist@0.0.8, "minimist@ssh://…"` was counted twice, as registry 0.0.8.
    expect(names('commits.v1.lock')).toEqual([]);
    expect(names('yarn-lock-v1/real/git-ssh-url-deps')).toEqual([...new Set(names('yarn-lock-v1/real/git-ssh-url-deps'))]);
  });

  it('classic and berry: aliases and registry ranges stay, each package once', () => {
    for (const fixture of ['aliases/yarn-lock-v1', 'aliases/yarn-lock-v2', 'yarn-lock-v1/real/goof', 'yarn-lock-v4/real/goof']) {
      const found = names(fixture);
      expect(found.length, fixture).toBeGreaterThan(50);
    }
  });

  it('berry: a package and its built-in patch (`resolve@patch:resolve@npm%3A…`) are one package, not two', () => {
    const found = names('yarn-lock-v4/real/goof');
    expect(found.filter((n) => n === 'resolve')).toHaveLength(2); // 1.1.7 and 1.22.11, once each
    const patched = names('yarn-lock-v2/hand-rolled/patch-protocol');
    expect(patched).toContain('lodash');
  });

  it('classic: a registry with its own tarball URLs stays a registry; a registry range resolved from a git host does not', () => {
    const lock = [
      '# yarn lockfile v1',
      '',
      '"@acme/tool@^1.0.0":',
      '  version "1.2.0"',
      '  resolved "https://npm.pkg.github.com/download/@acme/tool/1.2.0/0123abcd"',
      '',
      'left-pad@^1.0.0:',
      '  version "1.3.0"',
      '  resolved "https://codeload.github.com/left-pad/left-pad/tar.gz/5d2d3ef"',
      '',
    ].join('\n');
    expect(parseYarnLock('yarn.lock', lock, () => undefined).packages.map((p) => `${p.name}@${p.version}`)).toEqual(['@acme/tool@1.2.0']);
  });
});

describe('a yarn.lock that does not read as one', () => {
  it('classic entries without the "# yarn lockfile v1" header are a problem naming the file, not 0 packages said nothing of (osv-scalibr fixture)', () => {
    const text = readFileSync(join(SCALIBR, 'one-package.v1.lock'), 'utf8');
    const headless = text.replace(/^# yarn lockfile v1\r?\n/m, '');
    expect(headless).not.toBe(text);
    const r = parseYarnLock('web/yarn.lock', headless, () => undefined);
    expect(r.packages).toEqual([]);
    expect(r.problems).toEqual([{ file: 'web/yarn.lock', line: expect.any(Number), message: expect.stringMatching(/^1 entry not read as lockfile records \(first shown\): a yarn classic lockfile must start with "# yarn lockfile v1"/) }]);
    expect(headless.split('\n')[r.problems[0].line! - 1]).toMatch(/^\S+@.*:$/);
    // With its header the same file reads, with no problem.
    expect(parseYarnLock('web/yarn.lock', text, () => undefined)).toMatchObject({ problems: [], packages: [expect.objectContaining({ version: expect.any(String) })] });
  });
});
