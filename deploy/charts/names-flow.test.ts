// The chart's `helm test` flow (templates/tests/names-flow.yaml) is the one
// create/list/delete flow that `helm test` and `berth smoke` both run. Here its
// script, as Helm renders it, runs against the real Names API (embedded
// database) and against an API that loses what it stores.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { renderChart, spawnService } from '@berth/testkit';
import { testSteps } from '../../packages/berth/src/smoke.ts';

const CHART = fileURLToPath(new URL('./names', import.meta.url));
const API = fileURLToPath(new URL('../../apps/names/api/src/main.ts', import.meta.url));

async function flowScript(): Promise<string> {
  const objects = await renderChart(CHART, { extraArgs: ['--show-only', 'templates/tests/names-flow.yaml'] });
  const container = (objects[0] as unknown as { spec: { containers: { command: string[] }[] } }).spec.containers[0];
  assert.deepEqual(container?.command.slice(0, 2), ['node', '-e']);
  return container?.command[2] ?? '';
}

function runFlow(script: string, webUrl: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, WEB_URL: webUrl } });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

test("the chart's test flow passes against the Names API and reports each step for berth smoke", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'names-flow-'));
  const api = await spawnService(API, { env: { DATA_DIR: dataDir } });
  try {
    const result = await runFlow(await flowScript(), api.url);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /names flow passed/);
    assert.deepEqual(testSteps(result.output), [
      { step: 'create a name', ok: true },
      { step: 'list shows it', ok: true },
      { step: 'delete it', ok: true },
    ]);
  } finally {
    await api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("the chart's test flow fails, naming the step, when the API does not keep what it creates", async () => {
  const forgetful = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    if (request.method === 'POST') {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        response.statusCode = 201;
        response.end(JSON.stringify({ id: 1, name: JSON.parse(body).name, created_at: new Date().toISOString() }));
      });
      return;
    }
    response.end(JSON.stringify({ names: [] }));
  });
  await new Promise<void>((resolve) => forgetful.listen(0, '127.0.0.1', resolve));
  const { port } = forgetful.address() as { port: number };
  try {
    const result = await runFlow(await flowScript(), `http://127.0.0.1:${port}`);
    assert.equal(result.code, 1);
    assert.deepEqual(
      testSteps(result.output).map((s) => [s.step, s.ok]),
      [
        ['create a name', true],
        ['list shows it', false],
      ],
    );
  } finally {
    forgetful.close();
  }
});
