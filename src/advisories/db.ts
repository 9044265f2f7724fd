// The local advisory index: one JSON file per ecosystem (`<db>/<Ecosystem>.json`, an array of compact
// advisories) plus `<db>/manifest.json`. Loading one ecosystem is a single JSON.parse.
//
// Location, first that applies: `--db DIR`, $SENTRIK_OSV_DB, $XDG_CACHE_HOME/sentrik/osv,
// ~/.cache/sentrik/osv — one database shared by every project on the machine.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { OsvEcosystem } from '../ecosystems/types.js';
import { writeFileAtomic } from '../util/atomic.js';
import { SentrikError } from '../util/errors.js';
import type { Advisory } from './osv.js';
import { userCacheDir } from '../util/cache-dir.js';

export interface DbManifest {
  format: 1;
  ecosystems: Partial<Record<OsvEcosystem, { records: number; importedAt: string; source: string }>>;
}

export function defaultDbDir(env: Record<string, string | undefined>, cwd: string, flag?: string): string {
  if (flag) return resolve(cwd, flag);
  if (env.SENTRIK_OSV_DB) return resolve(cwd, env.SENTRIK_OSV_DB);
  return join(userCacheDir(env), 'osv');
}

/** File names are fixed per ecosystem, never derived from archive content. */
function ecosystemFile(db: string, eco: OsvEcosystem): string {
  return join(db, `${eco.replace(/[^A-Za-z0-9.]/g, '_')}.json`);
}

export function readManifest(db: string): DbManifest | undefined {
  const file = join(db, 'manifest.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DbManifest;
  } catch {
    throw new SentrikError('the advisory database manifest is unreadable', file, undefined, 're-run `sentrik vulns db import`');
  }
}

/** A temporary name next to `file` that no other import (another process, or this one) can be using. */
function tempFile(file: string): string {
  return `${file}.${randomBytes(9).toString('hex')}.tmp`;
}

/** Runs a file system write, turning its failure (disk full, permissions) into a one-line error naming `file`. */
function writing<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SentrikError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new SentrikError(`cannot write the advisory database (${code})`, file, undefined, 'check the free disk space and the permissions of the database folder');
  }
}

/**
 * Streams one ecosystem's index to a temporary file as advisories arrive (none is kept in memory); `finish`
 * completes and closes it, `install` renames it into place, so a failed import never leaves a half-written
 * index behind. An import finishes every writer before installing any.
 */
export class IndexWriter {
  advisories = 0;
  private readonly file: string;
  private readonly temp: string;
  private fd: number | undefined;
  private pending: string[] = [];
  private pendingBytes = 0;
  private flushed = false;

  constructor(
    db: string,
    readonly ecosystem: OsvEcosystem,
  ) {
    this.file = ecosystemFile(db, ecosystem);
    this.temp = tempFile(this.file);
    writing(db, () => mkdirSync(db, { recursive: true }));
    this.fd = writing(this.temp, () => openSync(this.temp, 'wx'));
    try {
      this.write('[');
    } catch (err) {
      this.abort();
      throw err;
    }
  }

  private write(text: string): void {
    const fd = this.fd;
    if (fd === undefined) throw new Error('index writer already closed');
    writing(this.temp, () => writeSync(fd, text));
  }

  add(advisory: Advisory): void {
    const json = JSON.stringify(advisory);
    this.pending.push(json);
    this.pendingBytes += json.length;
    this.advisories++;
    if (this.pendingBytes > 1024 * 1024) this.flush();
  }

  /** Written so that the file holds the same bytes as JSON.stringify(all advisories). */
  private flush(): void {
    this.write((this.flushed ? ',' : '') + this.pending.join(','));
    this.flushed = true;
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Writes the rest and closes the temporary file; the index in place is not touched yet. */
  finish(): void {
    if (this.pending.length) this.flush();
    this.write(']');
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) writing(this.temp, () => closeSync(fd));
  }

  /** Puts the finished index in place. */
  install(): void {
    writing(this.file, () => renameSync(this.temp, this.file));
  }

  commit(): void {
    this.finish();
    this.install();
  }

  /** Drops the temporary file; safe to call at any point, and more than once. */
  abort(): void {
    const fd = this.fd;
    this.fd = undefined;
    try {
      if (fd !== undefined) closeSync(fd);
    } catch {
      // Already failing: the temporary file is removed below all the same.
    }
    rmSync(this.temp, { force: true });
  }
}

/** Records what was imported in `<db>/manifest.json` (written then renamed, like the indexes). */
export function recordImports(db: string, imported: { ecosystem: OsvEcosystem; advisories: number; source: string }[]): void {
  const manifest = readManifest(db) ?? { format: 1, ecosystems: {} };
  const importedAt = new Date().toISOString();
  for (const i of imported) manifest.ecosystems[i.ecosystem] = { records: i.advisories, importedAt, source: i.source };
  const file = join(db, 'manifest.json');
  writing(file, () => writeFileAtomic(file, `${JSON.stringify(manifest, null, 2)}\n`));
}

export function loadEcosystem(db: string, eco: OsvEcosystem): Advisory[] | undefined {
  const file = ecosystemFile(db, eco);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Advisory[];
  } catch {
    throw new SentrikError(`the ${eco} advisory index is unreadable`, file, undefined, 're-run `sentrik vulns db import`');
  }
}
