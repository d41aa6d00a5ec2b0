import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RecordingToolBox, ToolCallRecord, ToolDescription, ToolOutcome } from './tools.ts';

/**
 * The tools of a connected MCP client as a ToolBox: lists them once, and
 * turns every call's answer (or a protocol failure: unknown tool, timeout,
 * server gone) into a ToolOutcome a brain can read. Whatever transport the
 * client is on (Streamable HTTP, stdio, in-process), every call goes through
 * the MCP protocol and is recorded.
 */
export async function mcpToolBox(
  client: Client,
  options: { timeoutMs: number; onCall?: (call: ToolCallRecord) => void },
): Promise<RecordingToolBox> {
  const listed = await client.listTools(undefined, { timeout: options.timeoutMs });
  const tools: ToolDescription[] = listed.tools.map((tool) => ({
    name: tool.name,
    description: tool.description ?? '',
    inputSchema: tool.inputSchema as Record<string, unknown>,
  }));
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
        // A protocol-level failure: the brain gets it as a tool error.
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
      options.onCall?.(record);
      return outcome;
    },
  };
}
