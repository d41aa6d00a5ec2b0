// Monitoring and logs on the test cluster, against the real Prometheus (run by the
// prometheus-operator from the charts' ServiceMonitors and PrometheusRules) and the real
// VictoriaLogs that vlagent fills from the node's container logs (test/cluster/manifests/
// monitoring.yaml). Names and Todo installed by `berth up` with
// metrics.serviceMonitor.enabled, each in its own namespace; under a short load:
// every app target up; every panel query of every dashboard in deploy/monitoring/dashboards
// returns data; stopping each app's database fires its DatabaseDown alert within the alert's
// `for` window, and the alert resolves once the database is back; a request made with a known
// X-Request-Id is found in the log store by that id with its route, status and duration; after
// a real sign-up and login, no stored log line holds the password, the token or a secret.
// Needs the cluster up (test/cluster/up) and root. Namespaces mon-names-*, mon-todo-* (new
// every run); NodePort 30120; host todo.mon.local.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  appHeaders,
  BERTH_BUILD_FLAGS,
  berthCli,
  deleteNamespace,
  eventually,
  explainRun,
  httpJson,
  httpRequest,
  kubectl,
  kubectlJson,
  nodeIP,
  startLoad,
} from '@berth/testkit/cluster';
import { type Dashboard, readDashboards } from '../../../deploy/monitoring/dashboards.ts';

/**
 * Namespaces new to this Prometheus on every run: the series of a namespace deleted minutes
 * ago stay visible for Prometheus's 5-minute lookback (no staleness markers were seen for the
 * uninstalled pods), and an old pod's passing database check would hold DatabaseDown's `max`
 * at 1. Earlier runs' namespaces carry SUITE_LABEL and are deleted first.
 */
const RUN = Date.now().toString(36).slice(-5);
const NAMES_NS = `mon-names-${RUN}`;
const TODO_NS = `mon-todo-${RUN}`;
const SUITE_LABEL = 'berth.dev/suite=monitoring';
const NAMES_NODE_PORT = 30120;
const TODO_HOST = 'todo.mon.local';
/** The Traefik Service's NodePort (test/cluster/manifests/traefik.yaml). */
const INGRESS_PORT = 30880;
/** How long the charts' DatabaseDown alerts wait (metrics.alerts.databaseDownFor, their default). */
const DB_DOWN_FOR_S = 60;
/** The ServiceMonitors' scrape interval here (the charts default to 30 s). */
const SCRAPE_INTERVAL = '5s';
const PASSWORD = 'quarry lantern 41 meadowlark';
const report: Record<string, string> = {};
let nodeAddress = '';
const suiteStarted = Date.now();

/** Values every install here gets: scraped through the operator, from the monitoring namespace. */
const MONITORING_VALUES = [
  'metrics.serviceMonitor.enabled=true',
  `metrics.serviceMonitor.interval=${SCRAPE_INTERVAL}`,
  'metrics.serviceMonitor.scrapeTimeout=4s',
  'networkPolicy.metricsNamespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name=monitoring',
];

// --- the monitoring stack's HTTP APIs, through the API server's service proxy ----------------

async function serviceGet(service: string, path: string): Promise<string> {
  return kubectl(['get', '--raw', `/api/v1/namespaces/monitoring/services/${service}/proxy${path}`]);
}

interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

async function promQuery(expr: string): Promise<PromSample[]> {
  const answer = JSON.parse(await serviceGet('prometheus:web', `/api/v1/query?query=${encodeURIComponent(expr)}`)) as {
    status: string;
    data: { result: PromSample[] };
  };
  assert.equal(answer.status, 'success', expr);
  return answer.data.result;
}

interface PromAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
}

async function alerts(): Promise<PromAlert[]> {
  return (JSON.parse(await serviceGet('prometheus:web', '/api/v1/alerts')) as { data: { alerts: PromAlert[] } }).data
    .alerts;
}

/** LogsQL query against VictoriaLogs: one JSON object per stored line. */
async function logsQuery(query: string, limit = 10_000): Promise<Record<string, string>[]> {
  const text = await serviceGet(
    'victoria-logs:http',
    `/select/logsql/query?query=${encodeURIComponent(query)}&limit=${limit}`,
  );
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, string>);
}

// --- the dashboards ---------------------------------------------------------------------------

const dashboards = readDashboards();

/**
 * Every query a dashboard sends, once per value of its `service` variable, with Grafana's
 * variables filled in as Grafana would for this install: the namespace, the service, and a
 * 10-minute rate window (the length of this suite's load).
 */
function panelQueries(dashboard: Dashboard, namespace: string): { panel: string; expr: string }[] {
  const services = dashboard.templating.list.find((v) => v.name === 'service')?.options?.map((o) => o.value) ?? [''];
  const queries: { panel: string; expr: string }[] = [];
  for (const service of services) {
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) {
        const expr = target.expr
          .replaceAll('$__rate_interval', '10m')
          .replaceAll('$namespace', namespace)
          .replaceAll('$service', service);
        if (!queries.some((q) => q.expr === expr)) queries.push({ panel: `${panel.title} [${service}]`, expr });
      }
    }
  }
  return queries;
}

/**
 * Series only kube-state-metrics exposes. kube-state-metrics cannot be built here: the Go
 * module proxy refuses every path of its module (k8s.io/kube-state-metrics/v2 and the GitHub
 * ones, 403) and Debian does not package it, so the test cluster has no such series and the
 * panels reading them (container restarts, HPA replicas) are reported, not passed.
 */
const KUBE_STATE_METRICS = /\bkube_[a-z_]+\{/;

// --- the apps -----------------------------------------------------------------------------------

const todoApi = (method: string, path: string, body?: unknown, token?: string) =>
  httpJson(`http://${nodeAddress}:${INGRESS_PORT}${path}`, method, body, appHeaders(TODO_HOST, token), 30_000);

async function dbStatefulSet(ns: string): Promise<string> {
  const name = await kubectl(['-n', ns, 'get', 'statefulset', '-l', 'app.kubernetes.io/component=db', '-o', 'name']);
  assert.match(name, /^statefulset\.apps\/\S+$/, `the database StatefulSet of ${ns}`);
  return name;
}

before(async () => {
  nodeAddress = await nodeIP();
});

after(() => {
  for (const [what, value] of Object.entries(report)) console.log(`# ${what}: ${value}`);
});

describe('Prometheus and VictoriaLogs on the test cluster, fed by Names and Todo', () => {
  let todoToken = '';
  let signupToken = '';
  let deployed = false;
  let loadStarted = 0;
  const loads: { stop(): Promise<{ ok: number; failures: string[] }> }[] = [];
  const ready = () => assert.ok(deployed, 'the apps were not deployed (see the first test)');

  before(async () => {
    await kubectl(['delete', 'namespace', '-l', SUITE_LABEL, '--wait=true', '--timeout=300s']);
    for (const ns of [NAMES_NS, TODO_NS]) {
      await kubectl(['create', 'namespace', ns]);
      await kubectl(['label', 'namespace', ns, SUITE_LABEL, 'pod-security.kubernetes.io/enforce=restricted']);
    }
  });
  after(async () => {
    for (const load of loads.splice(0)) await load.stop();
    await berthCli(['down', '--app', 'names', '-n', NAMES_NS]);
    await berthCli(['down', '--app', 'todo', '-n', TODO_NS]);
    await Promise.all([deleteNamespace(NAMES_NS), deleteNamespace(TODO_NS)]);
  });

  test('the monitoring stack runs: operator, Prometheus, VictoriaLogs, vlagent', { timeout: 120_000 }, async () => {
    for (const [ns, kind, name] of [
      ['monitoring', 'deploy', 'prometheus-operator'],
      ['monitoring', 'statefulset', 'prometheus-berth'],
      ['monitoring', 'deploy', 'victoria-logs'],
      ['log-collector', 'ds', 'vlagent'],
    ] as const) {
      await kubectl(['-n', ns, 'rollout', 'status', `${kind}/${name}`, '--timeout=60s']);
    }
    const build = JSON.parse(await serviceGet('prometheus:web', '/api/v1/status/buildinfo')) as {
      data: { version: string };
    };
    report['Prometheus version'] = build.data.version;
    assert.match(build.data.version, /^3\./);
  });

  test('berth up names and todo with metrics.serviceMonitor.enabled, each in its namespace', {
    timeout: 1_500_000,
  }, async () => {
    const started = Date.now();
    const [names, todo] = await Promise.all([
      berthCli([
        'up',
        'names',
        '--env',
        'dev',
        '-n',
        NAMES_NS,
        '--set',
        `web.service.nodePort=${NAMES_NODE_PORT}`,
        ...MONITORING_VALUES.flatMap((v) => ['--set', v]),
        ...BERTH_BUILD_FLAGS,
      ]),
      berthCli([
        'up',
        'todo',
        '--env',
        'dev',
        '-n',
        TODO_NS,
        '--set',
        `ingress.host=${TODO_HOST}`,
        // one test address signs up several accounts; the refusals panel is fed on purpose below
        '--set',
        'config.rateLimits.registerPerAddress=20',
        ...MONITORING_VALUES.flatMap((v) => ['--set', v]),
        ...BERTH_BUILD_FLAGS,
      ]),
    ]);
    report['berth up names + todo (in parallel)'] = `${((Date.now() - started) / 1000).toFixed(0)} s`;
    assert.equal(names.code, 0, explainRun(names));
    assert.equal(todo.code, 0, explainRun(todo));
    deployed = true;
    for (const ns of [NAMES_NS, TODO_NS]) {
      const monitors = await kubectl(['-n', ns, 'get', 'servicemonitors,prometheusrules', '-o', 'name']);
      assert.match(monitors, /servicemonitor/);
      assert.match(monitors, /prometheusrule/);
    }
  });

  test('a short load: Names CRUD, Todo sign-up, logins, tasks, the assistant, refusals', {
    timeout: 300_000,
  }, async () => {
    ready();
    loadStarted = Date.now();
    const namesBase = `http://${nodeAddress}:${NAMES_NODE_PORT}`;
    loads.push(startLoad(`${namesBase}/api/names`, 2));
    for (let i = 0; i < 20; i++) {
      const added = await httpRequest(`${namesBase}/api/names`, 'POST', { name: `Load ${i}` });
      assert.equal(added.status, 201, added.body);
      if (i % 4 === 0) {
        const id = (JSON.parse(added.body) as { id: number }).id;
        assert.ok([200, 204].includes((await httpRequest(`${namesBase}/api/names/${id}`, 'DELETE')).status));
      }
    }
    const todoEmail = `mon-${Date.now().toString(36)}@example.com`;
    const registered = await todoApi('POST', '/api/auth/register', { email: todoEmail, password: PASSWORD });
    assert.equal(registered.status, 201, JSON.stringify(registered.data));
    signupToken = String(registered.data.token);
    const login = await todoApi('POST', '/api/auth/login', { email: todoEmail, password: PASSWORD });
    assert.equal(login.status, 200, JSON.stringify(login.data));
    todoToken = String(login.data.token);
    const wrong = await todoApi('POST', '/api/auth/login', { email: todoEmail, password: `${PASSWORD}!` });
    assert.equal(wrong.status, 401);
    for (let i = 0; i < 10; i++) {
      assert.equal((await todoApi('POST', '/api/tasks', { title: `Load task ${i}` }, todoToken)).status, 201);
      assert.equal((await todoApi('GET', '/api/tasks', undefined, todoToken)).status, 200);
    }
    const chat = await todoApi('POST', '/api/chat', { message: 'add water the plants' }, todoToken);
    assert.equal(chat.status, 200, JSON.stringify(chat.data));
    // Sign-ups from one address past the limit: refused with 429 (the refusals panel).
    let refused = 0;
    for (let i = 0; i < 25 && refused < 3; i++) {
      const answer = await todoApi('POST', '/api/auth/register', {
        email: `mon-extra-${i}-${Date.now().toString(36)}@example.com`,
        password: PASSWORD,
      });
      if (answer.status === 429) refused++;
    }
    assert.equal(refused, 3, 'sign-ups past the limit are refused with 429');
  });

  test('Prometheus shows every target of both apps up', { timeout: 180_000 }, async () => {
    ready();
    const targets = await eventually('both apps scraped, every target up', async () => {
      const up = await promQuery(`up{namespace=~"${NAMES_NS}|${TODO_NS}"}`);
      const jobs = new Set(up.map((s) => `${s.metric.namespace}/${s.metric.service}`));
      const expected = [`${NAMES_NS}/names-api`, `${TODO_NS}/todo-api`, `${TODO_NS}/todo-mcp`];
      if (!expected.every((j) => jobs.has(j))) return false;
      return up.every((s) => s.value[1] === '1') ? up : false;
    });
    report['app targets up'] = `${targets.length} (${[...new Set(targets.map((t) => t.metric.service))].join(', ')})`;
    // …and each is a pod of the release, found through its ServiceMonitor
    for (const target of targets) assert.match(target.metric.job ?? '', /^(names|todo)-(api|mcp)$/);
  });

  test("stopping each app's database fires its DatabaseDown alert within the `for` window; it resolves once the database is back", {
    timeout: 900_000,
  }, async () => {
    ready();
    const cases = [
      { ns: NAMES_NS, alert: 'NamesDatabaseDown' },
      { ns: TODO_NS, alert: 'TodoDatabaseDown' },
    ];
    const sts = await Promise.all(cases.map((c) => dbStatefulSet(c.ns)));
    const firing = async (name: string, ns: string) =>
      (await alerts()).find((a) => a.labels.alertname === name && a.labels.namespace === ns && a.state === 'firing');
    for (const c of cases) assert.equal(await firing(c.alert, c.ns), undefined, `${c.alert} firing before the stop`);
    const stopped = Date.now();
    await Promise.all(cases.map((c, i) => kubectl(['-n', c.ns, 'scale', sts[i] ?? '', '--replicas=0'])));
    let fired: number[] = [];
    try {
      fired = await Promise.all(
        cases.map(async (c) => {
          await eventually(`${c.alert} firing`, () => firing(c.alert, c.ns), 300_000);
          return (Date.now() - stopped) / 1000;
        }),
      );
    } finally {
      // the databases come back whatever happened, for the tests after this one
      await Promise.all(cases.map((c, i) => kubectl(['-n', c.ns, 'scale', sts[i] ?? '', '--replicas=1'])));
    }
    const restarted = Date.now();
    const resolved = await Promise.all(
      cases.map(async (c) => {
        await eventually(
          `${c.alert} resolved`,
          async () => (await alerts()).every((a) => !(a.labels.alertname === c.alert && a.labels.namespace === c.ns)),
          300_000,
        );
        return (Date.now() - restarted) / 1000;
      }),
    );
    for (const [i, c] of cases.entries())
      report[`${c.alert}: resolved after the restart`] = `${resolved[i]?.toFixed(0)} s`;
    // The pods' database check runs at each scrape (5 s), the rule is evaluated every 5 s, and
    // it must hold for `for`: firing between `for` and `for` + a minute.
    for (const [i, c] of cases.entries()) {
      report[`${c.alert}: fired after the stop`] = `${fired[i]?.toFixed(0)} s (for: ${DB_DOWN_FOR_S} s)`;
      assert.ok((fired[i] ?? 0) >= DB_DOWN_FOR_S, `${c.alert} waited its for window`);
      assert.ok((fired[i] ?? 0) <= DB_DOWN_FOR_S + 60, `${c.alert} fired within ${DB_DOWN_FOR_S} s + 60 s`);
    }
  });

  test('every panel query of every dashboard returns data from the real Prometheus', { timeout: 300_000 }, async () => {
    ready();
    // the load has run long enough for the rate() windows to hold samples
    const waited = Math.max(0, loadStarted + 60_000 - Date.now());
    await new Promise((resolve) => setTimeout(resolve, waited));
    const empty: string[] = [];
    const blocked: string[] = [];
    let answered = 0;
    for (const { file, dashboard } of dashboards) {
      const ns = file.startsWith('names') ? NAMES_NS : TODO_NS;
      for (const { panel, expr } of panelQueries(dashboard, ns)) {
        const result = await promQuery(expr);
        const hasData = result.some((s) => Number.isFinite(Number(s.value[1])));
        if (hasData) answered++;
        else if (KUBE_STATE_METRICS.test(expr)) blocked.push(`${file}: ${panel}`);
        else empty.push(`${file}: ${panel}: ${expr}`);
      }
    }
    report['panel queries with data'] = String(answered);
    report['panel queries needing kube-state-metrics (not on this cluster)'] =
      `${blocked.length}: ${blocked.join('; ')}`;
    assert.deepEqual(empty, [], 'panels without data');
    assert.ok(answered > 0);
  });

  test('the panel check can fail: a query naming a metric nobody exposes returns nothing', async () => {
    ready();
    assert.deepEqual(await promQuery(`sum(rate(http_request_total{namespace="${NAMES_NS}"}[10m]))`), []);
  });

  test('a request with a known X-Request-Id is in the log store within 30 s, with route, status and duration', {
    timeout: 120_000,
  }, async () => {
    ready();
    const id = `mon-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const sent = Date.now();
    const answer = await httpRequest(`http://${nodeAddress}:${NAMES_NODE_PORT}/api/names`, 'GET', undefined, 10_000, {
      'x-request-id': id,
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['x-request-id'], id);
    const lines = await eventually(
      'the request in VictoriaLogs',
      async () => {
        const found = await logsQuery(`requestId:="${id}"`);
        return found.length > 0 ? found : false;
      },
      30_000,
    );
    report['log search: request id found after'] = `${((Date.now() - sent) / 1000).toFixed(1)} s`;
    const line = lines.find((l) => l.msg === 'request completed' || l._msg === 'request completed');
    assert.ok(line, JSON.stringify(lines));
    assert.equal(line.route, '/api/names');
    assert.equal(line.status, '200');
    assert.ok(Number(line.durationMs) >= 0, `durationMs ${line.durationMs}`);
    assert.equal(line['kubernetes.pod_namespace'], NAMES_NS);
    assert.match(line['kubernetes.pod_name'] ?? '', /^names-api-/);
  });

  test('after a real sign-up and login, no stored log line holds the password, the token or a secret', {
    timeout: 180_000,
  }, async () => {
    ready();
    assert.ok(todoToken.length > 20, 'the load test signed in');
    // The Release's Secrets: the token signing key, the database and Redis passwords.
    const secrets = await kubectlJson<{ items: { metadata: { name: string }; data?: Record<string, string> }[] }>([
      '-n',
      TODO_NS,
      'get',
      'secrets',
      '-l',
      'app.kubernetes.io/instance=todo',
    ]);
    const secretValues = secrets.items.flatMap((s) =>
      Object.entries(s.data ?? {})
        .map(([key, value]) => ({
          what: `Secret ${s.metadata.name} key ${key}`,
          value: Buffer.from(value, 'base64').toString(),
        }))
        .filter((v) => v.value.length >= 8),
    );
    assert.ok(secretValues.length >= 2, `the release's secrets: ${secretValues.map((s) => s.what).join(', ')}`);
    const needles = [
      { what: 'the password', value: PASSWORD },
      { what: 'the token from the login', value: todoToken },
      { what: 'the token from the sign-up', value: signupToken },
      ...secretValues,
    ];
    // A value planted in one request's path (logged as `path`): the scan below must find it,
    // or it would pass by finding nothing at all.
    const decoy = `planted-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
    await todoApi('GET', `/api/${decoy}`);
    // Every line of the Todo namespace, and every Traefik line (which saw every request's
    // headers) for its host, since this suite started (at most 20,000: VictoriaLogs sorts the
    // answer in a bounded memory), once vlagent has shipped the logins and the planted request.
    const lines = await eventually(
      'the login lines and the planted request in VictoriaLogs',
      async () => {
        const minutes = Math.ceil((Date.now() - suiteStarted) / 60_000) + 1;
        const found = await logsQuery(
          `(kubernetes.pod_namespace:="${TODO_NS}" or (kubernetes.container_name:="traefik" RequestHost:="${TODO_HOST}")) _time:${minutes}m`,
          20_000,
        );
        const logins = found.some((l) => l.route === '/api/auth/login' && l.status === '200');
        return logins && found.some((l) => JSON.stringify(l).includes(decoy)) ? found : false;
      },
      60_000,
    );
    report['log lines (Todo namespace, Traefik) searched for credentials'] = String(lines.length);
    const leaks = needles.flatMap((needle) =>
      lines
        .filter((l) => JSON.stringify(l).includes(needle.value))
        .map((l) => `${needle.what}: ${JSON.stringify(l).slice(0, 300)}`),
    );
    assert.ok(lines.length < 20_000, 'every line of the window was read (fewer than the limit)');
    assert.deepEqual(leaks, []);
  });
});
