import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from './errors.ts';

/**
 * What a release engineer needs from a service while two versions run side by
 * side (blue-green, canary): which version answered, and — for the delivery
 * tests only — a version that fails on purpose.
 *
 * - `X-App-Version` on every response carries APP_VERSION (the chart sets it
 *   to the image tag), so a client, a load test or a person with curl sees
 *   which track served it. Unset: no header.
 * - FAULT_INJECTION_ERROR_PERCENT (0-100, default 0) answers that share of
 *   requests with 500, spread evenly (every n-th, not at random, so a short run
 *   measures the share it asked for). Health, readiness and /metrics are never
 *   failed: the pods must become ready for the faulty version to receive
 *   traffic and be caught by its metrics. It exists so a test can ship a "bad
 *   canary" built from the real app (the images take it as a build argument);
 *   nothing in a chart sets it.
 */
export interface ReleaseTrackOptions {
  version: string | undefined;
  faultPercent: number;
}

// Paths that report on the process rather than serve users.
const NEVER_FAILED = /(^|\/)(healthz|readyz|health|readiness|metrics)(\/|$|\?)/;

export const releaseTrackPlugin = fp(
  async (app: FastifyInstance, options: ReleaseTrackOptions) => {
    const { version, faultPercent } = options;
    if (version !== undefined) {
      app.addHook('onRequest', async (_request, reply) => {
        reply.header('x-app-version', version);
      });
    }
    if (faultPercent > 0) {
      let served = 0;
      app.addHook('onRequest', async (request) => {
        if (NEVER_FAILED.test(request.url)) return;
        served += 1;
        // Fails request n when floor(n·p/100) steps up: exactly p of every 100.
        if (Math.floor((served * faultPercent) / 100) > Math.floor(((served - 1) * faultPercent) / 100)) {
          throw new HttpError(500, 'fault injected (FAULT_INJECTION_ERROR_PERCENT)');
        }
      });
    }
  },
  { name: 'berth-release-track', fastify: '5.x' },
);
