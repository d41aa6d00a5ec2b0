// Test support: the MCP SDK's own client, connected to the Todo MCP server as one person.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** The MCP SDK's client over Streamable HTTP; with a token, as that person. */
export async function connectMcp(mcpUrl: string, token?: string): Promise<Client> {
  const client = new Client({ name: 'berth-test', version: '0.1.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${mcpUrl}/mcp`), {
    requestInit: { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return client;
}
