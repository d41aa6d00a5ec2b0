import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorsPlugin } from './errors.ts';
import { errorResponses, jsonResponse, openapiPlugin } from './openapi.ts';

test('one declaration on the route validates input, serializes output (fields not in the schema never leave) and documents both', async () => {
  const app = Fastify().withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(errorsPlugin, { bodyLimit: 1024 });
  await app.register(openapiPlugin, { title: 't', version: '1', description: 'd' });
  app.post(
    '/api/things/:id',
    {
      schema: {
        operationId: 'makeThing',
        summary: 'Make a thing',
        tags: ['things'],
        params: z.object({ id: z.string().regex(/^\d+$/) }),
        body: z.strictObject({ name: z.string().min(1) }),
        response: {
          201: jsonResponse('Made.', z.object({ id: z.string(), name: z.string(), made_at: z.date() })),
          ...errorResponses({ 400: 'Bad.', 409: 'Taken.' }, [400, 409]),
        },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return { id: request.params.id, name: request.body.name, made_at: new Date(0), secret: 'internal' };
    },
  );
  app.get('/internal', async () => ({ ok: true }));

  const made = await app.inject({ method: 'POST', url: '/api/things/7', payload: { name: 'x' } });
  assert.equal(made.statusCode, 201);
  assert.deepEqual(made.json(), { id: '7', name: 'x', made_at: '1970-01-01T00:00:00.000Z' });
  const bad = await app.inject({ method: 'POST', url: '/api/things/7', payload: { name: '', extra: 1 } });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json<{ error: string }>().error, /^name: .*; Unrecognized key: "extra"$/, 'every bad field, named');
  const badId = await app.inject({ method: 'POST', url: '/api/things/x', payload: { name: 'x' } });
  assert.match(badId.json<{ error: string }>().error, /^id: /);

  const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
    openapi: string;
    paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
    components: { schemas: Record<string, unknown> };
  }>();
  assert.equal(doc.openapi, '3.1.0');
  assert.deepEqual(Object.keys(doc.paths), ['/api/things/{id}'], 'untagged routes stay out of the document');
  const op = doc.paths['/api/things/{id}']?.post;
  assert.equal(op?.operationId, 'makeThing');
  assert.deepEqual(Object.keys(op?.responses ?? {}).sort(), ['201', '400', '409']);
  assert.deepEqual(op?.responses['409'], {
    description: 'Taken.',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  });
  assert.deepEqual(Object.keys(doc.components.schemas), ['Error']);
});
