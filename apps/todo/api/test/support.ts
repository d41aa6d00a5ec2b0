// Test support for every Todo workspace (exported as @berth/todo-api/test-support):
// the API's test settings, the API and the MCP server as their own processes,
// accounts and tokens in the API's own format, and a small JSON client.
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Backend, embeddedBackend, freePort, type ServiceProcess, spawnService } from '@berth/testkit';

export const API_MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
export const MCP_MAIN = fileURLToPath(new URL('../../mcp/src/main.ts', import.meta.url));
export const JWT_SECRET = 'todo-test-secret-0123456789-abcdefghij';
/** The API's default issuer and audience (JWT_ISSUER, JWT_AUDIENCE). */
export const ISSUER = 'berth-todo-api';
export const AUDIENCE = 'berth-todo';
export const PASSWORD = 'testpass123';

/** The API's settings in tests; a test that needs another value passes it in `env`. */
export const TEST_ENV: Readonly<Record<string, string>> = {
  JWT_SECRET,
  // Cheap hashes keep tests fast; the cost parameters are exercised in passwords.test.ts.
  ARGON2_MEMORY_KIB: '1024',
  ARGON2_PASSES: '1',
  SHUTDOWN_DRAIN_MS: '0',
  // Every test request comes from one address; tests of the limits set their own.
  REGISTER_LIMIT_PER_ADDRESS: '100000',
  LOGIN_LIMIT_PER_ADDRESS: '100000',
};

/** The Todo API as its own process, as a pod runs it; unless `wait` is false, waits for /health. */
export function startTodoApi(
  env: Record<string, string> = {},
  options: { wait?: boolean } = {},
): Promise<ServiceProcess> {
  return spawnService(API_MAIN, {
    env: { ...TEST_ENV, ...env },
    readyPath: '/health',
    ...(options.wait === undefined ? {} : { wait: options.wait }),
  });
}

/** The Todo MCP server as its own process, calling the API at `apiUrl`. */
export function startTodoMcp(apiUrl: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  return spawnService(MCP_MAIN, { env: { TODO_API_URL: apiUrl, SHUTDOWN_DRAIN_MS: '0', ...env } });
}

export interface AssistantStack {
  api: ServiceProcess;
  mcp: ServiceProcess;
  /** Another API process pointed at the same MCP server: a replica, or (on the first one's port) a restart. */
  startApi(port?: string): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/**
 * The Todo API and the MCP server pointed at each other, as `npm start` and
 * the chart run them; both on `env`'s database, the API's extra variables (a
 * model, say) in `apiEnv`.
 */
export async function startAssistantStack(
  env: Record<string, string>,
  apiEnv: Record<string, string> = {},
): Promise<AssistantStack> {
  const mcpPort = String(await freePort());
  const startApi = (port?: string) =>
    startTodoApi({
      ...env,
      ...apiEnv,
      TODO_MCP_URL: `http://127.0.0.1:${mcpPort}/mcp`,
      ...(port === undefined ? {} : { PORT: port }),
    });
  const api = await startApi();
  const mcp = await startTodoMcp(api.url, { PORT: mcpPort });
  const stack: AssistantStack = {
    api,
    mcp,
    startApi,
    async stop() {
      await stack.mcp.stop();
      await stack.api.stop();
    },
  };
  return stack;
}

export interface AssistantSuite extends AssistantStack {
  backend: Backend;
}

/**
 * For a describe block (not the top level of a file, where hooks run
 * concurrently): a fresh database (embedded PGlite unless
 * `startBackend` says otherwise) with the assistant stack on it, started
 * before its tests (after the hooks registered earlier; `apiEnv` is read
 * then) and stopped after them.
 */
export function assistantForSuite(
  options: { startBackend?: () => Promise<Backend>; apiEnv?: () => Record<string, string> } = {},
): AssistantSuite {
  const suite = {} as AssistantSuite;
  before(async () => {
    suite.backend = await (options.startBackend ?? embeddedBackend)();
    Object.assign(suite, await startAssistantStack(suite.backend.env, options.apiEnv?.()));
  });
  after(async () => {
    await suite.mcp?.stop();
    await suite.api?.stop();
    await suite.backend?.cleanup();
  });
  return suite;
}

/** A request with `body` as JSON (none if undefined) and `token` as the bearer (none if undefined): the raw response. */
export function send(
  method: string,
  url: string,
  options: { token?: string | undefined; body?: unknown; signal?: AbortSignal } = {},
): Promise<Response> {
  return fetch(url, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}

/** `send`, with the answer's JSON body read (undefined when empty). */
export async function call<T = unknown>(
  base: string,
  method: string,
  path: string,
  options: { token?: string | undefined; body?: unknown } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await send(method, `${base}${path}`, options);
  const text = await response.text();
  return {
    status: response.status,
    body: (text === '' ? undefined : JSON.parse(text)) as T,
    headers: response.headers,
  };
}

/** POSTs `body` (none if undefined) as JSON to `url`, as the bearer of `token` if given. */
export function postJson<T = unknown>(url: string, body: unknown, token?: string) {
  return call<T>(url, 'POST', '', { token, body });
}

async function logIn(base: string, email: string, password: string): Promise<string> {
  const login = await call<{ token: string }>(base, 'POST', '/api/auth/login', { body: { email, password } });
  assert.equal(login.status, 200, `login: ${JSON.stringify(login.body)}`);
  return login.body.token;
}

/** Registers (if needed) and signs in; returns the token. */
export async function signIn(base: string, email: string, password = PASSWORD): Promise<string> {
  const registered = await call(base, 'POST', '/api/auth/register', { body: { email, password } });
  assert.ok([201, 409].includes(registered.status), `register: ${registered.status}`);
  return logIn(base, email, password);
}

let accounts = 0;
/** Registers a fresh account and signs in; returns its bearer token. */
export async function newAccount(base: string, prefix = 'user'): Promise<string> {
  accounts += 1;
  const email = `${prefix}-${accounts}-${Date.now()}@example.com`;
  const registered = await call(base, 'POST', '/api/auth/register', { body: { email, password: PASSWORD } });
  assert.equal(registered.status, 201, `register: ${JSON.stringify(registered.body)}`);
  return logIn(base, email, PASSWORD);
}

/** A token the API itself would issue for `userId` (its secret, issuer and audience) that expired an hour ago. */
export function expiredToken(userId: string, secret = JWT_SECRET): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({
    sub: userId,
    iss: ISSUER,
    aud: AUDIENCE,
    jti: randomUUID(),
    iat: now - 7200,
    exp: now - 3600,
  })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
