import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Security headers on every response, the HTML docs page included:
 * Content-Security-Policy (helmet's default: scripts only from this origin,
 * no plugins, frame-ancestors 'self'), X-Content-Type-Options: nosniff,
 * Referrer-Policy: no-referrer, X-Frame-Options: SAMEORIGIN, and
 * Strict-Transport-Security for when a TLS ingress fronts the service.
 */
export const securityHeadersPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(helmet, { global: true });
  },
  { name: 'berth-security-headers', fastify: '5.x' },
);

/** For responses that carry a credential (a token): no cache, proxy or browser may keep a copy. */
export const NO_STORE = { 'cache-control': 'no-store' } as const;
