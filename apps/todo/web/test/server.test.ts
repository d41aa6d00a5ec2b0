// How the app is served: the local server (npm start) and nginx.conf (the
// image) answer with the same headers and the same API-down error; the local
// server forwards /api untouched, Link header included; `npm start` serves it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Backend, embeddedBackend, freePort, type ServiceProcess, spawnService } from '@berth/testkit';
import { send } from '@berth/todo-api/test-support';
import { API_UNAVAILABLE } from '../src/api-proxy.ts';
import { ensureBuilt } from '../src/build.ts';
import { DIST_DIR } from '../src/config.ts';
import { CONTENT_SECURITY_POLICY } from '../src/security-headers.ts';
import { password, type Stack, startStack, uniqueEmail } from './stack.ts';

const WEB_MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const NGINX_CONF = readFileSync(new URL('../nginx.conf', import.meta.url), 'utf8');
const START = fileURLToPath(new URL('../../../../scripts/start.mjs', import.meta.url));

describe('the local web server', () => {
  let backend: Backend;
  let stack: Stack;
  before(async () => {
    backend = await embeddedBackend();
    stack = await startStack(backend);
  });
  after(async () => {
    await stack?.stop();
    await backend?.cleanup();
  });

  test('index.html is revalidated on every use; hashed assets are immutable; both carry the security headers', async () => {
    const page = await fetch(stack.web.url);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.equal(page.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    const html = await page.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, 'index.html loads a hashed script');
    const asset = await fetch(`${stack.web.url}${script}`);
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    assert.equal(asset.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);

    const deepLink = await fetch(`${stack.web.url}/tasks/42`);
    assert.equal(deepLink.status, 200, 'any page path is the app');
    assert.equal(await deepLink.text(), html);
    assert.equal((await fetch(`${stack.web.url}/assets/index-missing0.js`)).status, 404, 'a missing asset is a 404');
  });

  test('health: /healthz is alive, /readyz is ready once the build is there', async () => {
    assert.deepEqual(await (await fetch(`${stack.web.url}/healthz`)).json(), { status: 'ok' });
    const ready = await fetch(`${stack.web.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', checks: { 'static files': 'ok' } });
  });

  test('/api is forwarded to the API untouched: bodies, status codes, the Link header', async () => {
    const email = uniqueEmail('proxy');
    const post = (path: string, body: unknown, token?: string) =>
      send('POST', `${stack.web.url}${path}`, { token, body });
    assert.equal((await post('/api/auth/register', { email, password })).status, 201);
    const { token } = (await (await post('/api/auth/login', { email, password })).json()) as { token: string };
    for (const title of ['one', 'two', 'three']) assert.equal((await post('/api/tasks', { title }, token)).status, 201);
    const invalid = await post('/api/tasks', { title: '' }, token);
    assert.equal(invalid.status, 400);
    assert.match(((await invalid.json()) as { error: string }).error, /title/);

    const page = await fetch(`${stack.web.url}/api/tasks?limit=2`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('link') ?? '', /^<\/api\/tasks\?limit=2&cursor=[^>]+>; rel="next"$/);
    assert.equal(((await page.json()) as unknown[]).length, 2);
    assert.equal((await fetch(`${stack.web.url}/api/tasks`)).status, 401);
  });

  test('with the API down, /api answers 503 in the API’s error format (as nginx does)', async () => {
    const closedPort = await freePort();
    const web = await spawnService(WEB_MAIN, {
      env: { API_URL: `http://127.0.0.1:${closedPort}`, STATIC_DIR: DIST_DIR, SHUTDOWN_DRAIN_MS: '0' },
      readyPath: '/readyz',
    });
    try {
      const answer = await fetch(`${web.url}/api/tasks`);
      assert.equal(answer.status, 503);
      assert.deepEqual(await answer.json(), API_UNAVAILABLE);
      assert.ok(NGINX_CONF.includes(`return 503 '${JSON.stringify(API_UNAVAILABLE)}'`), 'nginx says the same');
      assert.equal((await fetch(web.url)).status, 200, 'the app itself still loads');
    } finally {
      assert.equal(await web.stop(), 0, 'SIGTERM stops it cleanly');
    }
  });

  test('a bad setting stops the start with one clear message (the kit’s config)', async () => {
    const web: ServiceProcess = await spawnService(WEB_MAIN, {
      env: { API_URL: 'ftp://example', PORT: 'eighty' },
      wait: false,
    });
    assert.equal(await web.exited, 1);
    assert.match(web.output(), /API_URL: must be an http:\/\/ or https:\/\/ URL/);
    assert.match(web.output(), /PORT: must be a whole number/);
  });
});

describe('nginx.conf (the image)', () => {
  test('sends the same Content-Security-Policy as the local server', () => {
    const policy = /add_header Content-Security-Policy "([^"]+)" always;/.exec(NGINX_CONF)?.[1];
    assert.equal(policy, CONTENT_SECURITY_POLICY);
  });

  test("passes the client's X-Request-Id to the API, or a new one when none was sent (as the local server does)", () => {
    assert.match(
      NGINX_CONF,
      /map \$http_x_request_id \$berth_request_id \{\s*default \$http_x_request_id;\s*"" \$request_id;/,
    );
    assert.match(NGINX_CONF, /proxy_set_header X-Request-Id \$berth_request_id;/);
  });

  test('caches hashed assets for a year, revalidates the rest, gzips, and writes only under /tmp', () => {
    assert.match(NGINX_CONF, /~\^\/assets\/ "public, max-age=31536000, immutable";/);
    assert.match(NGINX_CONF, /default "no-cache";/);
    assert.match(NGINX_CONF, /gzip on;/);
    assert.match(NGINX_CONF, /gzip_types[^;]*application\/javascript/);
    assert.match(NGINX_CONF, /location = \/healthz/);
    assert.match(NGINX_CONF, /listen 8080;/);
    for (const [, path] of NGINX_CONF.matchAll(/(?:_path|pid|include)\s+(\/\S+);/g)) {
      assert.ok(path?.startsWith('/tmp/') || path?.startsWith('/etc/nginx/'), `${path} is read-only-safe`);
      if (!path?.startsWith('/etc/nginx/')) assert.ok(path?.startsWith('/tmp/'), `${path} is under /tmp`);
    }
    const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
    assert.match(dockerfile, /^USER 101:101$/m, 'a numeric non-root user');
    assert.match(dockerfile, /API_UPSTREAM=todo-api:8000/);
    assert.match(dockerfile, /NGINX_ENVSUBST_OUTPUT_DIR=\/tmp/);
  });
});

test('npm start serves the Todo web on TODO_WEB_PORT, prints its URL, and proxies /api to the Todo API', async () => {
  await ensureBuilt(DIST_DIR);
  const dataDir = mkdtempSync(join(tmpdir(), 'todo-web-start-'));
  const webPort = String(await freePort());
  const child = spawn(process.execPath, [START], {
    env: {
      ...process.env,
      NAMES_PORT: String(await freePort()),
      TODO_API_PORT: String(await freePort()),
      TODO_WEB_PORT: webPort,
      DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        output += chunk;
        const match = /Todo web\s+(http:\/\/localhost:\d+)/.exec(output);
        if (match?.[1]) resolve(match[1]);
      });
      void exited.then(() => reject(new Error(`npm start exited early:\n${output}`)));
    });
    assert.equal(url, `http://localhost:${webPort}`);
    const base = `http://127.0.0.1:${webPort}`;
    const page = await fetch(base);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="root">/);
    const health = await fetch(`${base}/api/health`);
    assert.equal(health.status, 200, 'the Todo API answers through the web server');
  } finally {
    child.kill('SIGINT');
    assert.equal(await exited, 0, `Ctrl-C stops everything cleanly:\n${output.slice(-2000)}`);
    rmSync(dataDir, { recursive: true, force: true });
  }
  assert.ok(
    readdirSync(DIST_DIR).includes('index.html'),
    'the build is in place (npm start builds it when missing or stale)',
  );
});
