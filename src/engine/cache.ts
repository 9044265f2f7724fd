// Per-file result cache under .sentrik/cache. Keyed by the rule set's hash (so any pack, rule or override
// change starts afresh) and, per file, by size + mtime + ctime + inode (the fast path: the file is not read)
// with the content hash as the fallback (a touched but unchanged file is still a hit). Cached results hold no
// raw secrets.
//
// "Racy" files (git's term): a file written within RACY_MS of the moment its content was read can change
// again without its stat changing (coarse timestamps), so its stat proves nothing; such an entry is marked
// untrusted and the file is read and hashed on the next scan, until it has been quiet long enough.
//
// Authenticated: the cache lives in the scanned repository, so a pull request can commit one (rows with the
// right hashes and no findings would hide its code from the CI scan; the rule set's hash is public). Each
// file starts with an HMAC-SHA256 line, under a random key kept outside every repository
// (${XDG_CACHE_HOME:-~/.cache}/sentrik/cache.key, or $SENTRIK_CACHE_KEY_FILE), of the rule set and the JSON
// that follows. A cache this user's sentrik did not write is a cold cache; without a usable key nothing is
// read or written.
import { ignoreGeneratedInSentrikDir, makeGeneratedDir } from '../util/generated-dir.js';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import type { FileStat } from './discovery.js';
import type { FileResult } from './file-scan.js';
import type { ScanProblem } from './model.js';
import { userCacheDir } from '../util/cache-dir.js';

const FORMAT = 5; // 3: compact rows, ctime, racy flag, repository-level results; 4: MAC line before the JSON; 5: file kinds
/** `sentrik-cache 5 <64 hex digits>\n`, then the JSON. */
const MAGIC = `sentrik-cache ${FORMAT} `;
const HEADER_LENGTH = MAGIC.length + 64 + 1;
const KEY_BYTES = 32;

/** Coarsest file-system timestamp granularity we guard against (FAT: 2 s). */
export const RACY_MS = 2000;

/** A file's result without its path (the row's key) — absent when the file had no hits, problems, ignores or kinds. */
type StoredResult = Omit<FileResult, 'path'>;
/**
 * [size, mtimeMs, ctimeMs, ino, content hash, trusted (1) or racy (0), result] — compact: 14k rows parse fast.
 * A binary file's row has no hash and the result BINARY: it is skipped again while its stat holds.
 */
type Row = [number, number, number, number, string, 0 | 1, StoredResult | 0 | typeof BINARY];
const BINARY = 'binary';

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
  /** File rules that had no file to judge, for the file set (paths and stats) of `key`. */
  private idle: { key: string; ids: string[] } | undefined;
  private dirty = false;
  hits = 0;
  misses = 0;

  private constructor(
    private readonly file: string | undefined,
    private readonly key?: Buffer,
    private readonly rulesetHash?: string,
  ) {}

  static disabled(): ScanCache {
    return new ScanCache(undefined);
  }

  /** Whether a cache for this rule set exists (a scan then expects most files to be served from it). */
  static exists(dir: string, rulesetHash: string): boolean {
    return cacheKey() !== undefined && existsSync(cacheFile(dir, rulesetHash));
  }

  static open(dir: string, rulesetHash: string): ScanCache {
    const key = cacheKey();
    // A cache folder (or .sentrik) that is a symlink could point anywhere: never read or write through it.
    if (!key || isSymlink(dir) || isSymlink(dirname(dir))) return ScanCache.disabled();
    const cache = new ScanCache(cacheFile(dir, rulesetHash), key, rulesetHash);
    try {
      const data = cache.readAuthentic();
      if (data?.rows && typeof data.rows === 'object') {
        cache.rows = Object.assign(Object.create(null), data.rows);
        cache.repo = data.repo;
        cache.idle = data.idle;
      }
    } catch {
      // A missing or corrupt cache is just a cold cache.
    }
    return cache;
  }

  /** The file's JSON if our key signed it for this rule set; a forged, edited or foreign cache is undefined. */
  private readAuthentic(): { rows: Record<string, Row>; repo?: StoredRepo; idle?: { key: string; ids: string[] } } | undefined {
    const buf = readFileSync(this.file!);
    if (buf.length < HEADER_LENGTH || buf.toString('latin1', 0, MAGIC.length) !== MAGIC || buf[HEADER_LENGTH - 1] !== 0x0a) return undefined;
    const claimed = Buffer.from(buf.toString('latin1', MAGIC.length, HEADER_LENGTH - 1), 'hex');
    const payload = buf.subarray(HEADER_LENGTH);
    const actual = this.mac(payload);
    if (claimed.length !== actual.length || !timingSafeEqual(claimed, actual)) return undefined;
    return JSON.parse(payload.toString('utf8'));
  }

  private mac(payload: string | Buffer): Buffer {
    return createHmac('sha256', this.key!).update(`${FORMAT}\0${this.rulesetHash}\0`).update(payload).digest();
  }

  get enabled(): boolean {
    return this.file !== undefined;
  }

  /** The cached result when the file's stat is unchanged and was not racy when it was cached. */
  byStat(path: string, st: FileStat): FileResult | 'binary' | undefined {
    const row = this.rows[path];
    if (!row || row[5] !== 1 || row[0] !== st.size || row[1] !== st.mtimeMs || row[2] !== st.ctimeMs || row[3] !== st.ino) return undefined;
    return row[6] === BINARY ? BINARY : toResult(path, row[6]);
  }

  /** Content hash stored for a path (to detect a touched but unchanged file). */
  hashOf(path: string): string | undefined {
    return this.rows[path]?.[4];
  }

  resultFor(path: string): FileResult | undefined {
    const row = this.rows[path];
    return row && row[6] !== BINARY ? toResult(path, row[6]) : undefined;
  }

  /** Remember that a file is binary (skipped unread while its stat holds; see `put` for `readAfter`). */
  putBinary(path: string, st: FileStat, readAfter: number): void {
    if (!this.file) return;
    this.rows[path] = [st.size, st.mtimeMs, st.ctimeMs, st.ino, '', isQuiet(st, readAfter) ? 1 : 0, BINARY];
    this.dirty = true;
  }

  /**
   * Remember a file's result. `readAfter`: a time (ms) before its content was read — the stat is trusted
   * next time only if the file had not been written within RACY_MS of it.
   */
  put(path: string, st: FileStat, hash: string, result: FileResult, readAfter: number): void {
    if (!this.file) return;
    const stored: StoredResult | 0 = result.hits.length || result.problems.length || result.ignores?.length || result.kinds?.length ? withoutPath(result) : 0;
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

  /** The file rules that judged none of the files of `key` (see repoKey), as the scan that had them found. */
  idleRulesFor(key: string): string[] | undefined {
    return this.idle?.key === key && Array.isArray(this.idle.ids) ? this.idle.ids : undefined;
  }

  putIdleRules(key: string, ids: string[]): void {
    if (!this.file || (this.idle?.key === key && this.idle.ids.join('\0') === ids.join('\0'))) return;
    this.idle = { key, ids };
    this.dirty = true;
  }

  /** Write atomically; remove caches of other rule sets. Returns an error message instead of throwing. */
  save(): string | undefined {
    if (!this.file || !this.dirty) return undefined;
    const dir = dirname(this.file);
    try {
      if (!existsSync(dir) && basename(dirname(dir)) === '.sentrik') ignoreGeneratedInSentrikDir(dirname(dir));
      makeGeneratedDir(dir);
      // Caches of other rule sets go (only finished ones: another scan's temporary file is its own).
      for (const f of readdirSync(dir)) if (/^scan-\w+\.json$/.test(f) && join(dir, f) !== this.file) rmSync(join(dir, f), { force: true });
      const payload = Buffer.from(JSON.stringify({ rows: this.rows, repo: this.repo, idle: this.idle }));
      writeFileAtomic(this.file, Buffer.concat([Buffer.from(`${MAGIC}${this.mac(payload).toString('hex')}\n`), payload]));
      return undefined;
    } catch (err) {
      return `could not write the scan cache in ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    }
  }
}

function cacheFile(dir: string, rulesetHash: string): string {
  return join(dir, `scan-${rulesetHash}.json`);
}

/** Where the cache key lives: $SENTRIK_CACHE_KEY_FILE, else ${XDG_CACHE_HOME:-~/.cache}/sentrik/cache.key. */
function cacheKeyFile(env: Record<string, string | undefined>): string {
  return env.SENTRIK_CACHE_KEY_FILE ? resolve(env.SENTRIK_CACHE_KEY_FILE) : join(userCacheDir(env), 'cache.key');
}

/** Set once by the CLI from its environment (only the CLI reads `process`); other callers use ~/.cache. */
let keyFile = cacheKeyFile({});
let loadedKey: { file: string; key: Buffer } | undefined;

export function configureCacheKey(env: Record<string, string | undefined>): void {
  keyFile = cacheKeyFile(env);
}

/** This user's cache key, created on first use; undefined when it can be neither read nor created. */
function cacheKey(): Buffer | undefined {
  if (loadedKey?.file === keyFile) return loadedKey.key;
  let key = readKey(keyFile);
  if (key === null) {
    try {
      mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
      writeFileAtomic(keyFile, randomBytes(KEY_BYTES), { mode: 0o600 });
      key = readKey(keyFile); // a concurrent first run may have replaced ours: use the key that stayed
    } catch {
      return undefined; // e.g. a read-only home: the scan runs without a cache
    }
  }
  if (!key) return undefined;
  loadedKey = { file: keyFile, key };
  return key;
}

/** The key in `file`: null when there is none yet, undefined when it is unreadable or not a key of ours. */
function readKey(file: string): Buffer | null | undefined {
  try {
    const key = readFileSync(file);
    return key.length === KEY_BYTES ? key : undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? null : undefined;
  }
}

/** The identity of a set of files for repository-level rules: paths and stats, in order. */
export function repoKey(rulesetHash: string, maxFileSize: number, files: readonly (FileStat & { path: string })[]): string {
  const parts = [rulesetHash, String(maxFileSize)];
  for (const f of files) parts.push(f.path, String(f.size), String(f.mtimeMs), String(f.ctimeMs), String(f.ino));
  return createHash('sha1').update(parts.join('\0')).digest('hex'); // one update: 14k small ones cost more
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Whether a write after `readAfter` must show in the stat. Every write sets ctime to "now" (mtime can be set
 * back: `cp -p`, `rsync -t`), so the stat can stay the same only if ctime was already within RACY_MS of then
 * (a file system with coarse timestamps puts that write in the same tick).
 */
function isQuiet(st: FileStat, readAfter: number): boolean {
  return st.ctimeMs < readAfter - RACY_MS;
}

function toResult(path: string, r: StoredResult | 0): FileResult {
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
