import type { FastifyInstance } from '@berth/service-kit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';

/**
 * The OpenAPI 3.1 document at /api/openapi.json, and a Swagger UI page for
 * people at /api/docs. The document is built from the operations' own
 * schemas; @fastify/swagger only serves it (static mode), it does not derive one.
 */
export async function docsRoutes(app: FastifyInstance, document: Record<string, unknown>): Promise<void> {
  app.get('/api/openapi.json', { logLevel: 'warn' }, async () => document);
  await app.register(fastifySwagger, { mode: 'static', specification: { document: document as never } });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    uiConfig: { url: '/api/openapi.json' } as never,
  });
}
