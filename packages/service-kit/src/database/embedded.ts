import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { StartupError } from '../startup-error.ts';
import type { Database, Queryable } from './database.ts';

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
  const run = (target: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    query: async (sql, params) => (await target.query(sql, params as unknown[])).rows as never,
    exec: async (sql) => void (await target.exec(sql)),
  });
  let open = true;
  return {
    kind: 'embedded',
    ...run(db),
    transaction: (work) => db.transaction((tx) => work(run(tx))),
    ping: async () => {
      if (!open) throw new Error('embedded database is closed');
      await db.query('SELECT 1');
    },
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

/**
 * PGlite has no postmaster to stop a second process from opening the same
 * files, and two writers would corrupt them. A lock file holding the owner's
 * pid refuses the second process with a message naming the first.
 */
function lockDataDir(dataDir: string): () => void {
  const lockFile = join(dataDir, 'berth.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockFile, 'utf8'));
      if (isRunning(owner)) {
        throw new StartupError(
          `The embedded database in ${dataDir} is in use by process ${owner}. Stop that process, or set DATA_DIR to another directory.`,
        );
      }
      rmSync(lockFile, { force: true }); // left behind by a process that died
    }
  }
  throw new Error(`Could not lock ${lockFile}`);
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
