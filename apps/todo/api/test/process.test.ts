// The Todo API as Kubernetes runs it: its own process configured by
// environment, replicas sharing PostgreSQL and Redis, and dependencies that
// go away and come back.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Backend, backends, postgresBackend, type RedisServer, startRedisServer, waitFor } from '@berth/testkit';
import { call, JWT_SECRET, signIn, startTodoApi } from './support.ts';

for (const { name: backendName, start: startBackend } of backends) {
  describe(`todo API process on ${backendName}`, () => {
    let backend: Backend;
    before(async () => {
      backend = await startBackend();
    });
    after(() => backend.cleanup());

    test("seed 001's smoke test, as curl runs it; logs are JSON lines with no password or token", async () => {
      const api = await startTodoApi(backend.env);
      try {
        const health = await fetch(`${api.url}/api/health`);
        assert.equal(health.status, 200);
        assert.match(await health.text(), /database.*ok/);
        const password = 'testpass123';
        const register = await call(api.url, 'POST', '/api/auth/register', {
          body: { email: 'test@example.com', password },
        });
        assert.equal(register.status, 201);
        const login = await call<{ token: string }>(api.url, 'POST', '/api/auth/login', {
          body: { email: 'test@example.com', password },
        });
        const token = login.body.token;
        const created = await call(api.url, 'POST', '/api/tasks', {
          token,
          body: { title: 'Test Task', description: 'Created via smoke test' },
        });
        assert.equal(created.status, 201);
        const list = await call<{ title: string }[]>(api.url, 'GET', '/api/tasks', { token });
        assert.equal(list.status, 200);
        assert.equal(
          list.body.filter((task) => task.title === 'Test Task').length,
          1,
          '.[] | select(.title=="Test Task")',
        );
        assert.equal((await fetch(`${api.url}/health`)).status, 200);
        assert.equal((await fetch(`${api.url}/readiness`)).status, 200);
      } finally {
        assert.equal(await api.stop(), 0);
      }
      const lines = api.output().trim().split('\n');
      for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), line);
      assert.ok(lines.some((line) => line.includes('"route":"/api/auth/login"')));
      for (const secret of ['testpass123', JWT_SECRET, 'eyJ']) {
        assert.ok(!api.output().includes(secret), `the logs never contain ${secret.slice(0, 8)}…`);
      }
    });
  });
}

describe('todo API configuration', () => {
  test('outside development a missing or short JWT secret stops the start, naming the variable, hiding the value', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'todo-config-'));
    try {
      const missing = await startTodoApi({ DATA_DIR: dataDir, JWT_SECRET: '' }, { wait: false });
      assert.equal(await missing.exited, 1);
      assert.match(missing.output(), /JWT_SECRET: is required \(or JWT_SECRET_KEY\) outside development/);
      const short = await startTodoApi({ DATA_DIR: dataDir, JWT_SECRET: 'too-short-secret' }, { wait: false });
      assert.equal(await short.exited, 1);
      assert.match(short.output(), /JWT_SECRET: must be at least 32 bytes outside development \(value hidden\)/);
      assert.ok(!short.output().includes('too-short-secret'));
      const badRedis = await startTodoApi({ DATA_DIR: dataDir, REDIS_URL: 'http://localhost:6379' }, { wait: false });
      assert.equal(await badRedis.exited, 1);
      assert.match(badRedis.output(), /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("JWT_SECRET_KEY (the seeds' Secret key) is read; in development a generated secret survives restarts", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'todo-config-'));
    try {
      const seeds = await startTodoApi({ DATA_DIR: dataDir, JWT_SECRET: '', JWT_SECRET_KEY: JWT_SECRET.repeat(2) });
      await signIn(seeds.url, 'key@example.com');
      assert.equal(await seeds.stop(), 0);

      const devEnv = { DATA_DIR: dataDir, JWT_SECRET: '', NODE_ENV: 'development' };
      const first = await startTodoApi(devEnv);
      const token = await signIn(first.url, 'dev@example.com');
      assert.equal(await first.stop(), 0);
      const second = await startTodoApi(devEnv);
      try {
        assert.equal(
          (await call(second.url, 'GET', '/api/auth/me', { token })).status,
          200,
          'token valid after restart',
        );
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('two todo API processes sharing PostgreSQL 15 and Redis', () => {
  let backend: Backend;
  let redis: RedisServer;
  before(async () => {
    [backend, redis] = await Promise.all([postgresBackend(), startRedisServer()]);
  });
  after(async () => {
    await Promise.all([backend.cleanup(), redis.destroy()]);
  });

  const env = () => ({
    ...backend.env,
    REDIS_URL: redis.url,
    LOGIN_FAILURES_PER_ACCOUNT: '3',
    REDIS_TIMEOUT_MS: '500',
  });

  test('logout on one process is honoured by the other; failed logins on both add up to 429 with Retry-After', async () => {
    const [a, b] = await Promise.all([startTodoApi(env()), startTodoApi(env())]);
    try {
      const readiness = await call<{ checks: Record<string, string>; shared_state: string }>(
        a.url,
        'GET',
        '/readiness',
      );
      assert.equal(readiness.status, 200);
      assert.deepEqual(readiness.body.checks, { database: 'ok', redis: 'ok' });
      assert.match(readiness.body.shared_state, /^redis/);

      const token = await signIn(a.url, 'shared@example.com');
      assert.equal((await call(b.url, 'GET', '/api/tasks', { token })).status, 200);
      assert.equal((await call(a.url, 'POST', '/api/auth/logout', { token })).status, 204);
      const revoked = await call<{ error: string }>(b.url, 'GET', '/api/tasks', { token });
      assert.equal(revoked.status, 401, 'B refuses the token A revoked');
      assert.match(revoked.body.error, /revoked/);

      const wrong = (base: string) =>
        call<{ error: string }>(base, 'POST', '/api/auth/login', {
          body: { email: 'shared@example.com', password: 'wrong password' },
        });
      assert.equal((await wrong(a.url)).status, 401);
      assert.equal((await wrong(b.url)).status, 401);
      assert.equal((await wrong(a.url)).status, 401);
      const limited = await wrong(b.url);
      assert.equal(limited.status, 429, 'the fourth failure, on the other process, is refused');
      const retryAfter = Number(limited.headers.get('retry-after'));
      assert.ok(retryAfter > 0 && retryAfter <= 900, `Retry-After: ${retryAfter}`);
      const right = await call(a.url, 'POST', '/api/auth/login', {
        body: { email: 'shared@example.com', password: 'testpass123' },
      });
      assert.equal(right.status, 429, 'even the right password waits out the window');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  test('Redis down: readiness 503, logins fail closed with 503, task reads keep working; all recover when Redis returns', async () => {
    const api = await startTodoApi(env());
    try {
      const token = await signIn(api.url, 'outage@example.com');
      const task = await call<{ id: number }>(api.url, 'POST', '/api/tasks', { token, body: { title: 'Survives' } });
      await redis.stop();

      await waitFor(async () => (await fetch(`${api.url}/readiness`)).status === 503, 'readiness to turn 503');
      const readiness = await call<{ checks: Record<string, string> }>(api.url, 'GET', '/readiness');
      assert.equal(readiness.body.checks.redis, 'unreachable');
      assert.equal(readiness.body.checks.database, 'ok');
      const health = await call<{ redis: string }>(api.url, 'GET', '/api/health');
      assert.equal(health.status, 503);
      assert.equal(health.body.redis, 'unreachable');

      const login = await call<{ error: string }>(api.url, 'POST', '/api/auth/login', {
        body: { email: 'outage@example.com', password: 'testpass123' },
      });
      assert.equal(login.status, 503, 'login limits fail closed');
      assert.match(login.body.error, /rate limiter cannot be reached/);
      assert.equal(login.headers.get('retry-after'), '5');
      assert.equal(
        (
          await call(api.url, 'POST', '/api/auth/register', {
            body: { email: 'new@example.com', password: 'testpass123' },
          })
        ).status,
        503,
      );

      const list = await call<{ title: string }[]>(api.url, 'GET', '/api/tasks', { token });
      assert.equal(list.status, 200, 'reads keep working');
      assert.deepEqual(
        list.body.map((t) => t.title),
        ['Survives'],
      );
      assert.equal((await call(api.url, 'GET', `/api/tasks/${task.body.id}`, { token })).status, 200);
      const write = await call<{ error: string }>(api.url, 'POST', '/api/tasks', { token, body: { title: 'Later' } });
      assert.equal(write.status, 503, 'a change waits until revocations can be checked');
      assert.match(write.body.error, /revocation list cannot be reached/);
      assert.equal((await fetch(`${api.url}/health`)).status, 200, 'liveness is unaffected');

      await redis.start();
      await waitFor(async () => (await fetch(`${api.url}/readiness`)).status === 200, 'readiness to recover');
      assert.equal((await call(api.url, 'POST', '/api/tasks', { token, body: { title: 'Later' } })).status, 201);
      const again = await call(api.url, 'POST', '/api/auth/login', {
        body: { email: 'outage@example.com', password: 'testpass123' },
      });
      assert.equal(again.status, 200);
      assert.equal(api.child.exitCode, null, 'the process was never restarted');
    } finally {
      await api.stop();
    }
  });

  test('PostgreSQL down: /readiness and task calls are 503 (never 500); it recovers when PostgreSQL returns', async () => {
    const api = await startTodoApi({ ...env(), DB_CONNECT_TIMEOUT_MS: '1000', READINESS_TIMEOUT_MS: '1000' });
    try {
      const token = await signIn(api.url, 'pg-outage@example.com');
      await backend.server?.stop();
      await waitFor(async () => (await fetch(`${api.url}/readiness`)).status === 503, 'readiness to turn 503');
      const readiness = await call<{ checks: Record<string, string> }>(api.url, 'GET', '/readiness');
      assert.notEqual(readiness.body.checks.database, 'ok');
      assert.equal(readiness.body.checks.redis, 'ok');
      for (const [method, path, body] of [
        ['GET', '/api/tasks'],
        ['POST', '/api/tasks', { title: 'During outage' }],
        ['GET', '/api/tasks/1'],
        ['GET', '/api/auth/me'],
      ] as const) {
        const response = await call<{ error: string }>(api.url, method, path, { token, body });
        assert.equal(response.status, 503, `${method} ${path}`);
        assert.match(response.body.error, /database is unavailable/);
      }
      assert.equal((await fetch(`${api.url}/health`)).status, 200);

      await backend.server?.start();
      await waitFor(async () => (await fetch(`${api.url}/readiness`)).status === 200, 'readiness to recover');
      assert.equal((await call(api.url, 'POST', '/api/tasks', { token, body: { title: 'After' } })).status, 201);
    } finally {
      await api.stop();
    }
  });
});
