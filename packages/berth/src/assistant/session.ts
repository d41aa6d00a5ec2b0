import { mcpToolBox, type RecordingToolBox } from '@berth/assistant-kit';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { AppDefinition } from '../apps/descriptor.ts';
import type { Context } from '../context.ts';
import { createBerthMcpServer } from './mcp-server.ts';
import type { Scope } from './scope.ts';

/** Tool calls that run longer than this are failed (a helm rollback waits up to 5 minutes). */
const TOOL_TIMEOUT_MS = 6 * 60_000;

/**
 * berth's MCP server and an MCP client joined in this process: `berth ask`
 * reaches the tools exactly as an outside assistant does through `berth mcp`,
 * over the protocol, with the same scope and the same confirmation rule.
 */
export async function openBerthTools(options: {
  ctx: Context;
  app: AppDefinition;
  scope: Scope;
  allowWrite: boolean;
}): Promise<RecordingToolBox & { close(): Promise<void> }> {
  const server = createBerthMcpServer(options);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'berth-ask', version: '0.1.0' });
  await client.connect(clientSide);
  const box = await mcpToolBox(client, { timeoutMs: TOOL_TIMEOUT_MS });
  return {
    tools: box.tools,
    calls: box.calls,
    call: (name, args) => box.call(name, args),
    async close() {
      await client.close().catch(() => undefined);
      await server.close().catch(() => undefined);
    },
  };
}
