import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, LogController, type RouteHandlerMethod } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { env } from './config.ts';
import { closeWithoutResets, drainPlugin, ResponseGate } from './drain.ts';
import { clientErrorHandler, errorsPlugin, frameworkErrors } from './errors.ts';
import { Health, healthPlugin } from './health.ts';
import { jsonBodyPlugin } from './json-body.ts';
import { createLogger, LOG_LEVELS, type Logger } from './logger.ts';
import { createMetrics, type Metrics, metricsPlugin } from './metrics.ts';
import { type ApiDocumentInfo, openapiPlugin } from './openapi.ts';
import { releaseTrackPlugin } from './release-track.ts';
import { requestsPlugin } from './requests.ts';
import { securityHeadersPlugin } from './security-headers.ts';

import type { ServiceApp } from './service.ts';

/** Variables every service reads, in addition to its own. */
export function serviceVariables(defaultPort: number) {
  return {
    PORT: env.port(defaultPort),
    HOST: env.string('0.0.0.0'),
    // Accepts "INFO" (as many ConfigMaps write it) as well as pino's "info".
    LOG_LEVEL: z
      .string()
      .default('info')
      .transform((level) => level.toLowerCase().replace(/^warning$/, 'warn'))
      .pipe(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })),
    BODY_LIMIT_BYTES: env.integer({ default: 64 * 1024, min: 1024, max: 16 * 1024 * 1024 }),
    // Longest time to receive a whole request, headers and body: a client that
    // stops sending gets 408 and the connection closes (within about a
    // second more: Node checks connections once a second).
    REQUEST_TIMEOUT_MS: env.integer({ default: 15_000, min: 1000, max: 600_000 }),
    // Time between readiness turning 503 and the listener closing, so that
    // Kubernetes removes the pod from Service endpoints before we stop accepting.
    SHUTDOWN_DRAIN_MS: env.integer({ default: 5000, min: 0, max: 120_000 }),
    // Hard bound on the rest of shutdown; keep drain + timeout below terminationGracePeriodSeconds.
    SHUTDOWN_TIMEOUT_MS: env.integer({ default: 15_000, min: 1000, max: 300_000 }),
    // The version this process serves, sent as X-App-Version on every
    // response (release-track.ts); the charts set it to the image tag.
    APP_VERSION: env.optionalString(),
    // Delivery tests only: fail this percentage of requests with 500 (release-track.ts).
    FAULT_INJECTION_ERROR_PERCENT: env.integer({ default: 0, min: 0, max: 100 }),
    READINESS_TIMEOUT_MS: env.integer({ default: 2000, min: 100, max: 60_000 }),
    // How long start-up waits for a database that cannot be reached, or is not
    // created yet, before giving up.
    // Pods often start before their database; waiting beats crash-looping.
    DB_STARTUP_TIMEOUT_MS: env.integer({ default: 60_000, min: 0, max: 600_000 }),
    // Which proxies to believe about the client address (X-Forwarded-For), so
    // per-client limits see clients, not the ingress: "true" (any), a hop
    // count, or comma-separated addresses/CIDRs. Unset: trust none.
    TRUST_PROXY: z
      .string()
      .optional()
      .transform((value): boolean | string | ((address: string, hop: number) => boolean) => {
        if (value === undefined || value === 'false') return false;
        if (value === 'true') return true;
        if (!/^\d+$/.test(value)) return value;
        const hops = Number(value);
        return (_address, hop) => hop < hops;
      }),
  };
}

/** The schema of a service without a database of its own: its variables plus the kit's. */
export function httpServiceConfigSchema<Shape extends z.ZodRawShape>(defaultPort: number, own: Shape) {
  return z.object({ ...serviceVariables(defaultPort), ...own });
}

export type HttpServiceConfig = z.output<z.ZodObject<ReturnType<typeof serviceVariables>>>;

export interface HttpServiceOptions {
  name: string;
  config: HttpServiceConfig;
  /** The API's OpenAPI document header (the operations come from the routes); without it, no document. */
  api?: ApiDocumentInfo;
  logger?: Logger;
  /**
   * Answers requests no route matched, for a service whose unmatched paths
   * are its own (a single-page app's pages); without it, 404 {"error"}.
   * Fastify allows one such handler per prefix, so the kit takes it here.
   */
  notFound?: RouteHandlerMethod;
}

/** The HTTP side every service shares: logs, request ids, errors, metrics, health, graceful close. */
export interface HttpService {
  readonly app: ServiceApp;
  readonly health: Health;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Starts listening; resolves with the address. */
  listen(): Promise<string>;
  /** Readiness 503, the drain delay, then stop accepting and finish in-flight requests. */
  close(): Promise<void>;
}

// Accept a caller's request id only if it is short and plain, so it cannot
// inject into logs; otherwise make one.
const SAFE_REQUEST_ID = /^[\w.-]{1,64}$/;

/** A service without a database (the MCP server); `createService` adds the database to one of these. */
export async function createHttpService(options: HttpServiceOptions): Promise<HttpService> {
  const { config, name } = options;
  const logger = options.logger ?? createLogger(name, config.LOG_LEVEL);
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    // One "request completed" line per request, written by requestsPlugin.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Requests that reach us during shutdown are served, not refused: readiness
    // has already steered new traffic away, and these clients were accepted.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    trustProxy: config.TRUST_PROXY,
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    // Passed on to http.createServer (Fastify types it for HTTP/2 only). Node
    // enforces requestTimeout only when headersTimeout is not longer, and
    // checks every connectionsCheckingInterval (30 s by default).
    http: {
      requestTimeout: config.REQUEST_TIMEOUT_MS,
      headersTimeout: config.REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: 1000,
    } as never,
    // Errors raised below the routes answer in the same {"error"} shape.
    clientErrorHandler,
    frameworkErrors,
  }).withTypeProvider<ZodTypeProvider>();
  // Routes declare zod schemas; Fastify validates input and serializes output with them.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const health = new Health();
  const metrics = createMetrics(name);
  metrics.watchReadiness(health);

  // The kit's concerns, each one plugin, in this order:
  // 1. errors first: a route keeps the error handler in force when it is
  //    added, so it must be set before any route, the kit's own included;
  // 2. requests next: hooks run in the order they were added, so its hooks
  //    run first on every request (the request id is on the reply before any
  //    other hook can fail) and it records the final status;
  //    the release track (version header, injected faults) right after, so
  //    an injected fault is counted like any other 500;
  // 3. security headers and drain: response headers every answer carries,
  //    errors and the docs page included;
  // 4. the JSON body parser, before any route that reads a body;
  // 5. metrics and health: plain routes, outside the API document;
  // 6. openapi last, and before the service's own routes: it collects each
  //    route's schemas as the route is added.
  await app.register(errorsPlugin, { bodyLimit: config.BODY_LIMIT_BYTES, notFound: options.notFound });
  await app.register(requestsPlugin, { metrics });
  await app.register(releaseTrackPlugin, {
    version: config.APP_VERSION,
    faultPercent: config.FAULT_INJECTION_ERROR_PERCENT,
  });
  if (config.FAULT_INJECTION_ERROR_PERCENT > 0) {
    // Meant for delivery tests only: whoever reads the logs of a failing pod must see why.
    logger.warn(
      { percent: config.FAULT_INJECTION_ERROR_PERCENT },
      'FAULT_INJECTION_ERROR_PERCENT is set: this share of requests is answered 500 on purpose',
    );
  }
  await app.register(securityHeadersPlugin);
  const gate = new ResponseGate();
  await app.register(drainPlugin, { health, gate });
  await app.register(jsonBodyPlugin);
  await app.register(metricsPlugin, { metrics });
  await app.register(healthPlugin, { health });
  if (options.api !== undefined) await app.register(openapiPlugin, options.api);

  let closing: Promise<void> | undefined;
  return {
    app,
    health,
    metrics,
    logger,
    listen: () => app.listen({ port: config.PORT, host: config.HOST }),
    close() {
      // Order matters: (1) readiness goes 503 so load balancers stop sending;
      // (2) keep serving for the drain delay while they notice, every answer
      // with Connection: close so keep-alive clients reconnect elsewhere;
      // (3) stop accepting, let connections already open deliver their
      // request and in-flight requests finish (closeWithoutResets).
      closing ??= (async () => {
        health.startDraining();
        logger.info({ drainMs: config.SHUTDOWN_DRAIN_MS }, 'shutting down: readiness is now 503');
        await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DRAIN_MS));
        await closeWithoutResets(app, gate);
      })();
      return closing;
    },
  };
}

/**
 * For a service's main: listen, and on SIGTERM or SIGINT run the graceful
 * shutdown, exiting 0 when it completes or 1 if it overruns its bound.
 */
export async function runService(
  service: Pick<HttpService, 'logger' | 'listen' | 'close'>,
  config: HttpServiceConfig,
): Promise<void> {
  const onSignal = (signal: NodeJS.Signals) => {
    service.logger.info({ signal }, 'signal received');
    const overrun = setTimeout(() => {
      service.logger.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown overran its bound; exiting');
      process.exit(1);
    }, config.SHUTDOWN_DRAIN_MS + config.SHUTDOWN_TIMEOUT_MS);
    overrun.unref();
    service.close().then(
      () => process.exit(0),
      (error: unknown) => {
        service.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  await service.listen();
}
