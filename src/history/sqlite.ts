// SQLite backend (better-sqlite3): `.sentrik/history.db`, WAL journal so the dashboard reads while a scan
// writes. Driver errors become one-line SentrikErrors that say what happened to the file (nothing).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SentrikError } from '../util/errors.js';
import { StoreError, type Db } from './db.js';

export interface SqliteOptions {
  /** How long to wait for another process's write lock, in ms (default 5000). */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

export function openSqlite(file: string, opts: SqliteOptions = {}): Db {
  let db: Database.Database;
  try {
    if (!opts.readonly) mkdirSync(dirname(file), { recursive: true });
    db = new Database(file, { timeout: opts.busyTimeoutMs ?? 5000, readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  } catch (err) {
    throw sqliteError(err, file);
  }
  return new SqliteDb(db, file);
}

class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const;
  private walTried = false;
  constructor(
    private readonly db: Database.Database,
    readonly label: string,
  ) {}

  private wrap<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(sqliteError(err, this.label));
    }
  }

  all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.wrap(() => this.db.prepare(sql).all(...params) as T[]);
  }
  get<T>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return this.wrap(() => this.db.prepare(sql).get(...params) as T | undefined);
  }
  run(sql: string, params: unknown[] = []): Promise<number> {
    return this.wrap(() => this.db.prepare(sql).run(...params).changes);
  }
  exec(sql: string): Promise<void> {
    return this.wrap(() => void this.db.exec(sql));
  }
  insertId(sql: string, params: unknown[]): Promise<number> {
    return this.wrap(() => Number(this.db.prepare(sql).run(...params).lastInsertRowid));
  }
  async insertMany(table: string, columns: string[], rows: unknown[][], onBatch?: (done: number) => Promise<void> | void): Promise<void> {
    const stmt = await this.wrap(() => this.db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`));
    const batch = 5000;
    for (let i = 0; i < rows.length; i += batch) {
      await this.wrap(() => {
        for (const r of rows.slice(i, i + batch)) stmt.run(...r);
      });
      await onBatch?.(Math.min(rows.length, i + batch));
    }
  }
  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    // Switch to WAL on the first write (a one-time change stored in the file); a busy database keeps its mode.
    if (!this.walTried) {
      this.walTried = true;
      try {
        this.db.pragma('journal_mode = WAL');
      } catch {
        /* another process holds a lock: the default journal works too */
      }
    }
    await this.exec('BEGIN IMMEDIATE');
    try {
      const out = await fn(this);
      await this.exec('COMMIT');
      return out;
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }
  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}

/** Translate a SQLite failure into a message a user can act on; the file is never modified to "repair" it. */
export function sqliteError(err: unknown, file: string): Error {
  if (err instanceof SentrikError) return err;
  const code = (err as { code?: string }).code ?? '';
  const detail = err instanceof Error ? err.message : String(err);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new StoreError(`the history database is damaged or not a SQLite file (${detail}); it was left untouched`, file, undefined, 'move it aside to start a new history, or set history.enabled: false');
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError('the history database is locked by another process', file, undefined, 'try again when the other sentrik run has finished');
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM')) {
    return new StoreError(`cannot open the history database for writing (${detail})`, file, undefined, 'check the permissions of .sentrik/, or set history.enabled: false');
  }
  if (code === 'SQLITE_FULL') return new StoreError('the disk is full: the history database was not updated', file);
  return new StoreError(`history database error: ${detail}`, file);
}
