import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createService, type Logger, type Service } from '@berth/service-kit';
import { Counter } from 'prom-client';
import { authenticationPlugin } from './authentication.ts';
import { addAssistant } from './chat/assistant.ts';
import type { Config } from './config.ts';
import { type CounterStore, DatabaseCounterStore, RedisCounterStore } from './rate-limit.ts';
import { connectRedis, describeRedis } from './redis.ts';
import { DatabaseRevocationList, RedisRevocationList, type RevocationList } from './revocations.ts';
import { authRoutes } from './routes/auth.ts';
import { todoHealthRoutes } from './routes/health.ts';
import { cursorCodec, taskRoutes } from './routes/tasks.ts';
import { tasksRepository } from './tasks-repository.ts';
import { tokenService } from './tokens.ts';
import { usersRepository } from './users-repository.ts';

const MIGRATIONS = fileURLToPath(new URL('../migrations', import.meta.url));
const NAME = 'todo-api';
const REDIS_PREFIX = 'berth-todo:';

/**
 * The JWT secret: JWT_SECRET, else JWT_SECRET_KEY (an older name). In
 * development with neither, a random one is made once and kept beside the
 * embedded database, so `npm start` needs no setup and sign-ins survive restarts.
 */
function jwtSecret(config: Config, logger: Logger): string {
  const given = config.JWT_SECRET ?? config.JWT_SECRET_KEY;
  if (given !== undefined) {
    if (Buffer.byteLength(given) < 32) logger.warn('JWT_SECRET is shorter than 32 bytes (allowed in development only)');
    return given;
  }
  const file = join(resolve(config.DATA_DIR), `${NAME}.jwt-secret`);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    logger.warn({ file }, 'development: no JWT_SECRET set; generated one');
  }
  return readFileSync(file, 'utf8').trim();
}

/** The Todo API on the service kit, ready to listen. */
export async function buildTodoApi(config: Config, logger?: Logger): Promise<Service> {
  const service = await createService({
    name: NAME,
    config,
    migrationsDir: MIGRATIONS,
    api: {
      title: 'Berth Todo API',
      version: '0.1.0',
      description:
        'Accounts and per-user tasks. Sign in with POST /api/auth/login and send the token as "Authorization: Bearer <token>". Every error is {"error": "..."}.',
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    ...(logger ? { logger } : {}),
  });
  const { app, health, metrics } = service;
  const secret = jwtSecret(config, service.logger);

  let limits: CounterStore = new DatabaseCounterStore(service.db);
  let revocations: RevocationList = new DatabaseRevocationList(service.db);
  const redis =
    config.REDIS_URL === undefined
      ? undefined
      : await connectRedis(config.REDIS_URL, config.REDIS_TIMEOUT_MS, service.logger);
  if (redis !== undefined && config.REDIS_URL !== undefined) {
    service.logger.info({ redis: describeRedis(config.REDIS_URL) }, 'rate limits and revocations shared through redis');
    limits = new RedisCounterStore(redis, REDIS_PREFIX);
    revocations = new RedisRevocationList(redis, `${REDIS_PREFIX}revoked:`);
    health.addCheck('redis', async () => {
      try {
        await redis.ping();
      } catch {
        throw new Error('unreachable');
      }
    });
  } else {
    service.logger.info('no REDIS_URL: rate limits and revocations are kept in the database');
  }
  const mode = redis === undefined ? 'database' : 'redis';

  // Sign-in outcomes: a rise in failures or rate_limited is credential stuffing or a broken client.
  const logins = new Counter({
    name: 'todo_logins_total',
    help: 'Login attempts by outcome: success, failure (wrong email or password), rate_limited.',
    labelNames: ['outcome'] as const,
    registers: [metrics.registry],
  });
  for (const outcome of ['success', 'failure', 'rate_limited']) logins.inc({ outcome }, 0);

  const tokens = tokenService({
    secret,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ttlSeconds: config.JWT_TTL_SECONDS,
  });
  const windowMs = config.RATE_LIMIT_WINDOW_SECONDS * 1000;
  await app.register(authenticationPlugin, { tokens, revocations, logger: service.logger });
  authRoutes(app, {
    users: usersRepository(service.db),
    tokens,
    revocations,
    limits,
    argon2: { memoryKiB: config.ARGON2_MEMORY_KIB, passes: config.ARGON2_PASSES, parallelism: 1 },
    loginLimits: {
      perAddress: { max: config.LOGIN_LIMIT_PER_ADDRESS, windowMs },
      failuresPerClientAndAccount: {
        max: config.LOGIN_FAILURES_PER_ACCOUNT,
        baseWindowMs: config.LOGIN_BACKOFF_SECONDS * 1000,
        maxWindowMs: windowMs,
      },
    },
    registerLimit: { max: config.REGISTER_LIMIT_PER_ADDRESS, windowMs },
    logins,
    logger: service.logger,
  });
  const taskDeps = { tasks: tasksRepository(service.db), cursors: cursorCodec(secret) };
  await app.register(taskRoutes, { prefix: '/api', ...taskDeps, userInPath: false });
  await app.register(taskRoutes, { prefix: '/api/:user_id', ...taskDeps, userInPath: true });
  await addAssistant(service, config);
  todoHealthRoutes(app, health, mode);

  return {
    ...service,
    async close() {
      await service.close();
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}
