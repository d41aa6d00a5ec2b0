import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { loadApp } from './apps/discover.ts';
import { Output } from './output.ts';
import { judgeAnswer, runSmoke, testSteps } from './smoke.ts';

const NAMES = loadApp(new URL('../../../', import.meta.url).pathname, 'names');

/** A stand-in for helm: prints `stdout` and exits `code`, recording the arguments it was given. */
function fakeHelm(stdout: string, code: number, calls: string[][]) {
  return (args: string[]) => {
    calls.push(args);
    return [process.execPath, '-e', `process.stdout.write(${JSON.stringify(stdout)}); process.exit(${code})`];
  };
}

const quiet = () => new Output({ json: false, noColor: true, out: new Writable({ write: (_c, _e, done) => done() }) });

describe('smoke checks', () => {
  test('an HTTP check wants its status and, when declared, a text in the body', () => {
    const page = { name: 'UI page', path: '/', status: 200, contains: 'Names Manager' };
    assert.equal(judgeAnswer(page, 200, '<title>Names Manager</title>'), undefined);
    assert.match(judgeAnswer(page, 200, '<title>nginx</title>') ?? '', /does not contain "Names Manager"/);
    assert.match(judgeAnswer(page, 502, 'Bad Gateway') ?? '', /HTTP 502, expected 200/);
  });

  test("the chart test pod's `ok - step` / `not ok - step: why` lines become steps; other lines are evidence", () => {
    const log = [
      'POD LOGS: names-test-names-flow',
      'POST /api/names 201 {"id":7}',
      'ok - create a name',
      'GET /api/names 200 {"names":[]}',
      'not ok - list shows it: name 7 is not listed',
    ].join('\n');
    assert.deepEqual(testSteps(log), [
      { step: 'create a name', ok: true },
      { step: 'list shows it', ok: false, error: 'name 7 is not listed' },
    ]);
  });
});

describe('runSmoke: the HTTP checks, then the chart test', () => {
  const page = createServer((request, response) => {
    response.statusCode = request.url === '/api/health/db' || request.url === '/' ? 200 : 404;
    response.end(request.url === '/' ? '<title>Names Manager</title>' : '{"status":"healthy"}');
  });
  const base = () => `http://127.0.0.1:${(page.address() as { port: number }).port}`;

  test("names: the two declared HTTP checks, then helm test's three steps, in order", async () => {
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    try {
      const calls: string[][] = [];
      const log =
        'POD LOGS: names-test-names-flow\nok - create a name\nok - list shows it\nok - delete it\nnames flow passed\n';
      const results = await runSmoke(
        NAMES,
        { base: base(), release: 'names', namespace: 'shop', helmArgv: fakeHelm(log, 0, calls) },
        quiet(),
      );
      assert.deepEqual(
        results.map((r) => [r.step, r.ok]),
        [
          ['UI page', true],
          ['API readiness (database connected)', true],
          ['create a name', true],
          ['list shows it', true],
          ['delete it', true],
        ],
      );
      assert.deepEqual(calls, [['test', 'names', '-n', 'shop', '--logs', '--timeout', '3m']]);

      const failing = await runSmoke(
        NAMES,
        {
          base: base(),
          release: 'names',
          namespace: 'shop',
          helmArgv: fakeHelm('Error: pod failed to start\n', 1, []),
        },
        quiet(),
      );
      assert.deepEqual(failing.at(-1)?.step, 'helm test');
      assert.equal(failing.at(-1)?.ok, false);
      assert.match(failing.at(-1)?.error ?? '', /pod failed to start/);
    } finally {
      page.close();
    }
  });

  test('a failing HTTP check stops the run before helm test', async () => {
    const calls: string[][] = [];
    const results = await runSmoke(
      NAMES,
      { base: 'http://127.0.0.1:9', release: 'names', namespace: 'shop', helmArgv: fakeHelm('', 0, calls) },
      quiet(),
    );
    assert.deepEqual(
      results.map((r) => [r.step, r.ok]),
      [['UI page', false]],
    );
    assert.deepEqual(calls, []);
  });
});

describe('runSmoke: a pod that is leaving', () => {
  /** Answers 503 `failures` times, then as a healthy app would. */
  const flaky = (failures: number) => {
    let left = failures;
    return createServer((request, response) => {
      if (left > 0) {
        left--;
        response.statusCode = 503;
        response.end('{"error":"Not ready: shutdown: shutting down"}');
        return;
      }
      response.statusCode = request.url === '/api/health/db' || request.url === '/' ? 200 : 404;
      response.end(request.url === '/' ? '<title>Names Manager</title>' : '{"status":"healthy"}');
    });
  };
  const smoke = async (server: ReturnType<typeof flaky>, settleMs: number) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      return await runSmoke(
        { ...NAMES, smoke: { ...NAMES.smoke, helmTest: false } },
        { base, release: 'names', namespace: 'shop', helmArgv: fakeHelm('', 0, []), settleMs },
        quiet(),
      );
    } finally {
      server.close();
    }
  };

  test('a 503 while a pod drains is asked again, and the check passes once the app answers', async () => {
    const results = await smoke(flaky(2), 10_000);
    assert.deepEqual(
      results.map((r) => [r.step, r.ok]),
      [
        ['UI page', true],
        ['API readiness (database connected)', true],
      ],
    );
  });

  test('a 503 that lasts past the settle window fails the check with the answer', async () => {
    const results = await smoke(flaky(1000), 1500);
    assert.equal(results[0]?.ok, false);
    assert.match(results[0]?.error ?? '', /HTTP 503, expected 200/);
  });
});
