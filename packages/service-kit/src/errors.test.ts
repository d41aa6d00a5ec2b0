import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { z } from 'zod';
import { errorsPlugin, HttpError } from './errors.ts';
import { serviceVariables } from './service.ts';

test('an HttpError keeps its own status (a 503 or 429 too) and headers, with its message as {"error"}', async () => {
  const app = Fastify();
  await app.register(errorsPlugin, { bodyLimit: 1024 });
  app.get('/busy', async () => {
    throw new HttpError(503, 'Redis is unreachable; try again shortly', { 'retry-after': '5' });
  });
  app.get('/slow-down', async () => {
    throw new HttpError(429, 'Too many attempts', { 'retry-after': '30' });
  });
  app.get('/bug', async () => {
    throw new Error('secret internals');
  });
  const busy = await app.inject({ method: 'GET', url: '/busy' });
  assert.equal(busy.statusCode, 503);
  assert.equal(busy.headers['retry-after'], '5');
  assert.deepEqual(busy.json(), { error: 'Redis is unreachable; try again shortly' });
  const limited = await app.inject({ method: 'GET', url: '/slow-down' });
  assert.equal(limited.statusCode, 429);
  assert.equal(limited.headers['retry-after'], '30');
  const bug = await app.inject({ method: 'GET', url: '/bug' });
  assert.equal(bug.statusCode, 500, 'any other error is still a 500 without internals');
  assert.deepEqual(bug.json(), { error: 'Internal server error' });
});

test('TRUST_PROXY: unset trusts no proxy; true, a hop count, or addresses are passed on', () => {
  const schema = z.object({ TRUST_PROXY: serviceVariables(1).TRUST_PROXY });
  const parse = (value?: string) => schema.parse(value === undefined ? {} : { TRUST_PROXY: value }).TRUST_PROXY;
  assert.equal(parse(), false);
  assert.equal(parse('false'), false);
  assert.equal(parse('true'), true);
  assert.equal(parse('10.0.0.0/8,127.0.0.1'), '10.0.0.0/8,127.0.0.1');
  const hops = parse('1');
  assert.equal(typeof hops, 'function');
  if (typeof hops === 'function') {
    assert.equal(hops('10.0.0.1', 0), true);
    assert.equal(hops('10.0.0.2', 1), false);
  }
});
