import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Backend, embeddedBackend, freePort, postgresBackend } from '@berth/testkit';
import { parseConfig } from './config.ts';
import { DatabaseUnavailableError } from './database/index.ts';
import { createService, type Service, serviceConfigSchema } from './service.ts';

let backend: Backend;
let service: Service;
let url: string;

before(async () => {
  backend = await embeddedBackend();
  const port = await freePort();
  const config = parseConfig(serviceConfigSchema(1, {}), {
    ...backend.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SHUTDOWN_DRAIN_MS: '500',
  });
  service = await createService({ name: 'kit-test', config, migrationsDir: mkdtempSync(join(tmpdir(), 'none-')) });
  service.app.get('/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    return { done: true };
  });
  await service.listen();
  url = `http://127.0.0.1:${port}`;
});
after(() => backend.cleanup());

test('shutdown: readiness turns 503 at once, in-flight requests finish, then the listener closes', async () => {
  const inFlight = Array.from({ length: 5 }, () => fetch(`${url}/slow`));
  await new Promise((resolve) => setTimeout(resolve, 200)); // let them arrive
  const closing = service.close();

  const readiness = await fetch(`${url}/readyz`);
  assert.equal(readiness.status, 503);
  assert.deepEqual(((await readiness.json()) as { checks: object }).checks, {
    database: 'ok',
    shutdown: 'shutting down',
  });
  assert.equal((await fetch(`${url}/healthz`)).status, 200, 'liveness is unaffected by draining');

  const answers = await Promise.all(inFlight);
  assert.deepEqual(
    answers.map((a) => a.status),
    [200, 200, 200, 200, 200],
  );
  await closing;
  await assert.rejects(fetch(`${url}/healthz`), 'the listener is closed');
  await assert.rejects(service.db.query('SELECT 1'), 'the database is closed last');
});

describe('start-up while the database is not reachable yet', () => {
  let pg: Backend;
  before(async () => {
    pg = await postgresBackend();
  });
  after(() => pg.cleanup());

  const configFor = (timeoutMs: number) =>
    parseConfig(serviceConfigSchema(1, {}), {
      ...pg.env,
      LOG_LEVEL: 'silent',
      DB_CONNECT_TIMEOUT_MS: '500',
      DB_STARTUP_TIMEOUT_MS: String(timeoutMs),
    });
  const migrations = mkdtempSync(join(tmpdir(), 'none-'));

  test('waits for the database and starts once it answers, instead of crashing', async () => {
    await pg.server?.stop();
    const starting = createService({ name: 'kit-wait', config: configFor(30_000), migrationsDir: migrations });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await pg.server?.start();
    const started = await starting;
    assert.equal((await started.health.readiness()).ready, true);
    await started.db.close();
  });

  test('waits for its database to be created on a running server, and starts once it exists', async () => {
    const url = new URL(pg.env.DATABASE_URL as string);
    url.pathname = '/kit_created_later';
    const config = parseConfig(serviceConfigSchema(1, {}), { DATABASE_URL: url.href, LOG_LEVEL: 'silent' });
    const starting = createService({ name: 'kit-created-later', config, migrationsDir: migrations });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await pg.server?.createDatabase('kit_created_later');
    const started = await starting;
    assert.equal((await started.health.readiness()).ready, true);
    await started.db.close();
  });

  test('gives up with the database error after DB_STARTUP_TIMEOUT_MS', async () => {
    await pg.server?.stop();
    try {
      await assert.rejects(
        createService({ name: 'kit-give-up', config: configFor(1000), migrationsDir: migrations }),
        DatabaseUnavailableError,
      );
    } finally {
      await pg.server?.start();
    }
  });
});
