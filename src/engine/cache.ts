// Per-file result cache under .sentrik/cache. Keyed by the rule set's hash (so any pack, rule or override
// change starts afresh) and, per file, by size + mtime + inode (fast path: no read) with the content hash as
// the fallback (a touched but unchanged file is still a hit). Cached results hold no raw secrets.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileResult } from './file-scan.js';

const FORMAT = 2; // 2: results carry the inline ignores of each file

export interface CacheEntry {
  size: number;
  mtimeMs: number;
  ino: number;
  hash: string;
  result: FileResult;
}

export class ScanCache {
  private entries: Record<string, CacheEntry> = {};
  private dirty = false;
  hits = 0;
  misses = 0;

  private constructor(private readonly file: string | undefined) {}

  static disabled(): ScanCache {
    return new ScanCache(undefined);
  }

  static open(dir: string, rulesetHash: string): ScanCache {
    const cache = new ScanCache(join(dir, `scan-${rulesetHash}.json`));
    try {
      if (existsSync(cache.file!)) {
        const data = JSON.parse(readFileSync(cache.file!, 'utf8')) as { format: number; entries: Record<string, CacheEntry> };
        if (data.format === FORMAT && data.entries && typeof data.entries === 'object') cache.entries = data.entries;
      }
    } catch {
      // A corrupt cache is just a cold cache.
    }
    return cache;
  }

  get enabled(): boolean {
    return this.file !== undefined;
  }

  /** Hit when the file's stat is unchanged. */
  byStat(path: string, size: number, mtimeMs: number, ino: number): FileResult | undefined {
    const e = this.entries[path];
    if (e && e.size === size && e.mtimeMs === mtimeMs && e.ino === ino) return e.result;
    return undefined;
  }

  /** Content hash stored for a path (to detect a touched but unchanged file). */
  hashOf(path: string): string | undefined {
    return this.entries[path]?.hash;
  }

  resultFor(path: string): FileResult | undefined {
    return this.entries[path]?.result;
  }

  put(path: string, entry: CacheEntry): void {
    if (!this.file) return;
    this.entries[path] = entry;
    this.dirty = true;
  }

  /** Drop entries for files that no longer exist in a full scan. */
  retainOnly(paths: Set<string>): void {
    for (const p of Object.keys(this.entries)) {
      if (!paths.has(p)) {
        delete this.entries[p];
        this.dirty = true;
      }
    }
  }

  /** Write atomically; remove caches of other rule sets. Returns an error message instead of throwing. */
  save(): string | undefined {
    if (!this.file || !this.dirty) return undefined;
    const dir = this.file.slice(0, this.file.lastIndexOf('/'));
    try {
      mkdirSync(dir, { recursive: true });
      for (const f of readdirSync(dir)) if (f.startsWith('scan-') && join(dir, f) !== this.file) rmSync(join(dir, f), { force: true });
      const tmp = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
      writeFileSync(tmp, JSON.stringify({ format: FORMAT, entries: this.entries }));
      renameSync(tmp, this.file);
      return undefined;
    } catch (err) {
      return `could not write the scan cache in ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    }
  }
}

/** Hash of a file's content; a string and its UTF-8 bytes hash the same. */
export function contentHash(text: string | Buffer): string {
  return createHash('sha1').update(text).digest('hex');
}
