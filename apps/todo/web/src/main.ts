import { createLogger, loadConfig, runService } from '@berth/service-kit';
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
await runService(await createWebServer(config, logger), config);
logger.info({ api: config.API_URL, dir: config.STATIC_DIR }, 'serving the Todo web app');
