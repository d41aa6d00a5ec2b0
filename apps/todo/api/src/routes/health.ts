import { type Health, jsonResponse, type ServiceApp, z } from '@berth/service-kit';
import { errors } from '../api-errors.ts';

/** Where rate limits and revocations live: Redis, or without it the service's database. Both are shared. */
export type SharedStateMode = 'redis' | 'database';

const MODE_NOTE: Record<SharedStateMode, string> = {
  redis: 'redis (shared by every replica)',
  database: 'database (shared by every replica; set REDIS_URL to move it to Redis)',
};

const healthSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  database: z.string().meta({ description: '"ok", or why not.' }),
  redis: z.string().meta({ description: '"ok", "not configured", or why not.' }),
  shared_state: z.string().meta({ description: 'Where rate limits and token revocations live.' }),
});

/**
 * The Todo paths: /health is liveness (the process answers); /readiness and
 * /api/health check the database, and Redis when configured, and turn 503
 * once shutdown starts. The kit's /healthz and /readyz stay as they are.
 * /api/health is in the OpenAPI document: it is what smoke tests
 * grep for "database…ok".
 */
export function todoHealthRoutes(app: ServiceApp, health: Health, mode: SharedStateMode): void {
  app.get('/health', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readiness', { logLevel: 'warn' }, async (_request, reply) => {
    const state = await health.readiness();
    reply.code(state.ready ? 200 : 503);
    return { status: state.ready ? 'ready' : 'not ready', checks: state.checks, shared_state: MODE_NOTE[mode] };
  });
  app.get(
    '/api/health',
    {
      schema: {
        operationId: 'health',
        summary: 'Service health: the database, Redis, and where shared state lives',
        tags: ['health'],
        response: { 200: jsonResponse('Ready to serve.', healthSchema), ...errors(503) },
      },
    },
    async (_request, reply) => {
      const state = await health.readiness();
      const body = {
        status: state.ready ? ('ok' as const) : ('unavailable' as const),
        database: state.checks.database ?? 'unknown',
        redis: mode === 'redis' ? (state.checks.redis ?? 'unknown') : 'not configured',
        shared_state: MODE_NOTE[mode],
      };
      if (state.ready) return body;
      const reasons = Object.entries(state.checks).filter(([, value]) => value !== 'ok');
      return reply.code(503).send({ error: `Not ready: ${reasons.map(([k, v]) => `${k}: ${v}`).join('; ')}`, ...body });
    },
  );
}
