import pg from 'pg';
import type { Logger } from '../logger.ts';
import { type Database, DatabaseUnavailableError, guarded, type Queryable, withTimeout } from './database.ts';

export interface PostgresOptions {
  connectionString: string;
  maxConnections: number;
  /** Opened by warm() and never closed for idling. */
  minConnections: number;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  logger: Logger;
}

/** A PostgreSQL server reached through a pg connection pool. */
export function openPostgres(options: PostgresOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections,
    min: options.minConnections,
    connectionTimeoutMillis: options.connectTimeoutMs,
    // query_timeout ends the wait here even when the server answers nothing
    // at all (frozen, or a network that drops packets); statement_timeout
    // makes the server itself cancel a statement that runs too long.
    query_timeout: options.queryTimeoutMs,
    statement_timeout: options.queryTimeoutMs,
    idleTimeoutMillis: 30_000,
    application_name: 'berth',
  });
  // An idle client whose server goes away emits 'error' on the pool; without a
  // listener Node would crash the process. The pool drops that client and
  // readiness reports the outage, so logging is all that is needed here.
  // The message and code only: pg hangs the whole client (its type parsers and all) on the error.
  pool.on('error', (error: Error & { code?: string }) =>
    options.logger.warn(
      { err: { type: error.name, message: error.message, code: error.code } },
      'idle database connection lost',
    ),
  );

  const run = (client: pg.Pool | pg.PoolClient): Queryable => ({
    query: (sql, params) => guarded(async () => (await client.query(sql, params as unknown[])).rows),
    exec: (sql) => guarded(async () => void (await client.query(sql))),
  });
  const queries = run(pool);

  return {
    kind: 'postgres',
    ...queries,
    async transaction(work) {
      const client = await guarded(() => pool.connect());
      let broken: Error | undefined;
      try {
        await guarded(() => client.query('BEGIN'));
        const result = await work(run(client));
        await guarded(() => client.query('COMMIT'));
        return result;
      } catch (error) {
        // A server that does not answer will not answer ROLLBACK either: drop
        // the connection, which ends the transaction on the server.
        if (error instanceof DatabaseUnavailableError) broken = error;
        else {
          await client.query('ROLLBACK').catch((rollbackError: Error) => {
            broken = rollbackError;
          });
        }
        throw error;
      } finally {
        // A client whose rollback failed is in an unknown state: destroy it.
        client.release(broken);
      }
    },
    ping: (timeoutMs) => withTimeout(queries.query('SELECT 1'), timeoutMs),
    async warm() {
      const opened = await Promise.allSettled(
        Array.from({ length: options.minConnections }, () => guarded(() => pool.connect())),
      );
      // Every connection that opened goes back to the pool, even when another did not.
      for (const result of opened) if (result.status === 'fulfilled') result.value.release();
      const failed = opened.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    },
    stats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
}
