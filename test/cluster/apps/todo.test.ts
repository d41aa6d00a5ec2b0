// The Todo app on the test cluster: deploy/charts/todo installed by `berth up
// todo`, reached through the cluster's Traefik ingress controller with Host
// todo.local, as a user's browser reaches it. The chart's values matrix through
// the real API server; the smoke flow, the browser journey and the assistant
// through the ingress; rolling updates and rollback under load with zero
// failed requests; the API's HPA out and back in; tasks surviving the loss of
// the database pod and of every API pod; Redis shared by the API's replicas;
// PostgreSQL outside the release; bad values refused at `helm install`.
// Needs the cluster up (test/cluster/up) and root. Namespaces todo-*.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { helmTemplate, launchChromium } from '@berth/testkit';
import {
  appHeaders,
  applyMonitoringCrds,
  BERTH_BUILD_FLAGS,
  BERTH_ENV,
  berthCli,
  deleteNamespace,
  eventually,
  explainRun,
  helm,
  httpJson,
  httpRequest,
  imageSize,
  KUBECONFIG,
  KUBECTL,
  kubectl,
  kubectlJson,
  nodeIP,
  REPO,
  restrictedNamespace,
  run,
  startLoad,
  unknownRoleRefusals,
} from '@berth/testkit/cluster';
import * as web from '../../../apps/todo/web/test/stack.ts';
import { todoChartMatrix } from '../../../deploy/test/chart-matrix.ts';

const CHART = join(REPO, 'deploy/charts/todo');
const NS = 'todo-e2e';
const HOST = 'todo.local';
/** The Traefik Service's NodePort (test/cluster/manifests/traefik.yaml). */
const INGRESS_PORT = 30880;
const report: Record<string, string> = {};
let ingress = '';
let tag = '';
/** The tests after `berth up` need its release: without it they fail at once, not after timeouts. */
const deployed = () => assert.ok(tag, 'berth up todo did not deploy the release (see its test)');

/** Values for this cluster's runs: many accounts from one test address, a quick HPA scale-in. */
const TEST_VALUES = [
  'config.rateLimits.registerPerAddress=100000',
  'config.rateLimits.loginPerAddress=100000',
  'api.autoscaling.behavior.scaleDown.stabilizationWindowSeconds=20',
  'api.autoscaling.behavior.scaleUp.stabilizationWindowSeconds=0',
];

interface Answer<T = Record<string, unknown>> {
  status: number;
  data: T;
}

/** One API request through the ingress (or straight to `base`), JSON in and out. */
async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; base?: string } = {},
): Promise<Answer<T>> {
  return httpJson<T>(`${options.base ?? ingress}${path}`, method, options.body, appHeaders(HOST, options.token));
}

const password = 'lantern orchard 7 tidewater';
const uniqueEmail = (who: string) =>
  `${who}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;

/** A new account, signed in: its token. */
async function account(who: string, base?: string): Promise<{ email: string; token: string }> {
  const email = uniqueEmail(who);
  const registered = await api<{ token: string }>('POST', '/api/auth/register', {
    body: { email, password },
    ...(base ? { base } : {}),
  });
  assert.equal(registered.status, 201, JSON.stringify(registered.data));
  return { email, token: registered.data.token };
}

interface Task {
  id: number;
  title: string;
}

async function tasksOf(token: string, base?: string): Promise<Task[]> {
  const listed = await api<Task[]>('GET', '/api/tasks?limit=200', { token, ...(base ? { base } : {}) });
  assert.equal(listed.status, 200, JSON.stringify(listed.data));
  return listed.data;
}

interface Pod {
  metadata: {
    name: string;
    uid: string;
    creationTimestamp: string;
    deletionTimestamp?: string;
    labels: Record<string, string>;
  };
  status: {
    phase: string;
    podIP?: string;
    conditions?: { type: string; status: string; lastTransitionTime: string }[];
    containerStatuses?: { name: string; restartCount: number }[];
  };
}

async function pods(ns: string, selector: string): Promise<Pod[]> {
  return (await kubectlJson<{ items: Pod[] }>(['-n', ns, 'get', 'pods', '-l', selector])).items.filter(
    (p) => p.status.phase === 'Running' || p.status.phase === 'Pending',
  );
}

/** Ready and not shutting down: a pod being deleted can still say Ready while it drains. */
const ready = (pod: Pod) =>
  !pod.metadata.deletionTimestamp &&
  (pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);

/** Seconds from the first pod of the release created to the last one Ready. */
async function installToReadySeconds(ns: string, release: string): Promise<number> {
  const all = await pods(ns, `app.kubernetes.io/instance=${release},app.kubernetes.io/component!=test`);
  const created = Math.min(...all.map((p) => Date.parse(p.metadata.creationTimestamp)));
  const readyAt = Math.max(
    ...all.map((p) => Date.parse(p.status.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime ?? '')),
  );
  return (readyAt - created) / 1000;
}

async function waitForRollout(ns: string, deployments: string[]): Promise<void> {
  for (const name of deployments) {
    await kubectl(['-n', ns, 'rollout', 'status', `deployment/${name}`, '--timeout=300s']);
  }
}

before(async () => {
  ingress = `http://${await nodeIP()}:${INGRESS_PORT}`;
});

after(() => {
  for (const [what, value] of Object.entries(report)) console.log(`# ${what}: ${value}`);
});

describe('the chart on the real API server', () => {
  const ns = 'todo-dry-run';
  before(async () => {
    // The ServiceMonitor case is checked against the prometheus-operator's own CRD schemas.
    await applyMonitoringCrds();
    await restrictedNamespace(ns);
  });
  after(() => deleteNamespace(ns));

  test('every case of the values matrix is valid for this cluster, and its pods are admitted under PodSecurity restricted', {
    timeout: 600_000,
  }, async () => {
    for (const { name, options } of todoChartMatrix(CHART)) {
      const manifest = await helmTemplate(CHART, { ...options, namespace: ns });
      const result = await run(KUBECTL, ['apply', '--dry-run=server', '-n', ns, '-f', '-'], {
        input: manifest,
        allowFailure: true,
      });
      assert.equal(result.code, 0, `${name}:\n${result.stderr}`);
      assert.match(result.stdout, /deployment\.apps\/\S+-api created \(server dry run\)/, name);
    }
  });

  test('the same dry run rejects a pod that breaks PodSecurity restricted (enforcement is on)', async () => {
    const result = await run(KUBECTL, ['apply', '--dry-run=server', '-n', ns, '-f', '-'], {
      input: `apiVersion: v1
kind: Pod
metadata: {name: runs-as-root}
spec:
  containers: [{name: c, image: docker.io/library/busybox:1.35, securityContext: {runAsUser: 0}}]
`,
      allowFailure: true,
    });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /violates PodSecurity "restricted/);
  });
});

describe('bad values fail at helm install, naming the value, and install nothing', () => {
  const ns = 'todo-bad-values';
  before(() => restrictedNamespace(ns));
  after(() => deleteNamespace(ns));

  test('a missing required secret, an unknown key, a wrong type', { timeout: 180_000 }, async () => {
    const missing = await helmInstall(ns, ['postgresql.enabled=false']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /externalDatabase\.url or externalDatabase\.existingSecret is required/);
    const unknown = await helmInstall(ns, ['api.replica=3']);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /additional properties 'replica' not allowed/);
    const wrongType = await helmInstall(ns, ['api.port=http']);
    assert.notEqual(wrongType.code, 0);
    assert.match(wrongType.stderr, /api\/port/);
    assert.equal((await helm(['list', '-n', ns, '-a', '-q'])).trim(), '', 'no release recorded');
    assert.equal((await kubectl(['-n', ns, 'get', 'all', '-o', 'name'])).trim(), '', 'nothing created');
  });
});

/** `helm install` of the Todo chart with extra --set values; a failure is a result. */
function helmInstall(ns: string, set: string[]) {
  return run(
    process.env.HELM ?? 'helm',
    [
      '--kubeconfig',
      KUBECONFIG,
      'install',
      'todo',
      CHART,
      '-n',
      ns,
      ...set.flatMap((s) => ['--set', s]),
      '--timeout',
      '60s',
    ],
    { allowFailure: true },
  );
}

describe('berth up todo, and the app through the ingress', () => {
  const common = ['--app', 'todo', '-n', NS];
  before(() => deleteNamespace(NS));
  after(async () => {
    await berthCli(['down', ...common]);
    await deleteNamespace(NS);
  });

  test('berth up todo --env dev: images built, imported, installed, every pod Ready, helm test passing', {
    timeout: 1_200_000,
  }, async () => {
    const started = Date.now();
    const result = await berthCli([
      'up',
      'todo',
      '--env',
      'dev',
      '-n',
      NS,
      ...TEST_VALUES.flatMap((v) => ['--set', v]),
      ...BERTH_BUILD_FLAGS,
      '--json',
    ]);
    report['berth up todo (build 3 images, import, install, smoke)'] =
      `${((Date.now() - started) / 1000).toFixed(0)} s`;
    assert.equal(result.code, 0, explainRun(result));
    assert.equal(result.json.ok, true);
    tag = String(result.json.tag);
    const smoke = result.json.smoke as { step: string; ok: boolean }[];
    for (const step of [
      'register an account',
      'create "Test Task"',
      'the assistant adds a task through the MCP server',
      'sign out, and the token stops working',
    ]) {
      assert.ok(
        smoke.some((s) => s.step.includes(step) && s.ok),
        `helm test step "${step}" in ${JSON.stringify(smoke)}`,
      );
    }
    const all = await pods(NS, 'app.kubernetes.io/instance=todo,app.kubernetes.io/component!=test');
    const components = new Set(all.map((p) => p.metadata.labels['app.kubernetes.io/component']));
    assert.deepEqual([...components].sort(), ['api', 'db', 'mcp', 'redis', 'web']);
    assert.ok(all.every(ready), 'every pod Ready');
    assert.equal(all.filter((p) => p.metadata.labels['app.kubernetes.io/component'] === 'mcp').length, 2);
    report['helm install → every pod Ready (first pod created to last Ready)'] =
      `${(await installToReadySeconds(NS, 'todo')).toFixed(0)} s`;
    for (const image of ['todo-api', 'todo-web', 'todo-mcp']) {
      report[`image size ${image}`] = `${((await imageSize(`localhost/${image}:${tag}`)) / 1e6).toFixed(1)} MB`;
    }
  });

  test('the API image, started without a database setting, says what to set and exits', async () => {
    deployed();
    // The image leaves the embedded database out (an optional dependency): a pod has its PostgreSQL.
    const result = await run(
      'podman',
      ['run', '--rm', '--network', 'none', '-e', 'NODE_ENV=development', `localhost/todo-api:${tag}`],
      { allowFailure: true, env: BERTH_ENV },
    );
    assert.equal(result.code, 1, explainRun(result));
    assert.match(result.stderr, /No database: neither DATABASE_URL nor DB_HOST is set.*Set DATABASE_URL/);
  });

  test('berth status, logs and smoke know the Todo app', { timeout: 300_000 }, async () => {
    deployed();
    const status = await berthCli(['status', ...common, '--json']);
    assert.equal(status.code, 0, explainRun(status));
    const logs = await berthCli(['logs', 'mcp', ...common, '--tail', '3']);
    assert.equal(logs.code, 0, explainRun(logs));
    assert.match(logs.stdout, /todo-mcp-/);
    const smoke = await berthCli(['smoke', ...common, '--json']);
    assert.equal(smoke.code, 0, explainRun(smoke));
  });

  test('through the ingress (Host todo.local): health, register, sign in, "Test Task" created and listed', async () => {
    deployed();
    const health = await api('GET', '/api/health');
    assert.equal(health.status, 200);
    assert.equal(health.data.database, 'ok');
    assert.equal(health.data.redis, 'ok');
    const email = uniqueEmail('smoke');
    assert.equal((await api('POST', '/api/auth/register', { body: { email, password } })).status, 201);
    const login = await api<{ token: string }>('POST', '/api/auth/login', { body: { email, password } });
    assert.equal(login.status, 200);
    const created = await api<Task>('POST', '/api/tasks', { token: login.data.token, body: { title: 'Test Task' } });
    assert.equal(created.status, 201);
    assert.ok((await tasksOf(login.data.token)).some((t) => t.id === created.data.id && t.title === 'Test Task'));
    // `/` is the web app (nginx), `/api` the API: the ingress routes each path to its Service.
    const page = await httpRequest(`${ingress}/`, 'GET', undefined, 10_000, { host: HOST });
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>Todo/);
    const other = await httpRequest(`${ingress}/`, 'GET', undefined, 10_000, { host: 'elsewhere.local' });
    assert.equal(other.status, 404, 'another host is not routed to the app');
  });

  test('through the ingress: a chat request creates a task through the MCP server', async () => {
    deployed();
    const { token } = await account('chat');
    const chat = await api<{ response: string; tool_calls: { name: string; is_error: boolean }[] }>(
      'POST',
      '/api/chat',
      { token, body: { message: 'add renew the passport' } },
    );
    assert.equal(chat.status, 200, JSON.stringify(chat.data));
    assert.ok(
      chat.data.tool_calls.some((c) => c.name === 'add_task' && !c.is_error),
      JSON.stringify(chat.data),
    );
    assert.ok((await tasksOf(token)).some((t) => /renew the passport/i.test(t.title)));
  });

  test('through the ingress, in Chromium: the web app journey, the assistant, and a second person who sees none of it', {
    timeout: 240_000,
  }, async () => {
    deployed();
    // The browser asks the ingress for http://todo.local/ as its HTTP proxy: the
    // request carries Host todo.local, as it would with todo.local in /etc/hosts.
    const browser = await launchChromium([`--proxy-server=${ingress}`, '--proxy-bypass-list=<-loopback>']);
    const open = async () => {
      const context = await browser.newContext({ timezoneId: 'UTC', locale: 'en-GB' });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
      });
      await page.goto(`http://${HOST}/`);
      return { page, problems };
    };
    try {
      const { page, problems } = await open();
      const email = web.uniqueEmail('browser');
      await web.createAccount(page, email);
      await web.signOut(page);
      await web.signIn(page, email);
      await web.addTask(page, { title: 'Pay rent', priority: 'high', due: web.day(-1), tags: 'home' });
      await web.addTask(page, { title: 'Buy milk', priority: 'low', due: web.day(2), tags: 'shopping' });
      assert.match((await web.taskItem(page, 'Pay rent').getAttribute('class')) ?? '', /overdue/);
      await web.taskItem(page, 'Pay rent').getByRole('checkbox', { name: 'Pay rent' }).check();
      await web.waitUntil(page, "document.querySelector('.task.done') !== null");
      const panel = page.getByRole('complementary', { name: 'Assistant' });
      await panel.getByRole('textbox', { name: 'Message' }).fill('add call the dentist tomorrow');
      await panel.getByRole('button', { name: 'Send' }).click();
      await web.taskItem(page, 'Call the dentist').waitFor();
      await web.taskItem(page, 'Buy milk').getByRole('button', { name: 'Delete “Buy milk”' }).click();
      await page.getByRole('button', { name: 'Undo' }).waitFor({ state: 'detached', timeout: 15_000 });
      assert.deepEqual(await web.visibleTitles(page), ['Call the dentist', 'Pay rent']);
      await web.signOut(page);
      assert.deepEqual(problems, []);

      const other = await open();
      await web.createAccount(other.page, web.uniqueEmail('second'));
      await other.page.getByText('No tasks yet. Add your first one above.').waitFor();
      assert.deepEqual(other.problems, []);
    } finally {
      await browser.close();
    }
  });

  test('rolling update of api and web, then berth rollback, under load through the ingress: zero failed requests', {
    timeout: 900_000,
  }, async () => {
    deployed();
    const { token } = await account('load');
    const underLoad = async (what: string, change: () => Promise<void>) => {
      const web = startLoad(`${ingress}/`, 2, { host: HOST });
      const apiLoad = startLoad(`${ingress}/api/tasks`, 2, appHeaders(HOST, token));
      await new Promise((resolve) => setTimeout(resolve, 3000));
      let figures: Awaited<ReturnType<typeof web.stop>>[] = [];
      try {
        await change();
        await new Promise((resolve) => setTimeout(resolve, 3000));
      } finally {
        figures = [await web.stop(), await apiLoad.stop()];
      }
      const [w, a] = figures as [(typeof figures)[0], (typeof figures)[0]];
      report[`${what}: requests through the ingress (web / api), failed`] =
        `${w.ok} / ${a.ok}, ${w.failures.length + a.failures.length} failed`;
      assert.ok(w.ok > 50 && a.ok > 50, `${what}: the load ran (${w.ok} web, ${a.ok} api)`);
      return [...w.failures, ...a.failures];
    };
    /** The api pod spec's ROLLED variable: "yes" after the rolling update, "" before it and after the rollback. */
    const rolledMarker = () =>
      kubectl([
        '-n',
        NS,
        'get',
        'deployment',
        'todo-api',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].env[?(@.name=="ROLLED")].value}',
      ]);
    const revisionBefore = Number(
      (await helm(['history', 'todo', '-n', NS, '-o', 'json', '--max', '1'])).match(/"revision":(\d+)/)?.[1],
    );
    const rolling = await underLoad('rolling update', async () => {
      // A new pod spec for api (an environment variable) and web (its drain time): both roll.
      const result = await berthCli([
        'up',
        'todo',
        '--env',
        'dev',
        '-n',
        NS,
        '--no-build',
        '--tag',
        tag,
        ...TEST_VALUES.flatMap((v) => ['--set', v]),
        '--set',
        'api.extraEnv.ROLLED=yes',
        '--set',
        'web.drainSeconds=6',
        '--json',
      ]);
      assert.equal(result.code, 0, explainRun(result));
      await waitForRollout(NS, ['todo-api', 'todo-web']);
    });
    assert.deepEqual(rolling, [], 'failed requests during the rolling update');
    assert.equal(await rolledMarker(), 'yes', 'the api rolled');
    const rollback = await underLoad('berth rollback', async () => {
      const result = await berthCli(['rollback', ...common, '--to', String(revisionBefore), '--json']);
      assert.equal(result.code, 0, explainRun(result));
      await waitForRollout(NS, ['todo-api', 'todo-web']);
    });
    assert.deepEqual(rollback, [], 'failed requests during the rollback');
    assert.equal(await rolledMarker(), '', 'rolled back');
    // The same check fails when the API goes away without a rollout: every pod force-deleted at once.
    const broken = await underLoad('every api pod force-deleted (the check must fail)', async () => {
      await kubectl([
        '-n',
        NS,
        'delete',
        'pod',
        '-l',
        'app.kubernetes.io/instance=todo,app.kubernetes.io/component=api',
        '--grace-period=0',
        '--force',
      ]);
      await waitForRollout(NS, ['todo-api']);
    });
    assert.ok(broken.length > 0, 'the load check sees the outage it is there to catch');
  });

  test('load makes the API HPA scale out, and it scales back in afterwards', { timeout: 900_000 }, async () => {
    deployed();
    const { token } = await account('hpa');
    for (let i = 0; i < 50; i++) await api('POST', '/api/tasks', { token, body: { title: `task ${i}` } });
    type Hpa = {
      spec: { minReplicas: number };
      status: {
        desiredReplicas?: number;
        currentReplicas?: number;
        conditions?: { type: string; status: string; reason: string }[];
      };
    };
    const hpa = () => kubectlJson<Hpa>(['-n', NS, 'get', 'hpa', 'todo-api', '-o', 'json']);
    /** The HPA's replica counts and conditions, for a timeout's message. */
    const describe = ({ status }: Hpa) =>
      `current ${status.currentReplicas}, desired ${status.desiredReplicas}; ` +
      (status.conditions ?? []).map((c) => `${c.type}=${c.status} (${c.reason})`).join(', ');
    // Start from the HPA at rest: the load of earlier tests may have scaled it out, and a
    // count taken mid-scale-in would never be seen again (the HPA goes straight to its minimum).
    const before = await eventually(
      'the HPA at its minimum before the load',
      async () => {
        const now = await hpa();
        if (now.status.currentReplicas === now.spec.minReplicas && now.status.desiredReplicas === now.spec.minReplicas)
          return now.spec.minReplicas;
        throw new Error(describe(now));
      },
      300_000,
    );
    const load = startLoad(`${ingress}/api/tasks?limit=50`, 8, appHeaders(HOST, token));
    let peak = 0;
    try {
      peak = await eventually(
        'the HPA to want more API replicas',
        async () => {
          const now = await hpa();
          if ((now.status.desiredReplicas ?? 0) > before) return now.status.desiredReplicas;
          throw new Error(describe(now));
        },
        360_000,
      );
      // Still under load: without it the HPA could scale back in before its new pods are Ready.
      await eventually('the scaled-out pods to be Ready', async () => {
        const running = (await pods(NS, 'app.kubernetes.io/instance=todo,app.kubernetes.io/component=api')).filter(
          ready,
        );
        return running.length >= peak ? running.length : false;
      });
    } finally {
      const figures = await load.stop();
      report['HPA load (requests, failed)'] = `${figures.ok}, ${figures.failures.length}`;
    }
    const back = await eventually(
      'the HPA to scale back in',
      async () => {
        const now = await hpa();
        if (now.status.currentReplicas === before && now.status.desiredReplicas === before) return before;
        throw new Error(describe(now));
      },
      420_000,
    );
    report['API replicas (before → under load → after)'] = `${before} → ${peak} → ${back}`;
  });

  test('Redis across 3 API replicas: a sign-out through one pod holds on the others; failed logins count across pods', {
    timeout: 300_000,
  }, async () => {
    deployed();
    await kubectl(['-n', NS, 'patch', 'hpa', 'todo-api', '--type=merge', '-p', '{"spec":{"minReplicas":3}}']);
    try {
      const apiPods = await eventually('3 Ready API pods', async () => {
        const running = (await pods(NS, 'app.kubernetes.io/instance=todo,app.kubernetes.io/component=api')).filter(
          ready,
        );
        return running.length >= 3 ? running.slice(0, 3) : false;
      });
      // Straight to each pod (the host reaches pod addresses on the cluster bridge).
      const bases = apiPods.map((p) => `http://${p.status.podIP}:8000`);
      const [a, b, c] = bases as [string, string, string];
      const { email } = await account('redis', a);
      const login = await api<{ token: string }>('POST', '/api/auth/login', { body: { email, password }, base: a });
      const token = login.data.token;
      for (const base of bases) assert.equal((await api('GET', '/api/auth/me', { token, base })).status, 200);
      assert.equal((await api('POST', '/api/auth/logout', { token, base: b })).status, 204);
      for (const base of [a, c]) {
        assert.equal((await api('GET', '/api/auth/me', { token, base })).status, 401, `signed out on ${base}`);
      }
      // 5 failures in a row (the chart's default) spread over the 3 pods: the 6th attempt
      // is refused. Were the count per pod, no pod would have seen more than 2.
      const victim = (await account('victim', a)).email;
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const base = bases[i % 3] as string;
        statuses.push(
          (await api('POST', '/api/auth/login', { body: { email: victim, password: 'wrong guess' }, base })).status,
        );
      }
      assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
      // Shared through Redis, not merely through the database the API falls back to without it.
      const keys = await kubectl([
        '-n',
        NS,
        'exec',
        'todo-redis-0',
        '--',
        'sh',
        '-c',
        'REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli --scan',
      ]);
      assert.match(keys, /login:fail:/, 'the failure count is a Redis key');
    } finally {
      // the later tests expect the chart's minimum
      await kubectl(['-n', NS, 'patch', 'hpa', 'todo-api', '--type=merge', '-p', '{"spec":{"minReplicas":2}}']);
    }
  });

  test("the database turns no client away for an unknown role (its probes ask as the app's role)", async () => {
    deployed();
    // The probes run every few seconds: the log since the pod started holds many of them.
    assert.deepEqual(await unknownRoleRefusals(NS, 'todo-db-0'), []);
  });

  test('tasks survive deleting the PostgreSQL pod and every API pod; no acknowledged write is lost', {
    timeout: 600_000,
  }, async () => {
    deployed();
    // One writer, one request at a time, as a user clicking "Add" would; a new account
    // every 150 tasks keeps each account's list on one page.
    const acknowledged: { token: string; id: number; at: number }[] = [];
    /** Every answer that was not 201, by status ("no answer" when the request failed). */
    const refused: Record<string, number> = {};
    let token = (await account('durable')).token;
    let attempts = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        if (acknowledged.filter((a) => a.token === token).length >= 150) {
          // Registering can fail while a pod is replaced: keep the account and try again later.
          token = (await account('durable').catch(() => ({ token }))).token;
        }
        attempts++;
        const created = await api<Task>('POST', '/api/tasks', { token, body: { title: `write ${attempts}` } }).catch(
          () => undefined,
        );
        if (created?.status === 201) acknowledged.push({ token, id: created.data.id, at: Date.now() });
        else
          refused[String(created?.status ?? 'no answer')] = (refused[String(created?.status ?? 'no answer')] ?? 0) + 1;
        await new Promise((resolve) => setTimeout(resolve, created?.status === 201 ? 50 : 200));
      }
    })();
    await eventually('some writes', async () => acknowledged.length >= 10);
    const selector = (component: string) => `app.kubernetes.io/instance=todo,app.kubernetes.io/component=${component}`;
    /** Each API pod's container restarts, by pod name. */
    const apiRestarts = async () =>
      new Map(
        (await pods(NS, selector('api'))).map((p) => [p.metadata.name, p.status.containerStatuses?.[0]?.restartCount]),
      );
    /** Deletes a component's pods, waits for replacements to be Ready, then for 20 more acknowledged writes. */
    const replace = async (component: string) => {
      const old = new Set((await pods(NS, selector(component))).map((p) => p.metadata.uid));
      const deleted = Date.now();
      const refusedBefore = Object.values(refused).reduce((a, b) => a + b, 0);
      await kubectl(['-n', NS, 'delete', 'pod', '-l', selector(component), '--wait=false']);
      await eventually(
        `new ${component} pods Ready`,
        async () => {
          const now = await kubectlJson<{ items: Pod[] }>(['-n', NS, 'get', 'pods', '-l', selector(component)]);
          return now.items.length > 0 && now.items.every((p) => !old.has(p.metadata.uid) && ready(p));
        },
        300_000,
      );
      const since = acknowledged.length;
      await eventually(`writes acknowledged again after the ${component} pods were replaced`, async () => {
        return acknowledged.length >= since + 20;
      });
      // The longest wait between two acknowledged writes from the deletion on: how long writes stopped.
      const times = [deleted, ...acknowledged.filter((a) => a.at >= deleted).map((a) => a.at)];
      const stopped = Math.max(...times.slice(1).map((at, index) => at - (times[index] ?? at)));
      report[`${component} pods deleted: writes stopped for (ms), writes refused meanwhile`] =
        `${stopped}, ${Object.values(refused).reduce((a, b) => a + b, 0) - refusedBefore}`;
    };
    try {
      const restartsBefore = await apiRestarts();
      await replace('db');
      // The single database pod's loss: the API pods ride it out without a restart (the HPA
      // may have removed a pod meanwhile; every pod still there has its old restart count).
      const restartsAfter = await apiRestarts();
      const kept = [...restartsBefore].filter(([name]) => restartsAfter.has(name));
      assert.ok(kept.length > 0, 'an API pod from before is still running');
      for (const [name, count] of kept) assert.equal(restartsAfter.get(name), count, `${name} restarted`);
      await replace('api');
    } finally {
      writing = false;
      await writer;
    }
    const lost: number[] = [];
    for (const owner of new Set(acknowledged.map((a) => a.token))) {
      const stored = new Set((await eventually('the list', () => tasksOf(owner))).map((t) => t.id));
      for (const { id } of acknowledged.filter((a) => a.token === owner)) if (!stored.has(id)) lost.push(id);
    }
    report['durability (attempted writes, acknowledged, lost)'] = `${attempts}, ${acknowledged.length}, ${lost.length}`;
    report['durability: refused writes by status'] = JSON.stringify(refused);
    assert.deepEqual(lost, [], 'every acknowledged task is stored');
    // A write the API could not store is refused as unavailable (or never answered while a
    // pod is replaced), never a 500.
    assert.equal(refused['500'], undefined, `refusals by status: ${JSON.stringify(refused)}`);
  });

  test('berth backup and restore bring back the tasks of the backup', { timeout: 300_000 }, async () => {
    deployed();
    const { token } = await account('backup');
    const kept = await api<Task>('POST', '/api/tasks', { token, body: { title: 'in the backup' } });
    const file = join('/tmp', `todo-backup-${Date.now()}.dump`);
    const backup = await berthCli(['backup', ...common, '-o', file, '--json']);
    assert.equal(backup.code, 0, explainRun(backup));
    assert.equal((await api('DELETE', `/api/tasks/${kept.data.id}`, { token })).status, 204);
    const restore = await berthCli(['restore', file, ...common, '--json']);
    assert.equal(restore.code, 0, explainRun(restore));
    assert.ok(
      (await tasksOf(token)).some((t) => t.id === kept.data.id),
      'the deleted task is back',
    );
  });
});

describe('PostgreSQL outside the release', () => {
  const dbNs = 'todo-external-db';
  const ns = 'todo-external';
  const url = `postgres://todo:outside-password@postgres.${dbNs}.svc.cluster.local:5432/todo`;
  before(async () => {
    deployed();
    await restrictedNamespace(dbNs);
    await restrictedNamespace(ns);
    // A database the release does not own, as a managed PostgreSQL would be.
    await kubectl(['apply', '-n', dbNs, '-f', '-'], EXTERNAL_POSTGRES);
    await kubectl(['-n', dbNs, 'rollout', 'status', 'deployment/postgres', '--timeout=180s']);
  });
  after(async () => {
    await deleteNamespace(ns);
    await deleteNamespace(dbNs);
  });

  const accountsInExternalDatabase = async () =>
    Number(
      await kubectl([
        '-n',
        dbNs,
        'exec',
        'deploy/postgres',
        '--',
        'psql',
        '-U',
        'todo',
        '-d',
        'todo',
        '-Atc',
        'select count(*) from users',
      ]),
    );

  /** The dev values with this run's images, no database in the release, and a host of its own. */
  const values = () => [
    '-f',
    join(CHART, 'values-dev.yaml'),
    '--set',
    `api.image.tag=${tag},web.image.tag=${tag},mcp.image.tag=${tag}`,
    '--set',
    'postgresql.enabled=false,ingress.host=todo-external.local',
  ];

  test('credentials by --set: installs, every pod Ready, helm test passes', { timeout: 600_000 }, async () => {
    const started = Date.now();
    await helm([
      'install',
      'todo',
      CHART,
      '-n',
      ns,
      ...values(),
      '--set',
      `externalDatabase.url=${url}`,
      '--wait',
      '--timeout',
      '5m',
    ]);
    report['helm install --wait, external database (wall clock)'] = `${((Date.now() - started) / 1000).toFixed(0)} s`;
    await helm(['test', 'todo', '-n', ns, '--logs']);
    assert.ok((await accountsInExternalDatabase()) >= 1, 'the helm test account is in the external database');
  });

  test('credentials from an existingSecret: the upgrade switches to it and the data is still there', {
    timeout: 600_000,
  }, async () => {
    await kubectl(['-n', ns, 'create', 'secret', 'generic', 'todo-database', `--from-literal=DATABASE_URL=${url}`]);
    await helm([
      'upgrade',
      'todo',
      CHART,
      '-n',
      ns,
      ...values(),
      '--set',
      'externalDatabase.existingSecret=todo-database',
      '--wait',
      '--timeout',
      '5m',
    ]);
    const env = await kubectl([
      '-n',
      ns,
      'get',
      'deployment',
      'todo-api',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].env[?(@.name=="DATABASE_URL")].valueFrom.secretKeyRef.name}',
    ]);
    assert.equal(env.trim(), 'todo-database');
    await helm(['test', 'todo', '-n', ns, '--logs']);
    assert.ok((await accountsInExternalDatabase()) >= 2, 'both helm test accounts are there');
  });
});

const EXTERNAL_POSTGRES = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: postgres}
spec:
  replicas: 1
  selector: {matchLabels: {app: postgres}}
  template:
    metadata: {labels: {app: postgres}}
    spec:
      automountServiceAccountToken: false
      securityContext: {runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: postgres
          image: docker.io/library/postgres:15
          imagePullPolicy: Never
          env:
            - {name: POSTGRES_USER, value: todo}
            - {name: POSTGRES_PASSWORD, value: outside-password}
            - {name: POSTGRES_DB, value: todo}
            - {name: PGDATA, value: /var/lib/postgresql/data/pgdata}
          ports: [{containerPort: 5432}]
          readinessProbe: {exec: {command: [pg_isready, -q, -h, 127.0.0.1]}, periodSeconds: 2}
          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
          volumeMounts:
            - {name: data, mountPath: /var/lib/postgresql/data}
            - {name: run, mountPath: /var/run/postgresql}
            - {name: tmp, mountPath: /tmp}
      volumes:
        - {name: data, emptyDir: {}}
        - {name: run, emptyDir: {}}
        - {name: tmp, emptyDir: {}}
---
apiVersion: v1
kind: Service
metadata: {name: postgres}
spec:
  selector: {app: postgres}
  ports: [{port: 5432, targetPort: 5432}]
`;
