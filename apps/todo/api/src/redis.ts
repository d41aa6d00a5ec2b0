import type { Logger } from '@berth/service-kit';
import type { Redis } from 'ioredis';

/** Raised when Redis cannot answer; callers decide whether to fail closed (503) or carry on. */
export class SharedStateUnavailableError extends Error {
  constructor(cause: unknown) {
    super('Redis is unavailable', { cause });
    this.name = 'SharedStateUnavailableError';
  }
}

/** Where Redis is, for logs: never the password. */
export function describeRedis(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.hostname}:${parsed.port || 6379}${parsed.pathname}`;
}

/**
 * A Redis client that fails fast instead of queueing: while Redis is down,
 * each command rejects at once (no offline queue) or after `timeoutMs`, so a
 * request never hangs on it; the client keeps reconnecting in the background.
 * ioredis is loaded here, not at start: a process without REDIS_URL (npm
 * start, a single replica) never loads its ~50 modules.
 */
export async function connectRedis(url: string, timeoutMs: number, logger: Logger): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    lazyConnect: false,
  });
  const where = describeRedis(url);
  let up = false;
  client.on('ready', () => {
    up = true;
    logger.info({ redis: where }, 'redis connected');
  });
  // ioredis emits an error per reconnect attempt; log the first of each outage only.
  client.on('error', (error: Error) => {
    if (!up) return;
    up = false;
    logger.warn({ redis: where, reason: error.message }, 'redis unavailable; reconnecting');
  });
  client.on('end', () => {
    up = false;
  });
  return client;
}

/** Runs a Redis call, turning any failure to reach Redis into SharedStateUnavailableError. */
export async function viaRedis<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new SharedStateUnavailableError(error);
  }
}
