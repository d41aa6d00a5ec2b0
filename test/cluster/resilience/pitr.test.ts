// Point-in-time recovery of the HA PostgreSQL mode (db.ha: a CloudNativePG Cluster) from its
// own physical backups: base backups on schedule and the continuous WAL archive, sent by
// barman-cloud to the test cluster's object store (namespace object-store). Names rows A are
// written, a scheduled base backup completes after them, rows B are written, the time T is
// noted, rows C are written and their WAL archived; then the release, its Cluster and every
// volume are destroyed, and a new Cluster is recovered from the object store with
// db.ha.recovery.targetTime = T. Exactly A and B must be back (ids and names), none of C; the
// recovery is timed. Recovering to the end of the archive instead (no targetTime) brings C back
// too, and this test fails on C's ids: the target time is what keeps C out.
// Namespace rs-pitr (PodSecurity restricted), Names on NodePort 30086. Needs the cluster up
// (test/cluster/up: the operator and the object store) and root.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
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

const NS = 'rs-pitr';
const APP = 'names';
const CLUSTER = 'names-db';
const NODE_PORT = 30086;
const STORE_SECRET = 'object-store-credentials';
/** A folder of its own in the bucket on every run: the store outlives a run, and an archive
 * that already holds WAL is refused by a new Cluster. */
const DESTINATION = `s3://backups/${NS}-${Date.now().toString(36)}`;
/** The recovered Cluster archives under a new name: it must not write into the archive it came from. */
const RECOVERED_SERVER_NAME = `${CLUSTER}-recovered`;

/** The values both installs share: HA with 2 instances, backups to the in-cluster object store. */
const VALUES = `
api:
  replicas: 1
  autoscaling: { enabled: false }
web:
  service: { nodePort: ${NODE_PORT} }
db:
  ha:
    enabled: true
    instances: 2
    networkPolicy:
      objectStore:
        to: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: object-store } } }]
        ports: [9000]
    objectStore:
      destinationPath: ${DESTINATION}
      endpointURL: http://s3.object-store.svc:9000
      credentials: { existingSecret: ${STORE_SECRET} }
    backup:
      enabled: true
      # every minute, at second 0
      schedule: "0 * * * * *"
      archiveTimeout: 10s
`;

/** The Names API through the web's nginx on its NodePort, as the page calls it. */
async function names(method: string, body?: unknown) {
  return httpJson(`http://${await nodeIP()}:${NODE_PORT}/api/names`, method, body);
}

/** Writes names through the web's nginx, one at a time; their ids. */
async function writeNames(prefix: string, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let n = 1; n <= count; n++) {
    const created = await names('POST', { name: `${prefix}${n}` });
    assert.equal(created.status, 201, JSON.stringify(created.data));
    ids.push(created.data.id as number);
  }
  return ids;
}

async function storedNames(): Promise<{ id: number; name: string }[]> {
  const listed = await names('GET');
  assert.equal(listed.status, 200, JSON.stringify(listed.data));
  return (listed.data.names as { id: number; name: string }[]).sort((a, b) => a.id - b.id);
}

interface ClusterStatus {
  phase?: string;
  readyInstances?: number;
  currentPrimary?: string;
  conditions?: { type: string; status: string; message?: string }[];
}

interface Backup {
  metadata: { name: string };
  status?: { phase?: string; startedAt?: string; stoppedAt?: string; beginWal?: string; endWal?: string };
}

const clusterStatus = async (): Promise<ClusterStatus> =>
  (await kubectlJson<{ status?: ClusterStatus }>(['-n', NS, 'get', `cluster/${CLUSTER}`])).status ?? {};
const healthy = (status: ClusterStatus) =>
  status.phase === 'Cluster in healthy state' && status.readyInstances === 2 && status.currentPrimary !== undefined;
/** A query on the primary's own PostgreSQL, as the postgres OS user over the local socket. */
const psql = async (sql: string) =>
  kubectl([
    '-n',
    NS,
    'exec',
    (await clusterStatus()).currentPrimary as string,
    '-c',
    'postgres',
    '--',
    'psql',
    '-d',
    'postgres',
    '-tAc',
    sql,
  ]);

const recoveryJobs = () =>
  kubectlJson<{ items: { status: { startTime?: string; completionTime?: string } }[] }>([
    '-n',
    NS,
    'get',
    'jobs',
    '-l',
    `cnpg.io/cluster=${CLUSTER},cnpg.io/jobRole=full-recovery`,
  ]);

async function berthUp(values: string, extra: string[]) {
  return berthCli([
    'up',
    APP,
    '-n',
    NS,
    '--tag',
    'rs-pitr',
    '--timeout',
    '12m',
    '-f',
    values,
    ...extra,
    ...BERTH_BUILD_FLAGS,
  ]);
}

/** The release uninstalled and its Cluster's pods gone (the Cluster owns its volumes: they follow). */
async function uninstall(): Promise<void> {
  await run(BERTH_ENV.BERTH_HELM ?? 'helm', ['--kubeconfig', KUBECONFIG, 'uninstall', APP, '-n', NS, '--wait'], {
    allowFailure: true,
  });
  await kubectl(['-n', NS, 'wait', '--for=delete', 'pod', '-l', `cnpg.io/cluster=${CLUSTER}`, '--timeout=300s']);
}

describe('HA PostgreSQL point-in-time recovery from the object store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-pitr-'));
  const values = join(dir, 'values.yaml');
  before(async () => {
    await restrictedNamespace(NS);
    // gofakes3 checks no signature: a generated, test-only key pair stands in for real ones.
    await kubectl([
      '-n',
      NS,
      'create',
      'secret',
      'generic',
      STORE_SECRET,
      '--from-literal=ACCESS_KEY_ID=rs-pitr',
      `--from-literal=ACCESS_SECRET_KEY=${randomBytes(16).toString('hex')}`,
    ]);
    writeFileSync(values, VALUES);
  });
  after(async () => {
    await uninstall().catch(() => undefined);
    await removeRelease(APP, NS);
  });

  test('rows A, a scheduled base backup, rows B, time T, rows C, everything destroyed, recovery to T → exactly A and B', {
    timeout: 1_800_000,
  }, async (t) => {
    const installStarted = Date.now();
    const up = await berthUp(values, []);
    assert.equal(up.code, 0, explainRun(up));
    await eventually('the Cluster healthy with 2 ready instances', async () => healthy(await clusterStatus()), 600_000);
    await eventually(
      'the WAL archive working (condition ContinuousArchiving)',
      async () => (await clusterStatus()).conditions?.find((c) => c.type === 'ContinuousArchiving')?.status === 'True',
      300_000,
    );
    t.diagnostic(
      `install to a healthy Cluster archiving its WAL: ${Math.round((Date.now() - installStarted) / 1000)} s`,
    );

    const rowsA = await writeNames('A', 5);
    const afterA = Date.now();

    // The next scheduled base backup that starts after rows A, then no more: the one recovery must use.
    const backups = async () =>
      (
        await kubectlJson<{ items: Backup[] }>([
          '-n',
          NS,
          'get',
          'backups.postgresql.cnpg.io',
          '-l',
          `cnpg.io/cluster=${CLUSTER}`,
        ])
      ).items;
    const backup = await eventually(
      'a scheduled base backup started after rows A, completed',
      async () =>
        (await backups()).find((b) => b.status?.phase === 'completed' && Date.parse(b.status.startedAt ?? '') > afterA),
      300_000,
    );
    await kubectl(['-n', NS, 'patch', `scheduledbackup/${CLUSTER}`, '--type=merge', '-p', '{"spec":{"suspend":true}}']);
    const backupMs = Date.parse(backup.status?.stoppedAt ?? '') - Date.parse(backup.status?.startedAt ?? '');
    t.diagnostic(
      `base backup ${backup.metadata.name}: ${backupMs} ms (started ${backup.status?.startedAt}, WAL ${backup.status?.beginWal} to ${backup.status?.endWal}); completed ${Math.round((Date.now() - afterA) / 1000)} s after rows A`,
    );

    const rowsB = await writeNames('B', 4);
    // T strictly between B's last commit and C's first, with a second's margin each side.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const target = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const rowsC = await writeNames('C', 3);

    // C's commits must be in the archive: recovery stops at the first commit after T, and
    // recovery to the end of the archive must have C to bring back. The segment holding them
    // is closed now rather than within archive_timeout, and the archiver must have sent it.
    const segment = await psql('SELECT pg_walfile_name(pg_switch_wal())');
    await eventually(
      `WAL segment ${segment} archived`,
      async () => (await psql('SELECT last_archived_wal FROM pg_stat_archiver')) >= segment,
      120_000,
    );
    const written = await storedNames();
    assert.deepEqual(
      written.map((r) => r.id),
      [...rowsA, ...rowsB, ...rowsC],
    );
    t.diagnostic(
      `rows A ${rowsA.length}, B ${rowsB.length}, C ${rowsC.length}; target time ${target}; C's WAL in ${segment}`,
    );

    // Destroyed: the release, its Cluster and every volume of it (the Cluster owns them).
    await uninstall();
    await eventually(
      "the Cluster's volumes gone",
      async () => (await kubectlJson(['-n', NS, 'get', 'pvc', '-l', `cnpg.io/cluster=${CLUSTER}`])).items.length === 0,
      120_000,
    );
    assert.equal(
      (await kubectlJson(['-n', NS, 'get', 'clusters.postgresql.cnpg.io'])).items.length,
      0,
      'no Cluster left',
    );

    // A new Cluster, recovered to T; it archives its own WAL under a new name. No smoke checks
    // yet: they write, and with synchronous replication required a commit waits until the
    // replica has cloned the recovered primary (the Cluster healthy, below).
    const recoveryStarted = Date.now();
    const recovered = await berthUp(values, [
      '--no-build',
      '--no-smoke',
      '--set',
      'db.ha.recovery.enabled=true',
      '--set',
      `db.ha.recovery.targetTime=${target}`,
      '--set',
      `db.ha.backup.serverName=${RECOVERED_SERVER_NAME}`,
    ]);
    assert.equal(recovered.code, 0, explainRun(recovered));
    const upMs = Date.now() - recoveryStarted;
    // The operator's recovery Job (the base backup restored, the WAL replayed to T), read
    // while it exists: the operator deletes it once the Cluster is up.
    let recoveryJobMs: number | undefined;
    const whole = await eventually(
      'the recovered Cluster healthy',
      async () => {
        const job = (await recoveryJobs()).items[0]?.status;
        if (job?.startTime && job.completionTime)
          recoveryJobMs = Date.parse(job.completionTime) - Date.parse(job.startTime);
        const status = await clusterStatus();
        return healthy(status) ? status : undefined;
      },
      600_000,
    );
    const healthyMs = Date.now() - recoveryStarted;
    const stored = await storedNames();
    t.diagnostic(
      `recovery: berth up returned after ${upMs} ms (the API answering from the recovered primary); the Cluster whole (${whole.readyInstances} instances) after ${healthyMs} ms; the recovery Job ran ${recoveryJobMs ?? '?'} ms`,
    );
    t.diagnostic(`rows after recovery: ${stored.map((r) => r.name).join(' ')}`);
    assert.deepEqual(
      stored.map((r) => r.id),
      [...rowsA, ...rowsB],
      'exactly rows A and B: none of C, written after the target time',
    );
    assert.deepEqual(
      stored.map((r) => r.name),
      [...rowsA.map((_, i) => `A${i + 1}`), ...rowsB.map((_, i) => `B${i + 1}`)],
    );
    // The recovered Cluster's own archive works: a new timeline under its new name.
    await eventually(
      'the recovered Cluster archiving its WAL',
      async () => (await clusterStatus()).conditions?.find((c) => c.type === 'ContinuousArchiving')?.status === 'True',
      180_000,
    );
    // And it takes writes again.
    const afterRecovery = await writeNames('D', 1);
    assert.ok((afterRecovery[0] as number) > 0);
  });
});
