import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export type Check = () => Promise<void>;

export interface Readiness {
  ready: boolean;
  /** Per dependency: "ok", or the reason it is not. */
  checks: Record<string, string>;
}

/**
 * Liveness answers "is this process able to serve at all" and nothing else:
 * a dependency outage must not make Kubernetes restart healthy pods.
 * Readiness answers "should traffic come here now": every dependency check
 * passes and shutdown has not begun.
 */
export class Health {
  #checks = new Map<string, Check>();
  #draining = false;

  addCheck(name: string, check: Check): void {
    this.#checks.set(name, check);
  }

  /** From now on readiness is 503, so endpoints drop this instance before it stops. */
  startDraining(): void {
    this.#draining = true;
  }

  get draining(): boolean {
    return this.#draining;
  }

  async readiness(): Promise<Readiness> {
    const checks: Record<string, string> = {};
    await Promise.all(
      [...this.#checks].map(async ([name, check]) => {
        try {
          await check();
          checks[name] = 'ok';
        } catch (error) {
          checks[name] = error instanceof Error ? error.message : String(error);
        }
      }),
    );
    if (this.#draining) checks.shutdown = 'shutting down';
    return { ready: Object.values(checks).every((state) => state === 'ok'), checks };
  }
}

/** /healthz (liveness) and /readyz (readiness), outside the OpenAPI document. */
export const healthPlugin = fp<{ health: Health }>(
  async (app: FastifyInstance, { health }) => {
    app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
    app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
      const state = await health.readiness();
      reply.code(state.ready ? 200 : 503);
      return { status: state.ready ? 'ready' : 'not ready', checks: state.checks };
    });
  },
  { name: 'berth-health', fastify: '5.x' },
);
