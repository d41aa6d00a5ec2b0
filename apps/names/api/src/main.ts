import { loadConfig, runService } from '@berth/service-kit';
import { buildNamesApi } from './app.ts';
import { configSchema } from './config.ts';

const config = loadConfig(configSchema);
const service = await buildNamesApi(config);
await runService(service, config);
