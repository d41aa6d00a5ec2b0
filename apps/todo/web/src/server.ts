// The local Todo web server: the built app as static files, and /api/...
// forwarded to the Todo API. It stands on the service kit (config, JSON logs,
// health, the shutdown order) like every Berth service, without a database.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Health, type Logger } from '@berth/service-kit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { apiProxy } from './api-proxy.ts';
import type { Config } from './config.ts';
import { cacheControl, SECURITY_HEADERS } from './security-headers.ts';

export interface WebServer {
  readonly app: FastifyInstance;
  readonly health: Health;
  listen(): Promise<string>;
  /** Readiness 503, drain, stop accepting, finish in-flight requests. */
  close(): Promise<void>;
}

export async function createWebServer(config: Config, logger: Logger): Promise<WebServer> {
  const app: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : crypto.randomUUID();
    },
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    trustProxy: config.TRUST_PROXY,
  });

  const health = new Health();
  const index = join(config.STATIC_DIR, 'index.html');
  health.addCheck('static files', async () => {
    if (!existsSync(index)) throw new Error(`${index} is missing: build the app (npm run -w apps/todo/web build)`);
  });

  // The same request log line as the kit's services: one per request, with route, status and duration.
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onSend', async (_request, reply) => {
    if (health.draining) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        path: request.url.split('?')[0],
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request completed',
    );
  });

  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    const state = await health.readiness();
    reply.code(state.ready ? 200 : 503);
    return { status: state.ready ? 'ready' : 'not ready', checks: state.checks };
  });

  apiProxy(app, config.API_URL);

  await app.register(fastifyStatic, {
    root: config.STATIC_DIR,
    wildcard: true,
    index: ['index.html'],
    cacheControl: false,
    setHeaders(reply, path) {
      const urlPath = `/${relative(config.STATIC_DIR, path)}`;
      reply.headers(SECURITY_HEADERS).header('cache-control', cacheControl(urlPath));
    },
  });
  // Any other page path is the app's (it reads its own URL); a missing file under /assets/ is a real 404.
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if ((request.method === 'GET' || request.method === 'HEAD') && !path.startsWith('/assets/')) {
      return reply.headers(SECURITY_HEADERS).header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply.code(404).send({ error: `No such file: ${path}` });
  });

  let closing: Promise<void> | undefined;
  return {
    app,
    health,
    listen: () => app.listen({ port: config.PORT, host: config.HOST }),
    close() {
      closing ??= (async () => {
        health.startDraining();
        logger.info({ drainMs: config.SHUTDOWN_DRAIN_MS }, 'shutting down: readiness is now 503');
        await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DRAIN_MS));
        await app.close();
        logger.info('shutdown complete');
      })();
      return closing;
    },
  };
}
