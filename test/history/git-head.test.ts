// The commit and branch a recorded run carries come from git itself: packed refs, worktrees (where .git is a
// file), a detached HEAD and a scan root below the repository top all work.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitHead } from '../../src/history/record.js';
import { git, project } from '../cli/helpers.js';

describe('gitHead', () => {
  it('reads packed refs, a worktree, a detached HEAD and a subfolder; nothing outside a repository', () => {
    const root = project({ 'src/app.js': 'x\n' });
    git(root, 'init', '-q');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'one');
    const first = git(root, 'rev-parse', 'HEAD').trim();
    git(root, 'pack-refs', '--all'); // refs/heads/main now lives only in .git/packed-refs
    expect(gitHead(root)).toEqual({ commit: first, branch: 'main' });
    expect(gitHead(join(root, 'src'))).toEqual({ commit: first, branch: 'main' });

    const wt = join(root, '..', `${root.split('/').pop()}-wt`);
    git(root, 'worktree', 'add', '-q', '-b', 'feature', wt);
    git(wt, 'commit', '-q', '--allow-empty', '-m', 'two');
    expect(gitHead(wt)).toEqual({ commit: git(wt, 'rev-parse', 'HEAD').trim(), branch: 'feature' });

    git(root, 'checkout', '-q', '--detach');
    expect(gitHead(root)).toEqual({ commit: first });

    const outside = project({});
    mkdirSync(join(outside, 'sub'));
    expect(gitHead(join(outside, 'sub'))).toBeUndefined();
  });
});
