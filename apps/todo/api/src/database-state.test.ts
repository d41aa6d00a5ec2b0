import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  createLogger,
  type Database,
  databaseTarget,
  databaseVariables,
  migrate,
  openDatabase,
  parseConfig,
  readMigrations,
  z,
} from '@berth/service-kit';
import { type Backend, backends } from '@berth/testkit';
import { consume, DatabaseCounterStore, LimitExceeded } from './rate-limit.ts';
import { DatabaseRevocationList } from './revocations.ts';

// Without Redis, limits and revocations live in the service's database: the
// same behaviour as the Redis store, on PGlite and on a PostgreSQL server.
const MIGRATIONS = fileURLToPath(new URL('../migrations', import.meta.url));

for (const { name, start } of backends) {
  describe(`database-backed windows and revocations on ${name}`, () => {
    let backend: Backend;
    let db: Database;
    before(async () => {
      backend = await start();
      const config = parseConfig(z.object(databaseVariables), backend.env);
      db = await openDatabase(databaseTarget(config, 'todo-api'), createLogger('test', 'silent'));
      await migrate(db, 'todo-api', readMigrations(MIGRATIONS));
    });
    after(async () => {
      await db.close();
      await backend.cleanup();
    });

    test('hit counts within a window, peek does not count, reset clears, a window expires', async () => {
      const store = new DatabaseCounterStore(db);
      const first = await store.hit('a', 60_000);
      assert.equal(first.count, 1);
      assert.ok(first.resetInMs > 59_000 && first.resetInMs <= 60_000, `${first.resetInMs}`);
      assert.equal((await store.hit('a', 60_000)).count, 2);
      assert.equal((await store.peek('a')).count, 2);
      assert.equal((await store.peek('a')).count, 2, 'peeking does not count');
      await store.reset('a');
      assert.equal((await store.peek('a')).count, 0);
      await store.hit('short', 200);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal((await store.hit('short', 200)).count, 1, 'a new window');
    });

    test('concurrent hits count one by one, so parallel guesses cannot pass the limit', async () => {
      const store = new DatabaseCounterStore(db);
      const limit = { max: 3, windowMs: 60_000 };
      const results = await Promise.allSettled(Array.from({ length: 12 }, () => consume(store, 'burst', limit)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
      for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof LimitExceeded);
    });

    test('a revocation holds until the token would expire', async () => {
      const list = new DatabaseRevocationList(db);
      await list.revoke('t1', new Date(Date.now() + 60_000));
      await list.revoke('t1', new Date(Date.now() + 60_000));
      await list.revoke('old', new Date(Date.now() - 1000));
      assert.equal(await list.isRevoked('t1'), true);
      assert.equal(await list.isRevoked('t2'), false);
      assert.equal(await list.isRevoked('old'), false, 'an expired token needs no revocation');
    });
  });
}
