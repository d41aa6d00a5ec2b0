import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadApp } from '../apps/discover.ts';
import { helmUpgradeArgs } from '../deploy/helm-upgrade.ts';
import { imageRefs, imageTag, imageValues } from '../deploy/images.ts';
import { percentile, startLoad, summarise } from '../load.ts';
import { compareCounts, parseCounts } from './backup.ts';

const NAMES = loadApp(fileURLToPath(new URL('../../../../', import.meta.url)), 'names');

describe('up: tags, image names, helm arguments', () => {
  test('the tag is the commit, with a dirty marker when the tree has changes; never "latest"', () => {
    const now = new Date('2026-11-23T10:00:00Z');
    assert.equal(imageTag('3c7d5db91e8e4f0a9b1c2d3e4f5a6b7c8d9e0f1a\n', false, now), '3c7d5db91e8e');
    assert.match(imageTag('3c7d5db91e8e4f0a', true, now), /^3c7d5db91e8e-dirty\.[0-9a-z]+$/);
    assert.throws(() => imageTag('latest', false, now), /not a git commit/);
  });
  test('image references: localhost/<name>:<tag>, or under the registry', () => {
    assert.deepEqual(
      imageRefs(NAMES, 'abc1234').map((i) => i.ref),
      ['localhost/names-api:abc1234', 'localhost/names-web:abc1234'],
    );
    assert.deepEqual(
      imageRefs(NAMES, 'abc1234', 'registry.example.com/team/').map((i) => i.repository),
      ['registry.example.com/team/names-api', 'registry.example.com/team/names-web'],
    );
  });
  test('helm upgrade --install --atomic --wait, env values, image values file, the user values files, then the user --set (wins)', () => {
    const args = helmUpgradeArgs({
      release: 'names',
      chart: 'C:\\src\\berth\\deploy\\charts\\names',
      namespace: 'names',
      valuesFile: 'C:\\src\\berth\\deploy\\charts\\names\\values-dev.yaml',
      imageValuesFile: 'C:\\Temp\\berth-values-x\\images.yaml',
      userValuesFiles: ['C:\\src\\sealed\\names-prod.yaml'],
      sets: ['api.image.tag=override'],
      timeoutSeconds: 300,
    });
    assert.deepEqual(args, [
      'upgrade',
      '--install',
      'names',
      'C:\\src\\berth\\deploy\\charts\\names',
      '--namespace',
      'names',
      '--atomic',
      '--wait',
      '--timeout',
      '300s',
      '--values',
      'C:\\src\\berth\\deploy\\charts\\names\\values-dev.yaml',
      '--values',
      'C:\\Temp\\berth-values-x\\images.yaml',
      '--values',
      'C:\\src\\sealed\\names-prod.yaml',
      '--set',
      'api.image.tag=override',
    ]);
  });
  test('image values: repository and tag under each image key, the tag a string', () => {
    assert.deepEqual(imageValues(imageRefs(NAMES, '1234567'), '1234567'), {
      api: { image: { repository: 'localhost/names-api', tag: '1234567' } },
      web: { image: { repository: 'localhost/names-web', tag: '1234567' } },
    });
  });
});

describe('backup: row counts', () => {
  test('parseCounts reads psql -At output', () => {
    assert.deepEqual(parseCounts('names|3\nschema_migrations|1\n\n'), { names: 3, schema_migrations: 1 });
  });
  test('compareCounts lists tables that differ or are missing', () => {
    assert.deepEqual(compareCounts({ names: 3, audit: 1 }, { names: 3, audit: 1 }), []);
    assert.deepEqual(compareCounts({ names: 3, audit: 1 }, { names: 2 }), [
      'names: 2 rows, backup had 3',
      'audit: missing rows, backup had 1',
    ]);
  });
});

describe('load: figures', () => {
  test('nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(sorted, 0.5), 50);
    assert.equal(percentile(sorted, 0.99), 99);
    assert.equal(percentile([7], 0.99), 7);
    assert.ok(Number.isNaN(percentile([], 0.5)));
  });
  test('summarise counts errors as requests and rounds', () => {
    const figures = summarise([10, 20, 30, 40], ['HTTP 503', 'HTTP 503', 'ECONNRESET'], { 200: 4, 503: 2 }, 2000);
    assert.equal(figures.requests, 7);
    assert.equal(figures.errors, 3);
    assert.equal(figures.requestsPerSecond, 3.5);
    assert.equal(figures.p50, 20);
    assert.deepEqual(figures.errorSamples, ['HTTP 503', 'ECONNRESET']);
  });
});

describe('load: the generator', () => {
  test('until stopped, with a connection per request and a pause: answers and failures (status and body start)', async () => {
    let calls = 0;
    const connections = new Set<unknown>();
    const server = createServer((_request, response) => {
      calls++;
      response.statusCode = calls % 3 === 0 ? 503 : 200;
      response.end(calls % 3 === 0 ? '{"error":"draining"}' : '{"names":[]}');
    });
    server.on('connection', (socket) => connections.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const load = startLoad(`http://127.0.0.1:${port}/api/names`, { connections: 2, keepAlive: false, pauseMs: 5 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const figures = await load.stop();
      assert.equal(figures.requests, calls);
      assert.ok(figures.errors > 0 && figures.errors < figures.requests, JSON.stringify(figures));
      assert.equal(figures.failures.length, figures.errors);
      assert.equal(figures.failures[0], 'HTTP 503: {"error":"draining"}');
      assert.equal(connections.size, calls, 'one connection per request');
    } finally {
      server.close();
    }
  });
});
