import { env, serviceConfigSchema, z } from '@berth/service-kit';
import { chatVariables } from './chat/chat-config.ts';

/**
 * Todo API settings. JWT_SECRET is also read as JWT_SECRET_KEY, the name the
 * older Secrets use. Outside development a secret of at least 32 bytes is
 * required; in development (npm start) one is generated and kept in DATA_DIR.
 */
export const configSchema = serviceConfigSchema(8000, {
  NODE_ENV: env.oneOf(['production', 'development', 'test'], 'production'),
  JWT_SECRET: env.optionalString(),
  JWT_SECRET_KEY: env.optionalString(),
  JWT_ISSUER: env.string('berth-todo-api'),
  JWT_AUDIENCE: env.string('berth-todo'),
  JWT_TTL_SECONDS: env.integer({ default: 24 * 3600, min: 60, max: 30 * 24 * 3600 }),
  // Shared rate limits and token revocations across replicas; without it both live in this process.
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  REDIS_TIMEOUT_MS: env.integer({ default: 1000, min: 50, max: 60_000 }),
  // Login attempts per client address per window, successful or not.
  LOGIN_LIMIT_PER_ADDRESS: env.integer({ default: 30, min: 1, max: 1_000_000 }),
  // Failed logins in a row on one account from one client address before
  // that client must wait; a success clears the count. Another address (the
  // owner's) is not affected.
  LOGIN_FAILURES_PER_ACCOUNT: env.integer({ default: 5, min: 1, max: 1_000_000 }),
  // The first wait; each further one doubles, up to RATE_LIMIT_WINDOW_SECONDS.
  LOGIN_BACKOFF_SECONDS: env.integer({ default: 30, min: 1, max: 86_400 }),
  REGISTER_LIMIT_PER_ADDRESS: env.integer({ default: 10, min: 1, max: 1_000_000 }),
  RATE_LIMIT_WINDOW_SECONDS: env.integer({ default: 900, min: 1, max: 86_400 }),
  // argon2id cost (OWASP's 19 MiB, 2 passes, 1 lane by default).
  ARGON2_MEMORY_KIB: env.integer({ default: 19_456, min: 64, max: 4 * 1024 * 1024 }),
  ARGON2_PASSES: env.integer({ default: 2, min: 1, max: 100 }),
  // The assistant: where the MCP server is, and an optional language model.
  ...chatVariables,
}).superRefine((config, ctx) => {
  const secret = config.JWT_SECRET ?? config.JWT_SECRET_KEY;
  if (config.NODE_ENV === 'development') return;
  if (secret === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['JWT_SECRET'],
      message: 'is required (or JWT_SECRET_KEY) outside development',
    });
  } else if (Buffer.byteLength(secret) < 32) {
    const name = config.JWT_SECRET === undefined ? 'JWT_SECRET_KEY' : 'JWT_SECRET';
    ctx.addIssue({ code: 'custom', path: [name], message: 'must be at least 32 bytes outside development' });
  }
});

export type Config = z.output<typeof configSchema>;
