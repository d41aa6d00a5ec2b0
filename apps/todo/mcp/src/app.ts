import { createHttpService, type HttpService, type Logger } from '@berth/service-kit';
import { Counter } from 'prom-client';
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
  // Tool runs by name and outcome: the assistant's work, which the request counters see only as POST /mcp.
  const toolCalls = new Counter({
    name: 'mcp_tool_calls_total',
    help: 'MCP tool runs by tool and outcome: ok, or error (the tool refused or the Todo API failed).',
    labelNames: ['tool', 'outcome'] as const,
    registers: [service.metrics.registry],
  });
  mcpRoute(service.app, { baseUrl: config.TODO_API_URL, timeoutMs: config.TODO_API_TIMEOUT_MS }, (tool, outcome) =>
    toolCalls.inc({ tool, outcome }),
  );
  service.logger.info({ todoApi: config.TODO_API_URL }, 'tools act through the Todo API');
  return service;
}
