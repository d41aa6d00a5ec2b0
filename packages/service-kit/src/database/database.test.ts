import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { type Backend, backends } from '@berth/testkit';
import { z } from 'zod';
import { parseConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { type Database, DatabaseUnavailableError } from './database.ts';
import { openDatabase } from './index.ts';
import { migrate } from './migrations.ts';
import { databaseTarget, databaseVariables } from './settings.ts';

const logger = createLogger('test', 'silent');
const open = (backend: Backend) =>
  openDatabase(databaseTarget(parseConfig(z.object(databaseVariables), backend.env), 'kit-test'), logger);

const migrations = [
  { version: 1, name: 'create', sql: 'CREATE TABLE items (id integer PRIMARY KEY, label text NOT NULL);' },
  { version: 2, name: 'seed', sql: "INSERT INTO items VALUES (1, 'one'); INSERT INTO items VALUES (2, 'two');" },
];

for (const { name, start } of backends) {
  describe(`database on ${name}`, () => {
    let backend: Backend;
    let db: Database;
    before(async () => {
      backend = await start();
      db = await open(backend);
    });
    after(async () => {
      await db.close();
      await backend.cleanup();
    });

    test('migrations apply once, in order, and are recorded', async () => {
      assert.deepEqual(await migrate(db, 'kit-test', migrations), [1, 2]);
      assert.deepEqual(await migrate(db, 'kit-test', migrations), []);
      const rows = await db.query<{ label: string }>('SELECT label FROM items ORDER BY id');
      assert.deepEqual(
        rows.map((r) => r.label),
        ['one', 'two'],
      );
    });

    test('a failing migration rolls back whole, leaving nothing half-applied', async () => {
      const broken = [...migrations, { version: 3, name: 'broken', sql: 'CREATE TABLE t3 (x int); SELECT nope;' }];
      await assert.rejects(migrate(db, 'kit-test', broken));
      const tables = await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 't3'");
      assert.equal(tables.length, 0);
      const versions = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(
        versions.map((v) => v.version),
        [1, 2],
      );
    });

    test('a transaction commits on success and rolls back on error', async () => {
      await db.transaction((tx) => tx.query("INSERT INTO items VALUES (10, 'ten')"));
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query("INSERT INTO items VALUES (11, 'eleven')");
          throw new Error('abort');
        }),
      );
      const ids = await db.query<{ id: number }>('SELECT id FROM items WHERE id >= 10');
      assert.deepEqual(
        ids.map((r) => r.id),
        [10],
      );
    });

    test('text round-trips exactly: quotes, SQL, emoji, right-to-left', async () => {
      const samples = ["Robert'); DROP TABLE items;--", '👩🏽‍💻 émoji', 'שלום עולם', 'مرحبا'];
      for (const [index, label] of samples.entries()) {
        await db.query('INSERT INTO items VALUES ($1, $2)', [100 + index, label]);
      }
      const rows = await db.query<{ label: string }>('SELECT label FROM items WHERE id >= 100 ORDER BY id');
      assert.deepEqual(
        rows.map((r) => r.label),
        samples,
      );
    });
  });
}

describe('two replicas migrating one PostgreSQL server at the same moment', () => {
  let backend: Backend;
  before(async () => {
    backend = await backends[1].start();
  });
  after(() => backend.cleanup());

  test('both succeed and each migration is applied exactly once', async () => {
    const [a, b] = await Promise.all([open(backend), open(backend)]);
    try {
      const results = await Promise.all([migrate(a, 'race', migrations), migrate(b, 'race', migrations)]);
      assert.deepEqual(results.flat().sort(), [1, 2]);
      const count = await a.query<{ n: number }>('SELECT count(*)::int AS n FROM items');
      assert.equal(count[0]?.n, 2);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('warm() opens DB_POOL_MIN connections to the server before any request needs one', async () => {
    const serverConnections = async (db: Database) =>
      (
        await db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'berth' AND datname = current_database()",
        )
      )[0]?.n ?? 0;
    const watcher = await open(backend);
    const before = await serverConnections(watcher);
    const db = await openDatabase(
      databaseTarget(parseConfig(z.object(databaseVariables), { ...backend.env, DB_POOL_MIN: '3' }), 'kit-test'),
      logger,
    );
    try {
      assert.deepEqual(db.stats(), { total: 0, idle: 0, waiting: 0 }, 'a new pool holds no connection');
      await db.warm();
      assert.deepEqual(db.stats(), { total: 3, idle: 3, waiting: 0 });
      assert.equal(await serverConnections(watcher), before + 3, 'the server sees the 3 connections');
    } finally {
      await Promise.all([db.close(), watcher.close()]);
    }
  });

  test('warm() that opens only some connections rejects, and the ones it opened are idle in the pool, not held', async () => {
    const admin = await open(backend);
    // The server refuses a third connection for this role: warm() asks for four.
    await admin.query("CREATE ROLE warm_limited LOGIN PASSWORD 'warm-limited' CONNECTION LIMIT 2");
    const url = new URL(backend.env.DATABASE_URL as string);
    url.username = 'warm_limited';
    url.password = 'warm-limited';
    const db = await openDatabase(
      databaseTarget(
        parseConfig(z.object(databaseVariables), { DATABASE_URL: url.toString(), DB_POOL_MIN: '4' }),
        'kit-test',
      ),
      logger,
    );
    try {
      await assert.rejects(db.warm(), /too many connections/);
      assert.deepEqual(db.stats(), { total: 2, idle: 2, waiting: 0 }, 'the two that opened went back to the pool');
      assert.deepEqual(await db.query('SELECT 1 AS one'), [{ one: 1 }], 'and serve the next query');
    } finally {
      // A warm() that kept what it opened checked out would make close() wait for those
      // connections forever: bounded, so the assertion above is what reports it.
      await Promise.race([db.close(), delay(5000)]);
      await admin.query('DROP ROLE warm_limited');
      await admin.close();
    }
  });

  test('an unreachable server is reported as unavailable, not as a query error', async () => {
    const db = await open(backend);
    await backend.server?.stop();
    try {
      await assert.rejects(db.query('SELECT 1'), DatabaseUnavailableError);
      await assert.rejects(db.ping(1000), DatabaseUnavailableError);
    } finally {
      await backend.server?.start();
    }
    await db.ping(5000);
    await db.close();
  });
});
