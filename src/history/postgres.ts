// PostgreSQL backend (`pg`): the same store shared by a team when SENTRIK_DATABASE_URL=postgres://… is set.
// A server that goes away surfaces as one SentrikError; a run being recorded is rolled back whole.
import pg from 'pg';
import { SentrikError } from '../util/errors.js';
import { StoreError, type Db } from './db.js';

/** postgres://user@host:port/db — the URL without its password, for messages. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'postgres://(unparseable SENTRIK_DATABASE_URL)';
  }
}

// BIGINT (COUNT(*), SUM) as numbers: every count the store reads fits easily.
const types = {
  getTypeParser: ((oid: number, format?: string) => (oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
};

export async function openPostgres(url: string): Promise<Db> {
  const label = describeUrl(url);
  try {
    new URL(url);
  } catch {
    throw new SentrikError('SENTRIK_DATABASE_URL is not a URL', undefined, undefined, 'use postgres://user:password@host:5432/database');
  }
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000, application_name: 'sentrik', types });
  // An idle connection dropped by the server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const db = new PgDb(pool, label);
  await db.get('SELECT 1 AS ok');
  return db;
}

type Queryable = pg.Pool | pg.PoolClient;

/** `?` → `$1, $2, …` (the store writes no `?` inside string literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

class PgDb implements Db {
  readonly dialect = 'postgres' as const;
  constructor(
    private readonly q: Queryable,
    readonly label: string,
    private readonly pool?: pg.Pool,
  ) {}

  private async query<T>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<T & pg.QueryResultRow>> {
    try {
      return await this.q.query<T & pg.QueryResultRow>(numbered(sql), params);
    } catch (err) {
      throw pgError(err, this.label);
    }
  }
  async all<T>(sql: string, params?: unknown[]): Promise<T[]> {
    return (await this.query<T>(sql, params)).rows;
  }
  async get<T>(sql: string, params?: unknown[]): Promise<T | undefined> {
    return (await this.query<T>(sql, params)).rows[0];
  }
  async run(sql: string, params?: unknown[]): Promise<number> {
    return (await this.query(sql, params)).rowCount ?? 0;
  }
  async exec(sql: string): Promise<void> {
    await this.query(sql);
  }
  async insertId(sql: string, params: unknown[]): Promise<number> {
    const row = await this.get<{ id: number }>(`${sql} RETURNING id`, params);
    return Number(row!.id);
  }
  async insertMany(table: string, columns: string[], rows: unknown[][], onBatch?: (done: number) => Promise<void> | void): Promise<void> {
    // Multi-row VALUES, kept under PostgreSQL's 65535 parameters per statement.
    const batch = Math.max(1, Math.floor(30_000 / columns.length));
    for (let i = 0; i < rows.length; i += batch) {
      const chunk = rows.slice(i, i + batch);
      const values = chunk.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
      await this.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, chunk.flat());
      await onBatch?.(Math.min(rows.length, i + batch));
    }
  }
  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const pool = this.pool ?? (this.q as pg.Pool);
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw pgError(err, this.label);
    }
    // A dropped connection emits 'error' on the client as well as failing the query.
    const swallow = (): void => undefined;
    client.on('error', swallow);
    const tx = new PgDb(client, this.label, pool);
    let broken: unknown;
    try {
      await tx.exec('BEGIN');
      const out = await fn(tx);
      await tx.exec('COMMIT');
      return out;
    } catch (err) {
      broken = err;
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.off('error', swallow);
      client.release(broken ? true : undefined); // a connection that failed mid-transaction is not reused
    }
  }
  async close(): Promise<void> {
    await (this.pool ?? (this.q as pg.Pool)).end().catch(() => undefined);
  }
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);

export function pgError(err: unknown, label: string): Error {
  if (err instanceof SentrikError) return err;
  const code = String((err as { code?: string }).code ?? '');
  const detail = err instanceof Error ? err.message : String(err);
  if (CONNECTION_CODES.has(code) || /Connection terminated|connection timeout|terminating connection|Client has encountered a connection error|not queryable/i.test(detail)) {
    return new StoreError(`PostgreSQL connection lost or refused (${detail}); nothing partial was stored`, label, undefined, 'check that the server is running and SENTRIK_DATABASE_URL is right, then run again');
  }
  if (code === '28P01' || code === '28000') return new StoreError(`PostgreSQL refused the credentials (${detail})`, label, undefined, 'check the user and password in SENTRIK_DATABASE_URL');
  if (code === '3D000') return new StoreError(`PostgreSQL database does not exist (${detail})`, label, undefined, 'create it (createdb) or fix SENTRIK_DATABASE_URL');
  return new StoreError(`PostgreSQL error: ${detail}`, label);
}
