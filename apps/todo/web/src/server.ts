// The local Todo web server: the built app as static files, and /api/...
// forwarded to the Todo API. It stands on the service kit like every Berth
// service (config, JSON logs, request ids, errors, /metrics, /healthz,
// /readyz, the shutdown order); only the serving of the app is its own.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createHttpService, type HttpService, type Logger } from '@berth/service-kit';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiProxy } from './api-proxy.ts';
import type { Config } from './config.ts';
import { cacheControl, SECURITY_HEADERS } from './security-headers.ts';

const NAME = 'todo-web';

/** The Todo web server on the service kit, ready to listen. */
export async function createWebServer(config: Config, logger?: Logger): Promise<HttpService> {
  // Any other page path is the app's (it reads its own URL); a missing file under /assets/ is a real 404.
  const notFound = (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    if ((request.method === 'GET' || request.method === 'HEAD') && !path.startsWith('/assets/')) {
      return reply.headers(SECURITY_HEADERS).header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply.code(404).send({ error: `No such file: ${path}` });
  };
  const service = await createHttpService({ name: NAME, config, notFound, ...(logger ? { logger } : {}) });

  const index = join(config.STATIC_DIR, 'index.html');
  service.health.addCheck('static files', async () => {
    if (!existsSync(index)) throw new Error(`${index} is missing: build the app (npm run -w apps/todo/web build)`);
  });

  apiProxy(service.app, config.API_URL);

  // The app's own headers replace the kit's defaults (its stricter Content-Security-Policy included).
  await service.app.register(fastifyStatic, {
    root: config.STATIC_DIR,
    wildcard: true,
    index: ['index.html'],
    cacheControl: false,
    setHeaders(reply, path) {
      const urlPath = `/${relative(config.STATIC_DIR, path)}`;
      reply.headers(SECURITY_HEADERS).header('cache-control', cacheControl(urlPath));
    },
  });
  return service;
}
