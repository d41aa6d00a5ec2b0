import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '@berth/service-kit';
import { type RedisServer, startRedisServer, waitFor } from '@berth/testkit';
import type { Redis } from 'ioredis';
import { type CounterStore, consume, LimitExceeded, MemoryCounterStore, RedisCounterStore } from './rate-limit.ts';
import { connectRedis, SharedStateUnavailableError } from './redis.ts';
import { RedisRevocationList } from './revocations.ts';

test('memory windows count hits, reset after the window, and say when', async () => {
  let now = 1_000_000;
  const store = new MemoryCounterStore(() => now);
  assert.deepEqual(await store.hit('k', 10_000), { count: 1, resetInMs: 10_000 });
  now += 4000;
  assert.deepEqual(await store.hit('k', 10_000), { count: 2, resetInMs: 6000 });
  assert.deepEqual(await store.hit('other', 10_000), { count: 1, resetInMs: 10_000 });
  now += 6000;
  assert.deepEqual(await store.hit('k', 10_000), { count: 1, resetInMs: 10_000 }, 'a new window');
  await store.hit('k', 10_000);
  await store.reset('k');
  assert.deepEqual(await store.hit('k', 10_000), { count: 1, resetInMs: 10_000 }, 'reset clears the count');
});

test('memory windows stay bounded: expired keys are swept once the map is large', async () => {
  let now = 0;
  const store = new MemoryCounterStore(() => now);
  for (let i = 0; i < 10_000; i++) await store.hit(`k${i}`, 1000);
  now = 2000;
  await store.hit('fresh', 1000);
  assert.equal(store.size, 1);
});

test('consume allows `max` hits per window, then throws LimitExceeded with whole seconds to wait', async () => {
  let now = 0;
  const store = new MemoryCounterStore(() => now);
  const limit = { max: 2, windowMs: 60_000 };
  await consume(store, 'k', limit);
  await consume(store, 'k', limit);
  now = 30_500;
  await assert.rejects(consume(store, 'k', limit), (error: unknown) => {
    assert.ok(error instanceof LimitExceeded);
    assert.equal(error.retryAfterSeconds, 30);
    return true;
  });
  await consume(store, 'another', limit);
});

describe('Redis-backed windows and revocations (a real redis-server)', () => {
  let server: RedisServer;
  let redis: Redis;
  let store: CounterStore;
  const logger = createLogger('test', 'silent');

  before(async () => {
    server = await startRedisServer();
    redis = await connectRedis(server.url, 500, logger);
    await new Promise((resolve) => redis.once('ready', resolve));
    store = new RedisCounterStore(redis, 'test:');
  });
  after(async () => {
    redis.disconnect();
    await server.destroy();
  });

  test('hit counts and sets the expiry once; reset clears', async () => {
    const first = await store.hit('a', 60_000);
    assert.equal(first.count, 1);
    assert.ok(first.resetInMs > 59_000 && first.resetInMs <= 60_000);
    const second = await store.hit('a', 60_000);
    assert.equal(second.count, 2);
    assert.ok(second.resetInMs <= first.resetInMs, 'the second hit does not extend the window');
    assert.ok((await redis.pttl('test:a')) > 0, 'the key expires in Redis');
    await store.reset('a');
    assert.equal((await store.hit('a', 60_000)).count, 1);
  });

  test('a window expires in Redis', async () => {
    await store.hit('short', 200);
    await store.hit('short', 200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await store.hit('short', 200)).count, 1);
  });

  test('two clients share one count (two replicas)', async () => {
    const other = await connectRedis(server.url, 500, logger);
    await new Promise((resolve) => other.once('ready', resolve));
    try {
      const otherStore = new RedisCounterStore(other, 'test:');
      const limit = { max: 3, windowMs: 60_000 };
      await consume(store, 'shared', limit);
      await consume(otherStore, 'shared', limit);
      await consume(store, 'shared', limit);
      await assert.rejects(consume(otherStore, 'shared', limit), LimitExceeded);
      const revokedHere = new RedisRevocationList(redis, 'test:revoked:');
      const seenThere = new RedisRevocationList(other, 'test:revoked:');
      await revokedHere.revoke('token-1', new Date(Date.now() + 60_000));
      assert.equal(await seenThere.isRevoked('token-1'), true);
      assert.equal(await seenThere.isRevoked('token-2'), false);
      const ttl = await redis.pttl('test:revoked:token-1');
      assert.ok(ttl > 50_000 && ttl <= 60_000, 'kept only until the token would expire');
    } finally {
      other.disconnect();
    }
  });

  test('with Redis stopped, calls fail fast with SharedStateUnavailableError; this client still knows its own revocations', async () => {
    const revocations = new RedisRevocationList(redis, 'test:revoked:');
    await revocations.revoke('mine', new Date(Date.now() + 60_000));
    await server.stop();
    try {
      const started = Date.now();
      await assert.rejects(store.hit('x', 1000), SharedStateUnavailableError);
      await assert.rejects(store.reset('x'), SharedStateUnavailableError);
      await assert.rejects(revocations.isRevoked('someone-else'), SharedStateUnavailableError);
      assert.ok(Date.now() - started < 3000, `failed within ${Date.now() - started} ms`);
      assert.equal(await revocations.isRevoked('mine'), true);
    } finally {
      await server.start();
    }
    await waitFor(
      async () =>
        await store.hit('x', 1000).then(
          () => true,
          () => false,
        ),
      'the store to answer again',
      15_000,
    );
  });
});
