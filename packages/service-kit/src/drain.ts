import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Health } from './health.ts';

/**
 * Once draining, each response closes its connection: keep-alive clients
 * reconnect through the Service to another pod, and no idle connection holds
 * the listener open past the in-flight requests.
 */
export const drainPlugin = fp<{ health: Health }>(
  async (app: FastifyInstance, { health }) => {
    app.addHook('onSend', async (_request, reply) => {
      if (health.draining) reply.header('connection', 'close');
    });
  },
  { name: 'berth-drain', fastify: '5.x' },
);
