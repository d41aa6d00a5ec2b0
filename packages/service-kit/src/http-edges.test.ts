import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Backend, embeddedBackend, freePort } from '@berth/testkit';
import { z } from 'zod';
import { parseConfig } from './config.ts';
import { createService, type Service, serviceConfigSchema } from './service.ts';

// What reaches a service below its routes — a request that never finishes,
// malformed HTTP, a URL that cannot be decoded, bytes that are not UTF-8 —
// answered like everything else: a 4xx in the one {"error"} shape.

/** Writes raw bytes to the service and resolves with everything it answers until it closes. */
function rawExchange(port: number, request: string | Buffer): Promise<{ text: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let text = '';
    socket.on('data', (chunk) => (text += chunk));
    socket.on('close', () => resolve({ text, ms: Date.now() - started }));
    socket.on('error', reject);
    socket.setTimeout(20_000, () => socket.destroy(new Error('no answer in 20 s')));
  });
}

function parseRaw(text: string): { status: number; headers: string; body: unknown } {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: JSON.parse(body) };
}

let backend: Backend;
let service: Service;
let port: number;

before(async () => {
  backend = await embeddedBackend();
  port = await freePort();
  const config = parseConfig(serviceConfigSchema(1, {}), {
    ...backend.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    REQUEST_TIMEOUT_MS: '1000',
    SHUTDOWN_DRAIN_MS: '0',
  });
  service = await createService({
    name: 'kit-edges',
    config,
    migrationsDir: mkdtempSync(join(tmpdir(), 'none-')),
    api: { title: 'edges', version: '1', description: 'test' },
  });
  service.app.post('/echo', { schema: { tags: ['test'], body: z.object({ text: z.string() }) } }, async (request) => ({
    text: request.body.text,
  }));
  service.app.post('/write', async () => {
    await service.db.exec('CREATE TABLE IF NOT EXISTS probe (n int); INSERT INTO probe VALUES (1)');
    return { written: true };
  });
  await service.listen();
});
after(async () => {
  await service.close();
  await backend.cleanup();
});

test('a request whose body never arrives gets 408 {"error"} within REQUEST_TIMEOUT_MS (+ the 1 s check)', async () => {
  const { text, ms } = await rawExchange(
    port,
    'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{"te',
  );
  const answer = parseRaw(text);
  assert.equal(answer.status, 408);
  assert.match((answer.body as { error: string }).error, /not received in time/);
  assert.ok(ms < 5000, `answered after ${ms} ms`);
});

test('malformed HTTP and oversized headers answer in the {"error"} shape, not Fastify\'s', async () => {
  const malformed = parseRaw((await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n')).text);
  assert.equal(malformed.status, 400);
  assert.deepEqual(Object.keys(malformed.body as object), ['error']);
  const huge = parseRaw(
    (await rawExchange(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).text,
  );
  assert.equal(huge.status, 431);
  assert.deepEqual(Object.keys(huge.body as object), ['error']);
});

test('a URL that cannot be decoded is 400 {"error"}', async () => {
  const response = await service.app.inject({ method: 'GET', url: '/api/%E0%A4%A' });
  assert.equal(response.statusCode, 400);
  assert.deepEqual(Object.keys(response.json()), ['error']);
});

test('invalid UTF-8 in a JSON body is 400, never replaced by U+FFFD', async () => {
  const body = Buffer.concat([Buffer.from('{"text": "a'), Buffer.from([0xc3, 0x28]), Buffer.from('b"}')]);
  const response = await service.app.inject({
    method: 'POST',
    url: '/echo',
    headers: { 'content-type': 'application/json' },
    payload: body,
  });
  assert.equal(response.statusCode, 400, response.body);
  assert.match(response.json<{ error: string }>().error, /not valid UTF-8/);
  const good = await service.app.inject({ method: 'POST', url: '/echo', payload: { text: 'é 👩🏽‍💻' } });
  assert.deepEqual(good.json(), { text: 'é 👩🏽‍💻' });
});

test('security headers on JSON answers, errors and the HTML docs page', async () => {
  for (const url of ['/healthz', '/nothing', '/api/docs/', '/api/openapi.json']) {
    const response = await service.app.inject({ method: 'GET', url });
    const headers = response.headers;
    assert.match(String(headers['content-security-policy']), /default-src 'self'.*frame-ancestors 'self'/, url);
    assert.equal(headers['x-content-type-options'], 'nosniff', url);
    assert.equal(headers['referrer-policy'], 'no-referrer', url);
    assert.equal(headers['x-frame-options'], 'SAMEORIGIN', url);
  }
});

describe('the embedded data directory deleted while running', () => {
  test('readiness turns 503 and a write is 503, not 500', async () => {
    assert.equal((await service.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    assert.equal((await service.app.inject({ method: 'POST', url: '/write' })).statusCode, 200);
    rmSync(backend.env.DATA_DIR ?? '', { recursive: true, force: true });
    const readiness = await service.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(readiness.statusCode, 503, readiness.body);
    const write = await service.app.inject({ method: 'POST', url: '/write' });
    assert.equal(write.statusCode, 503, write.body);
  });
});
