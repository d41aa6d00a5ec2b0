import type { Logger } from '../logger.ts';
import { StartupError } from '../startup-error.ts';
import type { Database } from './database.ts';
import { openPostgres } from './postgres.ts';
import type { DatabaseTarget } from './settings.ts';

export * from './database.ts';
export * from './migrations.ts';
export * from './settings.ts';

export function openDatabase(target: DatabaseTarget, logger: Logger): Promise<Database> {
  return target.kind === 'embedded'
    ? openEmbeddedDatabase(target.dataDir)
    : Promise.resolve(openPostgres({ ...target, logger }));
}

/**
 * PGlite is an optional dependency, loaded only when a service runs without a
 * PostgreSQL server: images leave it out (27 MB each), `npm install` brings it.
 */
async function openEmbeddedDatabase(dataDir: string): Promise<Database> {
  let embedded: typeof import('./embedded.ts');
  try {
    embedded = await import('./embedded.ts');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new StartupError(
      'No database: neither DATABASE_URL nor DB_HOST is set, and the embedded database (@electric-sql/pglite) is not installed. Set DATABASE_URL, or run npm install.',
    );
  }
  return embedded.openEmbedded(dataDir);
}
