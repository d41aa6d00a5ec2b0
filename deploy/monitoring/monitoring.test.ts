// The dashboards and alerts against the services themselves: every panel and every alert
// names only metrics and labels that the running services (or kube-state-metrics and
// Prometheus's own target labels) provide, and promtool checks the charts' rules and runs
// their unit tests (rule-tests/), including one broken rule that the tests must catch.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { embeddedBackend, helmTemplate, parseManifests, type ServiceProcess, spawnService } from '@berth/testkit';
import { newAccount, PASSWORD, startAssistantStack } from '@berth/todo-api/test-support';
import { parse, stringify } from 'yaml';
import { readDashboards } from './dashboards.ts';
import { exposedSeries, selectorsOf } from './queries.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const CHARTS = join(HERE, '..', 'charts');
const NAMES_MAIN = join(HERE, '..', '..', 'apps', 'names', 'api', 'src', 'main.ts');
const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
/** The dashboards' datasource variable, so each picks its Prometheus when imported. */
const GRAFANA_DATASOURCE = '$' + '{datasource}';
const exec = promisify(execFile);

/**
 * Series the dashboards read from kube-state-metrics (which kube-prometheus-stack runs),
 * with their labels, and Prometheus's own `up`. These are not exposed by Berth's services,
 * so they are listed here from kube-state-metrics' documented metrics.
 */
const CLUSTER_SERIES = new Map<string, string[]>([
  ['kube_pod_container_status_restarts_total', ['namespace', 'pod', 'container', 'uid']],
  ['kube_horizontalpodautoscaler_status_current_replicas', ['namespace', 'horizontalpodautoscaler']],
  ['kube_horizontalpodautoscaler_spec_max_replicas', ['namespace', 'horizontalpodautoscaler']],
  ['up', ['namespace', 'job', 'pod', 'instance', 'service', 'endpoint', 'container']],
]);
/** Labels Prometheus adds to every scraped series from the target (the ServiceMonitor's defaults). */
const TARGET_LABELS = ['namespace', 'pod', 'container', 'endpoint', 'job', 'instance', 'le'];

const dashboards = readDashboards();

/** What is wrong with a query, against the series on offer: [] when it can return data. */
export function problemsOf(expr: string, series: Map<string, Set<string>>): string[] {
  const { selectors, errors } = selectorsOf(expr);
  const problems = [...errors];
  for (const { metric, labels } of selectors) {
    const offered =
      series.get(metric) ?? (CLUSTER_SERIES.has(metric) ? new Set(CLUSTER_SERIES.get(metric)) : undefined);
    if (offered === undefined) {
      problems.push(`no service exposes ${metric}`);
      continue;
    }
    for (const label of labels) {
      if (!offered.has(label) && !TARGET_LABELS.includes(label)) problems.push(`${metric} has no label ${label}`);
    }
  }
  return problems;
}

/** The PrometheusRule of a chart, rendered with the ServiceMonitor on, as a rules file. */
async function chartRules(chart: string): Promise<{ groups: { rules: { alert: string; expr: string }[] }[] }> {
  const objects = parseManifests(
    await helmTemplate(join(CHARTS, chart), {
      release: chart,
      namespace: chart,
      set: {
        'metrics.serviceMonitor.enabled': 'true',
        ...(chart === 'todo' ? { 'auth.jwtSecret': 'x'.repeat(40) } : {}),
      },
    }),
  );
  const rule = objects.find((object) => object.kind === 'PrometheusRule');
  assert.ok(rule, `the ${chart} chart renders a PrometheusRule`);
  return rule.spec;
}

describe('dashboards and alerts read what the services expose', () => {
  const series = new Map<string, Set<string>>();
  const cleanups: (() => Promise<void>)[] = [];

  before(async () => {
    const namesData = await embeddedBackend();
    const todoData = await embeddedBackend();
    cleanups.push(namesData.cleanup, todoData.cleanup);
    const names: ServiceProcess = await spawnService(NAMES_MAIN, { env: { ...namesData.env, SHUTDOWN_DRAIN_MS: '0' } });
    cleanups.unshift(async () => {
      await names.stop();
    });
    const todo = await startAssistantStack(todoData.env);
    cleanups.unshift(() => todo.stop());

    // Traffic that makes every labelled series appear: routes, a failed and a good login, a tool run.
    await fetch(`${names.url}/api/names`);
    const token = await newAccount(todo.api.url, 'ada');
    await fetch(`${todo.api.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'nobody@example.com', password: PASSWORD }),
    });
    const toolRun = await fetch(`${todo.mcp.url}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'summarize_tasks', arguments: {} },
      }),
    });
    assert.equal(toolRun.status, 200, await toolRun.text());

    for (const service of [names, todo.api, todo.mcp]) {
      for (const [name, labels] of exposedSeries(await (await fetch(`${service.url}/metrics`)).text())) {
        series.set(name, new Set([...(series.get(name) ?? []), ...labels]));
      }
    }
  });
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  test('the check itself fails a misspelt metric, an unknown label and a syntax error', () => {
    assert.deepEqual(problemsOf('rate(http_request_total[5m])', series), ['no service exposes http_request_total']);
    assert.deepEqual(problemsOf('sum(rate(http_requests_total{status="500"}[5m]))', series), [
      'http_requests_total has no label status',
    ]);
    assert.equal(problemsOf('sum(rate(http_requests_total[5m])', series).length > 0, true);
    assert.deepEqual(problemsOf('sum by (route) (rate(http_requests_total{status_code="500"}[5m]))', series), []);
  });

  for (const { file, dashboard } of dashboards) {
    test(`${file}: every panel's query names metrics and labels that exist`, () => {
      const problems: string[] = [];
      let queries = 0;
      for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
        assert.equal(panel.datasource?.uid, GRAFANA_DATASOURCE, `${panel.title} uses the dashboard's Prometheus`);
        assert.ok((panel.targets ?? []).length > 0, `${panel.title} has a query`);
        for (const { expr } of panel.targets ?? []) {
          queries++;
          for (const problem of problemsOf(expr, series)) problems.push(`${panel.title}: ${problem}`);
        }
      }
      assert.deepEqual(problems, []);
      assert.ok(queries >= 12, `${file} has ${queries} queries`);
    });
  }

  for (const chart of ['names', 'todo']) {
    test(`the ${chart} chart's alert rules name metrics and labels that exist`, async () => {
      const { groups } = await chartRules(chart);
      const problems = groups.flatMap((group) =>
        group.rules.flatMap((rule) => problemsOf(rule.expr, series).map((problem) => `${rule.alert}: ${problem}`)),
      );
      assert.deepEqual(problems, []);
    });
  }
});

test('every dashboard has its own uid and is shipped by deploy/monitoring/kustomization.yaml', () => {
  const kustomization = parse(readFileSync(join(HERE, 'kustomization.yaml'), 'utf8')) as {
    generatorOptions: { labels: Record<string, string> };
    configMapGenerator: { files: string[] }[];
  };
  assert.equal(kustomization.generatorOptions.labels.grafana_dashboard, '1');
  const shipped = kustomization.configMapGenerator.flatMap((generator) => generator.files).sort();
  assert.deepEqual(shipped, dashboards.map(({ file }) => `dashboards/${file}`).sort());
  assert.equal(new Set(dashboards.map(({ dashboard }) => dashboard.uid)).size, dashboards.length);
});

/**
 * Writes the chart's rules and its unit tests into a folder and runs `promtool test rules`.
 * Each expected alert's annotations are taken from its rule, with $labels filled in, so the
 * tests check when alerts fire and with which labels, and the rule text stays in one place.
 */
async function promtoolTest(chart: string, breakRules?: (rules: string) => string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `rules-${chart}-`));
  const rules = await chartRules(chart);
  const rulesText = stringify(rules, { lineWidth: 0 });
  const written = breakRules ? breakRules(rulesText) : rulesText;
  if (breakRules) assert.notEqual(written, rulesText, 'the rule was broken as intended');
  writeFileSync(join(dir, 'rules.yaml'), written);
  const annotationsOf = new Map(
    rules.groups.flatMap((group) =>
      group.rules.map((rule) => [rule.alert, (rule as { annotations?: Record<string, string> }).annotations ?? {}]),
    ),
  );
  const tests = parse(readFileSync(join(HERE, 'rule-tests', `${chart}.yaml`), 'utf8')) as {
    tests: {
      alert_rule_test: {
        alertname: string;
        exp_alerts: { exp_labels: Record<string, string>; exp_annotations?: Record<string, string> }[];
      }[];
    }[];
  };
  for (const alertTest of tests.tests.flatMap((t) => t.alert_rule_test)) {
    for (const expected of alertTest.exp_alerts) {
      const annotations = annotationsOf.get(alertTest.alertname);
      assert.ok(annotations, `${alertTest.alertname} is a rule of the ${chart} chart`);
      expected.exp_annotations = Object.fromEntries(
        Object.entries(annotations).map(([key, text]) => [
          key,
          text.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, label: string) => expected.exp_labels[label] ?? ''),
        ]),
      );
    }
  }
  writeFileSync(join(dir, 'tests.yaml'), stringify(tests, { lineWidth: 0 }));
  const check = await exec(PROMTOOL, ['check', 'rules', join(dir, 'rules.yaml')]);
  assert.match(check.stdout, /SUCCESS: \d+ rules found/);
  const { stdout, stderr } = await exec(PROMTOOL, ['test', 'rules', join(dir, 'tests.yaml')]).catch(
    (error: { stdout: string; stderr: string }) => ({ stdout: `FAILED ${error.stdout}`, stderr: error.stderr }),
  );
  return `${stdout}\n${stderr}`;
}

for (const chart of ['names', 'todo']) {
  const App = chart === 'names' ? 'Names' : 'Todo';
  test(`promtool: the ${chart} chart's rules are valid and every alert's unit tests pass`, async () => {
    const output = await promtoolTest(chart);
    assert.doesNotMatch(output, /FAILED/, output);
    assert.match(output, /SUCCESS/);
  });

  test(`promtool: a ${chart} database-down rule that ignores one pod's failure is caught by the unit tests`, async () => {
    // max → min: the alert would fire while one pod still reaches the database.
    const output = await promtoolTest(chart, (rules) =>
      rules.replace(
        /max by \(namespace, service\) \(readiness_check_up/,
        'min by (namespace, service) (readiness_check_up',
      ),
    );
    assert.match(output, /FAILED/);
    assert.match(output, new RegExp(`alertname: ${App}DatabaseDown`));
  });
}
