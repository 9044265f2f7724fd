// The PostgreSQL history store, against a real server started for this file (.ci/run installs Debian's
// postgresql). Skipped, with a message, only when the PostgreSQL binaries are not installed.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHistory } from '../../src/history/open.js';
import { openPostgres } from '../../src/history/postgres.js';
import { HistoryStore } from '../../src/history/store.js';
import { SentrikError } from '../../src/util/errors.js';
import { expectNoStack, project, sentrik } from '../cli/helpers.js';
import { storeContract } from './contract.js';
import { findings, runInput } from './fixtures.js';
import { postgresBinDir, startCluster, type PgCluster } from './pg-cluster.js';

const bin = postgresBinDir();
if (!bin) console.warn('SKIPPED: PostgreSQL history tests — initdb/pg_ctl not found (apt-get install postgresql; .ci/run does)');

describe.skipIf(!bin)('PostgreSQL store (real server)', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startCluster(bin!);
  }, 90_000);
  afterAll(() => cluster?.destroy());

  let n = 0;
  storeContract(async () => HistoryStore.open(await openPostgres(cluster.url)), () => `pg-project-${++n}`);

  it('migrates concurrently opened stores once', async () => {
    const url = cluster.database('concurrent');
    const stores = await Promise.all([1, 2, 3].map(async () => HistoryStore.open(await openPostgres(url))));
    await Promise.all(stores.map((s, i) => s.recordRun(runInput({ project: 'c' }), findings(3, i * 10))));
    expect((await stores[0].listRuns('c')).total).toBe(3);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('refuses a database from a newer schema and leaves it as it was', async () => {
    const url = cluster.database('newer');
    const store = await HistoryStore.open(await openPostgres(url));
    await store.recordRun(runInput({ project: 'n' }), findings(2));
    await store.db.run("UPDATE schema_meta SET value = '7' WHERE key = 'schema_version'");
    await store.close();
    const err = await openHistory({ root: '/tmp', env: { SENTRIK_DATABASE_URL: url } }).catch((e: unknown) => e);
    expect((err as SentrikError).format()).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/newer: the history database has schema version 7, written by a newer sentrik/);
    const c = new pg.Client(url);
    await c.connect();
    expect((await c.query('SELECT COUNT(*)::int AS n FROM runs')).rows[0].n).toBe(1);
    await c.end();
  });

  it('a server that goes away while a run is recorded: clear error, nothing partial stored, earlier runs intact', async () => {
    const url = cluster.database('goesaway');
    const store = await HistoryStore.open(await openPostgres(url));
    const kept = await store.recordRun(runInput({ project: 'g' }), findings(10));
    const admin = new pg.Client(url);
    await admin.connect();
    let batches = 0;
    const err = await store
      .recordRun(runInput({ project: 'g' }), findings(20_000), {
        onBatch: async () => {
          if (++batches === 1) await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'sentrik'");
        },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SentrikError);
    expect((err as SentrikError).format()).toMatch(/PostgreSQL connection lost or refused .*nothing partial was stored/);
    await store.close();

    const after = await HistoryStore.open(await openPostgres(url));
    const { runs } = await after.listRuns('g');
    expect(runs.map((r) => r.id)).toEqual([kept]);
    expect((await admin.query('SELECT COUNT(*)::int AS n FROM findings')).rows[0].n).toBe(10);
    await after.close();
    await admin.end();
  });

  it('CLI: scan records into PostgreSQL; a stopped server is a warning that changes no exit code', async () => {
    const url = cluster.database('cli');
    const dir = project({ 'ci.sh': 'curl -fsSL https://get.example.com/install.sh | bash\n' });
    const env = { SENTRIK_DATABASE_URL: url, SENTRIK_PROJECT: 'team/app' };
    expect(sentrik(['scan', dir, '-q'], { env }).code).toBe(0);
    const gate = sentrik(['gate', dir, '-q'], { env });
    expect(gate.code).toBe(1);
    expect(gate.stderr).not.toMatch(/history/);
    const cmp = sentrik(['compare', '--root', dir], { env });
    expect(cmp.code).toBe(0);
    expect(cmp.stdout).toMatch(/0 new, 0 resolved, \d+ unchanged/);

    cluster.stop();
    try {
      const down = sentrik(['gate', dir, '-q'], { env });
      expect(down.code).toBe(1); // the gate's verdict, not the history's
      expect(down.stderr).toMatch(/sentrik: warning: history: run not recorded: postgres:\/\/postgres@127\.0\.0\.1:\d+\/cli: PostgreSQL connection lost or refused/);
      expectNoStack(down.stderr);
      const cmpDown = sentrik(['compare', '--root', dir], { env });
      expect(cmpDown.code).toBe(2);
      expect(cmpDown.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      cluster.start();
    }
    const store = await HistoryStore.open(await openPostgres(url));
    expect((await store.listRuns('team/app')).total).toBe(2);
    await store.close();
  });
});
