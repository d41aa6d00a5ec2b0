import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HELM, type K8sObject, KUBE_VERSION, podSpecs, renderChart } from '@berth/testkit';

const run = promisify(execFile);

/**
 * What every pod a chart renders must satisfy: PodSecurity "restricted", no
 * service-account token, no host namespaces or paths, a read-only root,
 * requests and limits, and a pinned image tag.
 */
export function assertHardenedPods(objects: K8sObject[]): void {
  const pods = podSpecs(objects);
  assert.ok(pods.length > 0, 'the chart renders pods');
  for (const { owner, spec } of pods) {
    assert.equal(spec.securityContext?.runAsNonRoot, true, `${owner} runAsNonRoot`);
    assert.equal(spec.securityContext?.seccompProfile?.type, 'RuntimeDefault', `${owner} seccomp`);
    assert.equal(spec.automountServiceAccountToken, false, `${owner} token automount`);
    assert.ok(!spec.hostNetwork && !spec.hostPID && !spec.hostIPC, `${owner} host namespaces`);
    for (const volume of spec.volumes ?? []) assert.equal(volume.hostPath, undefined, `${owner} hostPath`);
    for (const container of [...spec.containers, ...(spec.initContainers ?? [])]) {
      const where = `${owner}/${container.name}`;
      const security = container.securityContext ?? {};
      assert.equal(security.allowPrivilegeEscalation, false, `${where} allowPrivilegeEscalation`);
      assert.deepEqual(security.capabilities?.drop, ['ALL'], `${where} drops ALL capabilities`);
      assert.equal(security.readOnlyRootFilesystem, true, `${where} read-only root`);
      assert.ok(container.resources?.requests?.cpu && container.resources?.requests?.memory, `${where} requests`);
      assert.ok(container.resources?.limits?.cpu && container.resources?.limits?.memory, `${where} limits`);
      assert.match(container.image, /:[\w.-]+$/, `${where} image has a tag`);
      assert.doesNotMatch(container.image, /:latest$/, `${where} image is not latest`);
    }
  }
}

/** kube-score's WARNING and CRITICAL lines for a rendered manifest, minus the checks excluded. */
export async function kubeScoreFindings(manifest: string, excluded: string[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kube-score-'));
  writeFileSync(join(dir, 'manifest.yaml'), manifest);
  const args = [
    'score',
    join(dir, 'manifest.yaml'),
    '--output-format',
    'ci',
    '--kubernetes-version',
    `v${KUBE_VERSION.split('.').slice(0, 2).join('.')}`,
  ];
  for (const check of excluded) args.push('--ignore-test', check);
  const { stdout } = await run(process.env.KUBE_SCORE ?? 'kube-score', args).catch(
    (error: { stdout: string }) => error,
  );
  return stdout.split('\n').filter((line) => /^\[(WARNING|CRITICAL)\]/.test(line));
}

/** `helm lint --strict` of a chart with its default, dev and prod values: no warning, no error. */
export async function assertLintClean(chart: string): Promise<void> {
  for (const values of [[], ['values-dev.yaml'], ['values-prod.yaml']]) {
    const { stdout } = await run(HELM, [
      'lint',
      '--strict',
      chart,
      '--kube-version',
      KUBE_VERSION,
      ...values.flatMap((v) => ['--values', join(chart, v)]),
    ]);
    assert.match(stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    assert.doesNotMatch(stdout, /\[(WARNING|ERROR)\]/, stdout);
  }
}

type Labels = Record<string, string>;
interface Selector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
const selects = (selector: Selector, labels: Labels = {}) =>
  Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value) &&
  (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) =>
    operator === 'In'
      ? values.includes(labels[key] ?? '')
      : operator === 'NotIn'
        ? !values.includes(labels[key] ?? '')
        : operator === 'Exists'
          ? key in labels
          : !(key in labels),
  );

/**
 * How many times Prometheus would scrape each workload's pods through the rendered
 * ServiceMonitors: for every Deployment, the (ServiceMonitor, Service) pairs where the
 * monitor selects the Service, the Service selects the pods, and has the monitor's port.
 */
export function scrapesPerWorkload(objects: K8sObject[]): Record<string, number> {
  const monitors = objects.filter((o) => o.kind === 'ServiceMonitor');
  const services = objects.filter((o) => o.kind === 'Service');
  return Object.fromEntries(
    objects
      .filter((o) => o.kind === 'Deployment')
      .map((deployment) => {
        const podLabels = deployment.spec.template.metadata.labels as Labels;
        let scrapes = 0;
        for (const monitor of monitors) {
          for (const service of services) {
            if (!selects(monitor.spec.selector, service.metadata.labels)) continue;
            if (!selects({ matchLabels: service.spec.selector }, podLabels)) continue;
            const ports = (monitor.spec.endpoints as { port: string }[]).map((endpoint) => endpoint.port);
            if ((service.spec.ports as { name: string }[]).some((port) => ports.includes(port.name))) scrapes++;
          }
        }
        return [deployment.metadata.name as string, scrapes];
      }),
  );
}

/**
 * Runs the chart's backup CronJob script with sh, with stand-ins for pg_dump and date and a
 * folder for /backups: four runs leave the newest `keep` dumps; a failing pg_dump (after it
 * wrote part of its file) fails the run, removes nothing and leaves no partial file.
 */
export async function assertBackupJobKeeps(objects: K8sObject[], keep: number): Promise<void> {
  const cronJob = objects.find((o) => o.kind === 'CronJob');
  assert.ok(cronJob, 'a backup CronJob');
  assert.equal(cronJob.spec.concurrencyPolicy, 'Forbid');
  const container = cronJob.spec.jobTemplate.spec.template.spec.containers[0];
  const dir = mkdtempSync(join(tmpdir(), 'chart-backups-'));
  const bin = join(dir, 'bin');
  const backups = join(dir, 'backups');
  mkdirSync(bin);
  mkdirSync(backups);
  const stand = (name: string, script: string) =>
    writeFileSync(join(bin, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  stand('pg_dump', 'for a; do f="$a"; done; echo part > "$f"; [ -z "$FAIL" ] || exit 1; echo dump > "$f"');
  stand(
    'date',
    `n=$(cat ${dir}/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${dir}/n; printf '2026-11-24T03-%02d-00Z\\n' $n`,
  );
  // The pod's environment: the rendered plain values, stand-ins for the Secret's.
  const podEnv: Record<string, string> = { POSTGRES_USER: 'app', POSTGRES_DB: 'app' };
  for (const e of container.env as { name: string; value?: string }[]) podEnv[e.name] = e.value ?? 'from-secret';
  assert.equal(podEnv.KEEP, String(keep));
  const script = (container.command[2] as string).replaceAll('/backups', backups);
  const runJob = (fail: boolean) =>
    run('sh', ['-c', script], {
      env: { ...process.env, ...podEnv, PATH: `${bin}:${process.env.PATH}`, ...(fail ? { FAIL: '1' } : {}) },
    });
  const newest = Array.from(
    { length: keep },
    (_, i) => `2026-11-24T03-${String(4 - keep + 1 + i).padStart(2, '0')}-00Z.dump`,
  );
  try {
    for (let i = 0; i < 4; i++) await runJob(false);
    assert.deepEqual(readdirSync(backups).sort(), newest);
    await assert.rejects(runJob(true));
    assert.deepEqual(readdirSync(backups).sort(), newest);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The HA mode's physical backups and point-in-time recovery, the same in both charts (`prefix`
 * is `db.ha` or `postgresql.ha`): off by default; with backup on, the Cluster archives to the
 * object store under its own name, with the retention and archive_timeout given, a
 * ScheduledBackup takes base backups, and the database pods may reach the store; with recovery
 * on, the Cluster is bootstrapped from the store's backups of the named Cluster up to the target
 * time instead of initdb. Values that would lose or mix up backups are refused.
 */
export async function assertObjectStoreBackups(chart: string, prefix: string, clusterName: string): Promise<void> {
  const render = (set: Record<string, string>) =>
    renderChart(chart, { set: { [`${prefix}.enabled`]: 'true', ...set } });
  const store = {
    [`${prefix}.objectStore.destinationPath`]: 's3://backups/berth',
    [`${prefix}.objectStore.endpointURL`]: 'http://s3.object-store.svc:9000',
    [`${prefix}.objectStore.credentials.existingSecret`]: 'store-keys',
    [`${prefix}.networkPolicy.objectStore.ports`]: '{9000}',
  };
  const clusterOf = (objects: K8sObject[]) => objects.find((o) => o.kind === 'Cluster');
  const dbEgressPorts = (objects: K8sObject[]) =>
    objects
      .find((o) => o.kind === 'NetworkPolicy' && o.spec.podSelector.matchLabels['app.kubernetes.io/component'] === 'db')
      ?.spec.egress.map((rule: { ports: { port: number }[] }) => rule.ports.map((p) => p.port).join());

  const plain = await render({});
  assert.equal(clusterOf(plain)?.spec.backup, undefined, 'no backup section by default');
  assert.ok(!plain.some((o) => o.kind === 'ScheduledBackup'));
  assert.ok(!dbEgressPorts(plain).includes('9000'));

  const backedUp = await render({
    ...store,
    [`${prefix}.backup.enabled`]: 'true',
    [`${prefix}.backup.archiveTimeout`]: '10s',
  });
  const cluster = clusterOf(backedUp);
  assert.equal(cluster?.spec.backup.retentionPolicy, '7d');
  const archive = cluster?.spec.backup.barmanObjectStore;
  assert.equal(archive.destinationPath, 's3://backups/berth');
  assert.equal(archive.endpointURL, 'http://s3.object-store.svc:9000');
  assert.equal(archive.serverName, clusterName);
  assert.deepEqual(archive.s3Credentials, {
    accessKeyId: { name: 'store-keys', key: 'ACCESS_KEY_ID' },
    secretAccessKey: { name: 'store-keys', key: 'ACCESS_SECRET_KEY' },
  });
  assert.equal(archive.wal.compression, 'gzip');
  assert.equal(cluster?.spec.postgresql.parameters.archive_timeout, '10s');
  assert.ok(cluster?.spec.bootstrap.initdb, 'a new Cluster starts empty');
  const scheduled = backedUp.find((o) => o.kind === 'ScheduledBackup');
  assert.equal(scheduled?.spec.cluster.name, clusterName);
  assert.equal(scheduled?.spec.method, 'barmanObjectStore');
  assert.match(scheduled?.spec.schedule, /^\S+( \S+){5}$/, 'six cron fields, seconds first');
  assert.ok(dbEgressPorts(backedUp).includes('9000'), 'the database pods reach the object store');

  const recovered = await render({
    ...store,
    [`${prefix}.recovery.enabled`]: 'true',
    [`${prefix}.recovery.targetTime`]: '2026-12-07T03:10:00Z',
  });
  const fromBackup = clusterOf(recovered)?.spec;
  assert.equal(fromBackup.bootstrap.initdb, undefined);
  assert.equal(fromBackup.bootstrap.recovery.recoveryTarget.targetTime, '2026-12-07T03:10:00Z');
  const source = fromBackup.externalClusters.find(
    (c: { name: string }) => c.name === fromBackup.bootstrap.recovery.source,
  );
  assert.equal(source.barmanObjectStore.serverName, clusterName);
  assert.equal(source.barmanObjectStore.destinationPath, 's3://backups/berth');
  assert.equal(fromBackup.backup, undefined, 'recovery alone archives nothing');
  assert.ok(dbEgressPorts(recovered).includes('9000'), 'the recovery reads the object store');
  const latest = clusterOf(await render({ ...store, [`${prefix}.recovery.enabled`]: 'true' }))?.spec;
  assert.equal(latest.bootstrap.recovery.recoveryTarget, undefined, 'no target: the end of the archive');

  await assert.rejects(
    render({ [`${prefix}.backup.enabled`]: 'true' }),
    new RegExp(`${prefix.replace('.', '\\.')}\\.objectStore\\.destinationPath`),
  );
  await assert.rejects(
    render({ ...store, [`${prefix}.backup.enabled`]: 'true', [`${prefix}.recovery.enabled`]: 'true' }),
    /must not write into the archive it recovers from/,
  );
  await assert.rejects(render({ ...store, [`${prefix}.backup.schedule`]: '17 3 * * *' }), /schedule/);
}
