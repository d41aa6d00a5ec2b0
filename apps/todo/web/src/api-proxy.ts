// Forwards /api/... to the Todo API, as nginx does in Kubernetes: the body is
// streamed through untouched (the API validates it and enforces its own size
// limit), hop-by-hop headers are dropped, and when the API cannot be reached
// the answer is a 503 in the API's own error format.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

export const API_UNAVAILABLE = { error: 'The API is unavailable; try again shortly' };

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  }
  return kept;
}

export function apiProxy(app: FastifyInstance, apiUrl: string): void {
  const base = new URL(apiUrl);
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;

  const forward = (request: FastifyRequest, reply: FastifyReply) => {
    const target = new URL(request.raw.url ?? '/', base);
    const upstream = send(
      target,
      {
        method: request.method,
        headers: {
          ...forwardable(request.headers),
          'x-request-id': request.id,
          'x-forwarded-for': request.ip,
          'x-forwarded-proto': request.protocol,
        },
      },
      (response) => {
        reply.code(response.statusCode ?? 502).headers(forwardable(response.headers));
        void reply.send(response);
      },
    );
    upstream.on('error', (error) => {
      request.log.warn({ err: error, target: base.origin }, 'the API could not be reached');
      if (!reply.sent) void reply.code(503).header('retry-after', '5').send(API_UNAVAILABLE);
    });
    request.raw.pipe(upstream);
    return reply;
  };

  void app.register(async (scope) => {
    // Leave request bodies unread so they stream to the API as they came.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.all('/api', forward);
    scope.all('/api/*', forward);
  });
}
