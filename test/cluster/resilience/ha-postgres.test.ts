// The Todo app on HA PostgreSQL (postgresql.ha: a 3-instance CloudNativePG Cluster with
// synchronous replication) loses its primary under a stream of acknowledged writes: the
// primary's pod is deleted, a replica must be promoted and take writes within 30 s, the API
// pods must ride it out without a restart, and every write the API acknowledged must be in
// the database afterwards. Namespace rs-ha (PodSecurity restricted), host todo.ha.local.
// Needs the cluster up (test/cluster/up, which runs the operator) and root.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BERTH_BUILD_FLAGS,
  BERTH_ENV,
  berthCli,
  eventually,
  explainRun,
  httpRequest,
  KUBECONFIG,
  kubectl,
  kubectlJson,
  nodeIP,
  removeRelease,
  restrictedNamespace,
  run,
} from '@berth/testkit/cluster';

const NS = 'rs-ha';
const HOST = 'todo.ha.local';
const CLUSTER = 'todo-db';
/** The acceptance bound: deletion of the primary to a new primary taking writes. */
const FAILOVER_BOUND_MS = 30_000;
const API_PODS = 'app.kubernetes.io/instance=todo,app.kubernetes.io/component=api';
let ingress = '';

interface Answer {
  status: number;
  data: Record<string, unknown> & { id?: number };
}

async function api(method: string, path: string, token?: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = { host: HOST };
  if (token) headers.authorization = `Bearer ${token}`;
  const answer = await httpRequest(`${ingress}${path}`, method, body, 15_000, headers);
  let data: unknown = answer.body;
  try {
    data = JSON.parse(answer.body);
  } catch {
    // not JSON: kept as text
  }
  return { status: answer.status, data: data as Answer['data'] };
}

async function account(): Promise<string> {
  const email = `ha-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
  const registered = await api('POST', '/api/auth/register', undefined, {
    email,
    password: 'lantern orchard 7 tidewater',
  });
  assert.equal(registered.status, 201, JSON.stringify(registered.data));
  return registered.data.token as string;
}

interface ClusterStatus {
  phase?: string;
  instances?: number;
  readyInstances?: number;
  currentPrimary?: string;
  targetPrimary?: string;
  currentPrimaryTimestamp?: string;
}

async function clusterStatus(): Promise<ClusterStatus> {
  return (await kubectlJson<{ status?: ClusterStatus }>(['-n', NS, 'get', `cluster/${CLUSTER}`])).status ?? {};
}

const healthy = (status: ClusterStatus) =>
  status.phase === 'Cluster in healthy state' && status.readyInstances === 3 && status.currentPrimary !== undefined;

interface Pod {
  metadata: { name: string; uid: string };
  status: { containerStatuses?: { restartCount: number }[] };
}

/** Each API pod's restart count, by uid: a pod replaced or restarted shows as a difference. */
async function apiPods(): Promise<Map<string, number>> {
  const list = await kubectlJson<{ items: Pod[] }>(['-n', NS, 'get', 'pods', '-l', API_PODS]);
  return new Map(list.items.map((p) => [p.metadata.uid, p.status.containerStatuses?.[0]?.restartCount ?? 0]));
}

/** A query on the primary's own PostgreSQL, as the postgres OS user over the local socket. */
async function psql(pod: string, sql: string): Promise<string> {
  return kubectl(['-n', NS, 'exec', pod, '-c', 'postgres', '--', 'psql', '-d', 'postgres', '-tAc', sql]);
}

describe('HA PostgreSQL: the primary is deleted under a stream of acknowledged writes', () => {
  before(async () => {
    ingress = `http://${await nodeIP()}:30880`;
    // Every pod the chart and the operator make must be admitted under restricted.
    await restrictedNamespace(NS);
  });
  after(async () => {
    // The Cluster first, while the Role its instances use to report their shutdown still
    // exists: deleting the namespace with it all at once leaves the instances retrying
    // against the API server until their grace period runs out.
    await run(BERTH_ENV.BERTH_HELM ?? 'helm', ['--kubeconfig', KUBECONFIG, 'uninstall', 'todo', '-n', NS, '--wait'], {
      allowFailure: true,
    });
    const gone = Date.now();
    await kubectl(['-n', NS, 'wait', '--for=delete', 'pod', '-l', `cnpg.io/cluster=${CLUSTER}`, '--timeout=300s']);
    console.log(`# the Cluster's pods gone ${Date.now() - gone} ms after helm uninstall`);
    await removeRelease('todo', NS);
  });

  test('a replica is promoted and takes writes within 30 s; no API pod restarts; every acknowledged write is stored', {
    timeout: 1_800_000,
  }, async (t) => {
    const installStarted = Date.now();
    const up = await berthCli([
      'up',
      'todo',
      '-n',
      NS,
      '--tag',
      'rs-ha-todo',
      '--timeout',
      '12m',
      '--set',
      `ingress.host=${HOST}`,
      '--set',
      'postgresql.ha.enabled=true',
      '--set',
      'api.autoscaling.enabled=false',
      '--set',
      'api.replicas=2',
      '--set',
      'config.rateLimits.registerPerAddress=100000',
      ...BERTH_BUILD_FLAGS,
    ]);
    assert.equal(up.code, 0, explainRun(up));
    const initial = await eventually(
      'the Cluster healthy with 3 ready instances',
      async () => {
        const status = await clusterStatus();
        return healthy(status) ? status : undefined;
      },
      600_000,
    );
    t.diagnostic(`install to a healthy 3-instance Cluster: ${Math.round((Date.now() - installStarted) / 1000)} s`);
    const oldPrimary = initial.currentPrimary as string;

    // Synchronous replication is on: both replicas stream, in the quorum of one the primary waits for.
    const standbys = await psql(oldPrimary, 'SELECT application_name, sync_state FROM pg_stat_replication ORDER BY 1');
    const syncStates = standbys.split('\n').map((line) => line.split('|')[1]);
    assert.deepEqual(syncStates, ['quorum', 'quorum'], `pg_stat_replication on ${oldPrimary}:\n${standbys}`);
    const syncNames = await psql(oldPrimary, 'SHOW synchronous_standby_names');
    assert.match(syncNames, /^ANY 1 \(/, syncNames);

    // One writer, one request at a time; a new account every 150 tasks keeps each list on one page.
    const acknowledged: { token: string; id: number; at: number }[] = [];
    const refused: Record<string, number> = {};
    let token = await account();
    let attempts = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        if (acknowledged.filter((a) => a.token === token).length >= 150) {
          token = await account().catch(() => token);
        }
        attempts++;
        const created = await api('POST', '/api/tasks', token, { title: `write ${attempts}` }).catch(() => undefined);
        if (created?.status === 201 && typeof created.data.id === 'number') {
          acknowledged.push({ token, id: created.data.id, at: Date.now() });
        } else {
          const key = String(created?.status ?? 'no answer');
          refused[key] = (refused[key] ?? 0) + 1;
        }
        await new Promise((resolve) => setTimeout(resolve, created?.status === 201 ? 20 : 100));
      }
    })();

    try {
      await eventually('writes acknowledged before the failure', async () => acknowledged.length >= 30);
      const podsBefore = await apiPods();

      const deleted = Date.now();
      await kubectl(['-n', NS, 'delete', 'pod', oldPrimary, '--wait=false']);
      // The operator's record of the promotion, polled as fast as kubectl answers.
      let promotedSeen = 0;
      let now: ClusterStatus = {};
      while (Date.now() - deleted < 120_000) {
        now = await clusterStatus().catch(() => ({}));
        if (now.currentPrimary && now.currentPrimary !== oldPrimary && now.currentPrimary === now.targetPrimary) {
          promotedSeen = Date.now();
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.ok(promotedSeen, `no new primary within 120 s; the Cluster's status: ${JSON.stringify(now)}`);
      const newPrimary = now.currentPrimary as string;
      // Every write acknowledged after the promotion was seen went to the new primary: the
      // old one had stopped before a replica could be promoted.
      const firstOnNew = await eventually('a write acknowledged by the new primary', async () =>
        acknowledged.find((a) => a.at >= promotedSeen),
      );
      const promotedMs = promotedSeen - deleted;
      const servingMs = firstOnNew.at - deleted;
      const gaps = [deleted, ...acknowledged.filter((a) => a.at >= deleted).map((a) => a.at)];
      const stoppedMs = Math.max(...gaps.slice(1).map((at, i) => at - (gaps[i] ?? at)));
      t.diagnostic(`primary ${oldPrimary} deleted; ${newPrimary} promoted, seen after ${promotedMs} ms`);
      t.diagnostic(`first write acknowledged by the new primary ${servingMs} ms after the deletion`);
      t.diagnostic(`longest wait between two acknowledged writes: ${stoppedMs} ms`);
      assert.ok(promotedMs < FAILOVER_BOUND_MS, `promotion took ${promotedMs} ms`);
      assert.ok(servingMs < FAILOVER_BOUND_MS, `writes resumed on the new primary after ${servingMs} ms`);

      // The old primary's pod comes back as a replica; the Cluster is whole again.
      const healed = Date.now();
      const whole = await eventually(
        'the Cluster healthy again',
        async () => {
          const status = await clusterStatus();
          return healthy(status) ? status : undefined;
        },
        300_000,
      );
      assert.equal(whole.currentPrimary, newPrimary);
      t.diagnostic(`the Cluster healthy again (3 ready, ${oldPrimary} a replica) ${Date.now() - healed} ms later`);
      const since = acknowledged.length;
      await eventually('more writes after the Cluster healed', async () => acknowledged.length >= since + 20);

      // The API pods rode it out: the same pods, not restarted.
      assert.deepEqual(await apiPods(), podsBefore, 'API pods (uid → restarts) before and after the failover');
    } finally {
      writing = false;
      await writer;
    }

    // Every acknowledged write is in the database (read through the API, from the new primary).
    const lost: number[] = [];
    for (const owner of new Set(acknowledged.map((a) => a.token))) {
      const listed = await eventually('the list', async () => {
        const answer = await api('GET', '/api/tasks?limit=200', owner);
        return answer.status === 200 ? (answer.data as unknown as { id: number }[]) : undefined;
      });
      const stored = new Set(listed.map((task) => task.id));
      for (const { id } of acknowledged.filter((a) => a.token === owner)) if (!stored.has(id)) lost.push(id);
    }
    t.diagnostic(`writes attempted ${attempts}, acknowledged ${acknowledged.length}, lost ${lost.length}`);
    t.diagnostic(`refused writes by status: ${JSON.stringify(refused)}`);
    assert.deepEqual(lost, [], 'every acknowledged task is stored');
    // A write the API could not store is refused as unavailable, never a 500.
    assert.equal(refused['500'], undefined, `refusals by status: ${JSON.stringify(refused)}`);
  });
});
