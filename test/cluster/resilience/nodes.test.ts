// Both apps on two nodes: their replicas spread over both, a drain of one node under load with no
// failed request while the PodDisruptionBudgets hold pods until their replacements are Ready;
// for the Todo app also the loss of a node (kubelet killed, link cut) under load and writes (how
// long until the app answers again, how long until the lost pods run elsewhere, no acknowledged
// write lost) and a drain of its database's node. Each app's database (one StatefulSet pod on a
// node-local volume) is kept on the first node by installing while the second is cordoned.
// Namespaces rs-nodes (Todo, todo.nodes.local) and rs-nodes-names (names.nodes.local); the
// second node comes from `test/cluster/up --nodes 2`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  appHeaders,
  BERTH_BUILD_FLAGS,
  berthCli,
  deleteNamespace,
  eventually,
  explainRun,
  httpJson,
  kubectl,
  kubectlJson,
  REPO,
  removeRelease,
  run,
  startLoad,
} from '@berth/testkit/cluster';

const INGRESS = 'http://10.250.0.1:30880';
const FIRST = 'berth-node';
const SECOND = 'berth-agent';
const CLUSTER = join(REPO, 'test/cluster');
const report: Record<string, string> = {};

/** An app installed for these tests, and its stateless Deployments with their replica counts. */
interface Release {
  app: 'todo' | 'names';
  ns: string;
  host: string;
  deployments: Record<string, number>;
}
/** 4 API pods, so a drain of the node that holds 2 must wait on the PDB (maxUnavailable 1). */
const TODO: Release = {
  app: 'todo',
  ns: 'rs-nodes',
  host: 'todo.nodes.local',
  deployments: { api: 4, web: 2, mcp: 2 },
};
/** The Names chart's API PDB is minAvailable: 3 of 4 makes a drain of 2 wait, as for the Todo app. */
const NAMES: Release = {
  app: 'names',
  ns: 'rs-nodes-names',
  host: 'names.nodes.local',
  deployments: { api: 4, web: 2 },
};
const NS = TODO.ns;
const HOST = TODO.host;

async function api(method: string, path: string, token?: string, body?: unknown, timeoutMs = 5000) {
  return httpJson<unknown>(`${INGRESS}${path}`, method, body, appHeaders(HOST, token), timeoutMs);
}

async function account(who: string): Promise<string> {
  const email = `${who}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@nodes.test`;
  const registered = await api('POST', '/api/auth/register', undefined, { email, password: 'harbour lantern 4 keel' });
  assert.equal(registered.status, 201, JSON.stringify(registered.data));
  return (registered.data as { token: string }).token;
}

interface Pod {
  metadata: { name: string; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status: {
    conditions?: { type: string; status: string; reason?: string }[];
    containerStatuses?: { restartCount: number }[];
  };
}
const isReady = (pod: Pod) =>
  !pod.metadata.deletionTimestamp &&
  (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

async function pods(component: string, release = TODO): Promise<Pod[]> {
  const list = await kubectlJson<{ items: Pod[] }>([
    '-n',
    release.ns,
    'get',
    'pods',
    '-l',
    `app.kubernetes.io/instance=${release.app},app.kubernetes.io/component=${component}`,
  ]);
  return list.items;
}

/** Ready pods of a component on each node. */
async function placement(component: string, release = TODO): Promise<Record<string, number>> {
  const counts: Record<string, number> = { [FIRST]: 0, [SECOND]: 0 };
  for (const pod of (await pods(component, release)).filter(isReady)) {
    const node = pod.spec.nodeName ?? '?';
    counts[node] = (counts[node] ?? 0) + 1;
  }
  return counts;
}

async function allReady(release: Release): Promise<boolean> {
  for (const [component, replicas] of Object.entries(release.deployments)) {
    const ready = (await pods(component, release)).filter(isReady);
    if (ready.length !== replicas) return false;
  }
  return true;
}

async function agent(command: 'join' | 'fail'): Promise<void> {
  await run(join(CLUSTER, 'agent'), [command], { env: process.env, timeoutMs: 300_000 });
}

/**
 * Replicas placed while the second node was cordoned all run on the first: half of each
 * Deployment's pods are deleted at once, and the scheduler places their replacements by the
 * chart's topology spread.
 */
async function respread(release: Release): Promise<Record<string, Record<string, number>>> {
  for (const [component, replicas] of Object.entries(release.deployments)) {
    const onFirst = (await pods(component, release)).filter((p) => isReady(p) && p.spec.nodeName === FIRST);
    const half = onFirst.slice(0, Math.floor(replicas / 2)).map((p) => p.metadata.name);
    if (half.length > 0 && onFirst.length === replicas) {
      await kubectl(['-n', release.ns, 'delete', 'pod', ...half, '--wait=false']);
    }
  }
  await eventually('every Deployment Ready again', () => allReady(release), 240_000);
  const spread: Record<string, Record<string, number>> = {};
  for (const component of Object.keys(release.deployments)) spread[component] = await placement(component, release);
  return spread;
}

/** Installs a release with the second node cordoned, so its database lives on the first node. */
async function installOnFirstNode(release: Release, values: string[]): Promise<void> {
  await deleteNamespace(release.ns);
  await kubectl(['cordon', SECOND]);
  try {
    const installed = await berthCli([
      'up',
      release.app,
      '-n',
      release.ns,
      '--tag',
      'rs-nodes',
      ...values.flatMap((value) => ['--set', value]),
      ...BERTH_BUILD_FLAGS,
    ]);
    assert.equal(installed.code, 0, explainRun(installed));
  } finally {
    await kubectl(['uncordon', SECOND]);
  }
  const db = await pods('db', release);
  assert.deepEqual(
    db.map((p) => p.spec.nodeName),
    [FIRST],
  );
}

/** Each component's replicas split half and half over the two nodes. */
async function spreadOverBothNodes(release: Release): Promise<void> {
  const spread = await respread(release);
  for (const [component, counts] of Object.entries(spread)) {
    report[`${release.app}: spread of ${component} (${FIRST} / ${SECOND})`] = `${counts[FIRST]} / ${counts[SECOND]}`;
    const replicas = release.deployments[component] ?? 0;
    assert.equal(
      counts[SECOND],
      replicas / 2,
      `${component}: half its replicas on ${SECOND} (${JSON.stringify(counts)})`,
    );
    assert.equal(
      counts[FIRST],
      replicas / 2,
      `${component}: half its replicas on ${FIRST} (${JSON.stringify(counts)})`,
    );
  }
}

/**
 * Drains the second node while clients load the given paths through the ingress: no request
 * may fail, the PDB must refuse an eviction (the second API pod's, until a replacement is Ready),
 * and never more than one API pod may be unavailable.
 */
async function drainUnderLoad(release: Release, loads: { path: string; headers?: Record<string, string> }[]) {
  const generators = loads.map(({ path, headers }) =>
    startLoad(`${INGRESS}${path}`, 2, { host: release.host, ...(headers ?? {}) }),
  );
  const apiReplicas = release.deployments.api ?? 0;
  let fewestReadyApi = apiReplicas;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const ready = (await pods('api', release).catch(() => [] as Pod[])).filter(isReady).length;
      fewestReadyApi = Math.min(fewestReadyApi, ready);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  let drained: Awaited<ReturnType<typeof run>>;
  const started = Date.now();
  try {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    drained = await run(
      join(CLUSTER, 'kubectl'),
      ['drain', SECOND, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=300s'],
      { env: process.env, allowFailure: true, timeoutMs: 360_000 },
    );
    report[`${release.app}: drain took`] = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    await new Promise((resolve) => setTimeout(resolve, 3000));
  } finally {
    sampling = false;
    await sampler;
  }
  const figures = [];
  for (const generator of generators) figures.push(await generator.stop());
  const failures = figures.flatMap((f) => f.failures);
  report[`${release.app}: drain: requests through the ingress (${loads.map((l) => l.path).join(' / ')}), failed`] =
    `${figures.map((f) => f.ok).join(' / ')}, ${failures.length} failed`;
  report[`${release.app}: drain: fewest Ready API pods`] = `${fewestReadyApi} of ${apiReplicas}`;
  await kubectl(['uncordon', SECOND]);
  assert.equal(drained.code, 0, explainRun(drained));
  const refusals = (drained.stderr.match(/would violate the pod's disruption budget/g) ?? []).length;
  report[`${release.app}: drain: evictions refused by the PDB, then retried`] = String(refusals);
  assert.ok(
    figures.every((f) => f.ok > 50),
    `the load ran (${figures.map((f) => f.ok).join(', ')})`,
  );
  assert.deepEqual(failures, [], 'no request failed during the drain');
  assert.ok(refusals > 0, `the PDB refused an eviction while a replacement was not Ready:\n${drained.stderr}`);
  assert.ok(fewestReadyApi >= apiReplicas - 1, `at most one API pod was unavailable (fewest Ready: ${fewestReadyApi})`);
  for (const [component, replicas] of Object.entries(release.deployments)) {
    // The drain returns once the evicted pods are gone, not once their replacements are Ready.
    const counts = await eventually(
      `${component}: every replica Ready on ${FIRST}`,
      async () => {
        const now = await placement(component, release);
        return now[FIRST] === replicas ? now : undefined;
      },
      120_000,
    ).catch(() => placement(component, release));
    assert.equal(counts[SECOND], 0, `${component}: nothing was left on the drained node`);
    assert.equal(counts[FIRST], replicas, `${component}: every replica Ready on ${FIRST}`);
  }
}

/** Polls the API every 100 ms, each request on its own 2 s bound; keeps every outcome with its time. */
function startProbe(token: string) {
  const outcomes: { at: number; ok: boolean }[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const at = Date.now();
      const ok = await api('GET', '/api/tasks?limit=5', token, undefined, 2000)
        .then((a) => a.status === 200)
        .catch(() => false);
      outcomes.push({ at, ok });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    outcomes,
    async stop() {
      running = false;
      await done;
      return outcomes;
    },
  };
}

/**
 * One writer, a request at a time; every task the API acknowledged (201) is kept with its
 * account. A new account every 300 tasks keeps each account's list on one page (500 at most).
 */
function startWriter() {
  const acknowledged: { token: string; id: number }[] = [];
  /** Every answer that was not 201, by status ("no answer" when the request failed or timed out). */
  const refused: Record<string, number> = {};
  let attempts = 0;
  let running = true;
  const done = (async () => {
    let token = await account('node-loss');
    while (running) {
      if (acknowledged.filter((a) => a.token === token).length >= 300) {
        // Registering can fail while the node is lost: keep the account and try again later.
        token = await account('node-loss').catch(() => token);
      }
      attempts += 1;
      const created = await api('POST', '/api/tasks', token, { title: `node-loss ${attempts}` }, 5000).catch(
        () => null,
      );
      if (created?.status === 201) acknowledged.push({ token, id: (created.data as { id: number }).id });
      else {
        const status = String(created?.status ?? 'no answer');
        refused[status] = (refused[status] ?? 0) + 1;
      }
      await new Promise((resolve) => setTimeout(resolve, created?.status === 201 ? 50 : 200));
    }
  })();
  return {
    acknowledged,
    refused,
    async stop() {
      running = false;
      await done;
      return attempts;
    },
  };
}

/** The acknowledged tasks that are not stored, each account's list read back. */
async function lostWrites(acknowledged: { token: string; id: number }[]): Promise<number[]> {
  const lost: number[] = [];
  for (const owner of new Set(acknowledged.map((a) => a.token))) {
    const listed = await api('GET', '/api/tasks?limit=500', owner, undefined, 15_000);
    assert.equal(listed.status, 200);
    const stored = new Set((listed.data as { id: number }[]).map((task) => task.id));
    for (const { id } of acknowledged.filter((a) => a.token === owner)) if (!stored.has(id)) lost.push(id);
  }
  return lost;
}

describe('the Todo app on two nodes: spread, drained, a node lost, its database node drained', () => {
  let token = '';

  before(async () => {
    const up = await run(join(CLUSTER, 'up'), ['--nodes', '2'], { env: process.env, timeoutMs: 1_800_000 });
    assert.equal(up.code, 0);
    await installOnFirstNode(TODO, [
      `ingress.host=${HOST}`,
      'api.autoscaling.enabled=false',
      `api.replicas=${TODO.deployments.api}`,
    ]);
    token = await account('nodes');
  });

  after(async () => {
    for (const [key, value] of Object.entries(report)) if (!key.startsWith('names:')) console.log(`# ${key}: ${value}`);
    // Leave the second node joined and healthy for whatever runs next; `down` removes it.
    await agent('join').catch(() => undefined);
    await removeRelease('todo', NS);
  });

  test('the topology spread puts every Deployment on both nodes', { timeout: 300_000 }, async () => {
    await spreadOverBothNodes(TODO);
  });

  test('draining the second node under load: 0 failed requests, the PDB holds pods until replacements are Ready', {
    timeout: 600_000,
  }, async () => {
    await drainUnderLoad(TODO, [
      { path: '/' },
      { path: '/api/tasks?limit=5', headers: { authorization: `Bearer ${token}` } },
    ]);
  });

  test('losing the second node under load and writes: the app answers again, its pods run elsewhere, nothing acknowledged is lost', {
    timeout: 900_000,
  }, async () => {
    await respread(TODO);
    const probe = startProbe(token);
    const writer = startWriter();
    await eventually('some writes before the loss', async () => writer.acknowledged.length >= 10, 60_000);
    const lostAt = Date.now();
    let notReadyAt = 0;
    let replacedAt = 0;
    try {
      await agent('fail');
      notReadyAt = await eventually(
        `${SECOND} NotReady`,
        async () => {
          const ready = await kubectl([
            'get',
            'node',
            SECOND,
            '-o',
            'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
          ]);
          return ready !== 'True' ? Date.now() : false;
        },
        180_000,
      );
      replacedAt = await eventually(
        `every replica Ready on ${FIRST}`,
        async () => {
          for (const [component, replicas] of Object.entries(TODO.deployments)) {
            if ((await placement(component))[FIRST] !== replicas) return false;
          }
          return Date.now();
        },
        300_000,
      );
      // answers keep coming after the replacement: the recovery is not a lucky gap
      await new Promise((resolve) => setTimeout(resolve, 10_000));
    } finally {
      await probe.stop();
      await writer.stop();
    }
    const after = probe.outcomes.filter((o) => o.at >= lostAt);
    const failed = after.filter((o) => !o.ok);
    const lastFailure = failed.at(-1)?.at ?? lostAt;
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    report['node loss: node NotReady after'] = seconds(notReadyAt - lostAt);
    report['node loss: API answers again (last failed probe) after'] = seconds(lastFailure - lostAt);
    report['node loss: probes after the loss, failed'] = `${after.length}, ${failed.length}`;
    report['node loss: every replica Ready on the first node after'] = seconds(replacedAt - lostAt);
    const lost = await lostWrites(writer.acknowledged);
    report['node loss: acknowledged writes, lost'] = `${writer.acknowledged.length}, ${lost.length}`;
    report['node loss: refused writes by status'] = JSON.stringify(writer.refused);
    assert.ok(
      !Object.keys(writer.refused).some((status) => status.startsWith('5') && status !== '503'),
      'no 5xx but 503',
    );
    assert.deepEqual(lost, [], 'every acknowledged task is stored');
    const tail = after.filter((o) => o.at >= replacedAt);
    assert.ok(tail.length > 20 && tail.every((o) => o.ok), 'every probe succeeded once the replicas were replaced');
    await agent('join');
    await eventually(
      `the lost pods gone once ${SECOND} is back`,
      async () => {
        for (const component of Object.keys(TODO.deployments)) {
          if ((await pods(component)).some((p) => p.spec.nodeName === SECOND)) return false;
        }
        return true;
      },
      180_000,
    );
  });

  test("draining the database's node (one StatefulSet pod on a node-local volume): writes stop until the node is back, none acknowledged is lost", {
    timeout: 600_000,
  }, async () => {
    const dbPod = async () => (await pods('db'))[0];
    const apiRestarts = async () =>
      (await pods('api')).reduce((sum, p) => sum + (p.status.containerStatuses?.[0]?.restartCount ?? 0), 0);
    const restartsBefore = await apiRestarts();
    const writer = startWriter();
    await eventually('some writes before the drain', async () => writer.acknowledged.length >= 10, 60_000);
    const drainedAt = Date.now();
    let pendingReason = '';
    let uncordonedAt = 0;
    let backAt = 0;
    try {
      // What `kubectl drain` does to the database pod: the node cordoned, the pod evicted.
      const drained = await run(
        join(CLUSTER, 'kubectl'),
        [
          'drain',
          FIRST,
          '--pod-selector',
          'app.kubernetes.io/component=db',
          '--delete-emptydir-data',
          '--timeout=120s',
        ],
        { env: process.env, allowFailure: true, timeoutMs: 180_000 },
      );
      assert.equal(drained.code, 0, explainRun(drained));
      // Its volume lives on the cordoned node: the new pod cannot be placed anywhere else.
      pendingReason = await eventually(
        'the new database pod unschedulable',
        async () => {
          const pod = await dbPod();
          const scheduled = pod?.status.conditions?.find((c) => c.type === 'PodScheduled');
          return scheduled?.status === 'False' ? (scheduled.reason ?? 'unschedulable') : false;
        },
        120_000,
      );
      const before = writer.acknowledged.length;
      await new Promise((resolve) => setTimeout(resolve, 15_000));
      report['database node drained: writes acknowledged in the 15 s after the pod was evicted'] = String(
        writer.acknowledged.length - before,
      );
      assert.equal(writer.acknowledged.length, before, 'no write is acknowledged while the database has no node');
      await kubectl(['uncordon', FIRST]);
      uncordonedAt = Date.now();
      const since = writer.acknowledged.length;
      backAt = await eventually(
        'writes acknowledged again once the node is uncordoned',
        async () => (writer.acknowledged.length > since ? Date.now() : false),
        240_000,
      );
    } finally {
      await kubectl(['uncordon', FIRST]).catch(() => undefined);
      await writer.stop();
    }
    report["database node drained: the pod's scheduling condition"] = pendingReason;
    report['database node drained: writes stopped for (the node was uncordoned 15 s after the eviction)'] =
      `${((backAt - drainedAt) / 1000).toFixed(1)} s`;
    report['database node drained: writes acknowledged again after the uncordon'] =
      `${((backAt - uncordonedAt) / 1000).toFixed(1)} s`;
    const lost = await lostWrites(writer.acknowledged);
    report['database node drained: acknowledged writes, lost'] = `${writer.acknowledged.length}, ${lost.length}`;
    report['database node drained: refused writes by status'] = JSON.stringify(writer.refused);
    assert.ok(
      !Object.keys(writer.refused).some((status) => status.startsWith('5') && status !== '503'),
      'no 5xx but 503',
    );
    assert.deepEqual(lost, [], 'every acknowledged task is stored');
    assert.equal(await apiRestarts(), restartsBefore, 'no API pod restarted while the database was away');
  });
});

describe('the Names app on two nodes: spread and drained', () => {
  before(async () => {
    await run(join(CLUSTER, 'up'), ['--nodes', '2'], { env: process.env, timeoutMs: 1_800_000 });
    await installOnFirstNode(NAMES, [
      'web.ingress.enabled=true',
      `web.ingress.host=${NAMES.host}`,
      'web.service.type=ClusterIP',
      `web.replicas=${NAMES.deployments.web}`,
      'api.autoscaling.enabled=false',
      `api.replicas=${NAMES.deployments.api}`,
      `api.podDisruptionBudget.minAvailable=${(NAMES.deployments.api ?? 0) - 1}`,
    ]);
  });

  after(async () => {
    for (const [key, value] of Object.entries(report)) if (key.startsWith('names:')) console.log(`# ${key}: ${value}`);
    await removeRelease('names', NAMES.ns);
  });

  test('the topology spread puts the API and the web on both nodes', { timeout: 300_000 }, async () => {
    await spreadOverBothNodes(NAMES);
  });

  test('draining the second node under load: 0 failed requests, the PDB holds pods until replacements are Ready', {
    timeout: 600_000,
  }, async () => {
    await drainUnderLoad(NAMES, [{ path: '/' }, { path: '/api/names' }]);
  });
});
