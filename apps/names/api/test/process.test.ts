// The Names API as Kubernetes runs it: its own process, configured by
// environment, stopped by SIGTERM, restarted, and run twice side by side.
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  type Backend,
  backends,
  freePort,
  postgresBackend,
  type ServiceProcess,
  spawnService,
  waitFor,
} from '@berth/testkit';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const JSON_HEADERS = { 'content-type': 'application/json' };

const start = (env: Record<string, string>, wait = true) =>
  spawnService(MAIN, { env, readyPath: '/api/health/db', wait });
const names = async (url: string) =>
  ((await (await fetch(`${url}/api/names`)).json()) as { names: { id: number; name: string }[] }).names;
const addName = (url: string, name: string) =>
  fetch(`${url}/api/names`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ name }) });

for (const { name: backendName, start: startBackend } of backends) {
  describe(`names API process on ${backendName}`, () => {
    let backend: Backend;
    before(async () => {
      backend = await startBackend();
    });
    after(() => backend.cleanup());

    test('data survives a restart of the process', async () => {
      const first = await start(backend.env);
      assert.equal((await addName(first.url, 'Survivor')).status, 201);
      assert.equal(await first.stop(), 0);
      const second = await start(backend.env);
      try {
        assert.ok((await names(second.url)).some((n) => n.name === 'Survivor'));
      } finally {
        await second.stop();
      }
    });

    test('SIGTERM during a burst: every answered request succeeded, acknowledged writes are kept, exit 0 within 10 s', async () => {
      const service = await start(backend.env); // default 5 s drain, as in a pod
      const outcome = await burstThroughShutdown(service);
      assert.equal(outcome.exitCode, 0, service.output());
      assert.ok(outcome.exitMs < 10_000, `exited after ${outcome.exitMs} ms`);
      assert.deepEqual(outcome.failedStatuses, [], 'no answered request failed');
      assert.ok(outcome.answeredAfterSignal > 0, 'kept serving during the drain delay');
      assert.deepEqual(outcome.failedBeforeClose, [], 'no request failed before the listener closed');
      assert.match(service.output(), /shutdown complete/);

      const restarted = await start(backend.env);
      try {
        const stored = new Set((await names(restarted.url)).map((n) => n.name));
        const lost = outcome.acknowledged.filter((name) => !stored.has(name));
        assert.deepEqual(lost, [], 'every name answered with 201 is still stored');
      } finally {
        await restarted.stop();
      }
    });

    test('a wrong config stops the process at start with a message naming the variable', async () => {
      const service = await start({ ...backend.env, MAX_NAME_LENGTH: 'abc', PORT: String(await freePort()) }, false);
      assert.equal(await service.exited, 1);
      assert.match(service.output(), /MAX_NAME_LENGTH: must be a whole number \(got "abc"\)/);
    });
  });
}

describe('names API process under load from keep-alive clients', () => {
  let backend: Backend;
  before(async () => {
    backend = await backends[0].start();
  });
  after(() => backend.cleanup());

  test('SIGTERM under load: keep-alive clients see zero connection resets, every answer is a 200', async () => {
    const service = await start({ ...backend.env, SHUTDOWN_DRAIN_MS: '1500' });
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const outcome = { ok: 0, okAfterSignal: 0, otherStatuses: [] as number[], refused: 0, resets: [] as string[] };
    let signalledAt = Number.POSITIVE_INFINITY;
    let exited = false;
    void service.exited.then(() => {
      exited = true;
    });
    const get = () =>
      new Promise<void>((resolve) => {
        const req = request(`${service.url}/api/names`, { agent }, (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) {
              outcome.ok += 1;
              if (Date.now() > signalledAt) outcome.okAfterSignal += 1;
            } else outcome.otherStatuses.push(res.statusCode ?? 0);
            resolve();
          });
        });
        req.on('error', (error: NodeJS.ErrnoException) => {
          // Refused: the listener is closed, a client goes elsewhere. Anything
          // else (ECONNRESET, "socket hang up", EPIPE) lost a request in flight.
          if (error.code === 'ECONNREFUSED') outcome.refused += 1;
          else outcome.resets.push(`${error.code}: ${error.message} at +${Date.now() - signalledAt} ms`);
          resolve();
        });
        req.end();
      });
    const client = async () => {
      for (let i = 0; !exited && outcome.refused === 0 && i < 200_000; i++) await get();
    };
    const clients = Array.from({ length: 8 }, () => client());
    await new Promise((resolve) => setTimeout(resolve, 500));
    signalledAt = Date.now();
    service.child.kill('SIGTERM');
    assert.equal(await service.exited, 0, service.output());
    await Promise.all(clients);
    agent.destroy();
    assert.deepEqual(outcome.resets, [], 'no connection was reset');
    assert.deepEqual(outcome.otherStatuses, []);
    assert.ok(outcome.okAfterSignal > 0, 'kept serving during the drain');
  });
});

describe('names API processes on one PostgreSQL 15 server', () => {
  let backend: Backend;
  before(async () => {
    backend = await postgresBackend();
  });
  after(() => backend.cleanup());

  test('two processes started at the same moment on an empty database both come up and serve', async () => {
    const [a, b] = await Promise.all([start(backend.env), start(backend.env)]);
    try {
      assert.equal((await addName(a.url, 'From A')).status, 201);
      assert.equal((await addName(b.url, 'From B')).status, 201);
      for (const service of [a, b]) {
        const listed = (await names(service.url)).map((n) => n.name);
        assert.deepEqual(listed, ['From A', 'From B']);
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  test('readiness is 503 while PostgreSQL is stopped and 200 after it is back, with no restart; liveness stays 200', async () => {
    const service = await start({ ...backend.env, DB_CONNECT_TIMEOUT_MS: '1000', READINESS_TIMEOUT_MS: '1000' });
    const pid = service.child.pid;
    const status = async (path: string) => (await fetch(`${service.url}${path}`)).status;
    try {
      assert.equal(await status('/api/health/db'), 200);
      await backend.server?.stop();

      await waitFor(async () => (await status('/api/health/db')) === 503, 'readiness to turn 503');
      const body = (await (await fetch(`${service.url}/api/health/db`)).json()) as Record<string, string>;
      assert.equal(body.status, 'unhealthy');
      assert.equal(body.database, 'disconnected');
      assert.equal(await status('/readyz'), 503);
      assert.equal(await status('/healthz'), 200);
      const listing = await fetch(`${service.url}/api/names`);
      assert.equal(listing.status, 503, 'a request needing the database is 503, not 500');
      assert.match(((await listing.json()) as { error: string }).error, /database is unavailable/);
      assert.equal((await addName(service.url, 'During outage')).status, 503);

      await backend.server?.start();
      await waitFor(async () => (await status('/api/health/db')) === 200, 'readiness to recover');
      assert.equal(await status('/healthz'), 200);
      assert.equal((await addName(service.url, 'After outage')).status, 201);
      assert.equal(service.child.pid, pid);
      assert.equal(service.child.exitCode, null, 'the process was not restarted');
    } finally {
      await service.stop();
    }
  });
});

describe('names API process on embedded PGlite', () => {
  let backend: Backend;
  before(async () => {
    backend = await backends[0].start();
  });
  after(() => backend.cleanup());

  test('a second process on the same data directory is refused with a message naming the first', async () => {
    const first = await start(backend.env);
    try {
      const second = await start({ ...backend.env, PORT: String(await freePort()) }, false);
      assert.equal(await second.exited, 1);
      assert.match(second.output(), new RegExp(`in use by process ${first.child.pid}`));
      assert.equal((await fetch(`${first.url}/api/health/db`)).status, 200);
    } finally {
      await first.stop();
    }
  });
});

interface Answer {
  status?: number;
  error?: string;
  at: number;
}

/** One POST on a fresh connection, so a closed listener shows as a refused connect. */
function post(url: string, name: string): Promise<Answer> {
  return new Promise((resolve) => {
    const body = JSON.stringify({ name });
    const req = request(`${url}/api/names`, { method: 'POST', agent: false, headers: JSON_HEADERS }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, at: Date.now() }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message, at: Date.now() }));
    req.end(body);
  });
}

/**
 * Eight clients write names in a loop; 300 ms in, the process gets SIGTERM.
 * Clients keep going until the listener refuses them, as a Service's clients
 * would until endpoints update.
 */
async function burstThroughShutdown(service: ServiceProcess) {
  const answers: (Answer & { name: string })[] = [];
  let signalledAt = Number.POSITIVE_INFINITY;
  let exited = false;
  void service.exited.then(() => {
    exited = true;
  });
  const client = async (id: number) => {
    for (let i = 0; !exited && i < 100_000; i++) {
      const name = `burst ${id}-${i}`;
      const answer = await post(service.url, name);
      answers.push({ ...answer, name });
      if (answer.error !== undefined) return; // the listener is closed
    }
  };
  const clients = Array.from({ length: 8 }, (_, id) => client(id));
  await new Promise((resolve) => setTimeout(resolve, 300));
  signalledAt = Date.now();
  service.child.kill('SIGTERM');
  const exitCode = await service.exited;
  const exitMs = Date.now() - signalledAt;
  await Promise.all(clients);

  const drainEnd = signalledAt + 4_500; // SHUTDOWN_DRAIN_MS is 5000 by default
  return {
    exitCode,
    exitMs,
    acknowledged: answers.filter((a) => a.status === 201).map((a) => a.name),
    failedStatuses: answers.filter((a) => a.status !== undefined && a.status !== 201).map((a) => a.status),
    failedBeforeClose: answers.filter((a) => a.error !== undefined && a.at < drainEnd).map((a) => a.error),
    answeredAfterSignal: answers.filter((a) => a.status === 201 && a.at > signalledAt).length,
  };
}
