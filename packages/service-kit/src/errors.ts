import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchemaValidationError,
  RouteHandlerMethod,
} from 'fastify';
import fp from 'fastify-plugin';
import { DatabaseUnavailableError } from './database/index.ts';

/**
 * An error whose message is safe and useful to show the client, sent with its
 * own status (a 503 or 429 included) and any headers it carries (Retry-After,
 * WWW-Authenticate).
 */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(statusCode: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.headers = headers;
  }
}

/** A failed schema check as one line naming each bad field: "title: must not be empty; tags.0: …". */
export function validationMessage(issues: readonly FastifySchemaValidationError[]): string {
  return issues
    .map((issue) => {
      const field = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
      return field === '' ? (issue.message ?? 'is invalid') : `${field}: ${issue.message ?? 'is invalid'}`;
    })
    .join('; ');
}

// Fastify's own request errors, reworded for the person reading the response.
function clientMessage(error: FastifyError, bodyLimit: number): string | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `Request body is too large: the limit is ${bodyLimit} bytes`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported Content-Type: send the body as application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'Request body is empty: send a JSON object';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'Request body is not valid JSON';
    default:
      return undefined;
  }
}

export interface ErrorsOptions {
  bodyLimit: number;
  /** Answers requests no route matched; without it, 404 {"error": "No route for …"}. */
  notFound?: RouteHandlerMethod | undefined;
}

/**
 * Every error leaves as `{"error": "<message>"}`. Client mistakes keep their
 * 4xx status with a message that says what to change; an unreachable database
 * is 503 (retry later); only a defect in our code is a 500, logged in full and
 * shown to the client without internals.
 */
export const errorsPlugin = fp<ErrorsOptions>(
  async (app: FastifyInstance, { bodyLimit, notFound }) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof DatabaseUnavailableError) {
        request.log.warn({ err: error.cause }, 'database unavailable');
        return reply
          .code(503)
          .header('retry-after', '5')
          .send({ error: 'The database is unavailable; try again shortly' });
      }
      if (error instanceof HttpError) {
        if (error.statusCode >= 500) request.log.warn({ status: error.statusCode, reason: error.message }, 'refused');
        return reply.code(error.statusCode).headers(error.headers).send({ error: error.message });
      }
      if (error.validation) {
        return reply.code(400).send({ error: validationMessage(error.validation) });
      }
      const status = error.statusCode ?? 500;
      if (status >= 500) {
        request.log.error({ err: error }, 'request failed');
        return reply.code(500).send({ error: 'Internal server error' });
      }
      if (error instanceof SyntaxError) {
        return reply.code(400).send({ error: 'Request body is not valid JSON' });
      }
      return reply.code(status).send({ error: clientMessage(error, bodyLimit) ?? error.message });
    });
    app.setNotFoundHandler(
      notFound ??
        ((request, reply) =>
          reply.code(404).send({ error: `No route for ${request.method} ${request.url.split('?')[0]}` })),
    );
  },
  { name: 'berth-errors', fastify: '5.x' },
);

// Errors Node's HTTP parser raises before Fastify sees a request, by code.
const PARSER_ERRORS: Record<string, [number, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request was not received in time; send the whole request at once'],
  HPE_HEADER_OVERFLOW: [431, 'The request headers are too large'],
};

/**
 * Answers a request Node's HTTP parser refused (malformed, too slow, headers
 * too large) with the same {"error"} shape as every other error; the
 * connection is then closed, as Node itself does.
 */
export function clientErrorHandler(
  this: { log: { debug(object: object, message: string): void } },
  error: NodeJS.ErrnoException,
  socket: import('node:net').Socket,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] = PARSER_ERRORS[error.code ?? ''] ?? [400, 'The request is not valid HTTP/1.1'];
  this.log.debug({ code: error.code, status }, 'client error');
  const body = JSON.stringify({ error: message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/** Errors Fastify raises while routing (a URL that cannot be decoded, …): 400 in the one shape. */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const message = error.code === 'FST_ERR_BAD_URL' ? 'The URL is not valid: check its %-escapes' : error.message;
  reply.code(400).send({ error: message });
}
