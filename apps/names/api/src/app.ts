import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createService, type Logger, type Service } from '@berth/service-kit';
import fastifyStatic from '@fastify/static';
import type { Config } from './config.ts';
import { namesRepository } from './names-repository.ts';
import { namesHealthRoutes } from './routes/health.ts';
import { namesRoutes } from './routes/names.ts';

const MIGRATIONS = fileURLToPath(new URL('../migrations', import.meta.url));

/** The Names Manager API on the service kit, ready to listen. */
export async function buildNamesApi(config: Config, logger?: Logger): Promise<Service> {
  const service = await createService({
    name: 'names-api',
    config,
    migrationsDir: MIGRATIONS,
    api: {
      title: 'Berth Names API',
      version: '0.1.0',
      description: 'The Names Manager: list, add and delete names. Every error is {"error": "..."}.',
    },
    ...(logger ? { logger } : {}),
  });
  namesRoutes(service.app, namesRepository(service.db), config.MAX_NAME_LENGTH);
  namesHealthRoutes(service.app, service.health);
  if (config.STATIC_DIR !== undefined) {
    if (!existsSync(config.STATIC_DIR)) throw new Error(`STATIC_DIR ${config.STATIC_DIR} does not exist`);
    await service.app.register(fastifyStatic, { root: config.STATIC_DIR });
  }
  return service;
}
