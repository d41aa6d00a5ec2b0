import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createBerthMcpServer } from '../assistant/mcp-server.ts';
import { Scope } from '../assistant/scope.ts';
import type { Context } from '../context.ts';
import { BerthError, EXIT, type ExitCode } from '../exit-codes.ts';
import type { CommandInput, MCP_OPTIONS } from '../registry.ts';

export const MCP_PATH = '/mcp';

/** The namespaces berth's tools may touch: the app's (or -n), then every --allow-namespace. */
export function scopeOf(namespace: string, extra: string[] | undefined): Scope {
  for (const name of extra ?? []) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) {
      throw new BerthError(
        `--allow-namespace ${name}: not a namespace name`,
        EXIT.usage,
        'lower-case letters, digits and -',
      );
    }
  }
  return new Scope([namespace, ...(extra ?? [])]);
}

/** host:port, :port or port; the host defaults to 127.0.0.1 (the tools act with your kubeconfig). */
export function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:(\[[0-9a-fA-F:]+\]|[^:]+)?:)?(\d{1,5})$/.exec(value.trim());
  const port = Number(match?.[2]);
  if (!match || port > 65_535) {
    throw new BerthError(`--listen ${value}: expected [host:]port, e.g. 127.0.0.1:8765`, EXIT.usage);
  }
  return { host: (match[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1'), port };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export async function mcp(ctx: Context, { positionals, options }: CommandInput<typeof MCP_OPTIONS>): Promise<ExitCode> {
  const app = ctx.app(positionals[0]);
  const scope = scopeOf(ctx.namespace(app), options['allow-namespace']);
  const allowWrite = options['allow-write'] === true;
  // An assistant starts this server: an unreachable cluster is said once, at start, not by every tool.
  await ctx.cluster();
  const make = () => createBerthMcpServer({ ctx, app, scope, allowWrite });
  const say = (text: string) => process.stderr.write(`${text}\n`);
  const what = `app ${app.name}, namespaces ${scope.allowed.join(', ')}, ${allowWrite ? 'read and write (changes need confirm: true)' : 'read-only'}`;

  if (options.listen === undefined) {
    // stdout carries the protocol: everything for people goes to stderr.
    const server = make();
    const transport = new StdioServerTransport();
    const closed = new Promise<void>((resolve) => {
      transport.onclose = () => resolve();
      process.stdin.on('end', () => resolve());
    });
    await server.connect(transport);
    say(`berth mcp: serving on stdio (${what})`);
    await closed;
    await server.close().catch(() => undefined);
    return EXIT.ok;
  }

  const { host, port } = parseListen(options.listen);
  const http = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== MCP_PATH) {
      response
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"error":"not found: the MCP endpoint is /mcp"}');
      return;
    }
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST', 'content-type': 'application/json' }).end(
        JSON.stringify({
          jsonrpc: '2.0',
          error: { code: -32000, message: 'Method not allowed: this MCP server is stateless; send requests with POST' },
          id: null,
        }),
      );
      return;
    }
    // Stateless: a fresh server and transport per request, nothing kept between them.
    const server = make();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    response.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(request, response);
    } catch (error) {
      if (!response.headersSent) response.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', (error: NodeJS.ErrnoException) =>
      reject(new BerthError(`cannot listen on ${host}:${port}: ${error.code ?? error.message}`, EXIT.environment)),
    );
    http.listen(port, host, resolve);
  });
  const address = http.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shown}:${address.port}${MCP_PATH}`;
  if (!isLoopback(host)) {
    say(
      `berth mcp: warning: listening on ${host}, not only this machine: anyone who reaches it acts with your kubeconfig`,
    );
  }
  say(`berth mcp: serving Streamable HTTP at ${url} (${what}); Ctrl-C stops it`);
  ctx.out.result({ url, namespaces: scope.allowed, allowWrite }, { now: true });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
  return EXIT.ok;
}
