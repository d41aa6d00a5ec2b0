// Test support (not served): a Todo API in this process on a test backend,
// and a small client over Fastify's inject.
import { after, before } from 'node:test';
import { parseConfig, type Service } from '@berth/service-kit';
import { type Backend, embeddedBackend } from '@berth/testkit';
import { buildTodoApi } from '../src/app.ts';
import { configSchema } from '../src/config.ts';
import { TEST_ENV } from './support.ts';

export async function startTodoApi(env: Record<string, string>): Promise<Service> {
  return buildTodoApi(
    parseConfig(configSchema, {
      LOG_LEVEL: 'silent',
      ...TEST_ENV,
      ...env,
    }),
  );
}

/**
 * For a describe block: a Todo API with these settings on a fresh embedded
 * database, started before its tests and stopped after them.
 */
export function todoApiForSuite(env: Record<string, string>): () => Service {
  let backend: Backend;
  let service: Service;
  before(async () => {
    backend = await embeddedBackend();
    service = await startTodoApi({ ...backend.env, ...env });
  });
  after(async () => {
    await service.close();
    await backend.cleanup();
  });
  return () => service;
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

export function client(service: Service) {
  const call = async <T = unknown>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    options: { token?: string | undefined; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer<T>> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let payload: string | undefined;
    if (options.raw !== undefined) payload = options.raw;
    else if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const response = await service.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
    const body = response.body === '' ? undefined : response.json();
    return { status: response.statusCode, body: body as T, headers: response.headers };
  };
  let counter = 0;
  return {
    call,
    /** Registers and signs in a fresh user; returns its id, email and token. */
    async user(prefix = 'user') {
      counter += 1;
      const email = `${prefix}-${counter}-${Date.now()}@example.com`;
      const password = 'correct horse battery';
      const registered = await call<{ id: string }>('POST', '/api/auth/register', { body: { email, password } });
      if (registered.status !== 201)
        throw new Error(`register: ${registered.status} ${JSON.stringify(registered.body)}`);
      const login = await call<{ token: string }>('POST', '/api/auth/login', { body: { email, password } });
      if (login.status !== 200) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
      return { id: registered.body.id, email, password, token: login.body.token };
    },
  };
}

export type { TaskJson } from '../src/tasks-schema.ts';
