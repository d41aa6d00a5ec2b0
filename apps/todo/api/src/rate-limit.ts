import type { Redis } from 'ioredis';
import { viaRedis } from './redis.ts';

/**
 * Fixed-window counters: how many times a key was hit in the current window
 * and how long until the window resets. In Redis they are shared by every
 * replica; in memory they hold for this process only.
 */
export interface Window {
  count: number;
  resetInMs: number;
}

export interface CounterStore {
  readonly shared: boolean;
  /** Adds one to `key` and returns the window after the hit. */
  hit(key: string, windowMs: number): Promise<Window>;
  reset(key: string): Promise<void>;
}

export class MemoryCounterStore implements CounterStore {
  readonly shared = false;
  readonly #windows = new Map<string, { count: number; resetAt: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async hit(key: string, windowMs: number): Promise<Window> {
    const now = this.#now();
    this.#sweep(now);
    let entry = this.#windows.get(key);
    if (entry === undefined || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + windowMs };
      this.#windows.set(key, entry);
    }
    entry.count += 1;
    return { count: entry.count, resetInMs: entry.resetAt - now };
  }

  async reset(key: string): Promise<void> {
    this.#windows.delete(key);
  }

  get size(): number {
    return this.#windows.size;
  }

  // Bounded memory: expired windows are dropped once the map grows.
  #sweep(now: number): void {
    if (this.#windows.size < 10_000) return;
    for (const [key, entry] of this.#windows) if (entry.resetAt <= now) this.#windows.delete(key);
  }
}

// INCR and set the expiry in one step, so a window can never lose its expiry
// (a crash between two commands would otherwise block a key forever).
const HIT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

export class RedisCounterStore implements CounterStore {
  readonly shared = true;
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  hit(key: string, windowMs: number): Promise<Window> {
    return viaRedis(async () => {
      const [count, ttl] = (await this.#redis.eval(HIT, 1, this.#prefix + key, windowMs)) as [number, number];
      return { count, resetInMs: ttl };
    });
  }

  peek(key: string): Promise<Window> {
    return viaRedis(async () => {
      const result = await this.#redis
        .multi()
        .get(this.#prefix + key)
        .pttl(this.#prefix + key)
        .exec();
      const count = Number(result?.[0]?.[1] ?? 0);
      const ttl = Number(result?.[1]?.[1] ?? 0);
      return ttl > 0 ? { count, resetInMs: ttl } : { count: 0, resetInMs: 0 };
    });
  }

  reset(key: string): Promise<void> {
    return viaRedis(async () => void (await this.#redis.del(this.#prefix + key)));
  }
}

export interface Limit {
  /** Most hits allowed per window. */
  max: number;
  windowMs: number;
}

/** Raised when a limit is reached; `retryAfterSeconds` goes in the Retry-After header. */
export class LimitExceeded extends Error {
  readonly retryAfterSeconds: number;

  constructor(retryAfterMs: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(`Too many attempts; try again in ${seconds} seconds`);
    this.name = 'LimitExceeded';
    this.retryAfterSeconds = seconds;
  }
}

/** Counts one attempt against `key`; throws LimitExceeded once it is over `limit`. */
export async function consume(store: CounterStore, key: string, limit: Limit): Promise<void> {
  const window = await store.hit(key, limit.windowMs);
  if (window.count > limit.max) throw new LimitExceeded(window.resetInMs);
}
