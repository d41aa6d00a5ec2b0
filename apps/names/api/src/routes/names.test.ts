import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseConfig, type Service } from '@berth/service-kit';
import { type Backend, backends } from '@berth/testkit';
import { buildNamesApi } from '../app.ts';
import { configSchema } from '../config.ts';

interface NameJson {
  id: number;
  name: string;
  created_at: string;
}

for (const { name: backendName, start } of backends) {
  describe(`names API on ${backendName}`, () => {
    let backend: Backend;
    let service: Service;

    before(async () => {
      backend = await start();
      service = await buildNamesApi(parseConfig(configSchema, { ...backend.env, LOG_LEVEL: 'silent' }));
    });
    after(async () => {
      await service.close();
      await backend.cleanup();
    });

    const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
      service.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
    const list = async () => (await call('GET', '/api/names')).json<{ names: NameJson[] }>().names;
    const add = (name: unknown) => call('POST', '/api/names', { name });

    test('Phase 0 "Add Name": John Doe appears with a timestamp', async () => {
      const before = Date.now();
      const response = await add('John Doe');
      assert.equal(response.statusCode, 201);
      const created = response.json<NameJson>();
      assert.equal(created.name, 'John Doe');
      assert.ok(Number.isInteger(created.id));
      const at = Date.parse(created.created_at);
      assert.ok(Math.abs(at - before) < 60_000, `created_at ${created.created_at} is a current timestamp`);
      assert.deepEqual(
        (await list()).find((n) => n.id === created.id),
        created,
      );
    });

    test('Phase 0 "View Names": 3–5 names are all listed, in the order added', async () => {
      const added = ['Ada Lovelace', 'Grace Hopper', 'Linus Torvalds', 'Margaret Hamilton'];
      for (const name of added) assert.equal((await add(name)).statusCode, 201);
      const names = (await list()).map((n) => n.name);
      assert.deepEqual(names.slice(-added.length), added);
      for (const entry of await list()) assert.ok(!Number.isNaN(Date.parse(entry.created_at)));
    });

    test('Phase 0 "Delete Name": delete by id removes it; again is 404', async () => {
      const { id } = (await add('To Be Deleted')).json<NameJson>();
      const response = await call('DELETE', `/api/names/${id}`);
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json(), { deleted: id });
      assert.ok(!(await list()).some((n) => n.id === id));
      const again = await call('DELETE', `/api/names/${id}`);
      assert.equal(again.statusCode, 404);
      assert.match(again.json<{ error: string }>().error, new RegExp(`${id} not found`));
    });

    test('Phase 0 "Error Handling": empty and 51-character names are refused with messages', async () => {
      const countBefore = (await list()).length;
      for (const [name, message] of [
        ['', /must not be empty/],
        ['   ', /must not be empty/],
        ['x'.repeat(51), /at most 50 characters \(got 51\)/],
      ] as const) {
        const response = await add(name);
        assert.equal(response.statusCode, 400);
        assert.match(response.json<{ error: string }>().error, message);
      }
      assert.equal((await list()).length, countBefore);
    });

    test('names are trimmed and limits count code points: emoji and RTL at the limit pass, one over fails', async () => {
      const emoji = '😀'.repeat(50); // 100 UTF-16 units, 50 code points
      const hebrew = 'ש'.repeat(50);
      const arabic = `  ${'م'.repeat(50)}  `;
      for (const name of [emoji, hebrew, arabic]) {
        const response = await add(name);
        assert.equal(response.statusCode, 201, response.body);
        assert.equal(response.json<NameJson>().name, name.trim());
      }
      for (const name of ['😀'.repeat(51), 'ש'.repeat(51)]) {
        const response = await add(name);
        assert.equal(response.statusCode, 400);
        assert.match(response.json<{ error: string }>().error, /at most 50 characters \(got 51\)/);
      }
    });

    test('SQL-like text is stored literally', async () => {
      const name = "Robert'); DROP TABLE names;--";
      const response = await add(name);
      assert.equal(response.statusCode, 201);
      assert.ok((await list()).some((n) => n.name === name));
    });

    test('bad input gets a clear 4xx and changes nothing; no request is a 500', async () => {
      const countBefore = (await list()).length;
      const cases: { payload: string | Buffer; type?: string; status: number; message: RegExp }[] = [
        { payload: '{"name": "x"', status: 400, message: /not valid JSON/ },
        { payload: 'name=x', type: 'application/x-www-form-urlencoded', status: 415, message: /application\/json/ },
        { payload: 'x', type: 'text/plain', status: 415, message: /application\/json/ },
        { payload: JSON.stringify({ name: 'x'.repeat(1_000_000) }), status: 413, message: /too large/ },
        { payload: '{}', status: 400, message: /name: is required/ },
        { payload: '{"nom": "x"}', status: 400, message: /name: is required/ },
        { payload: '{"name": 42}', status: 400, message: /name: must be a string/ },
        { payload: '{"name": null}', status: 400, message: /name: must be a string/ },
        { payload: '[]', status: 400, message: /JSON object/ },
        { payload: '"John"', status: 400, message: /JSON object/ },
        { payload: '', status: 400, message: /empty/ },
        { payload: '{"name": "a\\u0000b"}', status: 400, message: /control characters/ },
        { payload: '{"name": "\\ud800"}', status: 400, message: /control characters/ },
        { payload: '{"__proto__": {"name": "x"}}', status: 400, message: /./ },
      ];
      for (const { payload, type, status, message } of cases) {
        const response = await service.app.inject({
          method: 'POST',
          url: '/api/names',
          payload,
          headers: { 'content-type': type ?? 'application/json' },
        });
        assert.equal(response.statusCode, status, `${String(payload).slice(0, 40)} → ${response.body}`);
        assert.match(response.json<{ error: string }>().error, message);
      }
      for (const id of ['abc', '0', '-1', '1.5', '99999999999', '1e3']) {
        const response = await call('DELETE', `/api/names/${id}`);
        assert.equal(response.statusCode, 400, `DELETE ${id}`);
        assert.match(response.json<{ error: string }>().error, /positive whole number/);
      }
      assert.equal((await call('DELETE', '/api/names/2147483647')).statusCode, 404);
      assert.equal((await call('GET', '/api/nothing')).statusCode, 404);
      assert.equal((await list()).length, countBefore);
    });

    test('health: /healthz is ok; /api/health/db and /readyz report the database', async () => {
      assert.deepEqual((await call('GET', '/healthz')).json(), { status: 'ok' });
      const db = await call('GET', '/api/health/db');
      assert.equal(db.statusCode, 200);
      assert.deepEqual(db.json(), { status: 'healthy', database: 'connected' });
      assert.equal((await call('GET', '/readyz')).statusCode, 200);
    });

    test('/metrics counts requests by route template and status', async () => {
      const counter = async (route: string, status: number) => {
        const text = (await call('GET', '/metrics')).body;
        const line = text
          .split('\n')
          .find(
            (l) =>
              l.startsWith('http_requests_total{') &&
              l.includes(`route="${route}"`) &&
              l.includes(`status_code="${status}"`),
          );
        return line === undefined ? 0 : Number(line.split(' ').at(-1));
      };
      const before = await counter('/api/names', 200);
      await call('GET', '/api/names');
      await call('GET', '/api/names');
      assert.equal(await counter('/api/names', 200), before + 2);
      const deletes = await counter('/api/names/:id', 404);
      await call('DELETE', '/api/names/2147483646');
      assert.equal(await counter('/api/names/:id', 404), deletes + 1);
      const text = (await call('GET', '/metrics')).body;
      for (const metric of [
        'http_request_duration_seconds_bucket',
        'db_pool_connections',
        'nodejs_eventloop_lag_seconds',
        'process_cpu_seconds_total',
      ]) {
        assert.match(text, new RegExp(`^${metric}`, 'm'), metric);
      }
    });

    test('/api/openapi.json documents the three operations of seed 000; /api/docs is a page for people', async () => {
      const doc = (await call('GET', '/api/openapi.json')).json<{
        openapi: string;
        paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
      }>();
      assert.equal(doc.openapi, '3.1.0');
      const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
      );
      assert.deepEqual(operations.sort(), [
        'DELETE /api/names/{id} deleteName',
        'GET /api/names listNames',
        'POST /api/names addName',
      ]);
      assert.deepEqual(Object.keys(doc.paths['/api/names']?.post?.responses ?? {}).sort(), [
        '201',
        '400',
        '413',
        '415',
        '503',
      ]);
      const page = await call('GET', '/api/docs/');
      assert.equal(page.statusCode, 200);
      assert.match(String(page.headers['content-type']), /text\/html/);
    });

    test('every response carries a request id, and a caller-given one is echoed', async () => {
      const response = await service.app.inject({
        method: 'GET',
        url: '/api/names',
        headers: { 'x-request-id': 'trace-123' },
      });
      assert.equal(response.headers['x-request-id'], 'trace-123');
      const unsafe = await service.app.inject({
        method: 'GET',
        url: '/api/names',
        headers: { 'x-request-id': 'a b\nc' },
      });
      assert.match(String(unsafe.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    });
  });
}
