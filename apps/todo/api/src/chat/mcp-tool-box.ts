import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ChatEvent, ToolBox, ToolCallRecord, ToolDescription, ToolOutcome } from './turn.ts';

/** The MCP server could not be reached or would not list its tools. */
export class ToolsUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The assistant cannot reach its task tools (the MCP server) right now; try again shortly', { cause });
    this.name = 'ToolsUnavailableError';
  }
}

export interface McpSession extends ToolBox {
  /** Every call made so far, in order. */
  readonly calls: readonly ToolCallRecord[];
  close(): Promise<void>;
}

/**
 * Connects to the MCP server as the person whose bearer token this is: the
 * chat reaches tasks only through MCP, and the MCP server reaches them only
 * through the Todo API with this token, so the chat can do exactly what the
 * person can.
 */
export async function openMcpSession(options: {
  url: string;
  token: string;
  timeoutMs: number;
  onEvent?: (event: ChatEvent) => void;
}): Promise<McpSession> {
  const client = new Client({ name: 'berth-todo-chat', version: '0.1.0' });
  const transport = new StreamableHTTPClientTransport(new URL(options.url), {
    requestInit: { headers: { authorization: `Bearer ${options.token}` } },
  });
  let tools: ToolDescription[];
  try {
    await client.connect(transport, { timeout: options.timeoutMs });
    const listed = await client.listTools(undefined, { timeout: options.timeoutMs });
    tools = listed.tools.map((tool) => ({
      name: tool.name,
      description: tool.description ?? '',
      inputSchema: tool.inputSchema as Record<string, unknown>,
    }));
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new ToolsUnavailableError(error);
  }
  const calls: ToolCallRecord[] = [];

  return {
    tools,
    calls,
    async call(name, args): Promise<ToolOutcome> {
      let outcome: ToolOutcome;
      try {
        const result = (await client.callTool({ name, arguments: args }, undefined, {
          timeout: options.timeoutMs,
        })) as {
          isError?: boolean;
          content?: { type: string; text?: string }[];
          structuredContent?: unknown;
        };
        const text = (result.content ?? [])
          .filter((part) => part.type === 'text')
          .map((part) => part.text ?? '')
          .join('\n');
        outcome = { isError: result.isError === true, text, structured: result.structuredContent };
      } catch (error) {
        // A protocol-level failure (unknown tool, timeout, server gone): the brain gets it as a tool error.
        outcome = {
          isError: true,
          text: error instanceof Error ? error.message : String(error),
          structured: undefined,
        };
      }
      const record: ToolCallRecord = {
        name,
        arguments: args,
        result: outcome.isError ? outcome.text : (outcome.structured ?? outcome.text),
        is_error: outcome.isError,
      };
      calls.push(record);
      options.onEvent?.({ type: 'tool_call', call: record });
      return outcome;
    },
    close: () => client.close(),
  };
}
