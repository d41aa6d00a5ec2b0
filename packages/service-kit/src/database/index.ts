import type { Logger } from '../logger.ts';
import type { Database } from './database.ts';
import { openEmbedded } from './embedded.ts';
import { openPostgres } from './postgres.ts';
import type { DatabaseTarget } from './settings.ts';

export * from './database.ts';
export * from './migrations.ts';
export * from './settings.ts';

export function openDatabase(target: DatabaseTarget, logger: Logger): Promise<Database> {
  return target.kind === 'embedded'
    ? openEmbedded(target.dataDir)
    : Promise.resolve(openPostgres({ ...target, logger }));
}
