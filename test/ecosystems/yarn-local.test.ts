// yarn.lock entries installed from a folder, git or a tarball URL are not registry packages: their versions
// are the folder's or the commit's, and matching them to registry advisories gives false CVEs. Snyk's own
// fixtures, read in place.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYarnLock } from '../../src/ecosystems/npm/yarn-lock.js';

const SNYK = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpora', 'lockfiles', 'snyk');

function names(fixture: string): string[] {
  const lock = join(SNYK, fixture, 'yarn.lock');
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
});
