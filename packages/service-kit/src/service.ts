import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  checkDatabaseVariables,
  type Database,
  DatabaseUnavailableError,
  databaseTarget,
  databaseVariables,
  describeTarget,
  type Migration,
  migrate,
  openDatabase,
  readMigrations,
} from './database/index.ts';
import { createHttpService, type HttpService, runService, serviceVariables } from './http-service.ts';
import { createLogger, type Logger } from './logger.ts';
import type { ApiDocumentInfo } from './openapi.ts';
import { exitWithStartupError, StartupError } from './startup-error.ts';

// Defined with the HTTP side; re-exported so existing imports keep working.
export { runService, serviceVariables };

/** The schema of a service that has a database: its own variables plus the kit's. */
export function serviceConfigSchema<Shape extends z.ZodRawShape>(defaultPort: number, own: Shape) {
  return z
    .object({ ...serviceVariables(defaultPort), ...databaseVariables, ...own })
    .superRefine((config, ctx) => checkDatabaseVariables(config as never, ctx));
}

export type ServiceConfig = z.output<z.ZodObject<ReturnType<typeof serviceVariables>>> &
  z.output<z.ZodObject<typeof databaseVariables>>;

export interface ServiceOptions {
  name: string;
  config: ServiceConfig;
  /** Folder of NNN_name.sql files, applied at start under an advisory lock. */
  migrationsDir: string;
  /** The API's OpenAPI document header (the operations come from the routes); without it, no document. */
  api?: ApiDocumentInfo;
  logger?: Logger;
}

/** A Fastify instance whose routes declare zod schemas (validated and serialized by Fastify). */
export type ServiceApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

/** An HTTP service with its database; `close` also closes the database, last. */
export interface Service extends HttpService {
  readonly db: Database;
}

/**
 * PostgreSQL's "database does not exist". At start it means one that is still
 * being created: by npm start, which starts its apps while their server
 * starts, or by an operator that creates it once its cluster is up.
 */
const MISSING_DATABASE = '3D000';

/** Errors start-up waits out: a server that cannot be reached yet, or its database not created yet. */
function notReadyYet(error: unknown): boolean {
  return error instanceof DatabaseUnavailableError || (error as { code?: unknown } | null)?.code === MISSING_DATABASE;
}

/** Waits shorter than this are the normal case of an app started beside its database, not worth a warning. */
const QUIET_WAIT_MS = 1000;
/** While waiting longer, one warning per this interval. */
const WARN_EVERY_MS = 5000;

/** While the wait is this short, retries come every FAST_RETRY_MS: the database is likely being started beside the app. */
const FAST_RETRY_FOR_MS = 3000;
const FAST_RETRY_MS = 50;
/** Then every SLOW_RETRY_MS. */
const SLOW_RETRY_MS = 500;

/**
 * Applies migrations, retrying while the database is not ready yet (above), up
 * to `timeoutMs`. An app started together with its database (npm start, where
 * a fresh cluster takes about a second) asks every 50 ms for the first
 * seconds, so it is ready within 50 ms of its database rather than up to a
 * doubled backoff later; a failed attempt costs the server one refused
 * connection, or one rejected login while the database is being created.
 * Past that, every 0.5 s.
 */
async function migrateWhenReachable(
  db: Database,
  service: string,
  migrations: Migration[],
  options: { logger: Logger; timeoutMs: number },
): Promise<number[]> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  let warned = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrate(db, service, migrations);
    } catch (error) {
      const now = Date.now();
      if (!notReadyYet(error) || now >= deadline) throw error;
      const interval = now - started < FAST_RETRY_FOR_MS ? FAST_RETRY_MS : SLOW_RETRY_MS;
      const retryInMs = Math.min(interval, Math.max(0, deadline - now));
      const cause = error instanceof DatabaseUnavailableError ? error.cause : error;
      const loud = now - started >= QUIET_WAIT_MS && now - warned >= WARN_EVERY_MS;
      if (loud) warned = now;
      options.logger[loud ? 'warn' : 'debug']({ attempt, err: cause }, 'database not ready yet; waiting for it');
      await new Promise((resolve) => setTimeout(resolve, retryInMs));
    }
  }
}

export async function createService(options: ServiceOptions): Promise<Service> {
  const { config, name } = options;
  const logger = options.logger ?? createLogger(name, config.LOG_LEVEL);
  const target = databaseTarget(config, name);
  logger.info({ database: describeTarget(target) }, 'opening database');
  const db = await openDatabase(target, logger).catch((error: unknown) => {
    if (error instanceof StartupError) exitWithStartupError(error);
    throw error;
  });
  // The HTTP side is built while the database is reached and migrated: the
  // wait for a database started beside the app (npm start) and the CPU of
  // building the routes overlap instead of adding up.
  const migrated = migrateWhenReachable(db, name, readMigrations(options.migrationsDir), {
    logger,
    timeoutMs: config.DB_STARTUP_TIMEOUT_MS,
  });
  const built = createHttpService({
    name,
    config,
    logger,
    ...(options.api === undefined ? {} : { api: options.api }),
  });
  const [migration, building] = await Promise.allSettled([migrated, built]);
  if (migration.status === 'rejected' || building.status === 'rejected') {
    // Not listening yet: close Fastify itself, without the drain a running service goes through.
    if (building.status === 'fulfilled') await building.value.app.close();
    await db.close();
    throw migration.status === 'rejected' ? migration.reason : (building as PromiseRejectedResult).reason;
  }
  if (migration.value.length > 0) logger.info({ versions: migration.value }, 'applied database migrations');
  // Before the service listens: readiness then finds the connections open. A database that
  // has gone since the migrations is readiness's to report, not a reason not to start.
  await db
    .warm()
    .catch((error: unknown) => logger.warn({ err: error }, 'could not open the pool’s minimum of connections'));
  const http = building.value;
  http.health.addCheck('database', () => db.ping(config.READINESS_TIMEOUT_MS));
  http.metrics.watchPool(() => db.stats());
  const { app, health, metrics } = http;

  let closing: Promise<void> | undefined;
  return {
    app,
    db,
    health,
    metrics,
    logger,
    listen: http.listen,
    close() {
      // The HTTP side drains and finishes in-flight requests first; the
      // database closes last, because those requests still use it.
      closing ??= (async () => {
        await http.close();
        await db.close();
        logger.info('shutdown complete');
      })();
      return closing;
    },
  };
}
