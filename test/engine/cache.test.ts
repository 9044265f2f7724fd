// The result cache: a file whose size, mtime, ctime and inode are unchanged is not read again, unless it was
// written so close to the moment it was read that a later write could leave its stat as it was ("racy",
// as git calls it); any write shows (ctime), and repository-level results follow the files they were built on.
// The cache lives in the scanned repository, so it is signed with a key outside it: a cache that this user's
// sentrik did not write (committed by a pull request, signed with another key, edited) is a cold cache.
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { configureCacheKey, RACY_MS, ScanCache } from '../../src/engine/cache.js';
import type { FileResult } from '../../src/engine/file-scan.js';
import { runScan } from '../../src/run/scan.js';
import { expectNoStack, project, sentrik } from '../cli/helpers.js';

const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

// In-process scans sign with a key of their own, never the one in this user's home.
const keys = mkdtempSync(join(tmpdir(), 'sentrik-keys-'));
beforeAll(() => configureCacheKey({ SENTRIK_CACHE_KEY_FILE: join(keys, 'in-process.key') }));
afterAll(() => {
  configureCacheKey({});
  rmSync(keys, { recursive: true, force: true });
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

  it('remembers a binary file by its stat (skipped unread while it holds), and the rules no file had, per file set', () => {
    const c = reopened((c) => {
      c.putBinary('lib.wasm', stat, stat.mtimeMs + RACY_MS + 1);
      c.putIdleRules('files-1', ['JAVA-1', 'GO-1']);
    });
    expect(c.byStat('lib.wasm', stat)).toBe('binary');
    expect(c.byStat('lib.wasm', { ...stat, size: 11 })).toBeUndefined();
    expect(c.resultFor('lib.wasm')).toBeUndefined();
    expect(c.hashOf('lib.wasm')).toBe(''); // never equal to a content hash: a changed file is scanned
    expect(c.idleRulesFor('files-1')).toEqual(['JAVA-1', 'GO-1']);
    expect(c.idleRulesFor('files-2')).toBeUndefined();
  });

  it('treats a cache of an older format or a corrupt file as empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentrik-cache-'));
    temps.push(dir);
    writeFileSync(join(dir, 'scan-h1.json'), JSON.stringify({ format: 2, entries: { 'a.js': { size: 10 } } }));
    expect(ScanCache.open(dir, 'h1').hashOf('a.js')).toBeUndefined();
    writeFileSync(join(dir, 'scan-h1.json'), '{"format":3,');
    expect(ScanCache.open(dir, 'h1').hashOf('a.js')).toBeUndefined();
  });

  it('reads only what its own key signed for this rule set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentrik-cache-'));
    temps.push(dir);
    const c = ScanCache.open(dir, 'h1');
    c.put('a.js', stat, 'hash-a', result('a.js', 'R-1'), stat.mtimeMs + RACY_MS + 1);
    expect(c.save()).toBeUndefined();
    expect(ScanCache.open(dir, 'h1').hashOf('a.js')).toBe('hash-a');

    // The same file under another rule set's name, and the file unsigned (format 3 with the header dropped).
    const signed = readFileSync(join(dir, 'scan-h1.json'), 'utf8');
    writeFileSync(join(dir, 'scan-h2.json'), signed);
    expect(ScanCache.open(dir, 'h2').hashOf('a.js')).toBeUndefined();
    writeFileSync(join(dir, 'scan-h1.json'), signed.slice(signed.indexOf('\n') + 1));
    expect(ScanCache.open(dir, 'h1').hashOf('a.js')).toBeUndefined();

    // Another key: nothing this process wrote is trusted.
    writeFileSync(join(dir, 'scan-h1.json'), signed);
    configureCacheKey({ SENTRIK_CACHE_KEY_FILE: join(keys, 'other.key') });
    try {
      expect(ScanCache.open(dir, 'h1').hashOf('a.js')).toBeUndefined();
    } finally {
      configureCacheKey({ SENTRIK_CACHE_KEY_FILE: join(keys, 'in-process.key') });
    }
  });
});

describe('cached scans see every change', () => {
  it('a same-size edit under a restored mtime is found (ctime), and so is a fresh racy edit', async () => {
    const root = project({ 'app.js': 'safe(req.body.x);\n', 'other.js': 'const a = 1;\n' });
    temps.push(root);
    const app = join(root, 'app.js');
    age(app);
    age(join(root, 'other.js'));
    // A file is trusted by its stat once its last change (ctime, which cannot be set back) is older than the
    // racy window: let the new files get there.
    await new Promise((resolve) => setTimeout(resolve, RACY_MS + 100));
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
    const cacheFile = readCache(join(root, '.sentrik', 'cache', readdirOne(join(root, '.sentrik', 'cache')))).payload;
    expect(cacheFile.rows['app.js'][5]).toBe(0); // racy: not trusted by stat
    expect(cacheFile.rows['other.js'][5]).toBe(1);
  });

  it('a binary file is skipped from the cache while its stat holds; written as text, it is scanned', async () => {
    const root = project({ 'blob.js': Buffer.from([0x7f, 0x45, 0, 0x01, 0x41]), 'app.js': 'const a = 1;\n' });
    temps.push(root);
    for (const f of ['blob.js', 'app.js']) age(join(root, f));
    await new Promise((resolve) => setTimeout(resolve, RACY_MS + 100));
    const cold = await scanProject(root, ['owasp-top-10']);
    expect(cold.result.skipped).toContainEqual({ file: 'blob.js', reason: 'binary' });
    const warm = await scanProject(root, ['owasp-top-10']);
    expect(warm.result.skipped).toContainEqual({ file: 'blob.js', reason: 'binary' });
    expect(warm.result.metrics).toMatchObject({ cacheHits: 1, cacheMisses: 0, filesScanned: 1, rulesNotApplied: cold.result.metrics.rulesNotApplied });
    writeFileSync(join(root, 'blob.js'), 'eval(req.body.x);\n');
    const text = await scanProject(root, ['owasp-top-10']);
    expect(text.found).toContain('OWASP-A03-001 blob.js:1');
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

describe('a cache committed to the repository cannot hide a finding (CLI)', () => {
  const EVAL = 'OWASP-A03-001';

  /** A project whose app.js has a critical finding, aged so that its cached row is trusted by stat. */
  function evalProject(): string {
    const root = project({ 'app.js': 'eval(req.body.x);\n' });
    temps.push(root);
    age(join(root, 'app.js'));
    return root;
  }

  function scanWith(root: string, env: Record<string, string>) {
    const r = sentrik(['scan', '.', '--packs', 'owasp-top-10', '--quiet', '--format', 'json'], { cwd: root, env });
    expectNoStack(r.stderr);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/cache/i); // a distrusted or impossible cache is quiet
    const ids = (JSON.parse(r.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId);
    const metrics = JSON.parse(readFileSync(join(root, 'out', 'scan_metrics.json'), 'utf8')) as { cacheHits: number; cacheMisses: number };
    return { ids, hits: metrics.cacheHits, misses: metrics.cacheMisses };
  }

  function keyEnv(name: string): Record<string, string> {
    return { SENTRIK_CACHE_KEY_FILE: join(keys, name) };
  }

  function onlyCache(root: string): string {
    const dir = join(root, '.sentrik', 'cache');
    return join(dir, readdirOne(dir));
  }

  /** Empty app.js's row; sign it again with `keyFile` (as a forger signs with their own key) or keep the MAC. */
  function emptyRow(file: string, resign?: string): void {
    const { header, payload } = readCache(file);
    expect(payload.rows['app.js'][6]).not.toBe(0);
    payload.rows['app.js'][6] = 0;
    const json = JSON.stringify(payload);
    const rulesetHash = file.slice(file.lastIndexOf('scan-') + 5, -'.json'.length);
    const mac = resign && createHmac('sha256', readFileSync(resign)).update(`5\0${rulesetHash}\0`).update(json).digest('hex');
    writeFileSync(file, `${mac ? `sentrik-cache 5 ${mac}` : header}\n${json}`);
  }

  it('a normal warm scan is served from the cache; the key is private (0600 in a 0700 folder)', () => {
    const root = evalProject();
    const xdg = join(keys, 'xdg');
    expect(scanWith(root, { XDG_CACHE_HOME: xdg })).toEqual({ ids: expect.arrayContaining([EVAL]), hits: 0, misses: 1 });
    expect(scanWith(root, { XDG_CACHE_HOME: xdg })).toEqual({ ids: expect.arrayContaining([EVAL]), hits: 1, misses: 0 });
    expect(statSync(join(xdg, 'sentrik', 'cache.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(xdg, 'sentrik')).mode & 0o777).toBe(0o700);
    expect(statSync(join(xdg, 'sentrik', 'cache.key')).size).toBe(32);
  });

  it('a forged cache signed with another key is ignored, and the finding is reported', () => {
    const root = evalProject();
    scanWith(root, keyEnv('forger.key'));
    emptyRow(onlyCache(root), join(keys, 'forger.key'));
    const forged = readFileSync(onlyCache(root));
    // Under the forger's own key the forgery would work: this is the attack.
    expect(scanWith(root, keyEnv('forger.key'))).toMatchObject({ ids: expect.not.arrayContaining([EVAL]), hits: 1 });
    // Committed to the repository and scanned by CI, with CI's key: a cold cache.
    writeFileSync(onlyCache(root), forged);
    expect(scanWith(root, keyEnv('ci.key'))).toEqual({ ids: expect.arrayContaining([EVAL]), hits: 0, misses: 1 });
    expect(scanWith(root, keyEnv('ci.key'))).toMatchObject({ ids: expect.arrayContaining([EVAL]), hits: 1 }); // now CI's own
  });

  it('a .sentrik/cache that is a symlink is neither read nor written through', () => {
    const root = evalProject();
    const elsewhere = mkdtempSync(join(tmpdir(), 'sentrik-elsewhere-'));
    temps.push(elsewhere);
    writeFileSync(join(elsewhere, 'scan-0.json'), 'not ours');
    mkdirSync(join(root, '.sentrik'), { recursive: true });
    symlinkSync(elsewhere, join(root, '.sentrik', 'cache'));
    const env = keyEnv('ci.key');
    scanWith(root, env);
    const again = scanWith(root, env);
    expect(again.ids).toContain(EVAL);
    expect(again.hits).toBe(0);
    expect(readdirSync(elsewhere)).toEqual(['scan-0.json']); // nothing deleted or written there
  });

  it('a row edited under the original MAC is ignored', () => {
    const root = evalProject();
    scanWith(root, keyEnv('ci.key'));
    emptyRow(onlyCache(root));
    expect(scanWith(root, keyEnv('ci.key'))).toEqual({ ids: expect.arrayContaining([EVAL]), hits: 0, misses: 1 });
  });

  it('without a usable key the scan runs cold, reports the finding and writes no cache', () => {
    const root = evalProject();
    writeFileSync(join(keys, 'a-file'), 'not a folder');
    mkdirSync(join(keys, 'short'), { recursive: true });
    writeFileSync(join(keys, 'short', 'cache.key'), 'too short');
    for (const env of [keyEnv('a-file/cache.key'), { XDG_CACHE_HOME: join(keys, 'a-file') }, keyEnv('short/cache.key')]) {
      for (let i = 0; i < 2; i++) expect(scanWith(root, env)).toEqual({ ids: expect.arrayContaining([EVAL]), hits: 0, misses: 1 });
      expect(existsSync(join(root, '.sentrik', 'cache'))).toBe(false);
    }
    expect(readFileSync(join(keys, 'short', 'cache.key'), 'utf8')).toBe('too short'); // never overwritten
  });
});

/** A cache file: its MAC line and its JSON. */
function readCache(file: string): { header: string; payload: { rows: Record<string, unknown[]> } } {
  const text = readFileSync(file, 'utf8');
  const nl = text.indexOf('\n');
  expect(text.slice(0, nl)).toMatch(/^sentrik-cache 5 [0-9a-f]{64}$/);
  return { header: text.slice(0, nl), payload: JSON.parse(text.slice(nl + 1)) };
}

function readdirOne(dir: string): string {
  const files = readdirSync(dir).filter((f) => f !== '.gitignore'); // the cache folder keeps itself out of git
  expect(files).toHaveLength(1);
  return files[0];
}
