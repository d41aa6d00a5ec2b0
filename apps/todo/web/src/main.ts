import { createLogger, loadConfig } from '@berth/service-kit';
import { ensureBuilt } from './build.ts';
import { configSchema } from './config.ts';
import { createWebServer } from './server.ts';

const config = loadConfig(configSchema);
const logger = createLogger('todo-web', config.LOG_LEVEL);
if (config.BUILD_WHEN_STALE) {
  const started = Date.now();
  const outcome = await ensureBuilt(config.STATIC_DIR);
  if (outcome === 'built') logger.info({ ms: Date.now() - started, dir: config.STATIC_DIR }, 'built the web app');
}
const server = await createWebServer(config, logger);

// The kit's shutdown order (readiness 503, drain, close), bounded like runService.
const onSignal = (signal: NodeJS.Signals) => {
  logger.info({ signal }, 'signal received');
  setTimeout(() => {
    logger.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown overran its bound; exiting');
    process.exit(1);
  }, config.SHUTDOWN_DRAIN_MS + config.SHUTDOWN_TIMEOUT_MS).unref();
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.once('SIGTERM', onSignal);
process.once('SIGINT', onSignal);
await server.listen();
logger.info({ api: config.API_URL, dir: config.STATIC_DIR }, 'serving the Todo web app');
