import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Service, z } from '@berth/service-kit';
import { type Backend, embeddedBackend } from '@berth/testkit';
import Fastify from 'fastify';
import { Contract, operation } from './contract.ts';
import { startTodoApi } from './test-client.ts';

test('one declaration validates input, serializes output (fields not in the schema never leave) and documents both', async () => {
  const app = Fastify();
  const contract = new Contract(app, async () => ({ id: 'u1', tokenId: 't', expiresAt: new Date() }));
  contract.add(
    operation({
      method: 'POST',
      path: '/api/things/{id}',
      operationId: 'makeThing',
      summary: 'Make a thing',
      tag: 'things',
      auth: true,
      params: z.object({ id: z.string().regex(/^\d+$/) }),
      body: z.strictObject({ name: z.string().min(1) }),
      response: { status: 201, description: 'Made.', schema: z.object({ id: z.string(), name: z.string() }) },
      errors: [409],
      userScopedAlias: true,
      handler: async ({ params, body }) => ({ id: params.id, name: body.name, secret: 'internal' }),
    }),
  );
  const made = await app.inject({ method: 'POST', url: '/api/things/7', payload: { name: 'x' } });
  assert.equal(made.statusCode, 201);
  assert.deepEqual(made.json(), { id: '7', name: 'x' });
  const bad = await app.inject({ method: 'POST', url: '/api/things/7', payload: { name: '' } });
  assert.equal(bad.statusCode, 400);
  assert.equal((await app.inject({ method: 'POST', url: '/api/u1/things/7', payload: { name: 'x' } })).statusCode, 201);
  assert.equal((await app.inject({ method: 'POST', url: '/api/u2/things/7', payload: { name: 'x' } })).statusCode, 403);

  const doc = contract.document({ title: 't', version: '1', description: 'd' }) as {
    paths: Record<
      string,
      Record<
        string,
        {
          operationId: string;
          responses: Record<string, unknown>;
          requestBody?: unknown;
          parameters?: { name: string; in: string }[];
        }
      >
    >;
  };
  const op = doc.paths['/api/things/{id}']?.post;
  assert.equal(op?.operationId, 'makeThing');
  assert.deepEqual(Object.keys(op?.responses ?? {}).sort(), ['201', '400', '401', '409', '413', '415']);
  assert.deepEqual(
    op?.parameters?.map((p) => `${p.in}:${p.name}`),
    ['path:id'],
  );
  assert.ok(op?.requestBody);
  const alias = doc.paths['/api/{user_id}/things/{id}']?.post;
  assert.equal(alias?.operationId, 'makeThingForUser');
  assert.ok(alias?.responses['403']);
});

describe('the Todo API document', () => {
  let backend: Backend;
  let service: Service;
  before(async () => {
    backend = await embeddedBackend();
    service = await startTodoApi(backend.env);
  });
  after(async () => {
    await service.close();
    await backend.cleanup();
  });

  test('/api/openapi.json is OpenAPI 3.1 and documents exactly the API operations, each of which is served', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(response.statusCode, 200);
    const doc = response.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    assert.equal(doc.openapi, '3.1.0');
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      ),
    );
    const expected = [
      'POST /api/auth/register',
      'POST /api/auth/login',
      'POST /api/auth/logout',
      'GET /api/auth/me',
      'GET /api/health',
      'GET /api/tasks',
      'POST /api/tasks',
      'GET /api/tasks/:id',
      'PUT /api/tasks/:id',
      'PATCH /api/tasks/:id',
      'DELETE /api/tasks/:id',
      'PATCH /api/tasks/:id/complete',
      'GET /api/:user_id/tasks',
      'POST /api/:user_id/tasks',
      'GET /api/:user_id/tasks/:id',
      'PUT /api/:user_id/tasks/:id',
      'PATCH /api/:user_id/tasks/:id',
      'DELETE /api/:user_id/tasks/:id',
      'PATCH /api/:user_id/tasks/:id/complete',
    ];
    assert.deepEqual([...documented].sort(), expected.sort());
    for (const route of expected) {
      const [method, url] = route.split(' ');
      const path = (url ?? '').replace(':id', '1').replace(':user_id', 'x');
      const answer = await service.app.inject({ method: method as 'GET', url: path });
      assert.doesNotMatch(answer.json<{ error?: string }>().error ?? '', /^No route/, `${route} is served`);
    }
  });

  test('/api/docs serves a page for people', async () => {
    const page = await service.app.inject({ method: 'GET', url: '/api/docs/' });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    assert.match(page.body, /swagger/i);
  });
});
