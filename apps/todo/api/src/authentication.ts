import { HttpError, type Logger } from '@berth/service-kit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { SharedStateUnavailableError } from './redis.ts';
import type { RevocationList } from './revocations.ts';
import type { TokenService } from './tokens.ts';

export interface AuthUser {
  id: string;
  tokenId: string;
  expiresAt: Date;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in caller, set by the `authenticate` hook; undefined on routes without it. */
    user: AuthUser | undefined;
  }
  interface FastifyInstance {
    /** A preValidation hook: checks the bearer token before the request is validated (401 before 400). */
    authenticate(request: FastifyRequest): Promise<void>;
  }
}

export interface AuthenticationDeps {
  tokens: TokenService;
  revocations: RevocationList;
  logger: Logger;
}

const challenge = (error?: string) => ({ 'www-authenticate': error ? `Bearer error="${error}"` : 'Bearer' });

/** Checks "Authorization: Bearer <token>": signature, claims, expiry, and the revocation list. */
async function verifyBearer(request: FastifyRequest, deps: AuthenticationDeps): Promise<AuthUser> {
  const header = request.headers.authorization;
  if (header === undefined) {
    throw new HttpError(
      401,
      'Sign in first: send "Authorization: Bearer <token>" from POST /api/auth/login',
      challenge(),
    );
  }
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header);
  if (match?.[1] === undefined) {
    throw new HttpError(401, 'The Authorization header must be "Bearer <token>"', challenge('invalid_request'));
  }
  const verified = await deps.tokens.verify(match[1]);
  if (verified === undefined) {
    throw new HttpError(401, 'The token is invalid or expired; sign in again', challenge('invalid_token'));
  }
  let revoked: boolean;
  try {
    revoked = await deps.revocations.isRevoked(verified.tokenId);
  } catch (error) {
    if (!(error instanceof SharedStateUnavailableError)) throw error;
    // Reads keep working through a Redis outage (this process still knows
    // its own logouts); changes wait until revocations can be checked.
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      throw new HttpError(503, 'The token revocation list cannot be reached; try again shortly', {
        'retry-after': '5',
      });
    }
    request.log.warn('revocation list unreachable; allowing a read');
    revoked = false;
  }
  if (revoked) {
    throw new HttpError(401, 'The token was revoked (signed out); sign in again', challenge('invalid_token'));
  }
  return { id: verified.userId, tokenId: verified.tokenId, expiresAt: verified.expiresAt };
}

/** Bearer-token sign-in as a hook routes opt into with `preValidation: app.authenticate`. */
export const authenticationPlugin = fp<AuthenticationDeps>(
  async (app: FastifyInstance, deps) => {
    app.decorateRequest('user', undefined);
    app.decorate('authenticate', async (request: FastifyRequest) => {
      request.user = await verifyBearer(request, deps);
    });
  },
  { name: 'todo-authentication', fastify: '5.x' },
);

/** The caller of a route that runs the `authenticate` hook. */
export function signedIn(request: FastifyRequest): AuthUser {
  if (request.user === undefined) throw new Error('route has no authenticate hook');
  return request.user;
}
