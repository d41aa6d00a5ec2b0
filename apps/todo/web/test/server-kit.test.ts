// The local web server stands on the service kit: /metrics, the request log
// line and request ids are the kit's; the kit's JSON body parser, body limit
// and default security headers do not get between the browser and the app or
// the API. A stand-in API records what the proxy forwards (no database needed).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ServiceProcess, spawnService } from '@berth/testkit';
import { CONTENT_SECURITY_POLICY } from '../src/security-headers.ts';

const WEB_MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const ASSET = '/assets/index-abcd1234.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let staticDir: string;
let api: Server;
let web: ServiceProcess;
const received: Received[] = [];

before(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'todo-web-kit-'));
  writeFileSync(join(staticDir, 'index.html'), `<!doctype html><div id="root"></div><script src="${ASSET}"></script>`);
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, ASSET), 'console.log(1);');

  // Answers like the Todo API: JSON bodies are echoed back, anything else is its 415.
  api = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      if (request.method === 'POST' && !request.headers['content-type']?.startsWith('application/json')) {
        response.writeHead(415, { 'content-type': 'application/json' }).end('{"error":"the API says: send JSON"}');
        return;
      }
      response.writeHead(201, { 'content-type': request.headers['content-type'] ?? 'text/plain', 'x-from': 'api' });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  const apiPort = (api.address() as AddressInfo).port;
  web = await spawnService(WEB_MAIN, {
    env: {
      API_URL: `http://127.0.0.1:${apiPort}`,
      STATIC_DIR: staticDir,
      SHUTDOWN_DRAIN_MS: '0',
      BODY_LIMIT_BYTES: '1024',
    },
    readyPath: '/readyz',
  });
});

after(async () => {
  await web?.stop();
  await new Promise((resolve) => api?.close(resolve));
  rmSync(staticDir, { recursive: true, force: true });
});

/** The JSON log lines the web server wrote so far. */
function logLines(): Record<string, unknown>[] {
  return web
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

test('/metrics serves the kit’s Prometheus metrics, requests counted by route template', async () => {
  assert.equal((await fetch(`${web.url}/tasks/7`)).status, 200);
  const answer = await fetch(`${web.url}/metrics`);
  assert.equal(answer.status, 200);
  assert.match(answer.headers.get('content-type') ?? '', /^text\/plain/);
  const text = await answer.text();
  assert.match(text, /^process_cpu_user_seconds_total\{service="todo-web"\}/m);
  assert.match(
    text,
    /^http_requests_total\{method="GET",route="unmatched",status_code="200",service="todo-web"\} \d+/m,
  );
  assert.doesNotMatch(text, /route="\/tasks\/7"/, 'never the raw path');
});

test('request ids and the request log line are the kit’s', async () => {
  const given = await fetch(`${web.url}${ASSET}`, { headers: { 'x-request-id': 'trace-web-1' } });
  assert.equal(given.headers.get('x-request-id'), 'trace-web-1', 'a plain id is kept');
  const unsafe = await fetch(`${web.url}/`, { headers: { 'x-request-id': 'bad id\twith spaces' } });
  assert.match(unsafe.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, 'an unsafe id is replaced');

  await fetch(`${web.url}/api/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': 'trace-web-2' },
    body: '{}',
  });
  assert.equal(received.at(-1)?.headers['x-request-id'], 'trace-web-2', 'the API sees the same id');

  await new Promise((resolve) => setTimeout(resolve, 100)); // the log line follows the answer
  const lines = logLines().filter((line) => line.msg === 'request completed');
  const asset = lines.find((line) => line.requestId === 'trace-web-1');
  assert.deepEqual(
    { ...asset, time: undefined, durationMs: undefined, pid: undefined, hostname: undefined },
    {
      level: 'info',
      time: undefined,
      pid: undefined,
      hostname: undefined,
      service: 'todo-web',
      requestId: 'trace-web-1',
      method: 'GET',
      route: '/*',
      path: ASSET,
      status: 200,
      durationMs: undefined,
      msg: 'request completed',
    },
  );
  assert.equal(typeof asset?.durationMs, 'number');
  const proxied = lines.find((line) => line.requestId === 'trace-web-2');
  assert.equal(proxied?.route, '/api/*');
  assert.equal(proxied?.status, 201);
  assert.equal(lines.filter((line) => line.requestId === 'trace-web-2').length, 1, 'one line per request');
});

test('pages and files carry the app’s own Content-Security-Policy, not the kit’s default', async () => {
  for (const path of ['/', '/tasks/42', ASSET]) {
    const answer = await fetch(`${web.url}${path}`);
    assert.equal(answer.status, 200, path);
    assert.equal(answer.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY, path);
    assert.equal(answer.headers.get('x-content-type-options'), 'nosniff', path);
    assert.equal(answer.headers.get('referrer-policy'), 'no-referrer', path);
  }
  const missing = await fetch(`${web.url}/assets/index-missing0.js`);
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { error: 'No such file: /assets/index-missing0.js' });
  const notAPage = await fetch(`${web.url}/`, { method: 'DELETE' });
  assert.equal(notAPage.status, 404);
  assert.deepEqual(await notAPage.json(), { error: 'No such file: /' });
});

test('the proxy forwards request bodies unchanged, past the kit’s JSON parser and body limit', async () => {
  const post = (body: string | Uint8Array, contentType: string) =>
    fetch(`${web.url}/api/things?x=1`, { method: 'POST', headers: { 'content-type': contentType }, body });

  const json = '{"title":"é \\u00e9",  "n": 1}';
  const created = await post(json, 'application/json');
  assert.equal(created.status, 201);
  assert.equal(created.headers.get('x-from'), 'api');
  assert.equal(await created.text(), json);
  assert.equal(received.at(-1)?.body.toString('utf8'), json, 'the bytes as sent, not re-serialized');
  assert.equal(received.at(-1)?.url, '/api/things?x=1');

  const large = JSON.stringify({ title: 'x'.repeat(4096) });
  assert.equal((await post(large, 'application/json')).status, 201, 'the API enforces its own limit, not the kit’s');
  assert.equal(received.at(-1)?.body.length, large.length);

  const notUtf8 = new Uint8Array([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]);
  assert.equal((await post(notUtf8, 'application/json')).status, 201, 'the API judges the bytes');
  assert.deepEqual([...(received.at(-1)?.body ?? [])], [...notUtf8]);

  const text = await post('hello', 'text/plain');
  assert.equal(text.status, 415);
  assert.deepEqual(await text.json(), { error: 'the API says: send JSON' }, 'the API’s answer, not the kit’s');
  assert.equal(received.at(-1)?.body.toString(), 'hello');
});

test('SIGTERM: the kit’s shutdown order, then exit 0', async () => {
  assert.equal(await web.stop(), 0);
  const messages = logLines().map((line) => line.msg);
  assert.ok(messages.includes('shutting down: readiness is now 503'), messages.join(', '));
});
