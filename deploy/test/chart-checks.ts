import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HELM, type K8sObject, KUBE_VERSION, podSpecs } from '@berth/testkit';

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
