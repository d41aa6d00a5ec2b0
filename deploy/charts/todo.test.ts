// Level 4 of the testing ladder for deploy/charts/todo: lint, render over a
// matrix of values (database and Redis in the release or outside it, each way
// of giving a credential, ingress on or off), and check what every rendered
// object must satisfy. The same matrix goes through the real API server, in a
// namespace that enforces PodSecurity "restricted", in test/cluster/apps/todo.test.ts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
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
import { todoChartMatrix } from '../test/chart-matrix.ts';

const _run = promisify(execFile);
const CHART = fileURLToPath(new URL('./todo', import.meta.url));

/** kube-score findings accepted, each with the reason; anything else it reports fails. */
const KUBE_SCORE_EXCLUSIONS: Record<string, string> = {
  'container-image-pull-policy':
    'Tags are immutable git SHAs; local clusters run imported images (Never) and Always would break them',
  'deployment-has-host-podantiaffinity':
    'Replicas are spread with topologySpreadConstraints (kube-score only recognises podAntiAffinity)',
  'statefulset-has-host-podantiaffinity': 'PostgreSQL and Redis run one pod each',
  'statefulset-has-poddisruptionbudget':
    'One PostgreSQL and one Redis pod: a PDB would block every node drain; the HA option is the answer',
};

const byComponent = (objects: K8sObject[], kind: string, component: string) =>
  objects.find((o) => o.kind === kind && o.metadata.labels?.['app.kubernetes.io/component'] === component);
const env = (container: { env?: { name: string; value?: string; valueFrom?: unknown }[] }, name: string) =>
  container.env?.find((e) => e.name === name);

test('helm lint --strict is clean for default, dev and prod values', () => assertLintClean(CHART));

for (const { name, options, expectedFindings = {} } of todoChartMatrix(CHART)) {
  describe(`rendered with ${name}`, () => {
    let objects: K8sObject[] = [];
    let manifest = '';
    test('renders web, api and mcp with their Services', async () => {
      manifest = await helmTemplate(CHART, options);
      objects = await renderChart(CHART, options);
      for (const component of ['web', 'api', 'mcp']) {
        assert.ok(byComponent(objects, 'Deployment', component), `${component} Deployment`);
        assert.ok(byComponent(objects, 'Service', component), `${component} Service`);
      }
    });

    test('every pod meets PodSecurity "restricted" and mounts no service-account token', () => {
      assertHardenedPods(objects);
    });

    test("each component has its own ServiceAccount (the API's two delivery tracks share it), none with a token", () => {
      const accounts = objects.filter((o) => o.kind === 'ServiceAccount');
      for (const account of accounts) assert.equal(account.automountServiceAccountToken, false);
      const workloads = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
      const used = workloads.map((w) => w.spec.template.spec.serviceAccountName);
      const components = new Set(workloads.map((w) => w.metadata.labels['app.kubernetes.io/component']));
      assert.equal(new Set(used).size, components.size, `one account each: ${used.join(', ')}`);
      for (const account of used)
        assert.ok(
          accounts.some((a) => a.metadata.name === account),
          account,
        );
    });

    test('web, api and mcp roll with zero unavailable, probe real health routes and restart on config change', () => {
      for (const component of ['web', 'api', 'mcp']) {
        const deployment = byComponent(objects, 'Deployment', component);
        assert.equal(deployment?.spec.strategy.rollingUpdate.maxUnavailable, 0, component);
        assert.match(deployment?.spec.template.metadata.annotations['checksum/config'], /^[0-9a-f]{64}$/);
        const container = deployment?.spec.template.spec.containers[0];
        assert.ok(container.livenessProbe.httpGet.path && container.readinessProbe.httpGet.path, component);
        assert.equal(deployment?.spec.template.spec.topologySpreadConstraints.length, 1, component);
      }
      const api = byComponent(objects, 'Deployment', 'api')?.spec.template.spec.containers[0];
      assert.equal(api.readinessProbe.httpGet.path, '/readiness');
      assert.equal(api.livenessProbe.httpGet.path, '/health');
    });

    const exclusions = { ...KUBE_SCORE_EXCLUSIONS, ...expectedFindings };
    test(`kube-score finds nothing beyond ${Object.keys(exclusions).length} explained exclusions`, async () => {
      assert.deepEqual(await kubeScoreFindings(manifest, Object.keys(exclusions)), []);
    });
  });
}

describe('the database, Redis and credentials', () => {
  const apiEnv = async (set: Record<string, string>) => {
    const objects = await renderChart(CHART, { set });
    return { objects, container: byComponent(objects, 'Deployment', 'api')?.spec.template.spec.containers[0] };
  };

  test('in-chart PostgreSQL and Redis: a StatefulSet each, and the API reaches them by Service name', async () => {
    const { objects, container } = await apiEnv({});
    assert.ok(byComponent(objects, 'StatefulSet', 'db'));
    assert.ok(byComponent(objects, 'StatefulSet', 'redis'));
    const config = objects.find((o) => o.kind === 'ConfigMap');
    assert.equal(config?.data.DB_HOST, 'names-todo-db');
    assert.match(
      env(container, 'REDIS_URL')?.value ?? '',
      /^redis:\/\/:\$\(REDIS_PASSWORD\)@names-todo-redis:6379\/0$/,
    );
    // $(REDIS_PASSWORD) expands only when REDIS_PASSWORD is defined before REDIS_URL.
    const names = container.env.map((e: { name: string }) => e.name);
    assert.ok(names.indexOf('REDIS_PASSWORD') < names.indexOf('REDIS_URL'));
  });

  test('external PostgreSQL and Redis: no StatefulSets, URLs from the chart Secret or the given one', async () => {
    const byValue = await apiEnv({
      'postgresql.enabled': 'false',
      'externalDatabase.url': 'postgres://u:p@db.example.com/todo',
      'redis.enabled': 'false',
      'externalRedis.url': 'redis://r.example.com:6379',
    });
    assert.equal(byValue.objects.filter((o) => o.kind === 'StatefulSet').length, 0);
    const secret = byValue.objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'names-todo-app');
    assert.equal(Buffer.from(secret?.data.DATABASE_URL, 'base64').toString(), 'postgres://u:p@db.example.com/todo');
    assert.deepEqual(env(byValue.container, 'DATABASE_URL')?.valueFrom, {
      secretKeyRef: { name: 'names-todo-app', key: 'DATABASE_URL' },
    });
    const bySecret = await apiEnv({
      'postgresql.enabled': 'false',
      'externalDatabase.existingSecret': 'mine',
      'externalDatabase.existingSecretKey': 'url',
      'redis.enabled': 'false',
      'externalRedis.existingSecret': 'mine-too',
    });
    assert.deepEqual(env(bySecret.container, 'DATABASE_URL')?.valueFrom, {
      secretKeyRef: { name: 'mine', key: 'url' },
    });
    assert.deepEqual(env(bySecret.container, 'REDIS_URL')?.valueFrom, {
      secretKeyRef: { name: 'mine-too', key: 'REDIS_URL' },
    });
  });

  test('the signing key: generated when not given, used when given, and not in any chart Secret with existingSecret', async () => {
    const jwtOf = async (set: Record<string, string>) => {
      const secret = (await renderChart(CHART, { set })).find(
        (o) => o.kind === 'Secret' && o.metadata.name === 'names-todo-app',
      );
      return secret?.data.JWT_SECRET && Buffer.from(secret.data.JWT_SECRET, 'base64').toString();
    };
    assert.match((await jwtOf({})) ?? '', /^[A-Za-z0-9]{48}$/);
    assert.equal(await jwtOf({ 'auth.jwtSecret': 'k'.repeat(40) }), 'k'.repeat(40));
    assert.equal(await jwtOf({ 'auth.existingSecret': 'jwt' }), undefined);
    const { container } = await apiEnv({ 'auth.existingSecret': 'jwt', 'auth.existingSecretKey': 'key' });
    assert.deepEqual(env(container, 'JWT_SECRET')?.valueFrom, { secretKeyRef: { name: 'jwt', key: 'key' } });
  });

  test('generated credentials: the pods checksum the values the Secrets hold, so an upgrade that finds them does not restart the pods', async () => {
    // On an upgrade the chart reads each generated value back from its Secret, which renders
    // exactly like giving that value: the checksum must not change between the two renders.
    const secretValue = (objects: K8sObject[], name: string, key: string) =>
      Buffer.from(objects.find((o) => o.kind === 'Secret' && o.metadata.name === name)?.data[key], 'base64').toString();
    const checksum = (objects: K8sObject[]) =>
      byComponent(objects, 'Deployment', 'api')?.spec.template.metadata.annotations['checksum/secrets'];
    const installed = await renderChart(CHART, {});
    const upgraded = await renderChart(CHART, {
      set: {
        'auth.jwtSecret': secretValue(installed, 'names-todo-app', 'JWT_SECRET'),
        'postgresql.auth.password': secretValue(installed, 'names-todo-db', 'POSTGRES_PASSWORD'),
        'redis.auth.password': secretValue(installed, 'names-todo-redis', 'REDIS_PASSWORD'),
      },
    });
    assert.ok(checksum(installed));
    assert.equal(checksum(upgraded), checksum(installed));
  });

  test('scheduled backups: complete dumps only, the newest `keep` kept, a failed dump removes nothing', async () => {
    const objects = await renderChart(CHART, {
      set: { 'postgresql.backup.enabled': 'true', 'postgresql.backup.keep': '2' },
    });
    assert.ok(objects.some((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'names-todo-db-backups'));
    await assertBackupJobKeeps(objects, 2);
  });

  test('HA PostgreSQL: a CloudNativePG Cluster of 3 with synchronous replication, the API and the backup job on its -rw Service', async () => {
    const objects = await renderChart(CHART, {
      set: { 'postgresql.ha.enabled': 'true', 'postgresql.backup.enabled': 'true' },
    });
    const cluster = objects.find((o) => o.kind === 'Cluster');
    assert.equal(cluster?.apiVersion, 'postgresql.cnpg.io/v1');
    assert.equal(cluster?.metadata.name, 'names-todo-db');
    assert.equal(cluster?.spec.instances, 3);
    // An acknowledged commit is on a replica too, and commits wait rather than go unreplicated.
    assert.deepEqual(cluster?.spec.postgresql.synchronous, { method: 'any', number: 1, dataDurability: 'required' });
    assert.equal(cluster?.spec.enableSuperuserAccess, false);
    assert.equal(cluster?.spec.enablePDB, true);
    assert.equal(cluster?.spec.affinity.podAntiAffinityType, 'preferred');
    assert.equal(cluster?.spec.imageName, 'ghcr.io/cloudnative-pg/postgresql:15-bookworm');
    // The single-instance database is gone: no StatefulSet, Service or ServiceAccount of its own
    // (the operator names the instances' ServiceAccount after the Cluster).
    assert.equal(byComponent(objects, 'StatefulSet', 'db'), undefined);
    assert.ok(!objects.some((o) => o.kind === 'Service' && o.metadata.name === 'names-todo-db'));
    assert.ok(!objects.some((o) => o.kind === 'ServiceAccount' && o.metadata.name === 'names-todo-db'));
    // The owner CloudNativePG creates is the API's user, with the same password, from one Secret.
    const secret = objects.find(
      (o) => o.kind === 'Secret' && o.metadata.name === cluster?.spec.bootstrap.initdb.secret.name,
    );
    const decoded = (key: string) => Buffer.from(secret?.data[key], 'base64').toString();
    assert.equal(cluster?.spec.bootstrap.initdb.owner, decoded('POSTGRES_USER'));
    assert.equal(decoded('username'), decoded('POSTGRES_USER'));
    assert.match(decoded('password'), /^[A-Za-z0-9]{32}$/);
    assert.equal(decoded('password'), decoded('POSTGRES_PASSWORD'));
    assert.equal(cluster?.spec.bootstrap.initdb.database, decoded('POSTGRES_DB'));
    assert.equal(objects.find((o) => o.kind === 'ConfigMap')?.data.DB_HOST, 'names-todo-db-rw');
    const backup = objects.find((o) => o.kind === 'CronJob')?.spec.jobTemplate.spec.template.spec;
    assert.equal(env(backup.containers[0], 'PGHOST')?.value, 'names-todo-db-rw');
    assert.ok(objects.some((o) => o.kind === 'ServiceAccount' && o.metadata.name === backup.serviceAccountName));
    // The database's policy selects the pods the operator makes (by the labels it passes on to
    // them): PostgreSQL from the API and the backup job, replication and status between the
    // instances, status from the operator, and the API server.
    const policy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'names-todo-db');
    for (const [label, value] of Object.entries(policy?.spec.podSelector.matchLabels as Record<string, string>))
      assert.equal(cluster?.spec.inheritedMetadata.labels[label], value, label);
    const allowed = (rules: { from?: unknown[]; to?: unknown[]; ports: { port: number }[] }[]) =>
      rules.map((rule) => ({
        peers: JSON.stringify(rule.from ?? rule.to ?? 'any'),
        ports: rule.ports.map((p) => p.port),
      }));
    const ingress = allowed(policy?.spec.ingress);
    assert.ok(
      ingress.some((r) => /component":"api"/.test(r.peers) && /db-backup/.test(r.peers) && r.ports.join() === '5432'),
    );
    assert.ok(ingress.some((r) => /component":"db"/.test(r.peers) && r.ports.join() === '5432,8000'));
    assert.ok(ingress.some((r) => /cnpg-system/.test(r.peers) && r.ports.join() === '8000'));
    assert.equal(ingress.length, 3);
    const egress = allowed(policy?.spec.egress);
    assert.ok(egress.some((r) => /component":"db"/.test(r.peers) && r.ports.join() === '5432,8000'));
    assert.ok(egress.some((r) => r.peers === '"any"' && r.ports.join() === '443,6443'));
    const apiEgress = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'names-todo-api')?.spec
      .egress;
    assert.ok(
      apiEgress.some(
        (rule: { to?: { podSelector?: { matchLabels: Record<string, string> } }[]; ports: { port: number }[] }) =>
          rule.to?.[0]?.podSelector?.matchLabels['app.kubernetes.io/component'] === 'db' &&
          rule.ports[0]?.port === 5432,
      ),
    );
  });

  test('HA PostgreSQL backups: base backups and the WAL archive in an object store, and point-in-time recovery from them', () =>
    assertObjectStoreBackups(CHART, 'postgresql.ha', 'names-todo-db'));

  test('HA PostgreSQL is off by default: one StatefulSet, no Cluster', async () => {
    const objects = await renderChart(CHART, {});
    assert.ok(byComponent(objects, 'StatefulSet', 'db'));
    assert.ok(!objects.some((o) => o.kind === 'Cluster'));
    const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'names-todo-db');
    assert.deepEqual(Object.keys(secret?.data).sort(), ['POSTGRES_DB', 'POSTGRES_PASSWORD', 'POSTGRES_USER']);
  });

  test('the model endpoint is opened in the egress policy only when a model is configured', async () => {
    const egressPorts = async (set: Record<string, string>) => {
      const policy = (await renderChart(CHART, { set })).find(
        (o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'names-todo-api',
      );
      return policy?.spec.egress.flatMap((rule: { ports?: { port: number | string }[] }) =>
        (rule.ports ?? []).map((p) => p.port),
      );
    };
    assert.ok(!(await egressPorts({})).includes(443));
    assert.ok((await egressPorts({ 'assistant.model': 'gpt-4o-mini', 'assistant.apiKey': 'sk-test' })).includes(443));
  });
});

describe('monitoring', () => {
  test('api and mcp pods carry the scrape annotations; no ServiceMonitor or rule unless asked', async () => {
    const objects = await renderChart(CHART);
    for (const [component, port] of [
      ['api', '8000'],
      ['mcp', '8080'],
    ] as const) {
      const annotations = byComponent(objects, 'Deployment', component)?.spec.template.metadata.annotations;
      assert.equal(annotations['prometheus.io/scrape'], 'true', component);
      assert.equal(annotations['prometheus.io/port'], port, component);
      assert.equal(annotations['prometheus.io/path'], '/metrics', component);
    }
    assert.equal(
      byComponent(objects, 'Deployment', 'web')?.spec.template.metadata.annotations['prometheus.io/scrape'],
      undefined,
    );
    assert.deepEqual(
      objects.filter((o) => o.kind === 'ServiceMonitor' || o.kind === 'PrometheusRule'),
      [],
    );
    const quiet = await renderChart(CHART, { set: { 'metrics.podAnnotations': 'false' } });
    assert.equal(
      byComponent(quiet, 'Deployment', 'api')?.spec.template.metadata.annotations['prometheus.io/scrape'],
      undefined,
    );
  });

  test('the ServiceMonitors scrape every api and mcp pod exactly once, with one API track or two; the rules carry the given labels', async () => {
    const set = { 'metrics.serviceMonitor.enabled': 'true', 'metrics.serviceMonitor.labels.release': 'monitoring' };
    const objects = await renderChart(CHART, { set });
    assert.deepEqual(scrapesPerWorkload(objects), { 'names-todo-web': 0, 'names-todo-api': 1, 'names-todo-mcp': 1 });
    // Two tracks: the API Service reaches only the live one, so each track is scraped through its own Service.
    const tracks = await renderChart(CHART, {
      set: { ...set, 'delivery.enabled': 'true', 'delivery.green.tag': 'v2' },
    });
    assert.deepEqual(scrapesPerWorkload(tracks), {
      'names-todo-web': 0,
      'names-todo-api': 1,
      'names-todo-api-green': 1,
      'names-todo-mcp': 1,
    });
    const monitor = objects.find((o) => o.kind === 'ServiceMonitor');
    const rule = objects.find((o) => o.kind === 'PrometheusRule');
    assert.equal(monitor?.metadata.labels.release, 'monitoring');
    assert.equal(rule?.metadata.labels.release, 'monitoring');
    assert.equal(monitor?.spec.endpoints[0].honorLabels, true);
    const alerts = rule?.spec.groups.flatMap((group: { rules: { alert: string }[] }) =>
      group.rules.map((r) => r.alert),
    );
    assert.deepEqual(alerts, [
      'TodoTargetDown',
      'TodoErrorRatioHigh',
      'TodoLatencyBudgetBurn',
      'TodoReadinessFlapping',
      'TodoDatabaseDown',
      'TodoPodCrashLooping',
    ]);
  });

  test('a latency threshold that is not a histogram bucket is refused, naming the value', async () => {
    await assert.rejects(
      helmTemplate(CHART, { set: { 'metrics.alerts.latency.thresholdSeconds': '0.3' } }),
      /thresholdSeconds/,
    );
  });
});

describe('bad values fail with the name of the value', () => {
  const rejects = async (set: Record<string, string>, message: RegExp) => {
    await assert.rejects(helmTemplate(CHART, { set }), (error: Error) => {
      assert.match(error.message, message);
      return true;
    });
  };

  test('a missing required credential', async () => {
    await rejects(
      { 'postgresql.enabled': 'false' },
      /externalDatabase\.url or externalDatabase\.existingSecret is required/,
    );
    await rejects({ 'redis.enabled': 'false' }, /externalRedis\.url or externalRedis\.existingSecret is required/);
    await rejects({ 'ingress.tls.enabled': 'true' }, /ingress\.tls\.secretName is required/);
    await rejects({ 'assistant.model': 'gpt-4o-mini' }, /assistant\.model is set but the model has no endpoint/);
    await rejects({ 'auth.jwtSecret': 'short' }, /auth\/jwtSecret/);
    await rejects(
      { 'postgresql.ha.enabled': 'true', 'postgresql.enabled': 'false', 'externalDatabase.url': 'postgres://x/y' },
      /postgresql\.ha\.enabled needs postgresql\.enabled/,
    );
    await rejects(
      { 'postgresql.ha.enabled': 'true', 'postgresql.ha.instances': '2', 'postgresql.ha.synchronous.number': '2' },
      /postgresql\.ha\.synchronous\.number must be below postgresql\.ha\.instances/,
    );
  });

  test('an unknown key at any level', async () => {
    await rejects({ replicas: '3' }, /additional properties 'replicas' not allowed/);
    await rejects({ 'api.replica': '3' }, /additional properties 'replica' not allowed/);
    await rejects({ 'postgresql.auth.pasword': 'x' }, /additional properties 'pasword' not allowed/);
  });

  test('a wrong type or form', async () => {
    await rejects({ 'api.replicas': 'three' }, /api\/replicas/);
    await rejects({ 'api.image.tag': 'latest' }, /api\/image\/tag/);
    await rejects({ 'externalDatabase.url': 'mysql://x' }, /externalDatabase\/url/);
    await rejects({ 'redis.auth.password': 'has spaces' }, /redis\/auth\/password/);
  });
});

test('checksum annotations are quoted strings: a hex digest of digits (and an e) would otherwise be a YAML number', async () => {
  // The secrets checksum is 16 hex characters of a digest of generated credentials: about one
  // render in a thousand is all digits or digits around one "e", which the API server refuses
  // as an annotation ("cannot unmarshal number ... of type string").
  const manifest = await helmTemplate(CHART, { set: { 'postgresql.backup.enabled': 'true' } });
  const checksums = manifest.split('\n').filter((line) => /^\s+checksum\/\S+:/.test(line));
  assert.ok(checksums.length >= 4, checksums.join('\n'));
  for (const line of checksums) assert.match(line, /^\s+checksum\/\S+: "[0-9a-f]+"$/, line);
});
