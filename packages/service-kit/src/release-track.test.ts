import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { parseConfig } from './config.ts';
import { createHttpService, httpServiceConfigSchema } from './http-service.ts';
import { loggerOptions } from './logger.ts';

const schema = httpServiceConfigSchema(1, {});
const base = { LOG_LEVEL: 'silent', SHUTDOWN_DRAIN_MS: '0' };

test('APP_VERSION is sent as X-App-Version on every answer, errors included; unset, no header', async () => {
  const service = await createHttpService({
    name: 'kit-version',
    config: parseConfig(schema, { ...base, APP_VERSION: 'v2' }),
  });
  assert.equal((await service.app.inject({ url: '/healthz' })).headers['x-app-version'], 'v2');
  assert.equal((await service.app.inject({ url: '/nowhere' })).headers['x-app-version'], 'v2');
  await service.close();
  const unversioned = await createHttpService({ name: 'kit-unversioned', config: parseConfig(schema, base) });
  assert.equal((await unversioned.app.inject({ url: '/healthz' })).headers['x-app-version'], undefined);
  await unversioned.close();
});

test('FAULT_INJECTION_ERROR_PERCENT fails exactly that share of requests with 500, never health or metrics', async () => {
  const service = await createHttpService({
    name: 'kit-faulty',
    config: parseConfig(schema, { ...base, FAULT_INJECTION_ERROR_PERCENT: '30' }),
  });
  service.app.get('/api/things', async () => ({ ok: true }));
  const statuses: number[] = [];
  for (let i = 0; i < 100; i++) statuses.push((await service.app.inject({ url: '/api/things' })).statusCode);
  assert.equal(statuses.filter((s) => s === 500).length, 30);
  assert.equal(statuses.filter((s) => s === 200).length, 70);
  for (const url of ['/healthz', '/readyz', '/metrics', '/api/health', '/api/health/db']) {
    for (let i = 0; i < 5; i++) assert.notEqual((await service.app.inject({ url })).statusCode, 500, url);
  }
  await service.close();
});

test('FAULT_INJECTION_ERROR_PERCENT is a whole number from 0 to 100', () => {
  assert.throws(() => parseConfig(schema, { ...base, FAULT_INJECTION_ERROR_PERCENT: '101' }), /at most 100/);
});

test('a service started with FAULT_INJECTION_ERROR_PERCENT says so in a warning; without it, nothing', async () => {
  const started = async (percent: string) => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const service = await createHttpService({
      name: 'kit-warned',
      config: parseConfig(schema, { ...base, FAULT_INJECTION_ERROR_PERCENT: percent }),
      logger: pino(loggerOptions('kit-warned', 'info'), sink),
    });
    await service.close();
    return lines.filter((line) => line.includes('FAULT_INJECTION_ERROR_PERCENT'));
  };
  const warned = await started('30');
  assert.equal(warned.length, 1);
  assert.match(warned[0] ?? '', /"level":"warn".*"percent":30/);
  assert.deepEqual(await started('0'), []);
});
