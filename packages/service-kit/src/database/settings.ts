import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { env } from '../config.ts';

/**
 * The variables that choose a database, in the order they win: a URL
 * (DATABASE_URL, or DB_URL), then the pieces a ConfigMap + Secret pair
 * usually holds (DB_HOST, DB_PORT, DB_NAME, POSTGRES_USER,
 * POSTGRES_PASSWORD), else the embedded database under DATA_DIR.
 */
export const databaseVariables = {
  DATABASE_URL: env.optionalString(),
  DB_URL: env.optionalString(),
  DB_HOST: env.optionalString(),
  DB_PORT: env.port(5432),
  DB_NAME: env.optionalString(),
  POSTGRES_USER: env.optionalString(),
  POSTGRES_PASSWORD: env.optionalString(),
  DB_POOL_MAX: env.integer({ default: 10, min: 1, max: 100 }),
  // Connections opened before the service reports ready and kept however long they idle:
  // a new pod's first requests, and the first after a quiet spell, find one open instead
  // of paying for TCP, a server process and SCRAM while the pod's CPU is at its busiest.
  // Unset: 2, or DB_POOL_MAX when that is smaller.
  DB_POOL_MIN: env.integer({ min: 0, max: 100 }).optional(),
  DB_CONNECT_TIMEOUT_MS: env.integer({ default: 5000, min: 100, max: 120_000 }),
  // Longest wait for one statement's answer. With DB_CONNECT_TIMEOUT_MS it
  // bounds a request whose database stopped answering: 503 within their sum.
  DB_QUERY_TIMEOUT_MS: env.integer({ default: 5000, min: 100, max: 600_000 }),
  DATA_DIR: env.string('.data'),
};

type DatabaseVariables = z.output<z.ZodObject<typeof databaseVariables>>;

/** Cross-variable rules, for a service schema's superRefine. */
export function checkDatabaseVariables(config: DatabaseVariables, ctx: z.RefinementCtx): void {
  for (const name of ['DATABASE_URL', 'DB_URL'] as const) {
    const url = config[name];
    if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'must be a postgres:// or postgresql:// URL' });
    }
  }
  if (config.DB_POOL_MIN !== undefined && config.DB_POOL_MIN > config.DB_POOL_MAX) {
    ctx.addIssue({
      code: 'custom',
      path: ['DB_POOL_MIN'],
      message: `must not be more than DB_POOL_MAX (${config.DB_POOL_MAX})`,
    });
  }
  if (config.DATABASE_URL === undefined && config.DB_URL === undefined && config.DB_HOST !== undefined) {
    for (const name of ['DB_NAME', 'POSTGRES_USER', 'POSTGRES_PASSWORD'] as const) {
      if (config[name] === undefined) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'is required when DB_HOST is set' });
      }
    }
  }
}

export type DatabaseTarget =
  | {
      kind: 'postgres';
      connectionString: string;
      maxConnections: number;
      minConnections: number;
      connectTimeoutMs: number;
      queryTimeoutMs: number;
    }
  | { kind: 'embedded'; dataDir: string };

export function databaseTarget(config: DatabaseVariables, service: string): DatabaseTarget {
  const pool = {
    maxConnections: config.DB_POOL_MAX,
    minConnections: config.DB_POOL_MIN ?? Math.min(2, config.DB_POOL_MAX),
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    queryTimeoutMs: config.DB_QUERY_TIMEOUT_MS,
  };
  const url = config.DATABASE_URL ?? config.DB_URL;
  if (url !== undefined) return { kind: 'postgres', connectionString: url, ...pool };
  if (config.DB_HOST !== undefined) {
    const user = encodeURIComponent(config.POSTGRES_USER ?? '');
    const password = encodeURIComponent(config.POSTGRES_PASSWORD ?? '');
    const name = encodeURIComponent(config.DB_NAME ?? '');
    const host = config.DB_HOST.includes(':') ? `[${config.DB_HOST}]` : config.DB_HOST;
    return {
      kind: 'postgres',
      connectionString: `postgresql://${user}:${password}@${host}:${config.DB_PORT}/${name}`,
      ...pool,
    };
  }
  // Each service keeps its own embedded database, so apps sharing DATA_DIR never collide.
  return { kind: 'embedded', dataDir: join(resolve(config.DATA_DIR), service) };
}

/** Where the service's data lives, for logs: never includes a password. */
export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === 'embedded') return `embedded PostgreSQL in ${target.dataDir}`;
  const url = new URL(target.connectionString);
  return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
}
