import type { Redis } from 'ioredis';
import { viaRedis } from './redis.ts';

/**
 * Token ids revoked by logout, kept until the token would have expired anyway.
 * Redis shares them with every replica; this process always remembers its own
 * revocations too, so a logout here holds here even while Redis is away.
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
