import type { FastifyInstance, Health } from '@berth/service-kit';

/** /api/health/db, the readiness path the manifests probe; the kit's /healthz and /readyz stay as they are. */
export function namesHealthRoutes(app: FastifyInstance, health: Health): void {
  app.get('/api/health/db', { logLevel: 'warn' }, async (_request, reply) => {
    const state = await health.readiness();
    if (state.ready) return { status: 'healthy', database: 'connected' };
    reply.code(503);
    return {
      status: 'unhealthy',
      database: state.checks.database === 'ok' ? 'connected' : 'disconnected',
      reason: Object.entries(state.checks)
        .filter(([, value]) => value !== 'ok')
        .map(([check, value]) => `${check}: ${value}`)
        .join('; '),
    };
  });
}
