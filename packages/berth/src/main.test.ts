import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';

/** The CLI as a process: help, exit codes, --json errors. No cluster needed. */
const MAIN = new URL('./main.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'berth-main-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function berth(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [MAIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('berth as a process', () => {
  test('--help exits 0 and lists the commands and exit codes', () => {
    const result = berth(['--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Commands:/);
    assert.match(result.stdout, /Exit codes:/);
  });

  test('every command answers --help with examples', () => {
    for (const command of [
      'apps',
      'doctor',
      'up',
      'status',
      'smoke',
      'logs',
      'open',
      'rollback',
      'down',
      'backup',
      'restore',
      'load',
    ]) {
      const result = berth([command, '--help']);
      assert.equal(result.code, 0, command);
      assert.match(result.stdout, new RegExp(`Examples:\\n  berth ${command}`), command);
    }
  });

  test('apps lists the apps of the project with their environments, and as JSON for scripts', () => {
    const text = berth(['apps']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^names {2}\(deploy\/charts\/names\)$/m);
    assert.match(text.stdout, /environments {2}dev, prod, stage/);
    const json = berth(['apps', '--json']);
    assert.equal(json.code, 0);
    const names = (JSON.parse(json.stdout) as { apps: { name: string; environments: string[] }[] }).apps.find(
      (app) => app.name === 'names',
    );
    assert.deepEqual(names?.environments, ['dev', 'prod', 'stage']);
    const empty = berth(['apps', '--root', dir]);
    assert.equal(empty.code, 0);
    assert.match(empty.stderr + empty.stdout, /no app descriptor/);
  });

  test('a usage error exits 2 with the next step; under --json as a JSON document too', () => {
    const result = berth(['stauts']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /error: unknown command "stauts"/);
    assert.match(result.stderr, /next: berth --help/);
    const json = berth(['up', '--json']);
    assert.equal(json.code, 2);
    assert.deepEqual(JSON.parse(json.stdout), {
      error:
        'missing <app>: usage: berth up <app> [--env dev|stage|prod] [-f values.yaml]... [--set k=v]... [--registry R]',
      exitCode: 2,
      next: 'berth up --help',
    });
  });

  test('doctor with a cluster that does not answer exits 3 and says what to do', () => {
    const kubeconfig = join(dir, 'config');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: gone, cluster: {server: "https://127.0.0.1:9"}}]',
        'users: [{name: u, user: {token: x}}]',
        'contexts: [{name: gone, context: {cluster: gone, user: u}}]',
        'current-context: gone',
      ].join('\n'),
    );
    const result = berth(['doctor', '--kubeconfig', kubeconfig, '--json'], {
      BERTH_KUBECTL: process.execPath,
      BERTH_HELM: process.execPath,
    });
    assert.equal(result.code, 3, result.stderr);
    const report = JSON.parse(result.stdout) as { checks: { name: string; state: string; fix?: string }[] };
    const cluster = report.checks.find((c) => c.name === 'cluster');
    assert.equal(cluster?.state, 'fail');
    assert.match(cluster?.fix ?? '', /start the cluster/);
  });

  test('doctor without kubectl and helm exits 3 and names them', () => {
    const result = berth(['doctor', '--cluster-only'], {
      BERTH_KUBECTL: join(dir, 'no-kubectl'),
      BERTH_HELM: join(dir, 'no-helm'),
      KUBECONFIG: join(dir, 'missing-config'),
    });
    assert.equal(result.code, 3);
    assert.match(result.stdout, /✗ kubectl\s+not found on PATH/);
    assert.match(result.stdout, /BERTH_KUBECTL=<path>/);
  });

  test('--context that the kubeconfig does not have: exit 3 listing the contexts', () => {
    const kubeconfig = join(dir, 'config2');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters: [{name: a, cluster: {server: "https://127.0.0.1:9"}}]\nusers: [{name: u, user: {token: x}}]\ncontexts: [{name: kind-dev, context: {cluster: a, user: u}}]\ncurrent-context: kind-dev\n',
    );
    const result = berth(['status', '--app', 'names', '--kubeconfig', kubeconfig, '--context', 'minikube']);
    assert.equal(result.code, 3);
    assert.match(result.stderr, /no context "minikube"/);
    assert.match(result.stderr, /contexts: kind-dev/);
  });
});

/**
 * The same process on the machine's own older Node, through the `berth` bin and
 * the shared bootstrap; BERTH_CACHE holds "the fetched Node 24" (this test's own).
 */
const ROOT = new URL('../../../', import.meta.url).pathname;
const BIN = join(ROOT, 'packages/berth/bin/berth.mjs');
const OLD_NODE = '/usr/bin/node';
const nodeCache = join(dir, 'node-cache');
mkdirSync(nodeCache);
symlinkSync(
  dirname(dirname(process.execPath)),
  join(nodeCache, `node-${/^NODE_VERSION=(\S+)/m.exec(readFileSync(join(ROOT, '.ci/versions.env'), 'utf8'))?.[1]}`),
);
const RUNTIMES = [
  { name: `Node ${process.versions.node}`, argv: [process.execPath, MAIN] },
  { name: `the machine's ${OLD_NODE}`, argv: [OLD_NODE, BIN] },
];

function berthOn(runtime: (typeof RUNTIMES)[number], args: string[], env: NodeJS.ProcessEnv) {
  const [node = '', script = ''] = runtime.argv;
  const result = spawnSync(node, [script, ...args], {
    encoding: 'utf8',
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', BERTH_CACHE: nodeCache, ...env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A kubeconfig whose server is a loopback port nothing listens on. */
async function closedPortKubeconfig(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  const file = join(dir, `closed-${port}`);
  writeFileSync(
    file,
    `apiVersion: v1\nkind: Config\nclusters: [{name: gone, cluster: {server: "https://127.0.0.1:${port}"}}]\nusers: [{name: u, user: {token: x}}]\ncontexts: [{name: gone, context: {cluster: gone, user: u}}]\ncurrent-context: gone\n`,
  );
  return file;
}

/** Every command that needs the cluster, with arguments that are otherwise valid. */
const CLUSTER_COMMANDS = [
  ['doctor', 'names'],
  ['up', 'names', '--no-build', '--tag', 'abc1234'],
  ['status', '--app', 'names'],
  ['smoke', '--app', 'names'],
  ['logs', 'api', '--app', 'names'],
  ['open', '--app', 'names'],
  ['open', 'prometheus'],
  ['open', 'logs'],
  ['rollback', '--app', 'names'],
  ['deploy', 'names', '--strategy', 'canary', '--image-tag', 'v2', '--no-build'],
  ['promote', 'names'],
  ['abort', 'names'],
  ['down', '--app', 'names'],
  ['backup', '--app', 'names', '-o', join(dir, 'never.dump')],
  ['restore', '--app', 'names', new URL(import.meta.url).pathname],
  ['load', '--app', 'names'],
  ['mcp', 'names'],
  ['seal', 'names-db', '--app', 'names', '--from-env', 'POSTGRES_PASSWORD=PATH'],
  ['ask', 'why is the api failing?', '--app', 'names'],
];

for (const runtime of RUNTIMES) {
  describe(`berth on ${runtime.name}: one exit code for a cluster that is not there, for every command`, () => {
    // kubectl and helm must not even be started: the cluster check comes first.
    const tools = { BERTH_KUBECTL: join(dir, 'kubectl-must-not-run'), BERTH_HELM: join(dir, 'helm-must-not-run') };

    test('a kubeconfig whose server does not answer: exit 3, "does not answer … connection refused", berth doctor next', async () => {
      const kubeconfig = await closedPortKubeconfig();
      for (const args of CLUSTER_COMMANDS) {
        const result = berthOn(runtime, args, { ...tools, KUBECONFIG: kubeconfig });
        const said = `berth ${args.join(' ')}: exit ${result.code}\n${result.stdout}\n${result.stderr}`;
        assert.equal(result.code, 3, said);
        assert.match(
          `${result.stdout}${result.stderr}`,
          /does not answer: nothing listens there \(connection refused\)/,
          said,
        );
        assert.doesNotMatch(result.stderr, /memcache\.go|bug in berth/, said);
      }
    });

    test('no kubeconfig at all (KUBECONFIG names a missing file, or no ~/.kube/config): exit 3, "no kubeconfig" and what to do', () => {
      const home = join(dir, 'empty-home');
      mkdirSync(home, { recursive: true });
      for (const env of [{ KUBECONFIG: join(dir, 'missing-kubeconfig') }, { KUBECONFIG: '', HOME: home }]) {
        for (const args of CLUSTER_COMMANDS) {
          const result = berthOn(runtime, args, { ...tools, ...env });
          const said = `berth ${args.join(' ')} with ${JSON.stringify(env)}: exit ${result.code}\n${result.stdout}\n${result.stderr}`;
          assert.equal(result.code, 3, said);
          assert.match(`${result.stdout}${result.stderr}`, /no kubeconfig: .* does not exist/, said);
          assert.match(`${result.stdout}${result.stderr}`, /--kubeconfig <file> or KUBECONFIG=<file>/, said);
          assert.doesNotMatch(`${result.stdout}${result.stderr}`, /loaded-context|HTTP protocol|bug in berth/, said);
        }
      }
    });

    test('doctor with no kubeconfig says so on its kubeconfig line instead of "✓ kubeconfig context loaded-context"', () => {
      const home = join(dir, 'empty-home-doctor');
      mkdirSync(home, { recursive: true });
      const result = berthOn(runtime, ['doctor'], { KUBECONFIG: '', HOME: home });
      assert.equal(result.code, 3, result.stderr);
      assert.match(
        result.stdout,
        /✗ kubeconfig\s+no kubeconfig: .*\.kube\/config \(the default place\) does not exist/,
      );
      assert.match(result.stdout, /fix: point berth at your cluster's kubeconfig/);
    });

    test('open grafana says the cluster has none and what to open instead, before asking the cluster', () => {
      const result = berthOn(runtime, ['open', 'grafana'], { KUBECONFIG: join(dir, 'missing-kubeconfig') });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /this cluster has no Grafana/);
      assert.match(result.stderr, /berth open prometheus or berth open logs/);
    });

    test('an unknown option is named with the closest valid one', () => {
      const result = berthOn(runtime, ['status', '--namespce', 'x'], {});
      assert.equal(result.code, 2);
      assert.match(result.stderr, /error: Unknown option '--namespce' for berth status \(did you mean --namespace\?\)/);
      assert.doesNotMatch(result.stderr, /To specify a positional argument/);
    });

    test('up --env <an environment the app has no values file for> lists the environments it has', () => {
      const project = join(dir, 'one-env-project');
      const chart = join(project, 'deploy/charts/demo');
      mkdirSync(chart, { recursive: true });
      writeFileSync(join(chart, 'values-dev.yaml'), '{}\n');
      writeFileSync(
        join(chart, 'berth.app.json'),
        JSON.stringify({
          name: 'demo',
          components: ['web'],
          entry: 'web',
          images: [{ component: 'web', name: 'demo-web', dockerfile: 'Dockerfile', values: 'image' }],
          smoke: { http: [{ name: 'page', path: '/', status: 200 }], helmTest: false },
          loadPath: '/',
        }),
      );
      const result = berthOn(runtime, ['up', 'demo', '--env', 'prod', '--root', project], {});
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /app demo has no environment "prod" \(no deploy\/charts\/demo\/values-prod\.yaml\)/);
      assert.match(result.stderr, /next: environments: dev/);
    });
  });
}
