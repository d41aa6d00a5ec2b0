import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { PoolStats } from './database/index.ts';
import type { Health } from './health.ts';

/**
 * Each service gets its own registry (not prom-client's global one) so tests
 * can run several services in one process without their series mixing.
 */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  // Process CPU, memory, file descriptors, GC, and event-loop lag
  // (nodejs_eventloop_lag_*): the signals that tell a slow handler from a starved process.
  collectDefaultMetrics({ register: registry });

  // RED metrics. `route` is the route's template (/api/names/:id), never the
  // raw URL, so an id in a path cannot create a new series per request.
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests served, by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request received to response sent, by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  return {
    registry,
    observeRequest(method: string, route: string, statusCode: number, seconds: number) {
      const labels = { method, route, status_code: String(statusCode) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
    /** Database pool occupancy, read at scrape time: saturation shows here before latency does. */
    watchPool(stats: () => PoolStats) {
      new Gauge({
        name: 'db_pool_connections',
        help: 'Database pool connections by state (total, idle, waiting clients).',
        labelNames: ['state'] as const,
        registers: [registry],
        collect() {
          const now = stats();
          this.set({ state: 'total' }, now.total);
          this.set({ state: 'idle' }, now.idle);
          this.set({ state: 'waiting' }, now.waiting);
        },
      });
    },
    /**
     * Each readiness check's state (1 ok, 0 failing), run at scrape time. An alert on
     * readiness_check_up{check="database"} == 0 names the broken dependency, where a
     * not-ready pod alone does not say why.
     */
    watchReadiness(health: Health) {
      new Gauge({
        name: 'readiness_check_up',
        help: 'Readiness checks by name: 1 when the check passes, 0 when it fails (run at scrape time).',
        labelNames: ['check'] as const,
        registers: [registry],
        async collect() {
          const { checks } = await health.readiness();
          for (const [check, state] of Object.entries(checks)) this.set({ check }, state === 'ok' ? 1 : 0);
        },
      });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Serves the registry at /metrics (outside the OpenAPI document); requests are recorded by requestsPlugin. */
export const metricsPlugin = fp<{ metrics: Metrics }>(
  async (app: FastifyInstance, { metrics }) => {
    app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    });
  },
  { name: 'berth-metrics', fastify: '5.x' },
);
