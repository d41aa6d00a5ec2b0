// The platform's security claims, each proven by trying to break it, for both apps on the
// test cluster (NetworkPolicy enforced by kube-network-policies, Sealed Secrets controller;
// test/cluster/README.md). Each app is installed once, with its credentials sealed by
// `berth seal`; the probes then run in parallel with short timeouts:
//   - NetworkPolicy: pods without the allowed labels (in the app's namespace and in another)
//     reach neither database, Redis nor API, by Service and by pod IP; the allowed paths work;
//     app pods reach no address outside the cluster and no pod of another namespace; DNS
//     resolves. An allow-all policy added beside the charts' makes the same checks fail.
//   - Sealed Secrets: the sealed credentials become the Secrets the apps start with; a
//     credential sealed with another cluster's key is not decrypted.
//   - RBAC: every ServiceAccount of the apps has no rights beyond discovery; no pod has a token.
//   - PodSecurity restricted is enforced: every pod is admitted; root and privilege escalation
//     are rejected; every container is read-only, drops every capability, runs RuntimeDefault.
// Names is deployed by `berth up -f <sealed values>` (which creates its namespace), Todo by
// `helm install`. Needs the cluster up (test/cluster/up) and root. Namespaces sec-*, NodePort 30100.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  berthCli,
  deleteNamespace,
  ensureImage,
  eventually,
  explainRun,
  helm,
  httpRequest,
  KUBECTL,
  kubectl,
  kubectlJson,
  nodeIP,
  REPO,
  restrictedNamespace,
  run,
} from '@berth/testkit/cluster';

const NAMES = 'sec-names';
const TODO = 'sec-todo';
/** Another tenant: a listener app pods must not reach, and an outsider that must not reach them. */
const OTHER = 'sec-other';
const INGRESS_PORT = 30880;
const NAMES_NODE_PORT = 30100;
/** A host on a network outside the cluster: a network namespace on this machine, routed like any other network. */
const OUTSIDE_NETNS = 'berth-sec-outside';
/** TEST-NET-2 (RFC 5737): documentation addresses, routed nowhere else (checked before use). */
const OUTSIDE_NET = '198.51.100';
const OUTSIDE_IP = `${OUTSIDE_NET}.10`;
const OUTSIDE_PORT = 8080;
const PROBE_SECONDS = 3;
const CLUSTER_CA = join(process.env.BERTH_STATE ?? '/var/lib/berth-cluster', 'pki/ca.crt');
const report: Record<string, string> = {};
const work = mkdtempSync(join(tmpdir(), 'berth-sec-'));
let ingress = '';
let outsideServer: ChildProcess | undefined;

/**
 * The images of the apps' current sources: named by the last commit that changed what they are
 * built from, so runs on later commits reuse them. On a clean tree the images the app suites
 * built at this commit are the same sources (`e2e-<short>` by names.test.ts, berth up's
 * 12-character commit tag by todo.test.ts): they are reused too.
 */
async function imageTags(): Promise<{ tag: string; sameSource: string[] }> {
  const inputs = [
    'apps',
    'packages/service-kit',
    'packages/assistant-kit',
    'packages/*/package.json',
    'package.json',
    'package-lock.json',
    'tsconfig.base.json',
    'deploy/images',
  ];
  const commit = (await run('git', ['log', '-1', '--format=%h', '--', ...inputs])).stdout.trim();
  const dirty = (await run('git', ['status', '--porcelain', '--', ...inputs])).stdout.trim() !== '';
  if (dirty) return { tag: `src-${commit}-dirty-${Date.now().toString(36)}`, sameSource: [] };
  const head = (await run('git', ['rev-parse', 'HEAD'])).stdout.trim();
  const short = (await run('git', ['rev-parse', '--short', 'HEAD'])).stdout.trim();
  return { tag: `src-${commit}`, sameSource: [`e2e-${short}`, head.slice(0, 12)] };
}

/** A pod that passes PodSecurity restricted and carries none of the apps' labels. */
function busyboxPod(name: string, command: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { role: name } },
    spec: {
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'probe',
          image: 'docker.io/library/busybox:1.35',
          command: ['sh', '-c', command],
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        },
      ],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    },
  });
}

/** Waits for the probe pods; when one is not Ready, the error says why (kubectl describe). */
async function waitReady(ns: string, pods: string[]): Promise<void> {
  const waited = await run(
    KUBECTL,
    ['-n', ns, 'wait', '--for=condition=Ready', ...pods.map((p) => `pod/${p}`), '--timeout=120s'],
    { allowFailure: true },
  );
  if (waited.code === 0) return;
  const described = await run(KUBECTL, ['-n', ns, 'describe', 'pod', ...pods], { allowFailure: true });
  assert.fail(`probe pods in ${ns} not Ready: ${waited.stderr}\n${described.stdout.split('\n').slice(-30).join('\n')}`);
}

/** The outside host: a network namespace behind a veth pair, with a TCP listener; the node routes to it. */
async function startOutsideHost(): Promise<void> {
  await stopOutsideHost();
  const ip = (args: string[]) => run('ip', args);
  const used = (await ip(['-4', '-o', 'addr', 'show'])).stdout;
  assert.ok(!used.includes(` ${OUTSIDE_NET}.`), `this machine already uses ${OUTSIDE_NET}.0/24:\n${used}`);
  await ip(['netns', 'add', OUTSIDE_NETNS]);
  await ip(['link', 'add', 'sec-out0', 'type', 'veth', 'peer', 'name', 'sec-out1']);
  await ip(['link', 'set', 'sec-out1', 'netns', OUTSIDE_NETNS]);
  await ip(['addr', 'add', `${OUTSIDE_NET}.1/24`, 'dev', 'sec-out0']);
  await ip(['link', 'set', 'sec-out0', 'up']);
  await ip(['-n', OUTSIDE_NETNS, 'addr', 'add', `${OUTSIDE_IP}/24`, 'dev', 'sec-out1']);
  await ip(['-n', OUTSIDE_NETNS, 'link', 'set', 'sec-out1', 'up']);
  await ip(['-n', OUTSIDE_NETNS, 'link', 'set', 'lo', 'up']);
  await ip(['-n', OUTSIDE_NETNS, 'route', 'add', 'default', 'via', `${OUTSIDE_NET}.1`]);
  outsideServer = spawn(
    'ip',
    [
      'netns',
      'exec',
      OUTSIDE_NETNS,
      process.execPath,
      '-e',
      `require('node:net').createServer((s) => s.end('outside\\n')).listen(${OUTSIDE_PORT}, '${OUTSIDE_IP}')`,
    ],
    { stdio: 'ignore' },
  );
}

async function stopOutsideHost(): Promise<void> {
  outsideServer?.kill('SIGKILL');
  await run('ip', ['link', 'delete', 'sec-out0'], { allowFailure: true });
  await run('ip', ['netns', 'delete', OUTSIDE_NETNS], { allowFailure: true });
}

interface Pod {
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    serviceAccountName?: string;
    automountServiceAccountToken?: boolean;
    securityContext?: { seccompProfile?: { type: string }; runAsNonRoot?: boolean };
    containers: Container[];
    initContainers?: Container[];
    volumes?: { name: string; projected?: unknown }[];
  };
  status: { phase: string; podIP?: string };
}
interface Container {
  name: string;
  ports?: { containerPort: number }[];
  volumeMounts?: { mountPath: string }[];
  securityContext?: {
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    runAsNonRoot?: boolean;
    capabilities?: { drop?: string[] };
    seccompProfile?: { type: string };
  };
}

async function appPods(ns: string): Promise<Pod[]> {
  const { items } = await kubectlJson<{ items: Pod[] }>([
    '-n',
    ns,
    'get',
    'pods',
    '-l',
    'app.kubernetes.io/component,app.kubernetes.io/component!=test',
  ]);
  return items.filter((p) => p.status.phase === 'Running');
}

async function podOf(ns: string, component: string): Promise<Pod> {
  const pod = (await appPods(ns)).find((p) => p.metadata.labels?.['app.kubernetes.io/component'] === component);
  assert.ok(pod, `no running ${component} pod in ${ns}`);
  return pod;
}

/** A component's two addresses: its Service (name:port) and one pod's IP and container port. */
async function addresses(ns: string, component: string): Promise<{ what: string; host: string; port: number }[]> {
  const services = await kubectlJson<{
    items: { metadata: { name: string }; spec: { clusterIP: string; ports: { port: number }[] } }[];
  }>(['-n', ns, 'get', 'services', '-l', `app.kubernetes.io/component=${component}`]);
  const service = services.items.find((s) => s.spec.clusterIP !== 'None');
  assert.ok(service, `no Service for ${component} in ${ns}`);
  const pod = await podOf(ns, component);
  const port = pod.spec.containers[0]?.ports?.[0]?.containerPort;
  assert.ok(pod.status.podIP && port, `${pod.metadata.name} has no IP or port`);
  return [
    {
      what: `${ns}/${component} Service`,
      host: `${service.metadata.name}.${ns}.svc.cluster.local`,
      port: service.spec.ports[0]?.port ?? 0,
    },
    { what: `${ns}/${component} pod ${pod.status.podIP}`, host: pod.status.podIP, port },
  ];
}

type Outcome = 'connected' | 'refused' | 'timeout' | string;

/** A TCP connection from a busybox pod (nc), bounded by PROBE_SECONDS. */
async function fromBusybox(ns: string, pod: string, host: string, port: number): Promise<Outcome> {
  const result = await run(
    KUBECTL,
    ['-n', ns, 'exec', pod, '--', 'sh', '-c', `timeout ${PROBE_SECONDS} nc ${host} ${port} </dev/null; echo "rc=$?"`],
    { allowFailure: true },
  );
  const rc = /rc=(\d+)/.exec(result.stdout)?.[1];
  if (rc === '0') return 'connected';
  if (rc === '143') return 'timeout';
  if (/refused/i.test(result.stderr + result.stdout)) return 'refused';
  return `failed (rc=${rc}): ${(result.stderr + result.stdout).trim().split('\n').at(-1)}`;
}

/** A TCP connection from an app pod, with the Node.js inside the image (the images have no shell). */
const NODE_CONNECT = `const s = require('node:net').connect({ host: process.argv[1], port: Number(process.argv[2]), timeout: ${PROBE_SECONDS * 1000} });
s.on('connect', () => { console.log('connected'); s.destroy(); });
s.on('timeout', () => { console.log('timeout'); s.destroy(); });
s.on('error', (e) => console.log(e.code === 'ECONNREFUSED' ? 'refused' : e.code));`;
async function fromNodePod(ns: string, pod: string, host: string, port: number): Promise<Outcome> {
  const result = await nodeIn(ns, pod, NODE_CONNECT, host, String(port));
  return result.stdout.trim() || `failed: ${result.stderr.trim()}`;
}

/** A Node.js script run inside a pod's container (argv after the script: process.argv[1...]). */
function nodeIn(ns: string, pod: string, script: string, ...args: string[]) {
  return run(KUBECTL, ['-n', ns, 'exec', pod, '--', 'node', '-e', script, ...args], { allowFailure: true });
}

/** A TCP connection from an nginx (web) pod: bash's /dev/tcp. */
async function fromWebPod(ns: string, pod: string, host: string, port: number): Promise<Outcome> {
  const result = await run(
    KUBECTL,
    [
      '-n',
      ns,
      'exec',
      pod,
      '--',
      'bash',
      '-c',
      `timeout ${PROBE_SECONDS} bash -c '</dev/tcp/${host}/${port}'; echo "rc=$?"`,
    ],
    { allowFailure: true },
  );
  const rc = /rc=(\d+)/.exec(result.stdout)?.[1];
  if (rc === '0') return 'connected';
  if (rc === '124') return 'timeout';
  return /refused/i.test(result.stderr) ? 'refused' : `failed (rc=${rc}): ${result.stderr.trim()}`;
}

interface Probe {
  what: string;
  attempt: () => Promise<Outcome>;
  expect: 'connected' | 'blocked';
}

/**
 * Runs every probe at once; one assertion listing each that did not end as expected. A probe
 * that should connect gets two more tries, one at a time: dozens of probes started together
 * on a 2-core node can miss the 3 s bound. A blocked path never connects, however often tried.
 */
async function assertProbes(probes: Probe[]): Promise<void> {
  const outcomes = await Promise.all(probes.map(async (p) => ({ ...p, outcome: await p.attempt() })));
  for (const o of outcomes) {
    for (let retry = 0; retry < 2 && o.expect === 'connected' && o.outcome !== 'connected'; retry++) {
      o.outcome = await o.attempt();
    }
  }
  const wrong = outcomes.filter((o) =>
    o.expect === 'connected' ? o.outcome !== 'connected' : o.outcome !== 'timeout' && o.outcome !== 'refused',
  );
  assert.deepEqual(
    wrong.map((o) => `${o.what}: expected ${o.expect}, got ${o.outcome}`),
    [],
    outcomes.map((o) => `${o.what}: ${o.outcome}`).join('\n'),
  );
}

/** A pod without the allowed labels, in the app's namespace and in another, reaches none of its back end. */
async function intruderProbes(ns: string, components: string[]): Promise<Probe[]> {
  const targets = (await Promise.all(components.map((c) => addresses(ns, c)))).flat();
  return targets.flatMap((t) => [
    {
      what: `intruder in ${ns} -> ${t.what}`,
      attempt: () => fromBusybox(ns, 'intruder', t.host, t.port),
      expect: 'blocked' as const,
    },
    {
      what: `outsider in ${OTHER} -> ${t.what}`,
      attempt: () => fromBusybox(OTHER, 'outsider', t.host, t.port),
      expect: 'blocked' as const,
    },
  ]);
}

/** An app pod (the API) reaches neither the outside host nor another namespace's pod. */
async function egressProbes(ns: string): Promise<Probe[]> {
  const api = (await podOf(ns, 'api')).metadata.name;
  const listener = await kubectlJson<Pod>(['-n', OTHER, 'get', 'pod', 'listener']);
  const listenerIP = listener.status.podIP ?? '';
  return [
    {
      what: `${ns} api -> outside host ${OUTSIDE_IP}`,
      attempt: () => fromNodePod(ns, api, OUTSIDE_IP, OUTSIDE_PORT),
      expect: 'blocked',
    },
    {
      what: `${ns} api -> ${OTHER} listener pod ${listenerIP}`,
      attempt: () => fromNodePod(ns, api, listenerIP, 8080),
      expect: 'blocked',
    },
    {
      what: `${ns} api -> ${OTHER} listener Service`,
      attempt: () => fromNodePod(ns, api, `listener.${OTHER}.svc.cluster.local`, 8080),
      expect: 'blocked',
    },
  ];
}

/** Sealed credentials for one app, through `berth seal --values`: the values file and the plain values. */
async function sealFor(
  ns: string,
  name: string,
  values: Record<string, string>,
): Promise<{ file: string; values: Record<string, string> }> {
  const env: Record<string, string> = {};
  const args = ['seal', name, '-n', ns, '--values', '-o', join(work, `${name}.yaml`)];
  for (const [key, value] of Object.entries(values)) {
    env[`SEC_${key}`] = value;
    args.push('--from-env', `${key}=SEC_${key}`);
  }
  const sealed = await berthCli(args, env);
  assert.equal(sealed.code, 0, explainRun(sealed));
  const file = join(work, `${name}.yaml`);
  const text = readFileSync(file, 'utf8');
  // (the random passwords and keys: a user or database name may well appear in the Secret's name)
  for (const [key, value] of Object.entries(values)) {
    if (value.length >= 16) assert.ok(!text.includes(value), `the plain ${key} is in the sealed YAML`);
  }
  return { file, values };
}

const secret = (bytes = 18) => randomBytes(bytes).toString('base64url');
const sealed: Record<string, { file: string; values: Record<string, string> }> = {};

before(async () => {
  const started = Date.now();
  ingress = `http://${await nodeIP()}:${INGRESS_PORT}`;
  const { tag, sameSource } = await imageTags();
  // sec-names is created by `berth up` (below), sec-todo as a user would for `helm install`.
  await Promise.all([deleteNamespace(NAMES), restrictedNamespace(TODO), restrictedNamespace(OTHER)]);
  await kubectl(['-n', OTHER, 'apply', '-f', '-'], busyboxPod('outsider', 'sleep 3600'));
  await kubectl(
    ['-n', OTHER, 'apply', '-f', '-'],
    busyboxPod('listener', 'echo listening > /tmp/index.html && exec httpd -f -p 8080 -h /tmp'),
  );
  await kubectl(['-n', OTHER, 'expose', 'pod', 'listener', '--port', '8080']);
  await kubectl(['-n', OTHER, 'create', 'serviceaccount', 'baseline']);
  await startOutsideHost();
  for (const [dockerfile, image] of [
    ['apps/names/api/Dockerfile', 'names-api'],
    ['apps/names/web/Dockerfile', 'names-web'],
    ['apps/todo/api/Dockerfile', 'todo-api'],
    ['apps/todo/mcp/Dockerfile', 'todo-mcp'],
    ['apps/todo/web/Dockerfile', 'todo-web'],
  ] as const) {
    await ensureImage(
      dockerfile,
      `localhost/${image}:${tag}`,
      sameSource.map((other) => `localhost/${image}:${other}`),
    );
  }
  report['images ready'] = `${((Date.now() - started) / 1000).toFixed(0)} s`;

  sealed.names = await sealFor(NAMES, 'names-db-credentials', {
    POSTGRES_USER: 'names_owner',
    POSTGRES_PASSWORD: secret(),
    POSTGRES_DB: 'namesdb',
  });
  sealed.todoDb = await sealFor(TODO, 'todo-db-credentials', {
    POSTGRES_USER: 'todo_owner',
    POSTGRES_PASSWORD: secret(),
    POSTGRES_DB: 'todo',
  });
  sealed.todoAuth = await sealFor(TODO, 'todo-auth-credentials', { JWT_SECRET: secret(36) });
  const installed = Date.now();
  const [names] = await Promise.all([
    // berth up with the sealed values file, on the images built above
    berthCli([
      'up',
      'names',
      '-n',
      NAMES,
      '--release',
      'sec-names',
      '--no-build',
      '--tag',
      tag,
      '--no-smoke',
      '-f',
      sealed.names.file,
      '--set',
      'db.auth.existingSecret=names-db-credentials',
      '--set',
      `web.service.nodePort=${NAMES_NODE_PORT}`,
      '--set',
      'web.ingress.enabled=true',
      '--set',
      'web.ingress.host=sec-names.local',
    ]),
    helm([
      'install',
      'sec-todo',
      join(REPO, 'deploy/charts/todo'),
      '-n',
      TODO,
      '--wait',
      '--timeout',
      '5m',
      '-f',
      sealed.todoDb.file,
      '-f',
      sealed.todoAuth.file,
      '--set',
      'postgresql.auth.existingSecret=todo-db-credentials',
      '--set',
      'auth.existingSecret=todo-auth-credentials',
      '--set',
      'ingress.host=sec-todo.local',
      ...['api', 'web', 'mcp'].flatMap((c) => [
        '--set',
        `${c}.image.repository=localhost/todo-${c}`,
        '--set',
        `${c}.image.tag=${tag}`,
      ]),
    ]),
  ]);
  assert.equal(names.code, 0, explainRun(names));
  assert.match(names.stderr + names.stdout, /created namespace sec-names \(PodSecurity restricted\)/);
  await kubectl(['-n', NAMES, 'apply', '-f', '-'], busyboxPod('intruder', 'sleep 3600'));
  await kubectl(['-n', TODO, 'apply', '-f', '-'], busyboxPod('intruder', 'sleep 3600'));
  await waitReady(NAMES, ['intruder']);
  await waitReady(TODO, ['intruder']);
  await waitReady(OTHER, ['outsider', 'listener']);
  report['both apps installed and ready'] = `${((Date.now() - installed) / 1000).toFixed(0)} s`;
});

after(async () => {
  for (const [what, value] of Object.entries(report)) console.log(`# ${what}: ${value}`);
  await stopOutsideHost();
  rmSync(work, { recursive: true, force: true });
  if (!process.env.BERTH_KEEP) {
    await Promise.all([deleteNamespace(NAMES), deleteNamespace(TODO), deleteNamespace(OTHER)]);
  }
});

describe('NetworkPolicy is enforced', () => {
  test('a pod without the allowed labels reaches neither database, Redis nor API, by Service or pod IP, from its own namespace or another', async () => {
    const probes = [
      ...(await intruderProbes(NAMES, ['db', 'api'])),
      ...(await intruderProbes(TODO, ['db', 'redis', 'api', 'mcp'])),
      // The probes can connect: the same pods reach a pod no policy selects.
      {
        what: `intruder in ${NAMES} -> ${OTHER} listener (no policy there)`,
        attempt: () => fromBusybox(NAMES, 'intruder', `listener.${OTHER}.svc.cluster.local`, 8080),
        expect: 'connected' as const,
      },
      {
        what: `outsider in ${OTHER} -> ${OTHER} listener`,
        attempt: () => fromBusybox(OTHER, 'outsider', 'listener', 8080),
        expect: 'connected' as const,
      },
    ];
    await assertProbes(probes);
    report['blocked probes (intruders)'] = String(probes.filter((p) => p.expect === 'blocked').length);
  });

  test('the allowed paths work: ingress -> web -> api -> database (and Redis)', async () => {
    // Through Traefik, as a browser: the web pod's nginx proxies /api to the API, which reads the database.
    const names = await httpRequest(`${ingress}/api/names`, 'GET', undefined, 10_000, { host: 'sec-names.local' });
    assert.equal(names.status, 200, names.body);
    assert.ok(Array.isArray(JSON.parse(names.body).names), names.body);
    const todoPage = await httpRequest(`${ingress}/`, 'GET', undefined, 10_000, { host: 'sec-todo.local' });
    assert.equal(todoPage.status, 200);
    assert.match(todoPage.body, /<title>Todo/);
    const todoHealth = await httpRequest(`${ingress}/api/health`, 'GET', undefined, 10_000, { host: 'sec-todo.local' });
    assert.equal(todoHealth.status, 200, todoHealth.body);
    assert.match(todoHealth.body, /"database":"ok"/);
    assert.match(todoHealth.body, /"redis":"ok"/);
    // And each hop on its own, with the probes that are blocked above.
    const [namesWeb, namesApi, todoWeb, todoApi, todoMcp] = await Promise.all([
      podOf(NAMES, 'web'),
      podOf(NAMES, 'api'),
      podOf(TODO, 'web'),
      podOf(TODO, 'api'),
      podOf(TODO, 'mcp'),
    ]);
    const [nApi, nDb, tApi, tDb, tRedis] = await Promise.all([
      addresses(NAMES, 'api'),
      addresses(NAMES, 'db'),
      addresses(TODO, 'api'),
      addresses(TODO, 'db'),
      addresses(TODO, 'redis'),
    ]);
    const allowed: Probe[] = [];
    const hop = (what: string, from: (h: string, p: number) => Promise<Outcome>, to: typeof nApi) => {
      for (const t of to)
        allowed.push({ what: `${what} -> ${t.what}`, attempt: () => from(t.host, t.port), expect: 'connected' });
    };
    hop(`${NAMES} web`, (h, p) => fromWebPod(NAMES, namesWeb.metadata.name, h, p), nApi);
    hop(`${NAMES} api`, (h, p) => fromNodePod(NAMES, namesApi.metadata.name, h, p), nDb);
    hop(`${TODO} web`, (h, p) => fromWebPod(TODO, todoWeb.metadata.name, h, p), tApi);
    hop(`${TODO} api`, (h, p) => fromNodePod(TODO, todoApi.metadata.name, h, p), [...tDb, ...tRedis]);
    hop(`${TODO} mcp`, (h, p) => fromNodePod(TODO, todoMcp.metadata.name, h, p), tApi);
    await assertProbes(allowed);
  });

  test('an app pod reaches no address outside the cluster and no pod of another namespace; DNS resolves', async () => {
    const probes = [
      ...(await egressProbes(NAMES)),
      ...(await egressProbes(TODO)),
      {
        what: `intruder in ${NAMES} -> outside host (no policy selects it: the route works)`,
        attempt: () => fromBusybox(NAMES, 'intruder', OUTSIDE_IP, OUTSIDE_PORT),
        expect: 'connected' as const,
      },
    ];
    await assertProbes(probes);
    for (const ns of [NAMES, TODO]) {
      const api = (await podOf(ns, 'api')).metadata.name;
      const resolved = await nodeIn(
        ns,
        api,
        "require('node:dns').lookup(process.argv[1], (e, a) => console.log(e ? e.code : a))",
        `listener.${OTHER}.svc.cluster.local`,
      );
      assert.match(
        resolved.stdout.trim(),
        /^10\.96\.\d+\.\d+$/,
        `DNS from ${ns} api: ${resolved.stdout}${resolved.stderr}`,
      );
    }
  });

  test('shown to fail: with an allow-all NetworkPolicy beside the charts, the same probes get through', async () => {
    const allowAll = JSON.stringify({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'broken-allow-all' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] },
    });
    await kubectl(['-n', NAMES, 'apply', '-f', '-'], allowAll);
    try {
      const intruder = await intruderProbes(NAMES, ['db', 'api']);
      const egress = await egressProbes(NAMES);
      const db = (await addresses(NAMES, 'db'))[1];
      assert.ok(db);
      await eventually(
        'the allow-all policy to open the namespace',
        async () => (await fromBusybox(NAMES, 'intruder', db.host, db.port)) === 'connected',
        30_000,
      );
      await assert.rejects(assertProbes(intruder), (error: Error) => {
        report['allow-all: intruder probes that got through'] = String(
          (error.message.match(/expected blocked, got connected/g) ?? []).length,
        );
        return /expected blocked, got connected/.test(error.message);
      });
      await assert.rejects(assertProbes(egress), /expected blocked, got connected/);
    } finally {
      await kubectl(['-n', NAMES, 'delete', 'networkpolicy', 'broken-allow-all']);
    }
    await eventually(
      'the charts policies to close the namespace again',
      async () => {
        await assertProbes(await intruderProbes(NAMES, ['db']));
        return true;
      },
      30_000,
    );
  });
});

describe('Sealed Secrets', () => {
  test('the credentials sealed by `berth seal` become the Secrets the apps start with', async () => {
    const cases = [
      { ns: NAMES, name: 'names-db-credentials', values: sealed.names?.values },
      { ns: TODO, name: 'todo-db-credentials', values: sealed.todoDb?.values },
      { ns: TODO, name: 'todo-auth-credentials', values: sealed.todoAuth?.values },
    ];
    for (const { ns, name, values } of cases) {
      assert.ok(values, `${name} was not sealed`);
      const got = await kubectlJson<{
        metadata: { ownerReferences?: { kind: string; name: string }[] };
        data: Record<string, string>;
      }>(['-n', ns, 'get', 'secret', name]);
      assert.deepEqual(
        got.metadata.ownerReferences?.map((o) => `${o.kind}/${o.name}`),
        [`SealedSecret/${name}`],
      );
      for (const [key, value] of Object.entries(values)) {
        assert.equal(Buffer.from(got.data[key] ?? '', 'base64').toString(), value, `${ns}/${name} ${key}`);
      }
    }
    // The apps run on them: the databases accept the sealed passwords, and the API signs in with the sealed JWT key.
    const db = await httpRequest(`${ingress}/api/health/db`, 'GET', undefined, 10_000, { host: 'sec-names.local' });
    assert.equal(db.status, 200, db.body);
    const email = `sealed-${Date.now().toString(36)}@example.com`;
    const registered = await httpRequest(
      `${ingress}/api/auth/register`,
      'POST',
      { email, password: 'lantern orchard 7 tidewater' },
      10_000,
      { host: 'sec-todo.local' },
    );
    assert.equal(registered.status, 201, registered.body);
    const token = JSON.parse(registered.body).token as string;
    const payload = token.split('.').slice(0, 2).join('.');
    const signature = createHmac('sha256', sealed.todoAuth?.values.JWT_SECRET ?? '')
      .update(payload)
      .digest('base64url');
    assert.equal(token.split('.')[2], signature, 'the token is not signed with the sealed JWT_SECRET');
  });

  test('a credential sealed with another cluster key is not decrypted by this cluster', async () => {
    // Another cluster's controller key pair: a self-signed RSA certificate like the one a
    // controller generates, whose private key this cluster's controller never had.
    const cert = join(work, 'other-cluster.pem');
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:4096',
      '-nodes',
      '-keyout',
      join(work, 'other-cluster.key'),
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/O=sealed-secret/CN=other-cluster',
    ]);
    const foreign = await berthCli(
      ['seal', 'foreign-credentials', '-n', NAMES, '--cert', cert, '--from-env', 'POSTGRES_PASSWORD=SEC_FOREIGN'],
      { SEC_FOREIGN: secret() },
    );
    assert.equal(foreign.code, 0, explainRun(foreign));
    assert.match(foreign.stdout, /kind: SealedSecret/);
    await kubectl(['-n', NAMES, 'apply', '-f', '-'], foreign.stdout);
    const condition = await eventually(
      'the controller to report on the foreign SealedSecret',
      async () => {
        const got = await kubectlJson<{
          status?: { conditions?: { type: string; status: string; message?: string }[] };
        }>(['-n', NAMES, 'get', 'sealedsecret', 'foreign-credentials']);
        return got.status?.conditions?.find((c) => c.type === 'Synced');
      },
      60_000,
    );
    assert.equal(condition.status, 'False');
    assert.match(condition.message ?? '', /no key could decrypt secret/);
    const missing = await run(KUBECTL, ['-n', NAMES, 'get', 'secret', 'foreign-credentials'], { allowFailure: true });
    assert.notEqual(missing.code, 0, 'a Secret was created from a SealedSecret of another cluster');
    report['foreign SealedSecret'] = `Synced=False: ${condition.message}`;
  });
});

describe('RBAC', () => {
  /**
   * What Kubernetes grants every authenticated identity: ask about itself, read API discovery
   * and health, the service-account issuer's public keys, and the cluster's public CA bundles.
   */
  const DISCOVERY_RESOURCES = new Map([
    ['selfsubjectreviews.authentication.k8s.io', '[create]'],
    ['selfsubjectaccessreviews.authorization.k8s.io', '[create]'],
    ['selfsubjectrulesreviews.authorization.k8s.io', '[create]'],
    ['clustertrustbundles.certificates.k8s.io', '[get list watch]'],
  ]);
  const DISCOVERY_URLS =
    /^\[(\/\.well-known\/openid-configuration\/?|\/api\/\*|\/api|\/apis\/\*|\/apis|\/healthz|\/livez|\/readyz|\/version\/?|\/openapi\/\*|\/openapi|\/openid\/v1\/jwks\/?)\]$/;

  /** `kubectl auth can-i --list` as a ServiceAccount: one "<resource or [url]> ... [verbs]" string a rule. */
  async function rights(account: string): Promise<string[]> {
    const [ns = '', name = ''] = account.split(':');
    const list = await kubectl(['auth', 'can-i', '--list', '-n', ns, `--as=system:serviceaccount:${ns}:${name}`]);
    return list
      .split('\n')
      .slice(1)
      .map((row) => row.trim())
      .filter(Boolean)
      .map((row) => `${row.split(/\s+/)[0]} ${/(\[[^\]]*\])$/.exec(row)?.[1]}`)
      .sort();
  }

  test('every ServiceAccount the apps run as may do nothing beyond discovery (even with a token of its own), and the charts create no Role', async () => {
    // A ServiceAccount nothing is bound to: what any identity gets, which must be discovery only.
    const baseline = await rights(`${OTHER}:baseline`);
    const notDiscovery = baseline.filter((rule) => {
      const what = rule.slice(0, rule.indexOf(' '));
      const verbs = rule.slice(rule.indexOf(' ') + 1);
      return what.startsWith('[')
        ? !DISCOVERY_URLS.test(what) || verbs !== '[get]'
        : DISCOVERY_RESOURCES.get(what) !== verbs;
    });
    assert.deepEqual(notDiscovery, [], 'an unbound ServiceAccount has rights beyond discovery');
    const accounts = new Set<string>();
    for (const ns of [NAMES, TODO]) {
      for (const pod of await appPods(ns)) accounts.add(`${ns}:${pod.spec.serviceAccountName ?? 'default'}`);
    }
    assert.ok(accounts.size >= 5, [...accounts].join(', '));
    for (const account of accounts) assert.deepEqual(await rights(account), baseline, account);
    report['ServiceAccounts with discovery rights only'] = [...accounts].join(', ');
    // And with a token of its own (which no pod mounts), the API's ServiceAccount is refused the
    // namespace's Secrets: a kubeconfig holding only that token (no admin certificate), mode 0600.
    const account = [...accounts].find((a) => a.startsWith(`${TODO}:`) && a.endsWith('-api')) ?? '';
    const [tokenNs = '', name = ''] = account.split(':');
    const token = await kubectl(['-n', tokenNs, 'create', 'token', name, '--duration=10m']);
    const server = await kubectl(['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}']);
    const tokenConfig = join(work, 'service-account.kubeconfig');
    writeFileSync(
      tokenConfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server, 'certificate-authority': CLUSTER_CA } }],
        users: [{ name: 'u', user: { token } }],
        contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'c',
      }),
      { mode: 0o600 },
    );
    const attempt = await run(KUBECTL, ['--kubeconfig', tokenConfig, '-n', tokenNs, 'get', 'secrets'], {
      allowFailure: true,
    });
    assert.notEqual(attempt.code, 0);
    assert.match(
      attempt.stderr,
      /secrets is forbidden: User "system:serviceaccount:sec-todo:[^"]+" cannot list resource "secrets"/,
    );
    for (const release of ['sec-names', 'sec-todo']) {
      const manifest = await helm(['get', 'manifest', release, '-n', release]);
      assert.doesNotMatch(manifest, /^kind: (Cluster)?Role(Binding)?$/m, `${release} creates RBAC objects`);
    }
  });

  test('no pod has a ServiceAccount token', async () => {
    for (const ns of [NAMES, TODO]) {
      for (const pod of await appPods(ns)) {
        assert.equal(pod.spec.automountServiceAccountToken, false, pod.metadata.name);
        const mounts = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].flatMap(
          (c) => c.volumeMounts ?? [],
        );
        assert.ok(!mounts.some((m) => m.mountPath.startsWith('/var/run/secrets/kubernetes.io')), pod.metadata.name);
      }
      // And on the filesystem of a running API pod.
      const api = (await podOf(ns, 'api')).metadata.name;
      const look = await nodeIn(
        ns,
        api,
        "console.log(require('node:fs').existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token'))",
      );
      assert.equal(look.stdout.trim(), 'false', `${ns}/${api} has a token file`);
    }
  });
});

describe('PodSecurity restricted', () => {
  test('every pod of both charts is admitted under enforce=restricted, and hardened', async () => {
    const problems: string[] = [];
    let count = 0;
    for (const ns of [NAMES, TODO]) {
      const labels = await kubectl(['get', 'namespace', ns, '-o', 'jsonpath={.metadata.labels}']);
      assert.match(labels, /"pod-security.kubernetes.io\/enforce":"restricted"/);
      for (const pod of await appPods(ns)) {
        count++;
        const podSeccomp = pod.spec.securityContext?.seccompProfile?.type;
        for (const c of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) {
          const sc = c.securityContext ?? {};
          const where = `${ns}/${pod.metadata.name}/${c.name}`;
          if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: root filesystem writable`);
          if (!sc.capabilities?.drop?.includes('ALL')) problems.push(`${where}: capabilities not all dropped`);
          if ((sc.seccompProfile?.type ?? podSeccomp) !== 'RuntimeDefault') problems.push(`${where}: seccomp`);
          if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: privilege escalation allowed`);
          if ((sc.runAsNonRoot ?? pod.spec.securityContext?.runAsNonRoot) !== true)
            problems.push(`${where}: may run as root`);
        }
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(count >= 7, `only ${count} app pods running`);
    report['app pods admitted under restricted'] = String(count);
  });

  test('a pod that runs as root or may escalate privileges is rejected (enforcement is on)', async () => {
    const violating = {
      'runs-as-root': { runAsUser: 0 },
      'escalates-privileges': { allowPrivilegeEscalation: true },
    };
    for (const [name, securityContext] of Object.entries(violating)) {
      const pod = JSON.parse(busyboxPod(name, 'sleep 1'));
      pod.spec.securityContext.runAsUser = undefined;
      pod.spec.securityContext.runAsNonRoot = undefined;
      Object.assign(pod.spec.containers[0].securityContext, securityContext);
      const created = await run(KUBECTL, ['-n', NAMES, 'create', '-f', '-'], {
        input: JSON.stringify(pod),
        allowFailure: true,
      });
      assert.notEqual(created.code, 0, `${name} was admitted`);
      assert.match(created.stderr, /violates PodSecurity "restricted:latest"/, name);
    }
  });
});
