import type { Queryable } from '@berth/service-kit';
import type { Redis } from 'ioredis';
import { viaRedis } from './redis.ts';

/**
 * Fixed-window counters: how many times a key was hit in the current window
 * and how long until the window resets. In Redis or the database they are
 * shared by every replica and survive restarts; in memory (tests) they hold
 * for this process only.
 */
export interface Window {
  count: number;
  resetInMs: number;
}

export interface CounterStore {
  readonly shared: boolean;
  /** Adds one to `key` and returns the window after the hit. */
  hit(key: string, windowMs: number): Promise<Window>;
  /** The current window of `key` without counting a hit (count 0 when there is none). */
  peek(key: string): Promise<Window>;
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

  async peek(key: string): Promise<Window> {
    const now = this.#now();
    const entry = this.#windows.get(key);
    return entry === undefined || entry.resetAt <= now
      ? { count: 0, resetInMs: 0 }
      : { count: entry.count, resetInMs: entry.resetAt - now };
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

// One statement per hit: a new window, or one more in the current one. The
// row lock of the upsert makes concurrent hits count one by one.
const HIT_SQL = `
INSERT INTO rate_limits AS r (key, count, reset_at)
VALUES ($1, 1, now() + $2 * interval '1 millisecond')
ON CONFLICT (key) DO UPDATE SET
  count = CASE WHEN r.reset_at <= now() THEN 1 ELSE r.count + 1 END,
  reset_at = CASE WHEN r.reset_at <= now() THEN EXCLUDED.reset_at ELSE r.reset_at END
RETURNING count, GREATEST(0, ceil(extract(epoch FROM r.reset_at - now()) * 1000))::integer AS reset_in_ms`;

/** Counters in the service's own database: what keeps limits across restarts when there is no Redis. */
export class DatabaseCounterStore implements CounterStore {
  readonly shared = true;
  readonly #db: Queryable;
  #hits = 0;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async hit(key: string, windowMs: number): Promise<Window> {
    // Expired windows are swept now and then, so the table stays small.
    if (++this.#hits % 1000 === 0) await this.#db.query('DELETE FROM rate_limits WHERE reset_at < now()');
    const [row] = await this.#db.query<{ count: number; reset_in_ms: number }>(HIT_SQL, [key, windowMs]);
    return { count: row?.count ?? 1, resetInMs: row?.reset_in_ms ?? windowMs };
  }

  async peek(key: string): Promise<Window> {
    const [row] = await this.#db.query<{ count: number; reset_in_ms: number }>(
      `SELECT count, GREATEST(0, ceil(extract(epoch FROM reset_at - now()) * 1000))::integer AS reset_in_ms
       FROM rate_limits WHERE key = $1 AND reset_at > now()`,
      [key],
    );
    return row === undefined ? { count: 0, resetInMs: 0 } : { count: row.count, resetInMs: row.reset_in_ms };
  }

  async reset(key: string): Promise<void> {
    await this.#db.query('DELETE FROM rate_limits WHERE key = $1', [key]);
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

export interface Backoff {
  /** Attempts allowed in a window before the client must wait. */
  max: number;
  /** The first window; each time the limit is hit again the next one doubles… */
  baseWindowMs: number;
  /** …up to this. */
  maxWindowMs: number;
}

/**
 * Counts one attempt against `key` with backoff instead of a lockout: `max`
 * attempts per window; over that, LimitExceeded until the window ends, and
 * every window in which the limit is reached again is twice as long as the
 * one before (up to maxWindowMs). The strikes are remembered for four
 * maximum windows, so coming back later does not reset the backoff.
 */
export async function consumeWithBackoff(store: CounterStore, key: string, backoff: Backoff): Promise<void> {
  const strikesKey = `${key}:strikes`;
  const strikes = (await store.peek(strikesKey)).count;
  const windowMs = Math.min(backoff.maxWindowMs, backoff.baseWindowMs * 2 ** strikes);
  const window = await store.hit(key, windowMs);
  if (window.count <= backoff.max) return;
  if (window.count === backoff.max + 1) await store.hit(strikesKey, backoff.maxWindowMs * 4);
  throw new LimitExceeded(window.resetInMs);
}

/** After a success: the attempts and the strikes of `key` start over. */
export async function clearBackoff(store: CounterStore, key: string): Promise<void> {
  await store.reset(key);
  await store.reset(`${key}:strikes`);
}
