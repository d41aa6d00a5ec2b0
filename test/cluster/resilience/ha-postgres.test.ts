// Both apps on HA PostgreSQL (postgresql.ha / db.ha: a 3-instance CloudNativePG Cluster with
// synchronous replication) lose their primary under a stream of acknowledged writes: the
// primary's pod is deleted, a replica must be promoted and take writes within 30 s, the API
// pods must ride it out without a restart, every write the API acknowledged must be in the
// database afterwards, the scheduled backup job must dump from the new primary, and `berth
// restore --scheduled` must bring that dump back.
// Namespaces rs-ha (Todo, host todo.ha.local) and rs-ha-names (Names, NodePort 30084), both
// PodSecurity restricted. Needs the cluster up (test/cluster/up, which runs the operator) and root.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  appHeaders,
  BERTH_BUILD_FLAGS,
  BERTH_ENV,
  berthCli,
  eventually,
  explainRun,
  httpJson,
  KUBECONFIG,
  kubectl,
  kubectlJson,
  nodeIP,
  removeRelease,
  restrictedNamespace,
  run,
} from '@berth/testkit/cluster';

/** The acceptance bound: deletion of the primary to a new primary taking writes. */
const FAILOVER_BOUND_MS = 30_000;

/** What the failover check needs to know of an app. */
interface HaApp {
  name: 'todo' | 'names';
  ns: string;
  /** The Cluster's name (the chart names it like the single-instance database). */
  cluster: string;
  /** berth up --set values beyond turning HA and the scheduled backups on. */
  sets: string[];
  haValue: string;
  /** Scheduled backups on, every minute: the backups' volume (WaitForFirstConsumer on the
   * test cluster) is bound by the first run, and helm's --wait waits for it to be bound. */
  backupValues: string[];
  /** The backup CronJob. */
  cronJob: string;
  /** Once before the writes (an account for Todo). */
  prepare(): Promise<void>;
  /** One write through the app's front door: the HTTP status and, when stored, its id. */
  write(n: number): Promise<{ status: number; id?: number }>;
  /** The ids of everything stored, read through the app. */
  storedIds(): Promise<Set<number>>;
}

function todoApp(): HaApp {
  const host = 'todo.ha.local';
  const base = async () => `http://${await nodeIP()}:30880`;
  const tokens: string[] = [];
  let onToken = 0;
  const register = async () => {
    const email = `ha-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
    const registered = await httpJson(
      `${await base()}/api/auth/register`,
      'POST',
      { email, password: 'lantern orchard 7 tidewater' },
      { host },
    );
    assert.equal(registered.status, 201, JSON.stringify(registered.data));
    tokens.push(registered.data.token as string);
  };
  return {
    name: 'todo',
    ns: 'rs-ha',
    cluster: 'todo-db',
    sets: [`ingress.host=${host}`, 'config.rateLimits.registerPerAddress=100000'],
    haValue: 'postgresql.ha.enabled=true',
    backupValues: ['postgresql.backup.enabled=true', 'postgresql.backup.schedule=* * * * *'],
    cronJob: 'todo-db-backup',
    prepare: register,
    async write(n) {
      // A new account every 150 tasks keeps each account's list on one page (limit 200);
      // registering can fail while the database fails over: the old account takes more then.
      if (onToken >= 150)
        await register().then(
          () => (onToken = 0),
          () => undefined,
        );
      const token = tokens.at(-1) as string;
      const created = await httpJson(
        `${await base()}/api/tasks`,
        'POST',
        { title: `write ${n}` },
        appHeaders(host, token),
      );
      if (created.status !== 201) return { status: created.status };
      onToken++;
      return { status: 201, id: created.data.id as number };
    },
    async storedIds() {
      const ids = new Set<number>();
      for (const token of tokens) {
        const listed = await httpJson<{ id: number }[]>(
          `${await base()}/api/tasks?limit=200`,
          'GET',
          undefined,
          appHeaders(host, token),
        );
        assert.equal(listed.status, 200, JSON.stringify(listed.data));
        for (const task of listed.data) ids.add(task.id);
      }
      return ids;
    },
  };
}

function namesApp(): HaApp {
  const port = 30084;
  const base = async () => `http://${await nodeIP()}:${port}`;
  return {
    name: 'names',
    ns: 'rs-ha-names',
    cluster: 'names-db',
    sets: [`web.service.nodePort=${port}`],
    haValue: 'db.ha.enabled=true',
    backupValues: ['db.backup.enabled=true', 'db.backup.schedule=* * * * *'],
    cronJob: 'names-db-backup',
    async prepare() {},
    async write(n) {
      // Through the web's nginx, as the page posts it.
      const created = await httpJson(`${await base()}/api/names`, 'POST', { name: `write ${n}` });
      return created.status === 201 ? { status: 201, id: created.data.id as number } : { status: created.status };
    },
    async storedIds() {
      const listed = await httpJson(`${await base()}/api/names`);
      assert.equal(listed.status, 200, JSON.stringify(listed.data));
      return new Set((listed.data.names as { id: number }[]).map((entry) => entry.id));
    },
  };
}

interface ClusterStatus {
  phase?: string;
  readyInstances?: number;
  currentPrimary?: string;
  targetPrimary?: string;
}

interface Pod {
  metadata: { uid: string };
  status: { containerStatuses?: { restartCount: number }[] };
}

for (const app of [todoApp(), namesApp()]) {
  const { ns, cluster } = app;
  const clusterStatus = async (): Promise<ClusterStatus> =>
    (await kubectlJson<{ status?: ClusterStatus }>(['-n', ns, 'get', `cluster/${cluster}`])).status ?? {};
  const healthy = (status: ClusterStatus) =>
    status.phase === 'Cluster in healthy state' && status.readyInstances === 3 && status.currentPrimary !== undefined;
  /** Each API pod's restart count, by uid: a pod replaced or restarted shows as a difference. */
  const apiPods = async () => {
    const selector = `app.kubernetes.io/instance=${app.name},app.kubernetes.io/component=api`;
    const list = await kubectlJson<{ items: Pod[] }>(['-n', ns, 'get', 'pods', '-l', selector]);
    return new Map(list.items.map((p) => [p.metadata.uid, p.status.containerStatuses?.[0]?.restartCount ?? 0]));
  };
  /** A query on an instance's own PostgreSQL, as the postgres OS user over the local socket. */
  const psql = (pod: string, sql: string) =>
    kubectl(['-n', ns, 'exec', pod, '-c', 'postgres', '--', 'psql', '-d', 'postgres', '-tAc', sql]);

  describe(`HA PostgreSQL (${app.name}): the primary is deleted under a stream of acknowledged writes`, () => {
    // Every pod the chart and the operator make must be admitted under restricted.
    before(() => restrictedNamespace(ns));
    after(async () => {
      // The Cluster first, while the Role its instances use to report their shutdown still
      // exists: deleting the namespace with it all at once leaves the instances retrying
      // against the API server until their grace period runs out.
      await run(
        BERTH_ENV.BERTH_HELM ?? 'helm',
        ['--kubeconfig', KUBECONFIG, 'uninstall', app.name, '-n', ns, '--wait'],
        {
          allowFailure: true,
        },
      );
      const gone = Date.now();
      await kubectl(['-n', ns, 'wait', '--for=delete', 'pod', '-l', `cnpg.io/cluster=${cluster}`, '--timeout=300s']);
      console.log(`# ${app.name}: the Cluster's pods gone ${Date.now() - gone} ms after helm uninstall`);
      await removeRelease(app.name, ns);
    });

    test('a replica is promoted and takes writes within 30 s; no API pod restarts; every acknowledged write is stored; the backup job dumps from the new primary', {
      timeout: 1_800_000,
    }, async (t) => {
      const installStarted = Date.now();
      const up = await berthCli([
        'up',
        app.name,
        '-n',
        ns,
        '--tag',
        `rs-ha-${app.name}`,
        '--timeout',
        '12m',
        ...[app.haValue, ...app.backupValues, 'api.autoscaling.enabled=false', 'api.replicas=2', ...app.sets].flatMap(
          (value) => ['--set', value],
        ),
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
      // A standby still catching up is listed as 'potential', or not yet at all: polled.
      const replication = () =>
        psql(oldPrimary, 'SELECT application_name, sync_state FROM pg_stat_replication ORDER BY 1');
      const statesOf = (rows: string) => rows.split('\n').map((line) => line.split('|')[1]);
      const standbys = await eventually(
        'both standbys streaming in the quorum',
        async () => {
          const rows = await replication();
          return statesOf(rows).join() === 'quorum,quorum' ? rows : undefined;
        },
        60_000,
      ).catch(replication);
      const syncStates = statesOf(standbys);
      assert.deepEqual(syncStates, ['quorum', 'quorum'], `pg_stat_replication on ${oldPrimary}:\n${standbys}`);
      const syncNames = await psql(oldPrimary, 'SHOW synchronous_standby_names');
      assert.match(syncNames, /^ANY 1 \(/, syncNames);

      // One writer, one request at a time, as a person clicking "Add" would.
      await app.prepare();
      const acknowledged: { id: number; at: number }[] = [];
      const refused: Record<string, number> = {};
      let attempts = 0;
      let writing = true;
      const writer = (async () => {
        while (writing) {
          attempts++;
          const answer = await app.write(attempts).catch(() => undefined);
          if (answer?.status === 201 && typeof answer.id === 'number') {
            acknowledged.push({ id: answer.id, at: Date.now() });
          } else {
            const key = String(answer?.status ?? 'no answer');
            refused[key] = (refused[key] ?? 0) + 1;
          }
          await new Promise((resolve) => setTimeout(resolve, answer?.status === 201 ? 20 : 100));
        }
      })();

      let newPrimary = '';
      try {
        await eventually('writes acknowledged before the failure', async () => acknowledged.length >= 30);
        const podsBefore = await apiPods();

        const deleted = Date.now();
        await kubectl(['-n', ns, 'delete', 'pod', oldPrimary, '--wait=false']);
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
        newPrimary = now.currentPrimary as string;
        // Every write acknowledged after the promotion was seen went to the new primary: the
        // old one had stopped before a replica could be promoted.
        const firstOnNew = await eventually('a write acknowledged by the new primary', async () =>
          acknowledged.find((a) => a.at >= promotedSeen),
        );
        const promotedMs = promotedSeen - deleted;
        const servingMs = firstOnNew.at - deleted;
        const times = [deleted, ...acknowledged.filter((a) => a.at >= deleted).map((a) => a.at)];
        const stoppedMs = Math.max(...times.slice(1).map((at, i) => at - (times[i] ?? at)));
        t.diagnostic(`primary ${oldPrimary} deleted; ${newPrimary} promoted, seen after ${promotedMs} ms`);
        t.diagnostic(`first write acknowledged by the new primary ${servingMs} ms after the deletion`);
        t.diagnostic(`longest wait between two acknowledged writes: ${stoppedMs} ms`);
        assert.ok(promotedMs < FAILOVER_BOUND_MS, `promotion took ${promotedMs} ms`);
        assert.ok(servingMs < FAILOVER_BOUND_MS, `writes resumed on the new primary after ${servingMs} ms`);

        // The old primary's pod comes back as a replica; the Cluster is whole again.
        const healing = Date.now();
        const whole = await eventually(
          'the Cluster healthy again',
          async () => {
            const status = await clusterStatus();
            return healthy(status) ? status : undefined;
          },
          300_000,
        );
        assert.equal(whole.currentPrimary, newPrimary);
        t.diagnostic(`the Cluster healthy again (3 ready, ${oldPrimary} a replica) ${Date.now() - healing} ms later`);
        const since = acknowledged.length;
        await eventually('more writes after the Cluster healed', async () => acknowledged.length >= since + 20);

        // The API pods rode it out: the same pods, not restarted.
        assert.deepEqual(await apiPods(), podsBefore, 'API pods (uid → restarts) before and after the failover');
      } finally {
        writing = false;
        await writer;
      }

      // Every acknowledged write is in the database (read through the app, from the new primary).
      const stored = await eventually('the stored writes', () => app.storedIds());
      const lost = acknowledged.filter(({ id }) => !stored.has(id)).map(({ id }) => id);
      t.diagnostic(`writes attempted ${attempts}, acknowledged ${acknowledged.length}, lost ${lost.length}`);
      t.diagnostic(`refused writes by status: ${JSON.stringify(refused)}`);
      assert.deepEqual(lost, [], 'every acknowledged write is stored');
      // A write the API could not store is refused as unavailable, never a 500.
      assert.equal(refused['500'], undefined, `refusals by status: ${JSON.stringify(refused)}`);

      // The scheduled backup reaches the new primary through the -rw Service.
      const job = `${app.cronJob}-after-failover`;
      await kubectl(['-n', ns, 'create', 'job', `--from=cronjob/${app.cronJob}`, job]);
      await kubectl(['-n', ns, 'wait', '--for=condition=Complete', `job/${job}`, '--timeout=180s']);
      const log = await kubectl(['-n', ns, 'logs', `job/${job}`]);
      assert.match(log, /^wrote \S+\.dump \(\d+ bytes\)$/m, log);
      t.diagnostic(`backup job after the failover: ${log.trim().split('\n').at(-1)}`);
      const dump = /^wrote (\S+\.dump) /m.exec(log)?.[1] as string;

      // berth restore --scheduled runs that CronJob's pod as a restore Job, also through -rw:
      // every acknowledged write is there after restoring the dump taken after them.
      const restored = await berthCli(['restore', '--app', app.name, '-n', ns, '--scheduled', dump, '--json']);
      assert.equal(restored.code, 0, explainRun(restored));
      assert.equal(restored.json.restored, dump);
      const afterRestore = await eventually('the stored writes after the restore', () => app.storedIds());
      assert.deepEqual(
        acknowledged.filter(({ id }) => !afterRestore.has(id)),
        [],
        'every acknowledged write is in the restored database',
      );
      // berth backup execs into the single database pod; with a Cluster it refuses, naming
      // the way that works, instead of dumping whatever database an instance has.
      const exec = await berthCli(['backup', '--app', app.name, '-n', ns, '-o', `/tmp/${ns}.dump`]);
      assert.notEqual(exec.code, 0, explainRun(exec));
      assert.match(explainRun(exec), /CloudNativePG Cluster \(HA mode\)[\s\S]*berth restore --scheduled/);
    });
  });
}
