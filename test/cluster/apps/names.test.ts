// Seed 000's Phase 4 acceptance list, run on the real cluster of test/cluster:
// once for `helm install` of deploy/charts/names, once for
// `kubectl apply -k deploy/k8s/names`; then rolling update, rollback and a
// config change under load. Needs the cluster up (test/cluster/up) and root.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { helmTemplate } from '@berth/testkit';
import {
  applyMonitoringCrds,
  buildImage,
  eventually,
  helm,
  httpRequest,
  imageSize,
  KUBECTL,
  kubectl,
  kubectlJson,
  loadImage,
  nodeIP,
  REPO,
  run,
  startLoad,
  tagImage,
  unknownRoleRefusals,
} from '@berth/testkit/cluster';
import { chartMatrix } from '../../../deploy/test/chart-matrix.ts';

const CHART = join(REPO, 'deploy/charts/names');
const TAG = `e2e-${(await run('git', ['rev-parse', '--short', 'HEAD'])).stdout.trim()}`;
const API_IMAGE = `localhost/names-api:${TAG}`;
const WEB_IMAGE = `localhost/names-web:${TAG}`;
const report: Record<string, string> = {};

interface NameRow {
  id: number;
  name: string;
  created_at: string;
}

before(async () => {
  await buildImage('apps/names/api/Dockerfile', API_IMAGE);
  await buildImage('apps/names/web/Dockerfile', WEB_IMAGE);
  // A second tag of the same API image, for the rolling update (a new tag is a new pod spec).
  await tagImage(API_IMAGE, `${API_IMAGE}-b`);
  // deploy/k8s/names refers to the chart's appVersion tag.
  await tagImage(API_IMAGE, 'localhost/names-api:0.1.0');
  await tagImage(WEB_IMAGE, 'localhost/names-web:0.1.0');
  for (const image of [
    API_IMAGE,
    `${API_IMAGE}-b`,
    WEB_IMAGE,
    'localhost/names-api:0.1.0',
    'localhost/names-web:0.1.0',
  ]) {
    await loadImage(image);
  }
  report['image size names-api'] = `${((await imageSize(API_IMAGE)) / 1e6).toFixed(1)} MB`;
  report['image size names-web'] = `${((await imageSize(WEB_IMAGE)) / 1e6).toFixed(1)} MB`;
});

after(() => {
  for (const [what, value] of Object.entries(report)) console.log(`# ${what}: ${value}`);
});

async function restrictedNamespace(name: string): Promise<void> {
  await kubectl(['create', 'namespace', name]);
  await kubectl(['label', 'namespace', name, 'pod-security.kubernetes.io/enforce=restricted']);
}

async function deleteNamespace(name: string): Promise<void> {
  await kubectl(['delete', 'namespace', name, '--ignore-not-found', '--wait=true', '--timeout=180s']);
}

/** Seed 000's Phase 4 checks for one installation; `names` maps seed names to this install's object names. */
function phase4(
  ns: string,
  names: { api: string; web: string; db: string; dbService: string; apiService: string; pvc: string; nodePort: number },
) {
  let base = '';
  before(async () => {
    base = `http://${await nodeIP()}:${names.nodePort}`;
  });

  test('namespace Active; PVC Bound; postgres-0 Ready', async () => {
    assert.equal(await kubectl(['get', 'namespace', ns, '-o', 'jsonpath={.status.phase}']), 'Active');
    assert.equal(await kubectl(['-n', ns, 'get', 'pvc', names.pvc, '-o', 'jsonpath={.status.phase}']), 'Bound');
    const ready = await kubectl([
      '-n',
      ns,
      'get',
      'pod',
      `${names.db}-0`,
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
    ]);
    assert.equal(ready, 'True');
  });

  test('backend 2/2 and frontend 1/1 Ready; probes passing (no restarts)', async () => {
    const ready = async (deployment: string) =>
      kubectl(['-n', ns, 'get', 'deployment', deployment, '-o', 'jsonpath={.status.readyReplicas}/{.status.replicas}']);
    assert.equal(await ready(names.api), '2/2');
    assert.equal(await ready(names.web), '1/1');
    const pods = await kubectlJson<{
      items: {
        metadata: { name: string };
        status: { containerStatuses: { ready: boolean; restartCount: number }[] };
      }[];
    }>(['-n', ns, 'get', 'pods']);
    for (const pod of pods.items) {
      for (const container of pod.status.containerStatuses ?? []) {
        assert.ok(container.ready, `${pod.metadata.name} ready (readiness probe passing)`);
        assert.equal(container.restartCount, 0, `${pod.metadata.name} never restarted (liveness probe passing)`);
      }
    }
  });

  test('API -> DB through db-service; web -> API through api-service', async () => {
    const env = await kubectl([
      '-n',
      ns,
      'get',
      'deployment',
      names.api,
      '-o',
      'jsonpath={.spec.template.spec.containers[0].envFrom[0].configMapRef.name}',
    ]);
    const dbHost = await kubectl(['-n', ns, 'get', 'configmap', env, '-o', 'jsonpath={.data.DB_HOST}']);
    assert.equal(dbHost, names.dbService);
    const health = await kubectl([
      '-n',
      ns,
      'exec',
      `deploy/${names.api}`,
      '--',
      'node',
      '-e',
      "fetch('http://127.0.0.1:5000/api/health/db').then(r=>r.text()).then(console.log)",
    ]);
    assert.deepEqual(JSON.parse(health), { status: 'healthy', database: 'connected' });
    const upstream = await kubectl([
      '-n',
      ns,
      'exec',
      `deploy/${names.web}`,
      '--',
      'cat',
      '/etc/nginx/upstream/api.conf',
    ]);
    assert.match(upstream, new RegExp(`server ${names.apiService}:5000;`));
    const viaWeb = await httpRequest(`${base}/api/health/db`);
    assert.equal(viaWeb.status, 200, 'the health check answers through nginx');
  });

  test('the UI answers on the NodePort from the host; add, list with timestamps, delete work through it', async () => {
    const page = await httpRequest(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>Names Manager<\/title>/);
    const added = await httpRequest(`${base}/api/names`, 'POST', { name: 'John Doe' });
    assert.equal(added.status, 201, added.body);
    const row = JSON.parse(added.body) as NameRow;
    const listed = JSON.parse((await httpRequest(`${base}/api/names`)).body) as { names: NameRow[] };
    const found = listed.names.find((n) => n.id === row.id);
    assert.ok(found && !Number.isNaN(Date.parse(found.created_at)), 'listed with a timestamp');
    const removed = await httpRequest(`${base}/api/names/${row.id}`, 'DELETE');
    assert.deepEqual(JSON.parse(removed.body), { deleted: row.id });
    const empty = await httpRequest(`${base}/api/names`, 'POST', { name: '' });
    assert.equal(empty.status, 400);
  });

  test('data is still there after kubectl delete pod postgres-0', async () => {
    const kept = await httpRequest(`${base}/api/names`, 'POST', { name: 'Survives the database pod' });
    assert.equal(kept.status, 201);
    const uidBefore = await kubectl(['-n', ns, 'get', 'pod', `${names.db}-0`, '-o', 'jsonpath={.metadata.uid}']);
    await kubectl(['-n', ns, 'delete', 'pod', `${names.db}-0`, '--wait=true']);
    // Polled, not `kubectl wait`: that fails at once while the StatefulSet has not recreated the pod yet.
    await eventually('a new database pod, Ready', async () => {
      const pod = await kubectlJson<{
        metadata: { uid: string };
        status: { conditions?: { type: string; status: string }[] };
      }>(['-n', ns, 'get', 'pod', `${names.db}-0`, '-o', 'json']);
      return pod.metadata.uid !== uidBefore &&
        pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
        ? true
        : undefined;
    });
    const listed = await eventually('the API to answer again', async () => {
      const answer = await httpRequest(`${base}/api/names`);
      return answer.status === 200 ? (JSON.parse(answer.body) as { names: NameRow[] }) : undefined;
    });
    assert.ok(listed.names.some((n) => n.name === 'Survives the database pod'));
  });
}

/** Warning events a healthy install produces, each with why it is expected. */
const EXPECTED_WARNINGS: { reason: string; match: RegExp; object?: RegExp; maxCount?: number; why: string }[] = [
  {
    reason: 'Unhealthy',
    match: /Readiness probe failed.*(503|connection refused)/,
    why: 'an API pod is not ready until PostgreSQL accepts connections; readiness saying so is the probe working',
  },
  {
    reason: 'Unhealthy',
    object: /-api-/,
    match: /^Readiness probe failed: .*(context deadline exceeded|Client\.Timeout exceeded)/,
    maxCount: 1,
    why: "the load tests keep the 2-core node's CPU busy, and one readiness answer can take longer than the probe's 3 s; one timeout per pod cannot make it unready (failureThreshold 2)",
  },
  {
    reason: 'Unhealthy',
    match: /Startup probe failed/,
    why: 'probes run while the container is still starting; the startup probe allows for it',
  },
  {
    reason: 'Unhealthy',
    match: /Readiness probe errored.*(no running task found|container is not running|not found|CONTAINER_EXITED state)/,
    why: 'the test deletes postgres-0; a readiness exec that was in flight as the container stopped reports it (the kubelet words it by how far the stop had got)',
  },
  {
    reason: 'FailedMount',
    match: /no relationship found between node '[^']+' and this object/,
    why: "the API server's node authorizer learns that a new pod uses a PVC from its own watch, a moment after the kubelet first asks for it; the kubelet asks again and mounts it",
  },
  {
    reason: 'Unhealthy',
    object: /-db-0$/,
    match: /^Readiness probe failed: $/,
    maxCount: 2,
    why: "the database's readiness probe is pg_isready -q, which fails without a word when PostgreSQL does not answer within its 3 s connect timeout; on this 2-core node that happens while the suites build images and run load beside it (seen once in a full CI run), and two failures at most cannot make the pod unready (failureThreshold 3)",
  },
  {
    reason: 'Unhealthy',
    object: /-db-0$/,
    match: /^Readiness probe failed: command timed out: "pg_isready [^"]*" timed out after \d+s$/,
    maxCount: 2,
    why: "the same probe when the exec itself (containerd starting pg_isready in the container) outlasts the 3 s timeout: the kubelet words it this way instead; under the rolling updates' load on this 2-core node, at most twice",
  },
  {
    reason: 'FailedMount',
    match: /failed to sync configmap cache: timed out waiting for the condition/,
    maxCount: 1,
    why: "the kubelet reads a pod's ConfigMaps through a watch it opens for that pod; when the API server answers slowly (the 2-core node under the suites' load: seen once in a CI run, on both of a release's new pods) that first wait times out and the next sync mounts the volume",
  },
  {
    reason: 'Failed',
    match: /^Error: failed to sync configmap cache: timed out waiting for the condition$/,
    maxCount: 1,
    why: "the same wait for a container's environment from a ConfigMap; the container is created on the kubelet's next try",
  },
  {
    reason: 'FailedGetResourceMetric',
    match: /did not receive metrics|unable to get metrics|no metrics returned/,
    why: 'the HPA asks for CPU figures before metrics-server has scraped the new pods (first ~60 s)',
  },
  {
    reason: 'FailedComputeMetricsReplicas',
    match: /did not receive metrics|unable to get metrics|no metrics returned/,
    why: 'same as FailedGetResourceMetric, reported by the HPA controller',
  },
];

async function unexpectedWarnings(ns: string): Promise<string[]> {
  const events = await kubectlJson<{
    items: { reason: string; message: string; count?: number; involvedObject: { name: string } }[];
  }>(['-n', ns, 'get', 'events', '--field-selector', 'type=Warning']);
  return events.items
    .filter(
      (event) =>
        !EXPECTED_WARNINGS.some(
          (w) =>
            w.reason === event.reason &&
            w.match.test(event.message) &&
            (w.object?.test(event.involvedObject.name) ?? true) &&
            (event.count ?? 1) <= (w.maxCount ?? Number.POSITIVE_INFINITY),
        ),
    )
    .map((event) => `${event.involvedObject.name}: ${event.reason}: ${event.message}`);
}

describe('helm install deploy/charts/names', () => {
  const ns = 'names-helm';
  const release = 'names';
  let installedPassword = '';
  const values = (tag: string) => [
    '--values',
    join(CHART, 'values-dev.yaml'),
    '--set',
    `api.image.repository=localhost/names-api,api.image.tag=${tag}`,
    '--set',
    `web.image.repository=localhost/names-web,web.image.tag=${TAG}`,
    '--set',
    'web.service.nodePort=30081',
  ];
  const names = {
    api: 'names-api',
    web: 'names-web',
    db: 'names-db',
    dbService: 'names-db',
    apiService: 'names-api',
    pvc: 'data-names-db-0',
    nodePort: 30081,
  };

  before(async () => {
    await deleteNamespace(ns);
    await restrictedNamespace(ns);
    const started = Date.now();
    await helm(['install', release, CHART, '-n', ns, '--wait', '--timeout', '5m', ...values(TAG)]);
    report['helm install to all pods Ready'] = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    installedPassword = await kubectl([
      '-n',
      ns,
      'get',
      'secret',
      'names-db-credentials',
      '-o',
      'jsonpath={.data.POSTGRES_PASSWORD}',
    ]);
  });
  after(async () => {
    await helm(['uninstall', release, '-n', ns, '--wait']).catch(() => undefined);
    await deleteNamespace(ns);
  });

  phase4(ns, names);

  test('helm test passes (add, list, delete a name through the web Service)', async () => {
    const output = await helm(['test', release, '-n', ns, '--logs', '--timeout', '3m']);
    assert.match(output, /names flow passed/);
  });

  /** Runs `change` (a helm command that rolls the API) under load through the NodePort; reports and returns the load figures. */
  async function rollUnderLoad(what: string, change: () => Promise<unknown>) {
    const load = startLoad(`http://${await nodeIP()}:${names.nodePort}/api/names`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await change();
    await kubectl(['-n', ns, 'rollout', 'status', `deployment/${names.api}`, '--timeout=300s']);
    await new Promise((resolve) => setTimeout(resolve, 8000)); // old pods finish draining
    const result = await load.stop();
    report[what] =
      `${result.ok} requests, ${result.failures.length} failed, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`;
    assert.deepEqual(result.failures, []);
    assert.ok(result.ok > 50, `requests kept flowing (${result.ok})`);
  }
  const apiImage = () =>
    kubectl(['-n', ns, 'get', 'deployment', names.api, '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);

  test('rolling update of the API to a new image tag under load through the NodePort: zero failed requests', async () => {
    await rollUnderLoad('rolling update', () =>
      helm(['upgrade', release, CHART, '-n', ns, '--wait', '--timeout', '5m', ...values(`${TAG}-b`)]),
    );
    assert.equal(await apiImage(), `localhost/names-api:${TAG}-b`);
  });

  test('helm rollback under load: back to the previous revision, zero failed requests', async () => {
    await rollUnderLoad('rollback', () => helm(['rollback', release, '1', '-n', ns, '--wait', '--timeout', '5m']));
    assert.equal(await apiImage(), API_IMAGE);
  });

  test('changing a ConfigMap value with helm upgrade --set rolls the API pods and takes effect', async () => {
    const podNames = async () =>
      (
        await kubectl([
          '-n',
          ns,
          'get',
          'pods',
          '-l',
          'app.kubernetes.io/component=api',
          '-o',
          'jsonpath={.items[*].metadata.name}',
        ])
      )
        .split(' ')
        .sort();
    const before = await podNames();
    const base = `http://${await nodeIP()}:${names.nodePort}`;
    const longName = 'x'.repeat(55);
    assert.equal((await httpRequest(`${base}/api/names`, 'POST', { name: longName })).status, 400);
    await helm([
      'upgrade',
      release,
      CHART,
      '-n',
      ns,
      '--reuse-values',
      '--set',
      'config.maxNameLength=60',
      '--wait',
      '--timeout',
      '5m',
    ]);
    await kubectl(['-n', ns, 'rollout', 'status', `deployment/${names.api}`, '--timeout=300s']);
    // Every API pod is a new one. Their count is the HPA's: earlier tests' load may have scaled it out.
    await eventually('old API pods to go', async () => {
      const now = (await podNames()).filter(Boolean);
      return now.length > 0 && now.every((pod) => !before.includes(pod)) ? now : undefined;
    });
    const accepted = await httpRequest(`${base}/api/names`, 'POST', { name: longName });
    assert.equal(accepted.status, 201, accepted.body);
  });

  test('the generated database password survives an upgrade, a rollback and another upgrade', async () => {
    const password = await kubectl([
      '-n',
      ns,
      'get',
      'secret',
      'names-db-credentials',
      '-o',
      'jsonpath={.data.POSTGRES_PASSWORD}',
    ]);
    assert.equal(password, installedPassword);
    assert.match(Buffer.from(password, 'base64').toString(), /^[A-Za-z0-9]{32}$/);
  });

  test("the database turns no client away for an unknown role (its probes ask as the app's role)", async () => {
    // The probes run every few seconds: the log since the pod last started holds many of them.
    assert.deepEqual(await unknownRoleRefusals(ns, `${names.db}-0`), []);
  });

  test('no Warning events other than the expected, explained ones', async () => {
    assert.deepEqual(await unexpectedWarnings(ns), []);
  });
});

describe('kubectl apply -k deploy/k8s/names', () => {
  const ns = 'names-app';
  const credentials = join(REPO, 'deploy/k8s/names/db-credentials.env');
  const names = {
    api: 'backend',
    web: 'frontend',
    db: 'postgres',
    dbService: 'db-service',
    apiService: 'api-service',
    pvc: 'postgres-pvc',
    nodePort: 30080,
  };

  before(async () => {
    await deleteNamespace(ns);
    writeFileSync(
      credentials,
      `POSTGRES_USER=names_user\nPOSTGRES_PASSWORD=${randomBytes(18).toString('hex')}\nPOSTGRES_DB=namesdb\n`,
      { mode: 0o600 },
    );
    await kubectl(['apply', '-k', 'deploy/k8s/names']);
    for (const deployment of ['backend', 'frontend']) {
      await kubectl(['-n', ns, 'rollout', 'status', `deployment/${deployment}`, '--timeout=300s']);
    }
    await kubectl(['-n', ns, 'rollout', 'status', 'statefulset/postgres', '--timeout=300s']);
  });
  after(async () => {
    rmSync(credentials, { force: true });
    await deleteNamespace(ns);
  });

  test('the namespace enforces PodSecurity restricted', async () => {
    assert.equal(
      await kubectl([
        'get',
        'namespace',
        ns,
        '-o',
        'jsonpath={.metadata.labels.pod-security\\.kubernetes\\.io/enforce}',
      ]),
      'restricted',
    );
  });

  phase4(ns, names);

  test('backend-hpa targets backend at 70% CPU, 2–5 replicas', async () => {
    const hpa = await kubectlJson<{
      spec: { minReplicas: number; maxReplicas: number; scaleTargetRef: { name: string } };
    }>(['-n', ns, 'get', 'hpa', 'backend-hpa']);
    assert.deepEqual([hpa.spec.scaleTargetRef.name, hpa.spec.minReplicas, hpa.spec.maxReplicas], ['backend', 2, 5]);
  });

  test('no Warning events other than the expected, explained ones', async () => {
    assert.deepEqual(await unexpectedWarnings(ns), []);
  });
});

describe('every chart values case passes the API server: server-side dry-run, strict fields, PodSecurity restricted', () => {
  const ns = 'names-dry-run';
  before(async () => {
    // The ServiceMonitor case is checked against the prometheus-operator's own CRD schemas.
    await applyMonitoringCrds();
    await deleteNamespace(ns);
    await restrictedNamespace(ns);
  });
  after(() => deleteNamespace(ns));

  for (const { name, options, expectedWarnings = {} } of chartMatrix(CHART)) {
    test(name, async () => {
      const manifest = await helmTemplate(CHART, { ...options, namespace: ns });
      const { stdout, stderr } = await run(
        KUBECTL,
        ['apply', '--dry-run=server', '--validate=strict', '-n', ns, '-f', '-'],
        { input: manifest },
      );
      const unexpected = stderr
        .split('\n')
        .filter((line) => /Warning/.test(line) && !Object.keys(expectedWarnings).some((part) => line.includes(part)));
      assert.deepEqual(unexpected, [], stderr);
      assert.match(stdout, /created \(server dry run\)/);
    });
  }
});
