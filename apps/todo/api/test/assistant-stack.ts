// Test support: the Todo API and the MCP server as their own processes,
// pointed at each other, as `npm start` and the chart run them.
import { fileURLToPath } from 'node:url';
import { freePort, type ServiceProcess, spawnService } from '@berth/testkit';
import { MAIN as API_MAIN, call, SECRET, signIn } from './helpers.ts';

export const MCP_MAIN = fileURLToPath(new URL('../../mcp/src/main.ts', import.meta.url));

export interface AssistantStack {
  api: ServiceProcess;
  mcp: ServiceProcess;
  stop(): Promise<void>;
}

export function startApiProcess(env: Record<string, string>, mcpUrl: string, port?: number): Promise<ServiceProcess> {
  return spawnService(API_MAIN, {
    env: {
      JWT_SECRET: SECRET,
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_PASSES: '1',
      SHUTDOWN_DRAIN_MS: '0',
      REGISTER_LIMIT_PER_ADDRESS: '100000',
      LOGIN_LIMIT_PER_ADDRESS: '100000',
      TODO_MCP_URL: `${mcpUrl}/mcp`,
      ...(port === undefined ? {} : { PORT: String(port) }),
      ...env,
    },
    readyPath: '/health',
  });
}

export function startMcpProcess(apiUrl: string, port?: number): Promise<ServiceProcess> {
  return spawnService(MCP_MAIN, {
    env: { TODO_API_URL: apiUrl, SHUTDOWN_DRAIN_MS: '0', ...(port === undefined ? {} : { PORT: String(port) }) },
  });
}

/** Both services on `env`'s database; the API's extra variables (a model, say) in `apiEnv`. */
export async function startAssistantStack(
  env: Record<string, string>,
  apiEnv: Record<string, string> = {},
): Promise<AssistantStack> {
  const apiPort = await freePort();
  const mcpPort = await freePort();
  const mcpUrl = `http://127.0.0.1:${mcpPort}`;
  const api = await startApiProcess({ ...env, ...apiEnv }, mcpUrl, apiPort);
  const mcp = await startMcpProcess(api.url, mcpPort);
  return {
    api,
    mcp,
    async stop() {
      await mcp.stop();
      await api.stop();
    },
  };
}

export interface ChatAnswer {
  conversation_id: string;
  response: string;
  tool_calls: { name: string; arguments: Record<string, unknown>; result: unknown; is_error: boolean }[];
}

export async function chat(
  apiUrl: string,
  token: string,
  message: string,
  conversationId?: string,
  extra: Record<string, unknown> = {},
) {
  return call<ChatAnswer>(apiUrl, 'POST', '/api/chat', {
    token,
    body: { message, ...(conversationId === undefined ? {} : { conversation_id: conversationId }), ...extra },
  });
}

export { call, signIn };
