import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Backend, postgresBackend } from '@berth/testkit';
import { parseConfig } from './config.ts';
import { createService, type Service, serviceConfigSchema } from './service.ts';

// A PostgreSQL server that stops answering (SIGSTOP: connections stay open,
// nothing replies) must not hang requests: each ends in a clear 503 within
// DB_CONNECT_TIMEOUT_MS + DB_QUERY_TIMEOUT_MS, the bound documented in
// settings.ts.

const CONNECT_MS = 1000;
const QUERY_MS = 1000;
const BOUND_MS = CONNECT_MS + QUERY_MS + 1000; // + a second for the event loop of a busy test machine

let pg: Backend;
let service: Service;

before(async () => {
  pg = await postgresBackend();
  const config = parseConfig(serviceConfigSchema(1, {}), {
    ...pg.env,
    LOG_LEVEL: 'silent',
    DB_CONNECT_TIMEOUT_MS: String(CONNECT_MS),
    DB_QUERY_TIMEOUT_MS: String(QUERY_MS),
    READINESS_TIMEOUT_MS: '1000',
    SHUTDOWN_DRAIN_MS: '0',
  });
  service = await createService({ name: 'kit-frozen', config, migrationsDir: mkdtempSync(join(tmpdir(), 'none-')) });
  await service.db.exec('CREATE TABLE IF NOT EXISTS writes (n int)');
  service.app.get('/read', async () => (await service.db.query('SELECT count(*)::int AS n FROM writes'))[0]);
  service.app.post('/write', async () => {
    await service.db.transaction((tx) => tx.query('INSERT INTO writes VALUES (1)'));
    return { written: true };
  });
});
after(async () => {
  pg.server?.thaw();
  await service.close();
  await pg.cleanup();
});

test('with the database frozen, every request is answered 503 {"error"} within the bound; after it thaws, 200 again', async () => {
  // Fill the pool with open connections first, as a busy service has.
  await Promise.all(Array.from({ length: 10 }, () => service.app.inject({ method: 'GET', url: '/read' })));
  pg.server?.freeze();
  try {
    const answers = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const started = Date.now();
        const response = await service.app.inject({ method: i % 2 ? 'POST' : 'GET', url: i % 2 ? '/write' : '/read' });
        return { status: response.statusCode, body: response.json<{ error?: string }>(), ms: Date.now() - started };
      }),
    );
    for (const answer of answers) {
      assert.equal(answer.status, 503, JSON.stringify(answer.body));
      assert.match(answer.body.error ?? '', /database is unavailable/);
      assert.ok(answer.ms <= BOUND_MS, `answered after ${answer.ms} ms (bound ${BOUND_MS} ms)`);
    }
    assert.equal((await service.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 503);
    // What the database-down alert reads: the scrape itself still answers, within the check's bound.
    const scrape = await service.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(scrape.statusCode, 200);
    assert.match(scrape.body, /^readiness_check_up\{check="database",service="kit-frozen"\} 0$/m);
  } finally {
    pg.server?.thaw();
  }
  let status = 0;
  for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
    status = (await service.app.inject({ method: 'GET', url: '/read' })).statusCode;
    if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.equal(status, 200, 'the pool recovers without a restart');
  const scrape = await service.app.inject({ method: 'GET', url: '/metrics' });
  assert.match(scrape.body, /^readiness_check_up\{check="database",service="kit-frozen"\} 1$/m);
});
