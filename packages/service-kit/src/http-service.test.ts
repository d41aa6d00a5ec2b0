import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from './config.ts';
import { createHttpService, httpServiceConfigSchema } from './http-service.ts';

const config = parseConfig(httpServiceConfigSchema(1, {}), { LOG_LEVEL: 'silent', SHUTDOWN_DRAIN_MS: '0' });

test('a path no route matches is 404 {"error"}; a service may answer such paths itself (a single-page app)', async () => {
  const plain = await createHttpService({ name: 'kit-plain', config });
  const unmatched = await plain.app.inject({ method: 'GET', url: '/tasks/42?x=1' });
  assert.equal(unmatched.statusCode, 404);
  assert.deepEqual(unmatched.json(), { error: 'No route for GET /tasks/42' });
  await plain.close();

  const app = await createHttpService({
    name: 'kit-spa',
    config,
    notFound: (request, reply) =>
      request.method === 'GET'
        ? reply.type('text/html').send('<div id="root"></div>')
        : reply.code(404).send({ error: 'nope' }),
  });
  const page = await app.app.inject({ method: 'GET', url: '/tasks/42' });
  assert.equal(page.statusCode, 200);
  assert.equal(page.body, '<div id="root"></div>');
  assert.ok(page.headers['x-request-id'], 'the kit’s hooks still run');
  const other = await app.app.inject({ method: 'DELETE', url: '/tasks/42' });
  assert.equal(other.statusCode, 404);
  assert.deepEqual(other.json(), { error: 'nope' });
  assert.equal((await app.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'routes still win');
  await app.close();
});
