import { loadConfig, runService } from '@berth/service-kit';
import { buildTodoApi } from './app.ts';
import { configSchema } from './config.ts';

const config = loadConfig(configSchema);
const service = await buildTodoApi(config);
await runService(service, config);
