// Where the history lives: PostgreSQL when SENTRIK_DATABASE_URL=postgres://… is set (a team-wide store),
// else `.sentrik/history.db` under the project root. Drivers are loaded only when a store is opened.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ignoreGeneratedInSentrikDir } from '../util/generated-dir.js';
import { SentrikError } from '../util/errors.js';
import { HistoryStore } from './store.js';

export const HISTORY_FILE = join('.sentrik', 'history.db');

export interface OpenHistoryOptions {
  root: string;
  env: Record<string, string | undefined>;
  /** SQLite only: how long to wait for another writer (ms). */
  busyTimeoutMs?: number;
}

export function historyLocation(root: string, env: Record<string, string | undefined>): { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string } {
  const url = env.SENTRIK_DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//i.test(url)) throw new SentrikError('SENTRIK_DATABASE_URL must start with postgres:// or postgresql://', undefined, undefined, 'unset it to use .sentrik/history.db');
    return { kind: 'postgres', url };
  }
  return { kind: 'sqlite', file: join(root, HISTORY_FILE) };
}

export async function openHistory(o: OpenHistoryOptions): Promise<HistoryStore> {
  const where = historyLocation(o.root, o.env);
  if (where.kind === 'postgres') {
    const { openPostgres } = await import('./postgres.js');
    return HistoryStore.open(await openPostgres(where.url));
  }
  const { openSqlite } = await import('./sqlite.js');
  if (!existsSync(where.file)) ignoreGeneratedInSentrikDir(dirname(where.file));
  return HistoryStore.open(openSqlite(where.file, { busyTimeoutMs: o.busyTimeoutMs }));
}

/**
 * The store for a command that only reads it (compare): undefined when there is no SQLite file yet, which is
 * then left uncreated — reading must not leave .sentrik/history.db behind. A PostgreSQL store is opened.
 */
export async function openExistingHistory(o: OpenHistoryOptions): Promise<HistoryStore | undefined> {
  const where = historyLocation(o.root, o.env);
  if (where.kind === 'sqlite' && !existsSync(where.file)) return undefined;
  return openHistory(o);
}

/**
 * Which project a run belongs to: runs of several repositories can share one PostgreSQL store.
 * SENTRIK_PROJECT names it explicitly; CI's repository slug is stable across runners; else the root path.
 */
export function projectKey(root: string, env: Record<string, string | undefined>): string {
  return env.SENTRIK_PROJECT?.trim() || env.GITHUB_REPOSITORY?.trim() || env.CI_PROJECT_PATH?.trim() || root;
}
