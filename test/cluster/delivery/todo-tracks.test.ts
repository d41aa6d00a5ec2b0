// Blue-green for the Todo app, whose API has in-cluster callers (the MCP server, through the
// API Service) besides the ingress: berth up todo with delivery on, a second API version
// brought up beside the first and held at 0 %, then under load through Traefik the switch
// (every answer from v2, and the API Service follows the live track) and the switch back
// (every answer from v1), with 0 failed requests. Namespace dlv-todo, host todo.dlv.local.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BERTH_BUILD_FLAGS,
  berthCli,
  deleteNamespace,
  explainRun,
  httpRequest,
  kubectlJson,
  removeRelease,
  startLoad,
} from '@berth/testkit/cluster';

const NS = 'dlv-todo';
const HOST = 'todo.dlv.local';
const INGRESS = 'http://10.250.0.1:30880';
const PATH = '/api/health';
const COMMON = ['-n', NS, '--ingress-url', INGRESS];
const VERSIONS = { v1: 'dlv-todo-v1', v2: 'dlv-todo-v2' };

/** `count` GETs through the ingress, 8 at a time: the versions that answered and every failure. */
async function sample(count: number): Promise<{ versions: Record<string, number>; failures: string[] }> {
  const versions: Record<string, number> = {};
  const failures: string[] = [];
  let next = 0;
  const client = async () => {
    while (next < count) {
      next += 1;
      try {
        const answer = await httpRequest(`${INGRESS}${PATH}`, 'GET', undefined, 10_000, { host: HOST });
        if (answer.status !== 200) failures.push(`HTTP ${answer.status}: ${answer.body.slice(0, 100)}`);
        const version = String(answer.headers['x-app-version'] ?? '(none)');
        versions[version] = (versions[version] ?? 0) + 1;
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, client));
  return { versions, failures };
}

/** The names of blue's API pods (the live track's until the switch), sorted. */
async function bluePods(): Promise<string[]> {
  const pods = await kubectlJson<{ items: { metadata: { name: string } }[] }>([
    '-n',
    NS,
    'get',
    'pods',
    '-l',
    'app.kubernetes.io/component=api,berth.dev/track=blue',
  ]);
  return pods.items.map((pod) => pod.metadata.name).sort();
}

/** The track the API Service (what the MCP server calls) selects. */
async function serviceTrack(): Promise<string | undefined> {
  const service = await kubectlJson<{ spec: { selector: Record<string, string> } }>([
    '-n',
    NS,
    'get',
    'service',
    'todo-api',
  ]);
  return service.spec.selector['berth.dev/track'];
}

describe('blue-green of the Todo API through Traefik', () => {
  before(async () => {
    await deleteNamespace(NS);
  });
  after(async () => {
    await removeRelease('todo', NS);
  });

  test('switch to v2 and back under load: 0 failed requests, every answer from the live version, the API Service follows', {
    timeout: 1_200_000,
  }, async () => {
    const up = await berthCli([
      'up',
      'todo',
      '-n',
      NS,
      '--tag',
      VERSIONS.v1,
      '--set',
      'delivery.enabled=true',
      '--set',
      `ingress.host=${HOST}`,
      '--set',
      'api.autoscaling.enabled=false',
      '--set',
      'api.replicas=2',
      ...BERTH_BUILD_FLAGS,
    ]);
    assert.equal(up.code, 0, explainRun(up));
    assert.deepEqual(await sample(50), { versions: { [VERSIONS.v1]: 50 }, failures: [] });
    assert.equal(await serviceTrack(), 'blue');
    const liveBefore = await bluePods();
    assert.equal(liveBefore.length, 2, `blue runs the two API pods: ${liveBefore.join(', ')}`);

    // v2 built, brought up on green and smoke-tested at 0 % before any load.
    const held = await berthCli([
      'deploy',
      'todo',
      ...COMMON,
      '--strategy',
      'blue-green',
      '--image-tag',
      VERSIONS.v2,
      '--hold',
      ...BERTH_BUILD_FLAGS,
    ]);
    assert.equal(held.code, 0, explainRun(held));
    // Bringing up green must leave the live pods alone (a changed checksum would restart them).
    assert.deepEqual(await bluePods(), liveBefore, 'the live pods are the ones that ran before');
    assert.deepEqual(await sample(100), { versions: { [VERSIONS.v1]: 100 }, failures: [] }, 'held: v1 serves all');

    const load = startLoad(`${INGRESS}${PATH}`, 4, { host: HOST });
    const promoted = await berthCli(['promote', 'todo', ...COMMON, '--json']);
    assert.equal(promoted.code, 0, explainRun(promoted));
    const afterSwitch = await sample(300);
    const liveAfterSwitch = await serviceTrack();
    const aborted = await berthCli(['abort', 'todo', ...COMMON, '--json']);
    assert.equal(aborted.code, 0, explainRun(aborted));
    const afterBack = await sample(300);
    const figures = await load.stop();

    assert.deepEqual(afterSwitch, { versions: { [VERSIONS.v2]: 300 }, failures: [] }, 'after the switch: v2 only');
    assert.equal(liveAfterSwitch, 'green', 'the API Service (the MCP server calls it) follows the live track');
    assert.deepEqual(afterBack, { versions: { [VERSIONS.v1]: 300 }, failures: [] }, 'after the switch back: v1 only');
    assert.equal(await serviceTrack(), 'blue');
    assert.deepEqual(figures.failures, [], `failed requests during the switches (of ${figures.ok} answered)`);
    assert.ok(figures.ok > 200, `the load kept running (${figures.ok} answered)`);
    console.log(
      `# todo blue-green: ${figures.ok} requests under load, 0 failed; switch ${promoted.json.switchMs} ms, back ${aborted.json.switchMs} ms`,
    );
  });
});
