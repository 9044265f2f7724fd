// The result cache: a file whose size, mtime, ctime and inode are unchanged is not read again, unless it was
// written so close to the moment it was read that a later write could leave its stat as it was ("racy",
// as git calls it); any write shows (ctime), and repository-level results follow the files they were built on.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { RACY_MS, ScanCache } from '../../src/engine/cache.js';
import type { FileResult } from '../../src/engine/file-scan.js';
import { runScan } from '../../src/run/scan.js';
import { project } from '../cli/helpers.js';

const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

const HOUR_AGO = (Date.now() - 3_600_000) / 1000;

/** Set a file's mtime an hour back: long before any scan reads it, so its stat can be trusted. */
function age(file: string): void {
  utimesSync(file, HOUR_AGO, HOUR_AGO);
}

async function scanProject(root: string, packs: string[]) {
  const { config } = loadConfig({ root, env: {} });
  const result = await runScan({ root, config, scope: { mode: 'paths', paths: [] }, packs, jobs: 1 });
  const found = result.findings.map((f) => `${f.ruleId} ${f.file}:${f.line ?? ''}`).sort();
  return { result, found, inFiles: found.filter((f) => !f.includes(' .:')) };
}

const result = (path: string, ruleId: string): FileResult => ({ path, hits: [{ ruleId, line: 1, matchKey: 'k' }], problems: [] });

describe('ScanCache', () => {
  const stat = { size: 10, mtimeMs: 1_000_000, ctimeMs: 1_000_000, ino: 7 };

  function reopened(fill: (c: ScanCache) => void): ScanCache {
    const dir = mkdtempSync(join(tmpdir(), 'sentrik-cache-'));
    temps.push(dir);
    const c = ScanCache.open(dir, 'h1');
    fill(c);
    expect(c.save()).toBeUndefined();
    return ScanCache.open(dir, 'h1');
  }

  it('serves a quiet file by its stat, and only while every stat field is unchanged', () => {
    const c = reopened((c) => c.put('a.js', stat, 'hash-a', result('a.js', 'R-1'), stat.mtimeMs + RACY_MS + 1));
    expect(c.byStat('a.js', stat)).toEqual(result('a.js', 'R-1'));
    for (const changed of [{ size: 11 }, { mtimeMs: stat.mtimeMs + 1 }, { ctimeMs: stat.ctimeMs + 1 }, { ino: 8 }]) {
      expect(c.byStat('a.js', { ...stat, ...changed })).toBeUndefined();
    }
    expect(c.hashOf('a.js')).toBe('hash-a');
  });

  it('does not trust the stat of a file written within the racy window of its read: it must be hashed again', () => {
    const c = reopened((c) => {
      c.put('racy.js', stat, 'hash-r', result('racy.js', 'R-2'), stat.mtimeMs + RACY_MS - 1);
      const future = stat.mtimeMs + 10_000; // a clock ahead of ours
      c.put('future.js', { ...stat, mtimeMs: future, ctimeMs: future }, 'hash-f', result('future.js', 'R-3'), stat.mtimeMs + RACY_MS + 1);
    });
    expect(c.byStat('racy.js', stat)).toBeUndefined();
    expect(c.hashOf('racy.js')).toBe('hash-r'); // still answers "unchanged" once the content hash agrees
    expect(c.resultFor('racy.js')).toEqual(result('racy.js', 'R-2'));
    expect(c.byStat('future.js', { ...stat, mtimeMs: stat.mtimeMs + 10_000, ctimeMs: stat.mtimeMs + 10_000 })).toBeUndefined();
  });

  it('keeps repository-level results only for the same files, none of them racy then', () => {
    const files = [{ path: 'a.js', ...stat }];
    const repo = { hits: [result('.', 'DOC-1')], problems: [] };
    const c = reopened((c) => {
      c.put('a.js', stat, 'hash-a', result('a.js', 'R-1'), stat.mtimeMs + RACY_MS + 1);
      c.putRepoResults('key-1', repo, stat.mtimeMs + RACY_MS + 1);
    });
    expect(c.repoResults('key-1', files)).toEqual(repo);
    expect(c.repoResults('key-2', files)).toBeUndefined();
    const racy = reopened((c) => c.putRepoResults('key-1', repo, stat.mtimeMs + 10));
    expect(racy.repoResults('key-1', files)).toBeUndefined();
  });

  it('treats a cache of an older format or a corrupt file as empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentrik-cache-'));
    temps.push(dir);
    writeFileSync(join(dir, 'scan-h1.json'), JSON.stringify({ format: 2, entries: { 'a.js': { size: 10 } } }));
    expect(ScanCache.open(dir, 'h1').hashOf('a.js')).toBeUndefined();
    writeFileSync(join(dir, 'scan-h1.json'), '{"format":3,');
    expect(ScanCache.open(dir, 'h1').hashOf('a.js')).toBeUndefined();
  });
});

describe('cached scans see every change', () => {
  it('a same-size edit under a restored mtime is found (ctime), and so is a fresh racy edit', async () => {
    const root = project({ 'app.js': 'safe(req.body.x);\n', 'other.js': 'const a = 1;\n' });
    temps.push(root);
    const app = join(root, 'app.js');
    age(app);
    age(join(root, 'other.js'));
    expect((await scanProject(root, ['owasp-top-10'])).inFiles).toEqual([]);
    const warm = await scanProject(root, ['owasp-top-10']);
    expect(warm.result.metrics).toMatchObject({ cacheHits: 2, cacheMisses: 0 });

    // Same size, mtime put back: only ctime tells.
    const before = statSync(app);
    writeFileSync(app, 'eval(req.body.x);\n');
    utimesSync(app, before.atime, before.mtime);
    expect(statSync(app)).toMatchObject({ size: before.size, mtimeMs: before.mtimeMs });
    const edited = await scanProject(root, ['owasp-top-10']);
    expect(edited.found).toContain('OWASP-A03-001 app.js:1');
    expect(edited.result.metrics).toMatchObject({ cacheHits: 1, cacheMisses: 1 });

    // Written just now (racy): the next scans read it again, and a same-size edit in between is seen.
    writeFileSync(app, 'safe(req.body.x);\n');
    expect((await scanProject(root, ['owasp-top-10'])).inFiles).toEqual([]);
    writeFileSync(app, 'eval(req.body.y);\n');
    expect((await scanProject(root, ['owasp-top-10'])).found).toContain('OWASP-A03-001 app.js:1');
    const cacheFile = JSON.parse(readFileSync(join(root, '.sentrik', 'cache', readdirOne(join(root, '.sentrik', 'cache'))), 'utf8'));
    expect(cacheFile.rows['app.js'][5]).toBe(0); // racy: not trusted by stat
    expect(cacheFile.rows['other.js'][5]).toBe(1);
  });

  it('repository-level findings follow the files: a policy edited to say how to report clears its finding', async () => {
    const root = project({ 'SECURITY.md': '# Policy\nTo be written.\n', 'app.py': 'print("hi")\n' });
    temps.push(root);
    for (const f of ['SECURITY.md', 'app.py']) age(join(root, f));
    const doc = (found: string[]) => found.filter((f) => f.startsWith('SCS-DOC-001'));
    expect(doc((await scanProject(root, ['supply-chain-security'])).found)).toHaveLength(1);
    expect(doc((await scanProject(root, ['supply-chain-security'])).found)).toHaveLength(1);
    writeFileSync(join(root, 'SECURITY.md'), '# Policy\nReport it to us.\n');
    age(join(root, 'SECURITY.md'));
    expect(doc((await scanProject(root, ['supply-chain-security'])).found)).toEqual([]);
  });
});

function readdirOne(dir: string): string {
  const files = readdirSync(dir);
  expect(files).toHaveLength(1);
  return files[0];
}
