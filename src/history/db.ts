// The little SQL surface the history store needs, implemented once for SQLite (embedded, the default) and
// once for PostgreSQL (team-wide). Queries use `?` placeholders; the PostgreSQL driver numbers them.
import { SentrikError } from '../util/errors.js';

export type Dialect = 'sqlite' | 'postgres';

/**
 * A failure of the store itself — unreachable, damaged, locked, written by a newer sentrik — named by the store's
 * label; never the caller's input (the dashboard answers it with a 500 and keeps the details in its log).
 */
export class StoreError extends SentrikError {
  override name = 'StoreError';
}

export interface Db {
  readonly dialect: Dialect;
  /** Where the data lives, for messages: a file path, or postgres://user@host:port/db (never a password). */
  readonly label: string;
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  get<T>(sql: string, params?: unknown[]): Promise<T | undefined>;
  run(sql: string, params?: unknown[]): Promise<number>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** INSERT … and return the new row's `id`. */
  insertId(sql: string, params: unknown[]): Promise<number>;
  /** Many rows into one table, in batches; `onBatch` is awaited after each batch. */
  insertMany(table: string, columns: string[], rows: unknown[][], onBatch?: (done: number) => Promise<void> | void): Promise<void>;
  /** A write transaction: all of `fn` is stored, or none of it. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
