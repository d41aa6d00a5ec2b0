import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { type ServiceProcess, spawnService } from '@berth/testkit';

export const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
export const SECRET = 'process-test-secret-0123456789-abcdef';

/** The Todo API as its own process, as a pod runs it; waits for /health. */
export function startApi(env: Record<string, string>, wait = true): Promise<ServiceProcess> {
  return spawnService(MAIN, {
    env: {
      JWT_SECRET: SECRET,
      ARGON2_MEMORY_KIB: '4096',
      ARGON2_PASSES: '1',
      SHUTDOWN_DRAIN_MS: '0',
      ...env,
    },
    readyPath: '/health',
    wait,
  });
}

export async function call<T = unknown>(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text === '' ? undefined : JSON.parse(text)) as T,
    headers: response.headers,
  };
}

/** Registers (if needed) and signs in; returns the token. */
export async function signIn(base: string, email: string, password = 'testpass123'): Promise<string> {
  const registered = await call(base, 'POST', '/api/auth/register', { body: { email, password } });
  assert.ok([201, 409].includes(registered.status), `register: ${registered.status}`);
  const login = await call<{ token: string }>(base, 'POST', '/api/auth/login', { body: { email, password } });
  assert.equal(login.status, 200, `login: ${JSON.stringify(login.body)}`);
  return login.body.token;
}

export async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}
