import { loadConfig, runService } from '@berth/service-kit';
import { buildTodoMcp } from './app.ts';
import { configSchema } from './config.ts';

const config = loadConfig(configSchema);
await runService(await buildTodoMcp(config), config);
