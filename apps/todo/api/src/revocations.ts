import type { Queryable } from '@berth/service-kit';
import type { Redis } from 'ioredis';
import { viaRedis } from './redis.ts';

/**
 * Token ids revoked by logout, kept until the token would have expired anyway.
 * Redis, or without it the database, shares them with every replica and keeps
 * them across restarts; with Redis this process also remembers its own
 * revocations, so a logout here holds here even while Redis is away.
 */
export interface RevocationList {
  readonly shared: boolean;
  revoke(tokenId: string, expiresAt: Date): Promise<void>;
  isRevoked(tokenId: string): Promise<boolean>;
}

export class MemoryRevocationList implements RevocationList {
  readonly shared = false;
  readonly #revoked = new Map<string, number>();

  async revoke(tokenId: string, expiresAt: Date): Promise<void> {
    const now = Date.now();
    for (const [id, until] of this.#revoked) if (until <= now) this.#revoked.delete(id);
    this.#revoked.set(tokenId, expiresAt.getTime());
  }

  async isRevoked(tokenId: string): Promise<boolean> {
    const until = this.#revoked.get(tokenId);
    return until !== undefined && until > Date.now();
  }
}

export class RedisRevocationList implements RevocationList {
  readonly shared = true;
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #local = new MemoryRevocationList();

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  async revoke(tokenId: string, expiresAt: Date): Promise<void> {
    await this.#local.revoke(tokenId, expiresAt);
    const at = Math.max(expiresAt.getTime(), Date.now() + 1000);
    await viaRedis(() => this.#redis.set(this.#prefix + tokenId, '1', 'PXAT', at));
  }

  async isRevoked(tokenId: string): Promise<boolean> {
    if (await this.#local.isRevoked(tokenId)) return true;
    return viaRedis(async () => (await this.#redis.exists(this.#prefix + tokenId)) === 1);
  }
}

/** Revocations in the service's own database: a logout holds across restarts when there is no Redis. */
export class DatabaseRevocationList implements RevocationList {
  readonly shared = true;
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async revoke(tokenId: string, expiresAt: Date): Promise<void> {
    await this.#db.query('DELETE FROM revoked_tokens WHERE expires_at < now()');
    await this.#db.query(
      'INSERT INTO revoked_tokens (token_id, expires_at) VALUES ($1, $2) ON CONFLICT (token_id) DO NOTHING',
      [tokenId, expiresAt],
    );
  }

  async isRevoked(tokenId: string): Promise<boolean> {
    const rows = await this.#db.query('SELECT 1 FROM revoked_tokens WHERE token_id = $1 AND expires_at > now()', [
      tokenId,
    ]);
    return rows.length > 0;
  }
}
