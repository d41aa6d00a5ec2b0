// Level 4 of the testing ladder for deploy/charts/names: lint, render over a
// matrix of values, and check what every rendered object must satisfy. The
// same matrix goes through the real API server in test/cluster/.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { helmTemplate, type K8sObject, renderChart } from '@berth/testkit';
import {
  assertBackupJobKeeps,
  assertHardenedPods,
  assertLintClean,
  assertObjectStoreBackups,
  kubeScoreFindings,
  scrapesPerWorkload,
} from '../test/chart-checks.ts';
import { chartMatrix } from '../test/chart-matrix.ts';

const _run = promisify(execFile);
const CHART = fileURLToPath(new URL('./names', import.meta.url));
const _file = (name: string) => join(CHART, name);

/**
 * kube-score findings we accept, each with the reason. Everything else it
 * reports as WARNING or CRITICAL fails the test.
 */
const KUBE_SCORE_EXCLUSIONS: Record<string, string> = {
  'container-image-pull-policy':
    'Tags are immutable git SHAs; local clusters run imported images (Never) and Always would break them',
  'deployment-has-host-podantiaffinity':
    'Replicas are spread with topologySpreadConstraints (kube-score only recognises podAntiAffinity)',
  'deployment-replicas': "Seed 000's frontend is 1 replica by default; values-prod.yaml runs 2",
  'service-type': 'Seed 000 exposes the UI on NodePort 30080; values-prod.yaml uses ClusterIP + Ingress',
};

test('helm lint --strict is clean for default, dev and prod values', () => assertLintClean(CHART));

for (const { name, options, expectedFindings = {} } of chartMatrix(CHART)) {
  describe(`rendered with ${name}`, () => {
    let objects: K8sObject[] = [];
    let manifest = '';
    test('renders', async () => {
      manifest = await helmTemplate(CHART, options);
      objects = await renderChart(CHART, options);
      assert.ok(objects.length > 5);
    });

    test('every pod meets PodSecurity "restricted" and mounts no service-account token', () => {
      assertHardenedPods(objects);
    });

    test('the API rolls with zero unavailable, has its probes, and restarts on config change', () => {
      const api = objects.find(
        (o) => o.kind === 'Deployment' && o.spec.template.metadata.labels['app.kubernetes.io/component'] === 'api',
      );
      assert.ok(api);
      assert.equal(api.spec.strategy.rollingUpdate.maxUnavailable, 0);
      const container = api.spec.template.spec.containers[0];
      assert.equal(container.livenessProbe.httpGet.path, '/healthz');
      assert.equal(container.readinessProbe.httpGet.path, '/api/health/db');
      assert.equal(container.startupProbe.httpGet.path, '/healthz');
      assert.match(api.spec.template.metadata.annotations['checksum/config'], /^[0-9a-f]{64}$/);
      const drainMs = Number(container.env.find((e: { name: string }) => e.name === 'SHUTDOWN_DRAIN_MS').value);
      const timeoutMs = Number(container.env.find((e: { name: string }) => e.name === 'SHUTDOWN_TIMEOUT_MS').value);
      assert.ok(
        api.spec.template.spec.terminationGracePeriodSeconds * 1000 > drainMs + timeoutMs,
        'the grace period outlasts the app’s drain + shutdown bound',
      );
    });

    const exclusions = { ...KUBE_SCORE_EXCLUSIONS, ...expectedFindings };
    test(`kube-score finds nothing beyond ${Object.keys(exclusions).length} explained exclusions`, async () => {
      const findings = await kubeScoreFindings(manifest, Object.keys(exclusions));
      assert.deepEqual(findings, []);
    });
  });
}

describe('values.schema.json', () => {
  const rejects = async (set: Record<string, string>, message: RegExp) => {
    await assert.rejects(helmTemplate(CHART, { set }), (error: Error) => {
      assert.match(error.message, message);
      return true;
    });
  };

  test('rejects unknown keys at every level', async () => {
    await rejects({ replicas: '3' }, /additional properties 'replicas' not allowed/);
    await rejects({ 'api.replica': '3' }, /additional properties 'replica' not allowed/);
    await rejects({ 'db.persistence.sise': '1Gi' }, /additional properties 'sise' not allowed/);
  });

  test('rejects a latest tag, a bad port and a bad quantity', async () => {
    await rejects({ 'api.image.tag': 'latest' }, /api\/image\/tag/);
    await rejects({ 'web.service.nodePort': '80' }, /nodePort/);
    await rejects({ 'api.resources.limits.memory': 'lots' }, /memory/);
  });
});

describe('configuration and credentials', () => {
  const podAnnotation = async (set: Record<string, string>) => {
    const objects = await renderChart(CHART, { set });
    const api = objects.find((o) => o.kind === 'Deployment' && o.metadata.name.endsWith('-api'));
    return api?.spec.template.metadata.annotations['checksum/config'];
  };

  test('changing a ConfigMap value changes checksum/config, so the API pods roll', async () => {
    assert.notEqual(await podAnnotation({}), await podAnnotation({ 'config.maxNameLength': '60' }));
    assert.equal(await podAnnotation({}), await podAnnotation({ 'web.replicas': '3' }));
  });

  test('the database password is generated when not given, used when given, and absent with existingSecret', async () => {
    const secretOf = async (set: Record<string, string>) =>
      (await renderChart(CHART, { set })).find((o) => o.kind === 'Secret');
    const generated = await secretOf({});
    const password = Buffer.from(generated?.data.POSTGRES_PASSWORD, 'base64').toString();
    assert.match(password, /^[A-Za-z0-9]{32}$/);
    const given = await secretOf({ 'db.auth.password': 'from-values' });
    assert.equal(Buffer.from(given?.data.POSTGRES_PASSWORD, 'base64').toString(), 'from-values');
    assert.equal(await secretOf({ 'db.auth.existingSecret': 'mine' }), undefined);
  });

  test('scheduled backups: none unless asked; then complete dumps only, the newest `keep` kept, reaching the database only', async () => {
    assert.ok(!(await renderChart(CHART)).some((o) => o.kind === 'CronJob'));
    const objects = await renderChart(CHART, { set: { 'db.backup.enabled': 'true', 'db.backup.keep': '3' } });
    const policy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name.endsWith('-db-backup'));
    assert.deepEqual(policy?.spec.policyTypes, ['Ingress', 'Egress']);
    assert.equal(policy?.spec.ingress, undefined, 'nothing reaches the backup job');
    const database = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name.endsWith('-db'));
    assert.ok(
      database?.spec.ingress[0].from.some(
        (peer: { podSelector: { matchLabels: Record<string, string> } }) =>
          peer.podSelector.matchLabels['app.kubernetes.io/component'] === 'db-backup',
      ),
    );
    await assertBackupJobKeeps(objects, 3);
  });

  test('HA PostgreSQL: a CloudNativePG Cluster of 3 with synchronous replication, the API and the backup job on its -rw Service', async () => {
    const objects = await renderChart(CHART, { set: { 'db.ha.enabled': 'true', 'db.backup.enabled': 'true' } });
    const cluster = objects.find((o) => o.kind === 'Cluster');
    assert.equal(cluster?.apiVersion, 'postgresql.cnpg.io/v1');
    assert.equal(cluster?.metadata.name, 'names-db');
    assert.equal(cluster?.spec.instances, 3);
    assert.deepEqual(cluster?.spec.postgresql.synchronous, { method: 'any', number: 1, dataDurability: 'required' });
    assert.equal(cluster?.spec.enableSuperuserAccess, false);
    assert.equal(cluster?.spec.enablePDB, true);
    assert.ok(!objects.some((o) => o.kind === 'StatefulSet'), 'no single-instance database');
    assert.ok(!objects.some((o) => o.kind === 'Service' && o.metadata.name === 'names-db'));
    const secret = objects.find((o) => o.kind === 'Secret');
    assert.equal(cluster?.spec.bootstrap.initdb.secret.name, secret?.metadata.name);
    const decoded = (key: string) => Buffer.from(secret?.data[key], 'base64').toString();
    assert.equal(cluster?.spec.bootstrap.initdb.owner, decoded('POSTGRES_USER'));
    assert.equal(decoded('username'), decoded('POSTGRES_USER'));
    assert.equal(decoded('password'), decoded('POSTGRES_PASSWORD'));
    assert.equal(cluster?.spec.bootstrap.initdb.database, decoded('POSTGRES_DB'));
    assert.equal(objects.find((o) => o.kind === 'ConfigMap')?.data.DB_HOST, 'names-db-rw');
    const backup = objects.find((o) => o.kind === 'CronJob')?.spec.jobTemplate.spec.template.spec.containers[0];
    assert.equal(backup.env.find((e: { name: string }) => e.name === 'PGHOST')?.value, 'names-db-rw');
    const policy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'names-db');
    for (const [label, value] of Object.entries(policy?.spec.podSelector.matchLabels as Record<string, string>))
      assert.equal(cluster?.spec.inheritedMetadata.labels[label], value, label);
    const ports = (rules: { ports: { port: number }[] }[]) => rules.map((rule) => rule.ports.map((p) => p.port).join());
    assert.deepEqual(ports(policy?.spec.ingress), ['5432', '5432,8000', '8000']);
    assert.deepEqual(ports(policy?.spec.egress), ['5432,8000', '443,6443', '53,53']);
  });

  test('HA PostgreSQL backups: base backups and the WAL archive in an object store, and point-in-time recovery from them', () =>
    assertObjectStoreBackups(CHART, 'db.ha', 'names-db'));

  test('HA PostgreSQL is off by default: one StatefulSet, no Cluster', async () => {
    const objects = await renderChart(CHART);
    assert.ok(objects.some((o) => o.kind === 'StatefulSet'));
    assert.ok(!objects.some((o) => o.kind === 'Cluster'));
    const secret = objects.find((o) => o.kind === 'Secret');
    assert.deepEqual(Object.keys(secret?.data).sort(), ['POSTGRES_DB', 'POSTGRES_PASSWORD', 'POSTGRES_USER']);
    await assert.rejects(
      helmTemplate(CHART, { set: { 'db.ha.enabled': 'true', 'db.ha.instances': '1' } }),
      /db\.ha\.synchronous\.number must be below db\.ha\.instances/,
    );
  });
});

describe('monitoring', () => {
  test('the API pods carry the scrape annotations; the ServiceMonitor and rules only when asked, scraping every API pod once', async () => {
    const apiOf = (objects: K8sObject[]) =>
      objects.find((o) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/component'] === 'api');
    const defaults = await renderChart(CHART);
    assert.equal(apiOf(defaults)?.spec.template.metadata.annotations['prometheus.io/port'], '5000');
    assert.equal(defaults.filter((o) => o.kind === 'ServiceMonitor' || o.kind === 'PrometheusRule').length, 0);

    const objects = await renderChart(CHART, { set: { 'metrics.serviceMonitor.enabled': 'true' } });
    assert.deepEqual(scrapesPerWorkload(objects), { 'names-api': 1, 'names-web': 0 });
    // Two tracks: the API Service reaches only the live one, so each track is scraped through its own Service.
    const tracks = await renderChart(CHART, {
      set: { 'metrics.serviceMonitor.enabled': 'true', 'delivery.enabled': 'true', 'delivery.green.tag': 'v2' },
    });
    assert.deepEqual(scrapesPerWorkload(tracks), {
      'names-api': 1,
      'names-api-green': 1,
      'names-web': 0,
    });
    const rule = objects.find((o) => o.kind === 'PrometheusRule');
    const alerts = rule?.spec.groups.flatMap((group: { rules: { alert: string }[] }) =>
      group.rules.map((r) => r.alert),
    );
    assert.ok(alerts.includes('NamesDatabaseDown'), alerts.join(', '));
  });
});
