// The SQLite history store: the backend contract, migrations, and damaged / locked / too-new databases.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/history/migrations.js';
import { openHistory } from '../../src/history/open.js';
import { openSqlite } from '../../src/history/sqlite.js';
import { HistoryStore } from '../../src/history/store.js';
import { SentrikError } from '../../src/util/errors.js';
import { storeContract } from './contract.js';
import { findings, runInput } from './fixtures.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'sentrik-history-'));
const dbFile = (): string => join(tmp(), '.sentrik', 'history.db');

describe('SQLite store', () => {
  let n = 0;
  storeContract(() => HistoryStore.open(openSqlite(dbFile())), () => `project-${++n}`);

  it('creates .sentrik/history.db under the root and migrates it to the current schema', async () => {
    const root = tmp();
    const store = await openHistory({ root, env: {} });
    await store.recordRun(runInput(), findings(3));
    await store.close();
    const db = new Database(join(root, '.sentrik', 'history.db'), { readonly: true });
    expect(db.prepare("SELECT value FROM schema_meta WHERE key = 'schema_version'").get()).toEqual({ value: String(SCHEMA_VERSION) });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    // Opening again is a no-op migration and keeps the data.
    const again = await openHistory({ root, env: {} });
    expect((await again.listRuns('proj')).total).toBe(1);
    await again.close();
  });

  it('refuses a database written by a newer sentrik, and leaves it untouched', async () => {
    const file = dbFile();
    const first = await HistoryStore.open(openSqlite(file));
    await first.recordRun(runInput(), findings(5));
    await first.close();
    const raw = new Database(file);
    raw.prepare("UPDATE schema_meta SET value = '99' WHERE key = 'schema_version'").run();
    raw.close();
    const before = readFileSync(file);
    const err = await HistoryStore.open(openSqlite(file)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SentrikError);
    expect((err as SentrikError).format()).toMatch(/history\.db: the history database has schema version 99, written by a newer sentrik \(this one understands up to 1\); it was left untouched — upgrade sentrik/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('reports a damaged file clearly and never overwrites it', async () => {
    const file = dbFile();
    const store = await HistoryStore.open(openSqlite(file));
    await store.recordRun(runInput(), findings(3));
    await store.close();
    const garbage = Buffer.concat([Buffer.from('this is not sqlite\n'), readFileSync(file).subarray(100)]);
    writeFileSync(file, garbage);
    const err = await HistoryStore.open(openSqlite(file)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SentrikError);
    expect((err as SentrikError).format()).toMatch(/history\.db: the history database is damaged or not a SQLite file .*; it was left untouched — move it aside/);
    expect(readFileSync(file).equals(garbage)).toBe(true);
  });

  it('reports a database locked by another process, then records once the lock is gone (nothing lost)', async () => {
    const file = dbFile();
    const store = await HistoryStore.open(openSqlite(file));
    const first = await store.recordRun(runInput(), findings(4));
    await store.close();

    const other = new Database(file);
    other.exec('BEGIN EXCLUSIVE');
    const blocked = await HistoryStore.open(openSqlite(file, { busyTimeoutMs: 50 }));
    const err = await blocked.recordRun(runInput(), findings(2)).catch((e: unknown) => e);
    expect((err as SentrikError).format()).toMatch(/history\.db: the history database is locked by another process — try again/);
    other.exec('ROLLBACK');
    other.close();

    const second = await blocked.recordRun(runInput(), findings(2));
    const { runs } = await blocked.listRuns('proj');
    expect(runs.map((r) => [r.id, r.findings])).toEqual([[second, 2], [first, 4]]);
    await blocked.close();
  });

  it('stores a failed recording not at all (one transaction)', async () => {
    const store = await HistoryStore.open(openSqlite(dbFile()));
    const bad = findings(3);
    (bad[2] as { fingerprint: unknown }).fingerprint = null; // violates NOT NULL after the run row was written
    await expect(store.recordRun(runInput(), bad)).rejects.toThrow(SentrikError);
    expect((await store.listRuns('proj')).total).toBe(0);
    await store.close();
  });

  it('rejects a SENTRIK_DATABASE_URL that is not PostgreSQL', async () => {
    await expect(openHistory({ root: tmp(), env: { SENTRIK_DATABASE_URL: 'mysql://x' } })).rejects.toThrow(/must start with postgres:\/\//);
  });
});
