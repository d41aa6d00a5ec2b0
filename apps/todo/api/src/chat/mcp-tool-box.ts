// The tool box alone, not the kit's index: that also loads the OpenAI SDK,
// which only a Todo API with a language model configured needs (model-brain.ts).
import type { RecordingToolBox } from '@berth/assistant-kit';
import { mcpToolBox } from '@berth/assistant-kit/mcp-tool-box';
import type { ChatEvent } from './turn.ts';

/** The MCP server could not be reached or would not list its tools. */
export class ToolsUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The assistant cannot reach its task tools (the MCP server) right now; try again shortly', { cause });
    this.name = 'ToolsUnavailableError';
  }
}

export interface McpSession extends RecordingToolBox {
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
  // Loaded by the first chat message, not at start: the MCP SDK's client is
  // ~0.13 s of start-up and ~10 MB of heap that an API serving only tasks never needs.
  const [{ Client }, { StreamableHTTPClientTransport }] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
  ]);
  const client = new Client({ name: 'berth-todo-chat', version: '0.1.0' });
  const transport = new StreamableHTTPClientTransport(new URL(options.url), {
    requestInit: { headers: { authorization: `Bearer ${options.token}` } },
  });
  let box: RecordingToolBox;
  try {
    await client.connect(transport, { timeout: options.timeoutMs });
    box = await mcpToolBox(client, {
      timeoutMs: options.timeoutMs,
      onCall: (call) => options.onEvent?.({ type: 'tool_call', call }),
    });
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new ToolsUnavailableError(error);
  }
  return {
    tools: box.tools,
    calls: box.calls,
    call: (name, args) => box.call(name, args),
    close: () => client.close(),
  };
}
