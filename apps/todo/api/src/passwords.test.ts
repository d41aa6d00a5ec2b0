import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, verifyPassword } from './passwords.ts';

const cost = { memoryKiB: 1024, passes: 1, parallelism: 1 };

test('argon2id hashes in PHC format verify the right password only', async () => {
  const hash = await hashPassword('correct horse battery', cost);
  assert.match(hash, /^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  assert.equal(await verifyPassword('correct horse battery', hash), true);
  assert.equal(await verifyPassword('correct horse batterY', hash), false);
  assert.equal(await verifyPassword('', hash), false);
});

test('each hash has its own salt, and the cost travels with the hash', async () => {
  const [a, b] = await Promise.all([hashPassword('same password', cost), hashPassword('same password', cost)]);
  assert.notEqual(a, b);
  const stronger = await hashPassword('same password', { memoryKiB: 2048, passes: 2, parallelism: 1 });
  assert.equal(await verifyPassword('same password', stronger), true);
});

test('a hash made by another argon2id implementation verifies (PHC interoperability)', async () => {
  // Made by argon2-cffi (libargon2): PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1).hash('password')
  const reference = '$argon2id$v=19$m=1024,t=2,p=1$9Y67wKYSWnkgsAh2dVot6g$lqu32SHxhFnK4ZybzgTWBVYnNL5wdyNa30E3p8OMMpU';
  assert.equal(await verifyPassword('password', reference), true);
  assert.equal(await verifyPassword('passwore', reference), false);
});

test('unreadable or tampered hashes never verify', async () => {
  const hash = await hashPassword('pw12345678', cost);
  for (const bad of ['', 'plain', hash.replace('argon2id', 'argon2i'), `${hash.slice(0, -2)}AA`]) {
    assert.equal(await verifyPassword('pw12345678', bad), false, bad);
  }
});
