import type { FastifyInstance } from '@berth/service-kit';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { todoApiClient } from './todo-api-client.ts';
import { createTodoMcpServer, type ToolCallObserver } from './tools.ts';

export const MCP_PATH = '/mcp';

// JSON-RPC's "server error" range; the SDK's clients show the message as is.
const UNAUTHORIZED = -32001;

/** The token of "Authorization: Bearer <token>", or undefined when there is none. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * MCP over Streamable HTTP, stateless: every POST gets a fresh server and
 * transport bound to the caller's token, and nothing is kept between
 * requests, so any replica behind a Service can answer any request.
 */
export function mcpRoute(
  app: FastifyInstance,
  api: { baseUrl: string; timeoutMs: number },
  observe: ToolCallObserver = () => {},
): void {
  app.post(MCP_PATH, async (request, reply) => {
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({
          jsonrpc: '2.0',
          error: {
            code: UNAUTHORIZED,
            message:
              'Not signed in: send "Authorization: Bearer <token>" with a token from the Todo API (POST /api/auth/login)',
          },
          id: null,
        });
    }
    const server = createTodoMcpServer(todoApiClient({ ...api, token }), undefined, observe);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    // The SDK writes the response itself; Fastify must not send one too.
    reply.hijack();
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request.raw, reply.raw, request.body);
  });

  // A stateless server has no stream of its own to offer and no session to end.
  const notAllowed = {
    jsonrpc: '2.0',
    error: { code: -32000, message: 'Method not allowed: this MCP server is stateless; send requests with POST' },
    id: null,
  };
  app.get(MCP_PATH, async (_request, reply) => reply.code(405).header('allow', 'POST').send(notAllowed));
  app.delete(MCP_PATH, async (_request, reply) => reply.code(405).header('allow', 'POST').send(notAllowed));
}
