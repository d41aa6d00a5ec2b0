import { createHttpService, type HttpService, type Logger } from '@berth/service-kit';
import type { Config } from './config.ts';
import { mcpRoute } from './mcp-route.ts';

const NAME = 'todo-mcp';

/** The Todo MCP server on the service kit, ready to listen. */
export async function buildTodoMcp(config: Config, logger?: Logger): Promise<HttpService> {
  const service = await createHttpService({ name: NAME, config, ...(logger ? { logger } : {}) });
  // Every tool needs the Todo API; while it cannot be reached, send no traffic here.
  service.health.addCheck('todo-api', async () => {
    let response: Response;
    try {
      response = await fetch(`${config.TODO_API_URL}/health`, {
        signal: AbortSignal.timeout(config.READINESS_TIMEOUT_MS),
      });
    } catch {
      throw new Error(`unreachable at ${config.TODO_API_URL}`);
    }
    if (!response.ok) throw new Error(`answered ${response.status}`);
  });
  mcpRoute(service.app, { baseUrl: config.TODO_API_URL, timeoutMs: config.TODO_API_TIMEOUT_MS });
  service.logger.info({ todoApi: config.TODO_API_URL }, 'tools act through the Todo API');
  return service;
}
