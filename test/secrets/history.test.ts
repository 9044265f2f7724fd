// History scanning against a real throwaway git repository: a secret committed and later removed is
// reported with its commit, author date and path; one still present is marked so; nothing prints in clear.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinPacksDir, loadPack } from '../../src/packs/load.js';
import { base62, crc32 } from '../../src/secrets/checks.js';
import { scanHistory } from '../../src/secrets/history.js';
import { SentrikError } from '../../src/util/errors.js';

const random = 'Hq7Lx2Vb9Nc4Md8Kf3Gs6Tw1Yz5Rp0';
const GH = `ghp_${random}${base62(crc32(random), 6)}`;
const PW = 'Zx9kq2LmP0wRt7';
let repo: string;
const commits: string[] = [];

function git(...args: string[]): string {
  return execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
  }).trim();
}
function commit(file: string, text: string, date: string): void {
  writeFileSync(join(repo, file), text);
  git('add', '-A');
  execFileSync('git', ['commit', '-q', '-m', `edit ${file}`], {
    cwd: repo,
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
  });
  commits.push(git('rev-parse', 'HEAD'));
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'sentrik-history-'));
  git('init', '-q');
  commit('README.md', '# app\n', '2024-01-01T10:00:00Z');
  commit('deploy.sh', `#!/bin/sh\nexport GITHUB_TOKEN=${GH}\n`, '2024-02-01T10:00:00Z');
  commit('deploy.sh', '#!/bin/sh\nexport GITHUB_TOKEN="$CI_TOKEN"\n', '2024-03-01T10:00:00Z');
  commit('db.py', `# config\n\nURL = "postgresql://app:${PW}@db.internal:5432/app"\n`, '2024-04-01T10:00:00Z');
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const rules = loadPack(join(builtinPacksDir(), 'secrets'), true).rules;

describe('scanHistory', () => {
  it('reports a removed secret with commit, author date, path and line', async () => {
    const hits = await scanHistory(repo, { rules });
    const gh = hits.find((h) => h.ruleId === 'SEC-GITHUB-001');
    expect(gh).toMatchObject({ commit: commits[1], path: 'deploy.sh', line: 2, presentAtHead: false, masked: 'ghp_…(40 chars)', inHeadHistory: true, presentOn: [] });
    expect(gh!.date.startsWith('2024-02-01')).toBe(true);
  });

  it('marks a secret that is still in the file at HEAD', async () => {
    const hits = await scanHistory(repo, { rules });
    expect(hits.find((h) => h.ruleId === 'SEC-DB-001')).toMatchObject({ path: 'db.py', line: 3, presentAtHead: true });
  });

  it('never carries the raw secret', async () => {
    const json = JSON.stringify(await scanHistory(repo, { rules }));
    expect(json).not.toContain(GH);
    expect(json).not.toContain(PW);
  });

  it('keeps a detector\'s weaker evidence: a token that fails its checksum is medium and low confidence there too', async () => {
    const other = mkdtempSync(join(tmpdir(), 'sentrik-history-weak-'));
    const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
    const run = (...args: string[]) => execFileSync('git', args, { cwd: other, env });
    try {
      run('init', '-q');
      writeFileSync(join(other, 'ci.sh'), "GH='ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'\n");
      run('add', '-A');
      run('commit', '-q', '-m', 'add');
      writeFileSync(join(other, 'ci.sh'), 'GH="$TOKEN"\n');
      run('commit', '-q', '-am', 'remove');
      const hits = await scanHistory(other, { rules });
      expect(hits.find((h) => h.ruleId === 'SEC-GITHUB-001')).toMatchObject({ severity: 'medium', confidence: 'low', message: expect.stringMatching(/checksum does not match/), presentAtHead: false });
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('tells many removed secrets apart: in HEAD\'s history, or only on another branch (one rev-list for many commits)', async () => {
    const other = mkdtempSync(join(tmpdir(), 'sentrik-history-many-'));
    const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
    const run = (...args: string[]) => execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], { cwd: other, env });
    const token = (i: number): string => {
      const body = `${random.slice(0, 28)}${String.fromCharCode(65 + i)}${String.fromCharCode(97 + i)}`;
      return `ghp_${body}${base62(crc32(body), 6)}`;
    };
    try {
      run('init', '-q');
      writeFileSync(join(other, 'README.md'), '# x\n');
      run('add', '-A');
      run('commit', '-q', '-m', 'init');
      run('checkout', '-q', '-b', 'side');
      writeFileSync(join(other, 'side.sh'), `T=${token(20)}\n`);
      run('add', '-A');
      run('commit', '-q', '-m', 'side secret');
      run('checkout', '-q', 'main');
      for (let i = 0; i < 10; i++) {
        writeFileSync(join(other, `s${i}.sh`), `T=${token(i)}\n`);
        run('add', '-A');
        run('commit', '-q', '-m', `add ${i}`);
      }
      for (let i = 0; i < 10; i++) writeFileSync(join(other, `s${i}.sh`), 'T="$TOKEN"\n');
      run('commit', '-q', '-am', 'remove all');
      const hits = (await scanHistory(other, { rules })).filter((h) => h.ruleId === 'SEC-GITHUB-001');
      expect(hits).toHaveLength(11);
      expect(hits.filter((h) => /^s\d/.test(h.path)).map((h) => [h.path, h.inHeadHistory, h.presentAtHead])).toEqual([...Array(10).keys()].map((i) => [`s${i}.sh`, true, false]));
      expect(hits.find((h) => h.path === 'side.sh')).toMatchObject({ inHeadHistory: false, presentOn: ['side'] });
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('finds a secret added while merging (a conflict resolution), not in either parent', async () => {
    const other = mkdtempSync(join(tmpdir(), 'sentrik-history-merge-'));
    const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
    const run = (...args: string[]) => execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], { cwd: other, env, stdio: 'pipe' }).toString().trim();
    try {
      run('init', '-q');
      writeFileSync(join(other, 'a.py'), 'x = 1\n');
      run('add', 'a.py');
      run('commit', '-q', '-m', 'init');
      run('checkout', '-q', '-b', 'side');
      writeFileSync(join(other, 'a.py'), 'x = 2\n');
      run('commit', '-q', '-am', 'side');
      run('checkout', '-q', 'main');
      writeFileSync(join(other, 'a.py'), 'x = 3\n');
      run('commit', '-q', '-am', 'main');
      try {
        run('merge', '-q', 'side');
      } catch {
        // the conflict, resolved with a line neither side had
      }
      writeFileSync(join(other, 'a.py'), `TOKEN = "${GH}"\n`);
      run('commit', '-q', '-am', 'merge side');
      const merge = run('rev-parse', 'HEAD');
      writeFileSync(join(other, 'a.py'), 'x = 4\n');
      run('commit', '-q', '-am', 'remove');
      const hits = (await scanHistory(other, { rules })).filter((h) => h.ruleId === 'SEC-GITHUB-001');
      expect(hits).toEqual([expect.objectContaining({ commit: merge, path: 'a.py', line: 1, presentAtHead: false })]);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('follows renames: one finding, named by the commit that added the secret, and still found at HEAD under the new name', async () => {
    const other = mkdtempSync(join(tmpdir(), 'sentrik-history-rename-'));
    const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
    const run = (...args: string[]) => execFileSync('git', args, { cwd: other, env }).toString().trim();
    try {
      run('init', '-q');
      writeFileSync(join(other, 'old.py'), `import os\nTOKEN = "${GH}"\nURL = "postgresql://app:${PW}@db.internal:5432/app"\n`);
      run('add', 'old.py');
      run('commit', '-q', '-m', 'add');
      const added = run('rev-parse', 'HEAD');
      run('mv', 'old.py', 'new.py');
      run('commit', '-q', '-m', 'rename');
      writeFileSync(join(other, 'new.py'), `import os\nTOKEN = os.environ["TOKEN"]\nURL = "postgresql://app:${PW}@db.internal:5432/app"\n`);
      run('commit', '-q', '-am', 'remove the token');
      const hits = await scanHistory(other, { rules });
      expect(hits.filter((h) => h.ruleId === 'SEC-GITHUB-001')).toEqual([expect.objectContaining({ commit: added, path: 'old.py', presentAtHead: false })]);
      expect(hits.filter((h) => h.ruleId === 'SEC-DB-001')).toEqual([expect.objectContaining({ commit: added, path: 'old.py', presentAtHead: true })]);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('limits the scan to a range', async () => {
    const hits = await scanHistory(repo, { rules, range: `${commits[2]}..HEAD` });
    expect(hits.map((h) => h.ruleId)).not.toContain('SEC-GITHUB-001');
    expect(hits.map((h) => h.ruleId)).toContain('SEC-DB-001');
  });

  it('rejects option-like ranges and non-repositories with a SentrikError', async () => {
    await expect(scanHistory(repo, { rules, range: '--output=/tmp/x' })).rejects.toBeInstanceOf(SentrikError);
    const plain = mkdtempSync(join(tmpdir(), 'sentrik-nogit-'));
    try {
      await expect(scanHistory(plain, { rules })).rejects.toBeInstanceOf(SentrikError);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});
