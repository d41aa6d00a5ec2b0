// Test support: the Todo API and the MCP server as their own processes, as
// pods run them, and the MCP SDK's own client connected as one person.
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type ServiceProcess, spawnService } from '@berth/testkit';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

export const API_MAIN = fileURLToPath(new URL('../../api/src/main.ts', import.meta.url));
export const MCP_MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
export const JWT_SECRET = 'mcp-test-secret-0123456789-abcdefghij';

export function startTodoApi(env: Record<string, string>): Promise<ServiceProcess> {
  return spawnService(API_MAIN, {
    env: {
      JWT_SECRET,
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_PASSES: '1',
      SHUTDOWN_DRAIN_MS: '0',
      REGISTER_LIMIT_PER_ADDRESS: '100000',
      LOGIN_LIMIT_PER_ADDRESS: '100000',
      ...env,
    },
    readyPath: '/health',
  });
}

export function startTodoMcp(apiUrl: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  return spawnService(MCP_MAIN, { env: { TODO_API_URL: apiUrl, SHUTDOWN_DRAIN_MS: '0', ...env } });
}

export async function postJson<T>(url: string, body: unknown, token?: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

let accounts = 0;
/** Registers a fresh account and signs in; returns its bearer token. */
export async function newAccount(apiUrl: string, prefix = 'mcp'): Promise<string> {
  accounts += 1;
  const credentials = { email: `${prefix}-${accounts}-${Date.now()}@example.com`, password: 'correct horse battery' };
  assert.equal((await postJson(`${apiUrl}/api/auth/register`, credentials)).status, 201);
  const login = await postJson<{ token: string }>(`${apiUrl}/api/auth/login`, credentials);
  assert.equal(login.status, 200);
  return login.body.token;
}

/** A correctly signed token for `userId` that expired a minute ago (the API's own issuer and audience). */
export function expiredToken(userId: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({
    sub: userId,
    iss: 'berth-todo-api',
    aud: 'berth-todo',
    jti: randomUUID(),
    iat: now - 3600,
    exp: now - 60,
  })}`;
  return `${unsigned}.${createHmac('sha256', JWT_SECRET).update(unsigned).digest('base64url')}`;
}

/** The MCP SDK's client over Streamable HTTP; with a token, as that person. */
export async function connectMcp(mcpUrl: string, token?: string): Promise<Client> {
  const client = new Client({ name: 'berth-test', version: '0.1.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${mcpUrl}/mcp`), {
    requestInit: { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return client;
}
