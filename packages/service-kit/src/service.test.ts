import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Backend, embeddedBackend, freePort } from '@berth/testkit';
import { parseConfig } from './config.ts';
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
