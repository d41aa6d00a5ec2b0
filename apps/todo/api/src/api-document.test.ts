import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Service } from '@berth/service-kit';
import { type Backend, embeddedBackend } from '@berth/testkit';
import { startTodoApi } from '../test/test-client.ts';

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
      'POST /api/chat',
      'POST /api/chat/stream',
      'GET /api/conversations',
      'GET /api/conversations/:id/messages',
      'DELETE /api/conversations/:id',
    ];
    assert.deepEqual([...documented].sort(), expected.sort());
    for (const route of expected) {
      const [method, url] = route.split(' ');
      const path = (url ?? '').replace(':id', '1').replace(':user_id', 'x');
      const answer = await service.app.inject({ method: method as 'GET', url: path });
      assert.doesNotMatch(answer.json<{ error?: string }>().error ?? '', /^No route/, `${route} is served`);
    }
  });

  test('the document tells the limits the server enforces: limit 1–500; the body of …/complete is optional', async () => {
    const doc = (await service.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<
        string,
        Record<string, { parameters?: { name: string; schema: unknown }[]; requestBody?: { required: boolean } }>
      >;
    }>();
    const limit = doc.paths['/api/tasks']?.get?.parameters?.find((p) => p.name === 'limit');
    assert.deepEqual(limit?.schema, { type: 'integer', minimum: 1, maximum: 500 });
    assert.equal(doc.paths['/api/tasks/{id}/complete']?.patch?.requestBody?.required, false);
    assert.equal(doc.paths['/api/tasks/{id}']?.patch?.requestBody?.required, true);
  });

  test('/api/docs serves a page for people', async () => {
    const page = await service.app.inject({ method: 'GET', url: '/api/docs/' });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    assert.match(page.body, /swagger/i);
  });
});
