// Acceptance tests for the Berth test cluster (issue 3). Plain ESM, node built-ins only.
// Run as root with Node 24:  node --test test/cluster/
// The suite owns the lifecycle: it tears down any previous cluster, brings one up from
// nothing, runs the checks against it and finally tears it down and checks nothing is left.

import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
const DIR = dirname(fileURLToPath(import.meta.url));
const versions = Object.fromEntries(
  readFileSync(join(DIR, 'versions.env'), 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const CACHE = process.env.BERTH_CACHE || '/var/cache/berth';
const STATE = process.env.BERTH_STATE || '/var/lib/berth-cluster';
const KUBECTL = join(CACHE, `kubernetes-${versions.K8S_VERSION}`, 'bin', 'kubectl');
const KUBECONFIG = join(STATE, 'admin.kubeconfig');
const NS = 'berth-e2e';
const NS_RESTRICTED = 'berth-e2e-restricted';
const APP_IMAGE = 'localhost/berth-e2e-app:1.0';
const NODE_PORT = 30080;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const podmanEnv = {
  ...process.env,
  CONTAINERS_CONF: join(DIR, 'lib', 'containers.conf'),
  CONTAINERS_STORAGE_CONF: join(DIR, 'lib', 'storage.conf'),
};

// Bounds on the long steps, from times measured on the 2-core CI machine with other work on it
// (README "Timings"). A cold `up` compiles every component first (1,194-1,555 s seen) and then
// starts (about 60 s); a warm one only starts (44-70 s); `down` takes 20-50 s; a 1-layer image
// build and import, under 30 s. Each bound is about three times the slowest time seen.
// `build` itself says whether its cache is warm: the one list of what it builds.
const cacheIsWarm =
  execFileSync(join(DIR, 'build'), ['--cache-state'], { encoding: 'utf8', timeout: 60_000 }).trim() === 'warm';
const UP_BOUND_MS = cacheIsWarm ? 5 * 60_000 : 75 * 60_000;
const DOWN_BOUND_MS = 3 * 60_000;
const SHORT_BOUND_MS = 60_000;
const IMAGE_BOUND_MS = 5 * 60_000;

/** Runs a program to completion; `timeout` is required, so no step waits on a hidden default. */
function sh(cmd, args, opts) {
  if (!opts?.timeout) throw new Error(`sh(${cmd}): state a timeout`);
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], ...opts });
}
function k(...args) {
  return sh(KUBECTL, ['--kubeconfig', KUBECONFIG, ...args], { timeout: 180_000 }).trim();
}
function kApply(yaml) {
  return sh(KUBECTL, ['--kubeconfig', KUBECONFIG, 'apply', '-f', '-'], { input: yaml, timeout: 60_000 });
}
async function kAsync(...args) {
  const { stdout } = await execFileP(KUBECTL, ['--kubeconfig', KUBECONFIG, ...args], { timeout: 300_000 });
  return stdout.trim();
}
async function eventually(what, fn, timeoutMs = 120_000, everyMs = 2000) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
      last = new Error(`condition returned ${v}`);
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${last?.message ?? last}`);
    await sleep(everyMs);
  }
}
// one HTTP GET on a fresh connection (agent:false), so a request never rides a stale keep-alive socket
function get(host, port, path = '/', timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}
function nodeIP() {
  return k('get', 'node', 'berth-node', '-o', 'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}');
}

test('running as root on a machine with the cluster prerequisites', () => {
  assert.equal(process.getuid(), 0, 'the cluster tests need root (sudo node --test test/cluster/)');
  assert.ok(existsSync('/dev/kmsg'), '/dev/kmsg present');
});

test('from nothing, up gives a Ready node, /readyz ok, pinned version', {
  timeout: UP_BOUND_MS + DOWN_BOUND_MS + SHORT_BOUND_MS,
}, () => {
  sh(join(DIR, 'down'), [], { timeout: DOWN_BOUND_MS });
  assert.ok(!existsSync(STATE), 'state dir removed by down');
  const t0 = Date.now();
  console.log(`# up: cache ${cacheIsWarm ? 'warm' : 'cold'}, bound ${UP_BOUND_MS / 60_000} min`);
  sh(join(DIR, 'up'), [], { stdio: ['ignore', 'inherit', 'inherit'], timeout: UP_BOUND_MS });
  console.log(`# up took ${Math.round((Date.now() - t0) / 1000)}s`);
  assert.equal(
    k('get', 'node', 'berth-node', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'),
    'True',
  );
  assert.equal(k('get', '--raw', '/readyz'), 'ok');
  const v = JSON.parse(k('version', '-o', 'json'));
  assert.equal(v.serverVersion.gitVersion, versions.K8S_VERSION);
  assert.equal(v.clientVersion.gitVersion, versions.K8S_VERSION);
  // the node is a real kubelet on containerd, not a simulated one
  const info = JSON.parse(k('get', 'node', 'berth-node', '-o', 'json')).status.nodeInfo;
  assert.equal(info.kubeletVersion, versions.K8S_VERSION);
  assert.match(info.containerRuntimeVersion, /^containerd:\/\//);
  // default StorageClass and cluster DNS are installed
  assert.match(
    k('get', 'storageclass', 'local-path', '-o', 'jsonpath={.metadata.annotations}'),
    /is-default-class":"true/,
  );
  assert.equal(k('-n', 'kube-system', 'get', 'deploy', 'coredns', '-o', 'jsonpath={.status.readyReplicas}'), '1');
  // status reports healthy
  assert.match(sh(join(DIR, 'status'), [], { timeout: SHORT_BOUND_MS }), /readyz: ok/);
});

test('a locally built image runs as a 2-replica Deployment behind a ClusterIP Service', {
  timeout: 10 * 60_000,
}, async () => {
  sh(
    'buildah',
    ['bud', '--pull=never', '--isolation', 'chroot', '--layers=false', '-t', APP_IMAGE, join(DIR, 'e2e-app')],
    { env: podmanEnv, timeout: IMAGE_BOUND_MS },
  );
  sh(join(DIR, 'load-image'), [APP_IMAGE], { env: podmanEnv, timeout: IMAGE_BOUND_MS });
  assert.match(k('get', 'ns', '-o', 'name'), /namespace\/default/);
  kApply(`
apiVersion: v1
kind: Namespace
metadata: {name: ${NS}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${NS}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 30
      containers:
      - name: web
        image: ${APP_IMAGE}
        imagePullPolicy: IfNotPresent
        env: [{name: APP_VERSION, value: v1}]
        ports: [{containerPort: 8080, name: http}]
        resources: {requests: {cpu: 100m, memory: 32Mi}, limits: {memory: 128Mi}}
        readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 1, failureThreshold: 1}
        lifecycle: {preStop: {sleep: {seconds: 5}}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${NS}}
spec:
  type: ClusterIP
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: web-nodeport, namespace: ${NS}}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http, nodePort: ${NODE_PORT}}]
`);
  k('-n', NS, 'rollout', 'status', 'deploy/web', '--timeout=180s');
  assert.equal(k('-n', NS, 'get', 'deploy', 'web', '-o', 'jsonpath={.status.readyReplicas}'), '2');
  assert.equal(k('-n', NS, 'get', 'svc', 'web', '-o', 'jsonpath={.spec.type}'), 'ClusterIP');
  // The EndpointSlice controller adds a pod shortly after the Deployment counts it Ready.
  const addresses = () =>
    k(
      '-n',
      NS,
      'get',
      'endpointslices',
      '-l',
      'kubernetes.io/service-name=web',
      '-o',
      'jsonpath={.items[*].endpoints[*].addresses[0]}',
    )
      .split(/\s+/)
      .filter(Boolean);
  let eps = addresses();
  for (const end = Date.now() + 30_000; eps.length !== 2 && Date.now() < end; eps = addresses()) await sleep(500);
  assert.equal(eps.length, 2, `two endpoints behind the Service, got ${eps}`);
});

test('another pod reaches the Service by DNS name', { timeout: 5 * 60_000 }, async () => {
  kApply(`
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: ${NS}}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - name: client
    image: docker.io/library/busybox:1.35
    imagePullPolicy: IfNotPresent
    command: [sleep, "3600"]
`);
  k('-n', NS, 'wait', '--for=condition=Ready', 'pod/client', '--timeout=120s');
  const hosts = new Set();
  const body = await eventually(
    'DNS + ClusterIP from a pod',
    () => {
      const out = k(
        '-n',
        NS,
        'exec',
        'client',
        '--',
        'timeout',
        '10',
        'wget',
        '-qO-',
        `http://web.${NS}.svc.cluster.local/`,
      );
      return JSON.parse(out);
    },
    90_000,
  );
  assert.equal(body.app, 'berth-e2e-app');
  hosts.add(body.host);
  const ns = k('-n', NS, 'exec', 'client', '--', 'nslookup', `web.${NS}.svc.cluster.local`);
  const clusterIP = k('-n', NS, 'get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}');
  assert.ok(ns.includes(clusterIP), `nslookup answers the ClusterIP ${clusterIP}:\n${ns}`);
  for (let i = 0; i < 20 && hosts.size < 2; i++) {
    hosts.add(
      JSON.parse(
        k('-n', NS, 'exec', 'client', '--', 'timeout', '10', 'wget', '-qO-', `http://web.${NS}.svc.cluster.local/`),
      ).host,
    );
  }
  assert.equal(hosts.size, 2, `both replicas answer through the Service: ${[...hosts]}`);
});

test('the Service is reachable from the host through a NodePort', { timeout: 2 * 60_000 }, async () => {
  const ip = nodeIP();
  const hosts = new Set();
  for (let i = 0; i < 30; i++) {
    const r = await get(ip, NODE_PORT, '/');
    assert.equal(r.status, 200);
    hosts.add(JSON.parse(r.body).host);
  }
  assert.equal(hosts.size, 2, `NodePort balances over both replicas: ${[...hosts]}`);
});

test('StatefulSet with a PVC keeps its data across pod deletion', { timeout: 10 * 60_000 }, async () => {
  kApply(`
apiVersion: v1
kind: Service
metadata: {name: pg, namespace: ${NS}}
spec:
  clusterIP: None
  selector: {app: pg}
  ports: [{port: 5432, name: pg}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: pg, namespace: ${NS}}
spec:
  serviceName: pg
  replicas: 1
  selector: {matchLabels: {app: pg}}
  template:
    metadata: {labels: {app: pg}}
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: postgres
        image: docker.io/library/postgres:15
        imagePullPolicy: IfNotPresent
        env:
        - {name: POSTGRES_USER, value: berth}
        - {name: POSTGRES_PASSWORD, value: s3cret}
        - {name: POSTGRES_DB, value: names}
        - {name: PGDATA, value: /var/lib/postgresql/data/pgdata}
        ports: [{containerPort: 5432, name: pg}]
        readinessProbe:
          exec: {command: [pg_isready, -h, 127.0.0.1, -U, berth, -d, names]}
          periodSeconds: 2
        volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`);
  k('-n', NS, 'rollout', 'status', 'statefulset/pg', '--timeout=300s');
  assert.equal(k('-n', NS, 'get', 'pvc', 'data-pg-0', '-o', 'jsonpath={.status.phase}'), 'Bound');
  assert.equal(k('-n', NS, 'get', 'pvc', 'data-pg-0', '-o', 'jsonpath={.spec.storageClassName}'), 'local-path');
  const psql = (sql) =>
    k(
      '-n',
      NS,
      'exec',
      'pg-0',
      '--',
      'env',
      'PGPASSWORD=s3cret',
      'psql',
      '-h',
      '127.0.0.1',
      '-U',
      'berth',
      '-d',
      'names',
      '-tAc',
      sql,
    );
  const marker = `survives-${Date.now()}`;
  psql(`CREATE TABLE IF NOT EXISTS t (v text); INSERT INTO t VALUES ('${marker}');`);
  const uid = k('-n', NS, 'get', 'pod', 'pg-0', '-o', 'jsonpath={.metadata.uid}');
  k('-n', NS, 'delete', 'pod', 'pg-0', '--wait=true');
  // Polled, not `kubectl wait`: that fails at once while the StatefulSet has not recreated the pod yet.
  await eventually(
    'a new pg-0, Ready',
    async () => {
      const pod = JSON.parse(await kAsync('-n', NS, 'get', 'pod', 'pg-0', '-o', 'json'));
      return pod.metadata.uid !== uid && pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    },
    180_000,
  );
  assert.equal(psql('SELECT v FROM t;'), marker);
});

test('kubectl top pods reports figures and an HPA on CPU shows its utilisation', { timeout: 8 * 60_000 }, async () => {
  kApply(`
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: ${NS}}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 2
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}
`);
  const top = await eventually(
    'kubectl top pods',
    async () => {
      const out = await kAsync('-n', NS, 'top', 'pods', '--no-headers');
      const rows = out.split('\n').filter((l) => l.startsWith('web-'));
      return rows.length >= 2 && rows.every((l) => /\s\d+m\s+\d+Mi/.test(l)) ? out : false;
    },
    240_000,
    5000,
  );
  console.log(`# kubectl top pods:\n${top.replace(/^/gm, '#   ')}`);
  const util = await eventually(
    'HPA current CPU utilisation',
    async () => {
      const v = await kAsync(
        '-n',
        NS,
        'get',
        'hpa',
        'web',
        '-o',
        'jsonpath={.status.currentMetrics[0].resource.current.averageUtilization}',
      );
      return /^\d+$/.test(v) ? Number(v) : false;
    },
    240_000,
    5000,
  );
  assert.ok(util >= 0 && util < 10_000, `utilisation ${util}%`);
  assert.match(k('-n', NS, 'get', 'hpa', 'web'), /cpu: \d+%\/80%/);
});

test('PodSecurity restricted rejects a privileged pod and admits a compliant one', { timeout: 4 * 60_000 }, () => {
  kApply(`
apiVersion: v1
kind: Namespace
metadata:
  name: ${NS_RESTRICTED}
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: latest
`);
  const privileged = `
apiVersion: v1
kind: Pod
metadata: {name: privileged, namespace: ${NS_RESTRICTED}}
spec:
  containers:
  - name: c
    image: docker.io/library/busybox:1.35
    imagePullPolicy: IfNotPresent
    command: [sleep, "3600"]
    securityContext: {privileged: true}
`;
  assert.throws(
    () => kApply(privileged),
    (e) => {
      assert.match(String(e.stderr), /violates PodSecurity "restricted:latest"/);
      assert.match(String(e.stderr), /privileged/);
      return true;
    },
  );
  assert.throws(() => k('-n', NS_RESTRICTED, 'get', 'pod', 'privileged'), /NotFound|not found/);
  kApply(`
apiVersion: v1
kind: Pod
metadata: {name: compliant, namespace: ${NS_RESTRICTED}}
spec:
  terminationGracePeriodSeconds: 0
  securityContext:
    runAsNonRoot: true
    runAsUser: 65534
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: c
    image: docker.io/library/busybox:1.35
    imagePullPolicy: IfNotPresent
    command: [sleep, "3600"]
    securityContext:
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL]}
`);
  k('-n', NS_RESTRICTED, 'wait', '--for=condition=Ready', 'pod/compliant', '--timeout=120s');
  assert.equal(k('-n', NS_RESTRICTED, 'exec', 'compliant', '--', 'id', '-u'), '65534');
});

test('rolling update under continuous requests from the host: zero failed requests', {
  timeout: 10 * 60_000,
}, async () => {
  const ip = nodeIP();
  let ok = 0;
  const failures = [];
  const versionsSeen = new Set();
  let running = true;
  const worker = async () => {
    while (running) {
      try {
        const r = await get(ip, NODE_PORT, '/');
        if (r.status !== 200) failures.push(`HTTP ${r.status}`);
        else {
          ok++;
          versionsSeen.add(JSON.parse(r.body).version);
        }
      } catch (e) {
        failures.push(e.message);
      }
      await sleep(20);
    }
  };
  const workers = [worker(), worker(), worker()];
  await sleep(2000);
  await kAsync('-n', NS, 'set', 'env', 'deploy/web', 'APP_VERSION=v2');
  await kAsync('-n', NS, 'rollout', 'status', 'deploy/web', '--timeout=300s');
  await sleep(7000); // old pods are still terminating (preStop + graceful close)
  running = false;
  await Promise.all(workers);
  console.log(`# rolling update: ${ok} requests ok, ${failures.length} failed, versions ${[...versionsSeen]}`);
  assert.deepEqual(failures, [], 'no failed request during the rollout');
  assert.ok(ok > 100, `enough requests were made during the rollout (${ok})`);
  assert.ok(versionsSeen.has('v1') && versionsSeen.has('v2'), 'traffic moved from v1 to v2');
  const r = await get(ip, NODE_PORT, '/');
  assert.equal(JSON.parse(r.body).version, 'v2');
});

/**
 * What a cluster leaves on the machine while it runs: processes (control plane, containerd,
 * shims, pods), mounts, network namespaces, links, iptables rules, cgroups, the state dir.
 * Every one of them must be gone after `down`, and after an `up` that was killed part-way.
 */
function assertNothingLeft(after) {
  const markers = [
    STATE,
    '/run/berth-containerd',
    join(CACHE, 'kubernetes-'),
    join(CACHE, 'etcd-'),
    join(CACHE, 'containerd-'),
  ];
  const leftovers = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmd = '';
    let cgroup = '';
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      cgroup = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
    } catch {
      continue;
    }
    if (markers.some((m) => cmd.includes(m)) || cgroup.includes('/kubepods')) leftovers.push(`${pid}: ${cmd}`);
  }
  assert.deepEqual(leftovers, [], `no cluster processes left after ${after}`);
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .filter((l) => l.includes(STATE) || l.includes('/run/berth-containerd') || l.includes('kubelet'));
  assert.deepEqual(mounts, [], `no cluster mounts left after ${after}`);
  const netns = sh('ip', ['netns', 'list'], { timeout: SHORT_BOUND_MS })
    .split('\n')
    .filter((l) => /cni-/.test(l));
  assert.deepEqual(netns, [], `no pod network namespaces left after ${after}`);
  const nsfs = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .filter((l) => / nsfs /.test(l) && /cni-|berth/.test(l));
  assert.deepEqual(nsfs, [], `no netns bind mounts left after ${after}`);
  assert.throws(() => sh('ip', ['link', 'show', 'berth0'], { timeout: SHORT_BOUND_MS }), 'CNI bridge removed');
  assert.throws(
    () => sh('ip', ['link', 'show', 'berth-node'], { timeout: SHORT_BOUND_MS }),
    'node address interface removed',
  );
  for (const save of ['iptables-save', 'ip6tables-save']) {
    const rules = sh(save, [], { timeout: SHORT_BOUND_MS })
      .split('\n')
      .filter((l) => /KUBE-|CNI-|berth/.test(l));
    assert.deepEqual(rules, [], `no cluster rules left in ${save} after ${after}`);
  }
  // the NetworkPolicy engine's nftables table (a SIGKILLed engine leaves it behind)
  assert.doesNotMatch(
    sh('nft', ['list', 'tables'], { timeout: SHORT_BOUND_MS }),
    /kube-network-policies/,
    `no NetworkPolicy table left after ${after}`,
  );
  const vethsOnBridge = sh('ip', ['-o', 'link'], { timeout: SHORT_BOUND_MS })
    .split('\n')
    .filter((l) => /master berth0/.test(l));
  assert.deepEqual(vethsOnBridge, [], `no pod veths left after ${after}`);
  assert.ok(!existsSync(STATE), `state dir removed after ${after}`);
  assert.ok(!existsSync('/sys/fs/cgroup/cpu/kubepods'), `kubepods cgroup removed after ${after}`);
}

test('down leaves no processes, mounts, network namespaces or iptables rules behind', {
  timeout: DOWN_BOUND_MS + SHORT_BOUND_MS,
}, () => {
  sh(join(DIR, 'down'), [], { stdio: ['ignore', 'inherit', 'inherit'], timeout: DOWN_BOUND_MS });
  assertNothingLeft('down');
  // The suite's own image would otherwise stay in the build storage run after run.
  // (absent when the test that builds it failed early: nothing to remove then)
  const images = sh('buildah', ['images', '--format', '{{.Name}}:{{.Tag}}'], {
    env: podmanEnv,
    timeout: SHORT_BOUND_MS,
  });
  if (images.split('\n').includes(APP_IMAGE)) {
    sh('buildah', ['rmi', '--force', APP_IMAGE], { env: podmanEnv, timeout: SHORT_BOUND_MS });
  }
});

/**
 * Starts `up` from nothing, sends it `signal` once its log shows `marker`, and returns how it
 * ended. The signal goes to the `up` process alone, as a test runner's timeout sends it (a
 * terminal's Ctrl-C would also reach its children, which is the easier case).
 */
async function killUpWhen(marker, signal) {
  sh(join(DIR, 'down'), [], { timeout: DOWN_BOUND_MS });
  const up = spawn(join(DIR, 'up'), [], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const sawMarker = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      log += chunk;
      if (log.includes(marker)) resolve();
    };
    up.stdout.on('data', onData);
    up.stderr.on('data', onData);
    up.on('exit', () => reject(new Error(`up ended before "${marker}":\n${log}`)));
  });
  const ended = new Promise((resolve) => up.on('exit', (code, sig) => resolve({ code, signal: sig })));
  await sawMarker;
  up.kill(signal);
  const result = await ended;
  return { ...result, log };
}

test('an up killed while the control plane starts (Ctrl-C) leaves nothing behind', {
  timeout: UP_BOUND_MS + 2 * DOWN_BOUND_MS,
}, async () => {
  const { code, log } = await killUpWhen('starting kube-apiserver', 'SIGINT');
  assert.equal(code, 130, `up exits 130 after SIGINT:\n${log}`);
  assert.match(log, /up interrupted \(INT\)/);
  assertNothingLeft('an up interrupted by SIGINT');
});

test('an up killed while pods start (a timeout) leaves nothing behind', {
  timeout: UP_BOUND_MS + 2 * DOWN_BOUND_MS,
}, async () => {
  // By the time the node is Ready, containerd runs, and CoreDNS, metrics-server and
  // local-path-provisioner are being created: shims, pod netns, mounts and iptables rules exist.
  const { code, log } = await killUpWhen('node berth-node Ready: ok', 'SIGTERM');
  assert.equal(code, 143, `up exits 143 after SIGTERM:\n${log}`);
  assert.match(log, /up interrupted \(TERM\)/);
  assertNothingLeft('an up interrupted by SIGTERM');
});
