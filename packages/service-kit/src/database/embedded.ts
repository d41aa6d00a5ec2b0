import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.ts';
import { type Database, DatabaseUnavailableError, isUnavailableError, type Queryable } from './database.ts';

/**
 * PostgreSQL compiled to WebAssembly, running in this process on a data
 * directory: the same SQL as the server, with nothing to install.
 */
export async function openEmbedded(dataDir: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true });
  const releaseLock = lockDataDir(dataDir);
  let db: PGlite;
  try {
    db = await PGlite.create(join(dataDir, 'pgdata'));
  } catch (error) {
    releaseLock();
    throw error;
  }
  const pgdata = join(dataDir, 'pgdata');
  // PGlite keeps working in memory after its files are gone, so reads still
  // succeed while every write fails. Readiness checks the files themselves,
  // and a failure while they are missing is "unavailable" (503), not a bug.
  const checkFiles = () => {
    try {
      accessSync(join(pgdata, 'PG_VERSION'), constants.R_OK);
      accessSync(pgdata, constants.W_OK);
    } catch (error) {
      throw new DatabaseUnavailableError(
        new Error(`the data directory ${pgdata} is missing or not writable`, { cause: error }),
      );
    }
  };
  const guardedEmbedded = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (error instanceof DatabaseUnavailableError) throw error;
      if (isUnavailableError(error)) throw new DatabaseUnavailableError(error);
      checkFiles();
      throw error;
    }
  };
  const run = (target: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    query: (sql, params) => guardedEmbedded(async () => (await target.query(sql, params as unknown[])).rows as never),
    exec: (sql) => guardedEmbedded(async () => void (await target.exec(sql))),
  });
  let open = true;
  return {
    kind: 'embedded',
    ...run(db),
    transaction: (work) => guardedEmbedded(() => db.transaction((tx) => work(run(tx)))),
    ping: async () => {
      if (!open) throw new Error('embedded database is closed');
      checkFiles();
      await db.query('SELECT 1');
    },
    warm: () => Promise.resolve(),
    // One in-process connection; PGlite queues concurrent queries itself.
    stats: () => ({ total: open ? 1 : 0, idle: open ? 1 : 0, waiting: 0 }),
    async close() {
      if (!open) return;
      open = false;
      await db.close();
      releaseLock();
    },
  };
}
