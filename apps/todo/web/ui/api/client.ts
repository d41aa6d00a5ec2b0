// The one way the UI talks to the API: same-origin `/api/...` requests typed
// by the generated OpenAPI types (openapi-fetch checks each path, parameter
// and body against them at compile time). It adds the bearer token and
// reports a refused token once, so every screen handles "session ended" alike.
import createClient, { type Middleware } from 'openapi-fetch';
import { ApiError, unreachable } from './errors.ts';
import type { paths } from './schema.generated.ts';

export interface ClientHooks {
  /** The current bearer token, or undefined when signed out. */
  token(): string | undefined;
  /** A request with a token was answered 401: the token expired or was revoked. */
  onSessionEnded(message: string): void;
}

export type ApiClient = ReturnType<typeof createApiClient>;

interface Answer<Data> {
  data?: Data;
  error?: unknown;
  response: Response;
}

export function createApiClient(hooks: ClientHooks) {
  const client = createClient<paths>({ baseUrl: '' });
  const authorize: Middleware = {
    onRequest({ request }) {
      const token = hooks.token();
      if (token !== undefined && !request.headers.has('authorization')) {
        request.headers.set('authorization', `Bearer ${token}`);
      }
      return request;
    },
  };
  client.use(authorize);

  /** Resolves with the body and response of a success; throws an ApiError otherwise. */
  async function unwrap<Data>(call: Promise<Answer<Data>>): Promise<{ data: Data; response: Response }> {
    let answer: Answer<Data>;
    try {
      answer = await call;
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw unreachable();
    }
    const { data, error, response } = answer;
    if (response.ok) return { data: data as Data, response };
    const message =
      typeof error === 'object' && error !== null && 'error' in error && typeof error.error === 'string'
        ? error.error
        : `The server answered ${response.status} ${response.statusText}`.trim();
    const sentToken = hooks.token() !== undefined;
    if (response.status === 401 && sentToken) hooks.onSessionEnded(message);
    throw new ApiError(response.status, message);
  }

  return { raw: client, unwrap };
}

/** The `cursor` of the `Link: <...>; rel="next"` header, if there is a next page. */
export function nextCursor(response: Response): string | undefined {
  const link = response.headers.get('link');
  const target = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1] : undefined;
  if (target === undefined) return undefined;
  return new URL(target, 'http://localhost').searchParams.get('cursor') ?? undefined;
}
