import { createHash } from 'node:crypto';
import { HttpError, jsonResponse, type Logger, NO_STORE, type ServiceApp, z } from '@berth/service-kit';
import type { FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import { account, credentials, loginBody, registration, session } from '../accounts-schema.ts';
import { BEARER, BODY_ERRORS, errors } from '../api-errors.ts';
import { signedIn } from '../authentication.ts';
import { type Argon2Cost, decoyHash, hashPassword, verifyPassword } from '../passwords.ts';
import {
  type Backoff,
  type CounterStore,
  clearBackoff,
  consume,
  consumeWithBackoff,
  type Limit,
  LimitExceeded,
} from '../rate-limit.ts';
import { SharedStateUnavailableError } from '../redis.ts';
import type { RevocationList } from '../revocations.ts';
import type { TokenService } from '../tokens.ts';
import type { UsersRepository } from '../users-repository.ts';

export interface AuthDeps {
  users: UsersRepository;
  tokens: TokenService;
  revocations: RevocationList;
  limits: CounterStore;
  argon2: Argon2Cost;
  loginLimits: { perAddress: Limit; failuresPerClientAndAccount: Backoff };
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
const tags = ['accounts'];

/** Accounts: register, sign in and out, and who am I. */
export function authRoutes(app: ServiceApp, deps: AuthDeps): void {
  let decoy: Promise<string> | undefined;

  app.post(
    '/api/auth/register',
    {
      schema: {
        operationId: 'register',
        summary: 'Create an account',
        tags,
        body: credentials,
        response: {
          201: jsonResponse('The new account, signed in: its first bearer token comes with it.', registration),
          ...errors(...BODY_ERRORS, 409, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { body } = request;
      await limited(
        () => consume(deps.limits, `register:addr:${clientAddress(request)}`, deps.registerLimit),
        () => undefined,
      );
      const row = await deps.users.create(body.email, await hashPassword(body.password, deps.argon2));
      if (row === undefined) throw new HttpError(409, 'An account with this email already exists; sign in instead');
      const issued = await deps.tokens.issue(row.id);
      reply.code(201).headers(NO_STORE);
      return { ...row, token: issued.token, token_type: 'bearer' as const, expires_at: issued.expiresAt };
    },
  );

  app.post(
    '/api/auth/login',
    {
      schema: {
        operationId: 'login',
        summary: 'Sign in: exchange email and password for a bearer token',
        tags,
        body: loginBody,
        response: { 200: jsonResponse('A bearer token.', session), ...errors(...BODY_ERRORS, 401, 429, 503) },
      },
    },
    async (request, reply) => {
      const { body } = request;
      // Failures are counted per client address AND account: a stranger's
      // guesses slow the stranger down, never the owner signing in from
      // elsewhere. Keyed by a digest, so the store never holds the email itself.
      const account = createHash('sha256').update(body.email).digest('base64url');
      const failuresKey = `login:fail:${account}:${clientAddress(request)}`;
      const rateLimited = () => deps.logins.inc({ outcome: 'rate_limited' });
      // Every attempt counts before the password is checked (so parallel
      // guesses cannot slip past a check-then-count), and a success clears
      // the count: the limit is on failures in a row, with backoff.
      await limited(async () => {
        await consume(deps.limits, `login:addr:${clientAddress(request)}`, deps.loginLimits.perAddress);
        await consumeWithBackoff(deps.limits, failuresKey, deps.loginLimits.failuresPerClientAndAccount);
      }, rateLimited);
      const user = await deps.users.byEmail(body.email);
      decoy ??= decoyHash(deps.argon2);
      const valid = await verifyPassword(body.password, user?.password_hash ?? (await decoy));
      if (user === undefined || !valid) {
        deps.logins.inc({ outcome: 'failure' });
        throw new HttpError(401, 'Wrong email or password');
      }
      await limited(() => clearBackoff(deps.limits, failuresKey), rateLimited);
      deps.logins.inc({ outcome: 'success' });
      const issued = await deps.tokens.issue(user.id);
      reply.headers(NO_STORE);
      return { token: issued.token, token_type: 'bearer' as const, expires_at: issued.expiresAt };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      preValidation: app.authenticate,
      schema: {
        operationId: 'logout',
        summary: 'Sign out: revoke this token on every replica',
        tags,
        security: BEARER,
        response: { 204: z.undefined().meta({ description: 'The token is revoked.' }), ...errors(401, 503) },
      },
    },
    async (request, reply) => {
      const user = signedIn(request);
      try {
        await deps.revocations.revoke(user.tokenId, user.expiresAt);
      } catch (error) {
        if (!(error instanceof SharedStateUnavailableError)) throw error;
        throw new HttpError(503, 'Could not sign out on every replica (Redis is unreachable); try again shortly', {
          'retry-after': '5',
        });
      }
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/auth/me',
    {
      preValidation: app.authenticate,
      schema: {
        operationId: 'me',
        summary: 'The signed-in account',
        tags,
        security: BEARER,
        response: { 200: jsonResponse('The account of the token.', account), ...errors(401, 503) },
      },
    },
    async (request) => {
      const row = await deps.users.byId(signedIn(request).id);
      if (row === undefined) throw new HttpError(401, 'The account of this token no longer exists; sign in again');
      return row;
    },
  );
}
