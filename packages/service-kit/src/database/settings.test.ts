import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { parseConfig } from '../config.ts';
import { checkDatabaseVariables, databaseTarget, databaseVariables, describeTarget } from './settings.ts';

const schema = z.object(databaseVariables).superRefine(checkDatabaseVariables);
const targetFor = (vars: Record<string, string>) => databaseTarget(parseConfig(schema, vars), 'names-api');

test('DATABASE_URL wins over DB_URL and DB_HOST', () => {
  const target = targetFor({ DATABASE_URL: 'postgres://a@one/db', DB_URL: 'postgres://b@two/db', DB_HOST: 'three' });
  assert.equal(target.kind === 'postgres' && target.connectionString, 'postgres://a@one/db');
});

test('DB_URL is read when DATABASE_URL is absent (seed 000 backend)', () => {
  const target = targetFor({ DB_URL: 'postgresql://b@two/db' });
  assert.equal(target.kind === 'postgres' && target.connectionString, 'postgresql://b@two/db');
});

test("seed 000's ConfigMap + Secret pieces build a URL with credentials escaped", () => {
  const target = targetFor({
    DB_HOST: 'db-service',
    DB_NAME: 'namesdb',
    POSTGRES_USER: 'names_user',
    POSTGRES_PASSWORD: 'p@ss/w:rd',
  });
  assert.equal(target.kind, 'postgres');
  assert.equal(
    target.kind === 'postgres' && target.connectionString,
    'postgresql://names_user:p%40ss%2Fw%3Ard@db-service:5432/namesdb',
  );
  assert.equal(describeTarget(target), 'PostgreSQL at db-service:5432/namesdb');
});

test('with nothing set, each service gets its own embedded database under DATA_DIR', () => {
  assert.deepEqual(targetFor({ DATA_DIR: '/var/lib/berth' }), {
    kind: 'embedded',
    dataDir: '/var/lib/berth/names-api',
  });
  assert.deepEqual(targetFor({}), { kind: 'embedded', dataDir: resolve('.data', 'names-api') });
});

test('DB_POOL_MIN (unset: 2, or DB_POOL_MAX if smaller) reaches the pool; more than DB_POOL_MAX is refused', () => {
  const min = (vars: Record<string, string>) => {
    const target = targetFor({ DATABASE_URL: 'postgres://a@one/db', ...vars });
    return target.kind === 'postgres' && target.minConnections;
  };
  assert.equal(min({}), 2);
  assert.equal(min({ DB_POOL_MAX: '1' }), 1, 'a pool of one, as before DB_POOL_MIN existed');
  assert.equal(min({ DB_POOL_MIN: '0' }), 0);
  assert.equal(min({ DB_POOL_MIN: '5', DB_POOL_MAX: '5' }), 5);
  assert.throws(
    () => targetFor({ DATABASE_URL: 'postgres://a@one/db', DB_POOL_MIN: '6', DB_POOL_MAX: '5' }),
    /DB_POOL_MIN: must not be more than DB_POOL_MAX \(5\)/,
  );
});
