import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from './errors.ts';

// fatal: bytes that are not UTF-8 are an error, never silently U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Request bodies are JSON, in UTF-8, and nothing else. Fastify's own parser
 * decodes invalid UTF-8 to U+FFFD, which would store text that differs from
 * what the client sent; here such a body is a 400. Its built-in text/plain
 * parser is removed, so a plain-text body is a 415 instead of a string
 * reaching handlers that expect an object.
 */
export const jsonBodyPlugin = fp(
  async (app: FastifyInstance) => {
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser(['application/json', 'text/plain']);
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
      let text: string;
      try {
        text = utf8.decode(body as Buffer);
      } catch {
        done(new HttpError(400, 'Request body is not valid UTF-8: send JSON encoded as UTF-8'), undefined);
        return;
      }
      parseJson(request, text, done);
    });
  },
  { name: 'berth-json-body', fastify: '5.x' },
);
