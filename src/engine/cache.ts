// Per-file result cache under .sentrik/cache. Keyed by the rule set's hash (so any pack, rule or override
// change starts afresh) and, per file, by size + mtime + ctime + inode (the fast path: the file is not read)
// with the content hash as the fallback (a touched but unchanged file is still a hit). Cached results hold no
// raw secrets.
//
// "Racy" files (git's term): a file written within RACY_MS of the moment its content was read can change
// again without its stat changing (coarse timestamps), so its stat proves nothing; such an entry is marked
// untrusted and the file is read and hashed on the next scan, until it has been quiet long enough.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DiscoveredFile } from './discovery.js';
import type { FileResult } from './file-scan.js';
import type { ScanProblem } from './model.js';

const FORMAT = 3; // 3: compact rows, ctime, racy flag, repository-level results

/** The stat fields that must all be unchanged for a file to count as unchanged without reading it. */
export type FileStat = Pick<DiscoveredFile, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino'>;

/** Coarsest file-system timestamp granularity we guard against (FAT: 2 s). */
export const RACY_MS = 2000;

/** A file's result without its path (the row's key) — absent when the file had no hits, problems or ignores. */
type StoredResult = Omit<FileResult, 'path'>;
/** [size, mtimeMs, ctimeMs, ino, content hash, trusted (1) or racy (0), result] — compact: 14k rows parse fast. */
type Row = [number, number, number, number, string, 0 | 1, StoredResult | 0];

/** Repository-level rule results, valid while every file's stat is what it was when they were computed. */
export interface RepoResults {
  hits: FileResult[];
  problems: ScanProblem[];
}
interface StoredRepo extends RepoResults {
  key: string;
  checkedAt: number;
}

export class ScanCache {
  private rows: Record<string, Row> = Object.create(null);
  private repo: StoredRepo | undefined;
  private dirty = false;
  hits = 0;
  misses = 0;

  private constructor(private readonly file: string | undefined) {}

  static disabled(): ScanCache {
    return new ScanCache(undefined);
  }

  /** Whether a cache for this rule set exists (a scan then expects most files to be served from it). */
  static exists(dir: string, rulesetHash: string): boolean {
    return existsSync(cacheFile(dir, rulesetHash));
  }

  static open(dir: string, rulesetHash: string): ScanCache {
    const cache = new ScanCache(cacheFile(dir, rulesetHash));
    try {
      if (existsSync(cache.file!)) {
        const data = JSON.parse(readFileSync(cache.file!, 'utf8')) as { format: number; rows: Record<string, Row>; repo?: StoredRepo };
        if (data.format === FORMAT && data.rows && typeof data.rows === 'object') {
          cache.rows = Object.assign(Object.create(null), data.rows);
          cache.repo = data.repo;
        }
      }
    } catch {
      // A corrupt cache is just a cold cache.
    }
    return cache;
  }

  get enabled(): boolean {
    return this.file !== undefined;
  }

  /** The cached result when the file's stat is unchanged and was not racy when it was cached. */
  byStat(path: string, st: FileStat): FileResult | undefined {
    const row = this.rows[path];
    if (!row || row[5] !== 1 || row[0] !== st.size || row[1] !== st.mtimeMs || row[2] !== st.ctimeMs || row[3] !== st.ino) return undefined;
    return toResult(path, row);
  }

  /** Content hash stored for a path (to detect a touched but unchanged file). */
  hashOf(path: string): string | undefined {
    return this.rows[path]?.[4];
  }

  resultFor(path: string): FileResult | undefined {
    const row = this.rows[path];
    return row && toResult(path, row);
  }

  /**
   * Remember a file's result. `readAfter`: a time (ms) before its content was read — the stat is trusted
   * next time only if the file had not been written within RACY_MS of it.
   */
  put(path: string, st: FileStat, hash: string, result: FileResult, readAfter: number): void {
    if (!this.file) return;
    const stored: StoredResult | 0 = result.hits.length || result.problems.length || result.ignores?.length ? withoutPath(result) : 0;
    this.rows[path] = [st.size, st.mtimeMs, st.ctimeMs, st.ino, hash, isQuiet(st, readAfter) ? 1 : 0, stored];
    this.dirty = true;
  }

  /** Forget a file (it is no longer scanned: now binary, unreadable, …). */
  forget(path: string): void {
    if (this.rows[path]) {
      delete this.rows[path];
      this.dirty = true;
    }
  }

  /** Drop entries for files that no longer exist in a full scan. */
  retainOnly(paths: Set<string>): void {
    for (const p of Object.keys(this.rows)) if (!paths.has(p)) this.forget(p);
  }

  /** Repository-level results computed for exactly these files (see repoKey), if none of them was racy then. */
  repoResults(key: string, files: readonly FileStat[]): RepoResults | undefined {
    const r = this.repo;
    if (!r || r.key !== key || !files.every((f) => isQuiet(f, r.checkedAt))) return undefined;
    return { hits: r.hits, problems: r.problems };
  }

  putRepoResults(key: string, results: RepoResults, readAfter: number): void {
    if (!this.file) return;
    this.repo = { key, checkedAt: readAfter, ...results };
    this.dirty = true;
  }

  /** Write atomically; remove caches of other rule sets. Returns an error message instead of throwing. */
  save(): string | undefined {
    if (!this.file || !this.dirty) return undefined;
    const dir = this.file.slice(0, this.file.lastIndexOf('/'));
    try {
      mkdirSync(dir, { recursive: true });
      for (const f of readdirSync(dir)) if (f.startsWith('scan-') && join(dir, f) !== this.file) rmSync(join(dir, f), { force: true });
      const tmp = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
      writeFileSync(tmp, JSON.stringify({ format: FORMAT, rows: this.rows, repo: this.repo }));
      renameSync(tmp, this.file);
      return undefined;
    } catch (err) {
      return `could not write the scan cache in ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    }
  }
}

function cacheFile(dir: string, rulesetHash: string): string {
  return join(dir, `scan-${rulesetHash}.json`);
}

/** The identity of a set of files for repository-level rules: paths and stats, in order. */
export function repoKey(rulesetHash: string, maxFileSize: number, files: readonly (FileStat & { path: string })[]): string {
  const parts = [rulesetHash, String(maxFileSize)];
  for (const f of files) parts.push(f.path, String(f.size), String(f.mtimeMs), String(f.ctimeMs), String(f.ino));
  return createHash('sha1').update(parts.join('\0')).digest('hex'); // one update: 14k small ones cost more
}

/**
 * Whether a write after `readAfter` must show in the stat. A write sets mtime and ctime to "now", so the stat
 * can stay the same only if both were already within RACY_MS of then (a back-dated mtime cannot recur).
 */
function isQuiet(st: FileStat, readAfter: number): boolean {
  return Math.min(st.mtimeMs, st.ctimeMs) < readAfter - RACY_MS;
}

function toResult(path: string, row: Row): FileResult {
  const r = row[6];
  return r ? { path, ...r } : { path, hits: [], problems: [] };
}

function withoutPath(result: FileResult): StoredResult {
  const { path: _path, ...rest } = result;
  return rest;
}

/** Hash of a file's content; a string and its UTF-8 bytes hash the same. */
export function contentHash(text: string | Buffer): string {
  return createHash('sha1').update(text).digest('hex');
}
