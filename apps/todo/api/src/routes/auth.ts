import { createHash } from 'node:crypto';
import { HttpError, type Logger, z } from '@berth/service-kit';
import type { FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import { type Authenticate, type AuthUser, operation } from '../contract.ts';
import { objectBody } from '../fields.ts';
import { type Argon2Cost, decoyHash, hashPassword, verifyPassword } from '../passwords.ts';
import { type CounterStore, consume, type Limit, LimitExceeded } from '../rate-limit.ts';
import { SharedStateUnavailableError } from '../redis.ts';
import type { RevocationList } from '../revocations.ts';
import type { TokenService } from '../tokens.ts';
import type { UserRow, UsersRepository } from '../users-repository.ts';

const email = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'must be an email address like ada@example.com' }).max(254))
  .meta({ format: 'email', maxLength: 254, description: 'Compared case-insensitively; stored in lower case.' });

const password = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .refine((value) => [...value].length >= 8, 'must be at least 8 characters')
  .refine((value) => [...value].length <= 128, 'must be at most 128 characters')
  .meta({ minLength: 8, maxLength: 128 });

const credentials = z.strictObject({ email, password }, objectBody);
// Logging in checks the password given, whatever its length, against the stored one.
const loginBody = z.strictObject({ email, password: z.string({ error: 'must be a string' }).max(1024) }, objectBody);

const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  created_at: z.iso.datetime(),
});

const tokenSchema = z.object({
  token: z.string().meta({ description: 'Send as "Authorization: Bearer <token>".' }),
  token_type: z.literal('bearer'),
  expires_at: z.iso.datetime(),
});

const serializeUser = (row: UserRow) => ({ id: row.id, email: row.email, created_at: row.created_at.toISOString() });

export interface AuthDeps {
  users: UsersRepository;
  tokens: TokenService;
  revocations: RevocationList;
  limits: CounterStore;
  argon2: Argon2Cost;
  loginLimits: { perAddress: Limit; failuresPerAccount: Limit };
  registerLimit: Limit;
  logins: Counter<'outcome'>;
  logger: Logger;
}

/** A limiter that cannot be asked refuses (fail closed) rather than letting guesses through. */
async function limited<T>(work: () => Promise<T>, onLimited: () => void): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof LimitExceeded) {
      onLimited();
      throw new HttpError(429, error.message, { 'retry-after': String(error.retryAfterSeconds) });
    }
    if (error instanceof SharedStateUnavailableError) {
      throw new HttpError(
        503,
        'Sign-in is briefly unavailable (the rate limiter cannot be reached); try again shortly',
        {
          'retry-after': '5',
        },
      );
    }
    throw error;
  }
}

const clientAddress = (request: FastifyRequest) => request.ip;

/** Checks "Authorization: Bearer <token>": signature, claims, expiry, and the revocation list. */
export function bearerAuthentication(deps: Pick<AuthDeps, 'tokens' | 'revocations' | 'logger'>): Authenticate {
  const challenge = (error?: string) => ({
    'www-authenticate': error ? `Bearer error="${error}"` : 'Bearer',
  });
  return async (request) => {
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
    if (revoked)
      throw new HttpError(401, 'The token was revoked (signed out); sign in again', challenge('invalid_token'));
    return { id: verified.userId, tokenId: verified.tokenId, expiresAt: verified.expiresAt } satisfies AuthUser;
  };
}

export function authOperations(deps: AuthDeps) {
  let decoy: Promise<string> | undefined;

  const register = operation({
    method: 'POST',
    path: '/api/auth/register',
    operationId: 'register',
    summary: 'Create an account',
    tag: 'accounts',
    auth: false,
    body: credentials,
    response: { status: 201, description: 'The new account.', schema: userSchema },
    errors: [409, 429, 503],
    async handler({ body, request }) {
      await limited(
        () => consume(deps.limits, `register:addr:${clientAddress(request)}`, deps.registerLimit),
        () => undefined,
      );
      const row = await deps.users.create(body.email, await hashPassword(body.password, deps.argon2));
      if (row === undefined) throw new HttpError(409, 'An account with this email already exists; sign in instead');
      return serializeUser(row);
    },
  });

  const login = operation({
    method: 'POST',
    path: '/api/auth/login',
    operationId: 'login',
    summary: 'Sign in: exchange email and password for a bearer token',
    tag: 'accounts',
    auth: false,
    body: loginBody,
    response: { status: 200, description: 'A bearer token.', schema: tokenSchema },
    errors: [401, 429, 503],
    async handler({ body, request }) {
      // Keyed by a digest, so Redis never holds the email address itself.
      const accountKey = `login:acct:${createHash('sha256').update(body.email).digest('base64url')}`;
      const rateLimited = () => deps.logins.inc({ outcome: 'rate_limited' });
      // Every attempt counts against the account before the password is
      // checked (so parallel guesses cannot slip past a check-then-count), and
      // a success clears the count: the limit is on failures in a row.
      await limited(async () => {
        await consume(deps.limits, `login:addr:${clientAddress(request)}`, deps.loginLimits.perAddress);
        await consume(deps.limits, accountKey, deps.loginLimits.failuresPerAccount);
      }, rateLimited);
      const user = await deps.users.byEmail(body.email);
      decoy ??= decoyHash(deps.argon2);
      const valid = await verifyPassword(body.password, user?.password_hash ?? (await decoy));
      if (user === undefined || !valid) {
        deps.logins.inc({ outcome: 'failure' });
        throw new HttpError(401, 'Wrong email or password');
      }
      await limited(() => deps.limits.reset(accountKey), rateLimited);
      deps.logins.inc({ outcome: 'success' });
      const issued = await deps.tokens.issue(user.id);
      return { token: issued.token, token_type: 'bearer' as const, expires_at: issued.expiresAt.toISOString() };
    },
  });

  const logout = operation({
    method: 'POST',
    path: '/api/auth/logout',
    operationId: 'logout',
    summary: 'Sign out: revoke this token on every replica',
    tag: 'accounts',
    auth: true,
    response: { status: 204, description: 'The token is revoked.' },
    errors: [503],
    async handler({ user }) {
      try {
        await deps.revocations.revoke(user.tokenId, user.expiresAt);
      } catch (error) {
        if (!(error instanceof SharedStateUnavailableError)) throw error;
        throw new HttpError(503, 'Could not sign out on every replica (Redis is unreachable); try again shortly', {
          'retry-after': '5',
        });
      }
    },
  });

  const me = operation({
    method: 'GET',
    path: '/api/auth/me',
    operationId: 'me',
    summary: 'The signed-in account',
    tag: 'accounts',
    auth: true,
    response: { status: 200, description: 'The account of the token.', schema: userSchema },
    errors: [503],
    async handler({ user }) {
      const row = await deps.users.byId(user.id);
      if (row === undefined) throw new HttpError(401, 'The account of this token no longer exists; sign in again');
      return serializeUser(row);
    },
  });

  return [register, login, logout, me];
}
