import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Metrics } from './metrics.ts';

/**
 * The route a request matched as its template (/api/names/:id), never the raw
 * URL, so an id in a path cannot create a new metric series per request; a
 * request that matched no route is "unmatched". The one place this is decided:
 * the log line and the metrics of a request always agree.
 */
export function routeLabel(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

/**
 * What every request leaves behind: its id echoed in X-Request-Id (so a
 * client can quote it), one "request completed" log line, and the RED metrics.
 */
export const requestsPlugin = fp<{ metrics: Metrics }>(
  async (app: FastifyInstance, { metrics }) => {
    app.addHook('onRequest', async (request, reply) => {
      reply.header('x-request-id', request.id);
    });
    app.addHook('onResponse', async (request, reply) => {
      const route = routeLabel(request);
      request.log.info(
        {
          method: request.method,
          route,
          path: request.url.split('?')[0],
          status: reply.statusCode,
          durationMs: Math.round(reply.elapsedTime * 10) / 10,
        },
        'request completed',
      );
      metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    });
  },
  { name: 'berth-requests', fastify: '5.x' },
);
