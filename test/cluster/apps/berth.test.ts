// Issue 5's acceptance list for the berth CLI, on the real cluster of
// test/cluster: `berth up names --env dev` from an empty namespace to a
// passing smoke check; status, smoke, logs, open, backup → delete → restore,
// doctor healthy, load with the HPA, a broken image rolled back by --atomic
// while the previous revision keeps serving, rollback, down; and `berth
// doctor` naming each failure it claims to diagnose, each caused here.
// Needs the cluster up (test/cluster/up) and root. Namespaces berth-cli-*,
// NodePort 30090.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  BERTH_BUILD_FLAGS,
  BERTH_ENV,
  type BerthRun,
  berthCli,
  deleteNamespace,
  eventually,
  explainRun,
  httpRequest,
  KUBECTL,
  kubectl,
  kubectlJson,
  nodeIP,
  REPO,
  removeRelease,
  run,
  startLoad,
} from '@berth/testkit/cluster';

const BUILD_FLAGS = BERTH_BUILD_FLAGS;
const report: Record<string, string> = {};

type Berth = BerthRun;
const berth = (args: string[]) => berthCli(args);
const explain = explainRun;

after(() => {
  for (const [what, value] of Object.entries(report)) console.log(`# ${what}: ${value}`);
});

describe('berth up names --env dev, then every day-2 command', () => {
  const ns = 'berth-cli-names';
  const nodePort = 30090;
  const common = ['--app', 'names', '-n', ns];
  const backups = mkdtempSync(join(tmpdir(), 'berth-backup-'));
  let base = '';
  let tag = '';
  /** The day-2 tests need the release `berth up` deployed: without it they fail at once, not after timeouts. */
  const deployed = () => assert.ok(tag, 'berth up names did not deploy the release (see the first test)');

  before(async () => {
    await kubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait=true', '--timeout=180s']);
    base = `http://${await nodeIP()}:${nodePort}`;
  });
  after(async () => {
    rmSync(backups, { recursive: true, force: true });
    await removeRelease('names', ns);
  });

  test('berth up names --env dev: from an empty namespace to a passing smoke check in one command', {
    timeout: 1_200_000,
  }, async () => {
    const started = Date.now();
    const result = await berth([
      'up',
      'names',
      '--env',
      'dev',
      ...common,
      '--set',
      `web.service.nodePort=${nodePort}`,
      ...BUILD_FLAGS,
      '--json',
    ]);
    report['berth up names (build, import, install, smoke)'] = `${((Date.now() - started) / 1000).toFixed(0)} s`;
    assert.equal(result.code, 0, explain(result));
    assert.equal(result.json.ok, true);
    assert.equal(result.json.revision, 1);
    assert.equal(result.json.url, base);
    tag = String(result.json.tag);
    assert.match(tag, /^[0-9a-f]{12}(-dirty\.[0-9a-z]+)?$/, 'tagged with the git commit, never latest');
    const smoke = result.json.smoke as { step: string; ok: boolean }[];
    assert.deepEqual(
      smoke.map((s) => [s.step, s.ok]),
      [
        ['UI page', true],
        ['API readiness (database connected)', true],
        ['create a name', true],
        ['list shows it', true],
        ['delete it', true],
      ],
    );
    assert.match(result.stderr, /deployment\/names-api \d\/2 ready/, 'per-workload progress while waiting');
    const image = await kubectl([
      '-n',
      ns,
      'get',
      'deployment',
      'names-api',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    assert.equal(image, `localhost/names-api:${tag}`);
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

  test('berth status: workloads ready, restarts, endpoints, HPA, release revision', async () => {
    deployed();
    const result = await berth(['status', ...common, '--json']);
    assert.equal(result.code, 0, explain(result));
    const json = result.json as {
      healthy: boolean;
      helm: { revision: number; status: string };
      workloads: { name: string; ready: number; desired: number }[];
      services: { name: string; ready: number }[];
      hpa: { name: string; current: number; min: number; max: number }[];
      pods: { restarts: number }[];
    };
    assert.equal(json.healthy, true);
    assert.deepEqual(json.helm.status, 'deployed');
    const ready = Object.fromEntries(json.workloads.map((w) => [w.name, `${w.ready}/${w.desired}`]));
    assert.deepEqual(ready, { 'names-api': '2/2', 'names-web': '1/1', 'names-db': '1/1' });
    assert.ok(json.services.find((s) => s.name === 'names-web' && s.ready === 1));
    assert.deepEqual(
      json.hpa.map((h) => [h.name, h.min, h.max]),
      [['names-api', 2, 5]],
    );
    const human = await berth(['status', ...common]);
    assert.match(human.stdout, /release names in berth-cli-names: revision 1, deployed/);
    assert.match(human.stdout, /hpa\/names-api\s+replicas 2/);
  });

  test('berth smoke: health endpoints and create/list/delete through the NodePort', async () => {
    deployed();
    const result = await berth(['smoke', ...common, '--json']);
    assert.equal(result.code, 0, explain(result));
    assert.equal(result.json.how, 'nodeport');
    assert.equal((result.json.results as unknown[]).length, 5);
    const wrong = await berth(['smoke', ...common, '--url', `http://127.0.0.1:9`]);
    assert.equal(wrong.code, 4, 'a failing smoke check exits 4');
    assert.match(wrong.stdout, /✗ UI page/);
  });

  test('berth logs api: every API pod’s JSON log lines, prefixed by pod', async () => {
    deployed();
    const result = await berth(['logs', 'api', ...common, '--tail', '5']);
    assert.equal(result.code, 0, explain(result));
    const pods = new Set([...result.stdout.matchAll(/^\[pod\/(names-api-[^/]+)\//gm)].map((m) => m[1]));
    assert.equal(pods.size, 2, result.stdout);
    assert.match(result.stdout, /"level"/);
    const unknown = await berth(['logs', 'cache', ...common]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /components: web, api, db/);
  });

  test('berth open: a port-forward whose URL serves the app until stopped', async () => {
    deployed();
    const child = spawn(process.execPath, [join(REPO, 'packages/berth/src/main.ts'), 'open', ...common, '--json'], {
      env: BERTH_ENV,
      cwd: REPO,
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const url = await eventually(
        'berth open to print its URL',
        async () => {
          const match = /"url": "(http:\/\/127\.0\.0\.1:\d+)"/.exec(stdout);
          return match?.[1];
        },
        60_000,
      );
      const page = await httpRequest(`${url}/`);
      assert.equal(page.status, 200);
      assert.match(page.body, /<title>Names Manager<\/title>/);
      const api = await httpRequest(`${url}/api/health/db`);
      assert.equal(api.status, 200);
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0, stdout);
  });

  test('berth backup → delete a name → berth restore → the name is back (verified by row counts)', async () => {
    deployed();
    const added = await httpRequest(`${base}/api/names`, 'POST', { name: 'Ada Lovelace' });
    assert.equal(added.status, 201, added.body);
    const row = JSON.parse(added.body) as { id: number; name: string };
    const file = join(backups, 'names.dump');
    const backup = await berth(['backup', ...common, '-o', file, '--json']);
    assert.equal(backup.code, 0, explain(backup));
    assert.ok(statSync(file).size > 0);
    const counts = backup.json.counts as Record<string, number>;
    assert.ok((counts.names ?? 0) >= 1, JSON.stringify(counts));

    assert.equal((await httpRequest(`${base}/api/names/${row.id}`, 'DELETE')).status, 200);
    const without = JSON.parse((await httpRequest(`${base}/api/names`)).body) as { names: { id: number }[] };
    assert.ok(!without.names.some((n) => n.id === row.id), 'deleted');

    const restore = await berth(['restore', file, ...common, '--json']);
    assert.equal(restore.code, 0, explain(restore));
    assert.equal(restore.json.verified, true);
    assert.deepEqual(restore.json.mismatches, []);
    const back = await eventually(
      'the API to list the restored name',
      async () => {
        const answer = await httpRequest(`${base}/api/names`);
        const list = JSON.parse(answer.body) as { names: { id: number; name: string }[] };
        return list.names.find((n) => n.id === row.id);
      },
      60_000,
    );
    assert.equal(back.name, 'Ada Lovelace');
  });

  test('berth doctor on the healthy release reports healthy', async () => {
    deployed();
    const result = await eventually(
      'doctor to find the release healthy',
      async () => {
        const answer = await berth(['doctor', 'names', ...common, '--json']);
        return answer.code === 0 ? answer : undefined;
      },
      120_000,
    );
    const diagnosis = result.json.diagnosis as { healthy: boolean; findings: unknown[] };
    assert.equal(diagnosis.healthy, true, JSON.stringify(diagnosis.findings));
    const human = await berth(['doctor', 'names', ...common]);
    assert.match(human.stdout, /✓ namespace berth-cli-names is healthy/);
    assert.match(human.stdout, /flavour\s+containerd/);
  });

  test('berth load against the NodePort: requests/s, p50/p99, errors, and the HPA replica count', {
    timeout: 300_000,
  }, async () => {
    deployed();
    const result = await berth(['load', ...common, '--duration', '20s', '--connections', '8', '--json']);
    assert.equal(result.code, 0, explain(result));
    const json = result.json as {
      url: string;
      requests: number;
      requestsPerSecond: number;
      p50: number;
      p99: number;
      errors: number;
      hpa: { min: number; max: number; samples: { replicas: number }[] };
    };
    assert.equal(json.url, `${base}/api/names`);
    assert.ok(json.requests > 100, `requests ${json.requests}`);
    assert.ok(json.requestsPerSecond > 5);
    assert.ok(json.p50 > 0 && json.p99 >= json.p50);
    assert.equal(json.errors, 0);
    assert.ok(json.hpa.samples.length >= 5, 'the HPA was sampled during the run');
    assert.ok(json.hpa.min >= 2);
    report['berth load (8 connections, 20 s)'] =
      `${json.requestsPerSecond} req/s, p50 ${json.p50} ms, p99 ${json.p99} ms, ${json.errors} errors, HPA ${json.hpa.min}–${json.hpa.max} replicas`;
    const human = await berth(['load', ...common, '--duration', '3s', '--connections', '2']);
    assert.match(human.stdout, /requests\/s, p50 [\d.]+ ms, p99 [\d.]+ ms, 0 errors/);
    assert.match(human.stdout, /HPA replicas during the run: \d/);
  });

  test('berth up with a broken image: --atomic rolls back, berth says what failed and why, the previous revision keeps serving', {
    timeout: 600_000,
  }, async () => {
    deployed();
    const load = startLoad(`${base}/api/names`, 2);
    let during: Awaited<ReturnType<typeof load.stop>>;
    let result: Berth;
    try {
      result = await berth([
        'up',
        'names',
        ...common,
        '--no-build',
        '--tag',
        tag,
        '--set',
        `web.service.nodePort=${nodePort}`,
        '--set',
        'api.image.tag=broken-does-not-exist',
        '--timeout',
        '60s',
        '--json',
      ]);
    } finally {
      during = await load.stop();
    }
    assert.equal(result.code, 5, explain(result));
    assert.match(result.stderr, /helm upgrade failed/);
    assert.match(result.stderr, /What failed, and why:/);
    assert.match(result.stderr, /The image localhost\/names-api:broken-does-not-exist is not on the node/);
    assert.match(result.stderr, /Helm rolled back: release names is at revision 3 \(deployed\)/);
    const findings = result.json.findings as { kind: string }[];
    assert.ok(
      findings.some((f) => f.kind === 'image-never-pull'),
      JSON.stringify(findings),
    );
    assert.equal(result.json.rolledBackTo, 3);
    assert.equal(result.json.exitCode, 5, 'one JSON document: the result with the error merged in');
    assert.match(String(result.json.error), /deploying names failed: The image/);
    assert.deepEqual(during.failures, [], 'the previous revision served every request');
    assert.ok(during.ok > 20);
    const image = await kubectl([
      '-n',
      ns,
      'get',
      'deployment',
      'names-api',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    assert.equal(image, `localhost/names-api:${tag}`);
    report['broken image during load'] = `${during.ok} requests served, ${during.failures.length} failed`;
  });

  test('berth rollback --to 1', { timeout: 400_000 }, async () => {
    deployed();
    const result = await berth(['rollback', ...common, '--to', '1', '--json']);
    assert.equal(result.code, 0, explain(result));
    assert.equal(result.json.revision, 4);
    assert.equal(result.json.status, 'deployed');
    const bad = await berth(['rollback', ...common, '--to', 'one']);
    assert.equal(bad.code, 2);
  });

  test('berth down --keep-data keeps the volume; berth down removes it and the namespace', {
    timeout: 400_000,
  }, async () => {
    const keep = await berth(['down', ...common, '--keep-data', '--json']);
    assert.equal(keep.code, 0, explain(keep));
    assert.equal(await kubectl(['-n', ns, 'get', 'pvc', 'data-names-db-0', '-o', 'jsonpath={.status.phase}']), 'Bound');
    assert.equal(await kubectl(['-n', ns, 'get', 'deployments', '-o', 'name']), '');
    const status = await berth(['status', ...common]);
    assert.equal(status.code, 4);
    const gone = await berth(['down', ...common, '--json']);
    assert.equal(gone.code, 0, explain(gone));
    assert.ok((gone.json.removed as string[]).includes('persistentvolumeclaim/data-names-db-0'));
    assert.ok((gone.json.removed as string[]).includes(`namespace/${ns}`));
    await eventually('the namespace to go', async () => {
      const phase = await run(KUBECTL, ['get', 'namespace', ns], { allowFailure: true });
      return phase.code !== 0;
    });
  });
});

describe('berth doctor names the cause of each failure, caused on the cluster', () => {
  const ns = 'berth-cli-doctor';
  const restricted = {
    runAsNonRoot: true,
    runAsUser: 10001,
    runAsGroup: 10001,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
  const deployment = (name: string, container: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'main', securityContext: restricted, ...container }],
          ...extra,
        },
      },
    },
  });
  const objects = [
    // wrong image (dev values use imagePullPolicy Never)
    deployment('wrong-image', { image: 'localhost/berth-no-such-image:1.0', imagePullPolicy: 'Never' }),
    // crashing container
    deployment('crasher', {
      image: 'docker.io/library/busybox:1.35',
      imagePullPolicy: 'Never',
      command: ['sh', '-c', 'echo "config error: DATABASE_URL is not set"; exit 3'],
    }),
    // OOM: tail keeps /dev/zero (no newline) in memory until the limit
    deployment('oom', {
      image: 'docker.io/library/busybox:1.35',
      imagePullPolicy: 'Never',
      command: ['tail', '/dev/zero'],
      resources: { limits: { memory: '24Mi', cpu: '200m' }, requests: { memory: '24Mi', cpu: '10m' } },
    }),
    // unbound PVC: its StorageClass does not exist
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data-wrong-class', namespace: ns },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'berth-no-such-class',
        resources: { requests: { storage: '1Gi' } },
      },
    },
    deployment(
      'needs-volume',
      {
        image: 'docker.io/library/busybox:1.35',
        imagePullPolicy: 'Never',
        command: ['sleep', '3600'],
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
      },
      { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-wrong-class' } }] },
    ),
    // wrong probe path, and a probe on a port the container does not listen on
    deployment('bad-probe-path', {
      image: 'docker.io/library/nginx:1.22-bookworm',
      imagePullPolicy: 'Never',
      ports: [{ name: 'http', containerPort: 8080 }],
      readinessProbe: { httpGet: { path: '/no-such-health', port: 'http' }, periodSeconds: 2 },
    }),
    deployment('bad-probe-port', {
      image: 'docker.io/library/nginx:1.22-bookworm',
      imagePullPolicy: 'Never',
      ports: [{ name: 'http', containerPort: 8080 }],
      readinessProbe: { httpGet: { path: '/', port: 9999 }, periodSeconds: 2 },
    }),
    // a Service whose selector matches no pod (a typo of "crasher")
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'typo', namespace: ns },
      spec: { selector: { app: 'crasherr' }, ports: [{ port: 80, targetPort: 8080 }] },
    },
    // more CPU than the node has
    deployment('too-big', {
      image: 'docker.io/library/busybox:1.35',
      imagePullPolicy: 'Never',
      command: ['sleep', '3600'],
      resources: { requests: { cpu: '64' } },
    }),
  ];
  const expected: { kind: string; on: string; says: RegExp }[] = [
    {
      kind: 'image-never-pull',
      on: 'deployment/wrong-image',
      says: /image localhost\/berth-no-such-image:1\.0 is not on the node, and imagePullPolicy Never/,
    },
    {
      kind: 'crash-loop',
      on: 'deployment/crasher',
      says: /keeps exiting with exit code 3[\s\S]*config error: DATABASE_URL is not set/,
    },
    { kind: 'oom-killed', on: 'deployment/oom', says: /ran out of memory[^\n]*memory limit of 24Mi/ },
    {
      kind: 'unschedulable-pvc',
      on: 'deployment/needs-volume',
      says: /volume claim is not bound[^\n]*StorageClass "berth-no-such-class", which does not exist/,
    },
    {
      kind: 'pvc-storageclass-missing',
      on: 'persistentvolumeclaim/data-wrong-class',
      says: /fix: Use one of the cluster's classes \(local-path\)/,
    },
    {
      kind: 'probe-failing',
      on: 'deployment/bad-probe-path',
      says: /readiness probe of container main fails: GET \/no-such-health answers 404/,
    },
    {
      kind: 'probe-failing',
      on: 'deployment/bad-probe-port',
      says: /checks port 9999, but container main listens on 8080 \(http\)/,
    },
    {
      kind: 'service-no-endpoints',
      on: 'service/typo',
      says: /Service typo has no endpoints: its selector app=crasherr matches none of the \d+ pods/,
    },
    { kind: 'unschedulable-resources', on: 'deployment/too-big', says: /no node has enough free cpu[^\n]*cpu 64/ },
  ];

  before(async () => {
    await deleteNamespace(ns);
    await kubectl(['create', 'namespace', ns]);
    await kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  });
  after(() => deleteNamespace(ns));

  test('each cause is named, in plain words first and raw evidence after; exit code 4', {
    timeout: 400_000,
  }, async (t) => {
    type Finding = { kind: string; workload?: string; objects: string[]; summary: string; evidence: string[] };
    const found = await eventually(
      'doctor to name every failure',
      async () => {
        const result = await berth(['doctor', '-n', ns, '--json']);
        const findings = ((result.json.diagnosis as { findings: Finding[] } | null)?.findings ?? []) as Finding[];
        const missing = expected.filter(
          (e) => !findings.some((f) => f.kind === e.kind && (f.workload === e.on || f.objects.includes(e.on))),
        );
        return missing.length === 0 ? result : undefined;
      },
      300_000,
    );
    assert.equal(found.code, 4, 'unhealthy findings exit 4');
    // Crashing and OOM-killed containers move between waiting, terminated and running: the
    // human output must name every cause in one run (within a few tries).
    const human = await eventually(
      'one doctor run naming every cause in words',
      async () => {
        const answer = await berth(['doctor', '-n', ns]);
        return expected.every((e) => e.says.test(answer.stdout)) ? answer : undefined;
      },
      120_000,
    ).catch(async () => berth(['doctor', '-n', ns]));
    assert.equal(human.code, 4);
    t.diagnostic(`berth doctor -n ${ns}:\n${human.stdout}`);
    for (const e of expected) assert.match(human.stdout, e.says, `${e.kind} on ${e.on}`);
    // Plain words first, the raw evidence after: the summary line comes before its evidence block.
    const oom = human.stdout.indexOf('ran out of memory');
    assert.ok(oom >= 0 && human.stdout.indexOf('last exit: reason OOMKilled, exit code 137', oom) > oom, human.stdout);
    const crash = human.stdout.indexOf('keeps exiting with exit code 3');
    assert.ok(human.stdout.indexOf('last log lines:', crash) > crash);
  });

  test('no default StorageClass: a PVC without a class is explained (default restored afterwards)', async () => {
    const defaults = (
      await kubectlJson<{ items: { metadata: { name: string; annotations?: Record<string, string> } }[] }>([
        'get',
        'storageclass',
      ])
    ).items.filter((sc) => sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
    assert.ok(defaults.length > 0, 'the cluster has a default StorageClass to take away');
    const unmark = (value: string) =>
      Promise.all(
        defaults.map((sc) =>
          kubectl([
            'annotate',
            'storageclass',
            sc.metadata.name,
            `storageclass.kubernetes.io/is-default-class=${value}`,
            '--overwrite',
          ]),
        ),
      );
    let result: Berth;
    await unmark('false');
    try {
      await kubectl(
        ['apply', '-f', '-'],
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data-no-class', namespace: ns },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        }),
      );
      result = await berth(['doctor', '-n', ns]);
    } finally {
      await unmark('true');
    }
    assert.equal(result.code, 4);
    assert.match(
      result.stdout,
      /PVC data-no-class names no StorageClass and the cluster has no default StorageClass, so nothing provisions a volume for it/,
    );
    assert.match(result.stdout, /kubectl patch storageclass local-path/);
  });
});
