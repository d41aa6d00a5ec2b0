import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  test('a usage error exits 2 with the next step; under --json as a JSON document too', () => {
    const result = berth(['stauts']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /error: unknown command "stauts"/);
    assert.match(result.stderr, /next: berth --help/);
    const json = berth(['up', '--json']);
    assert.equal(json.code, 2);
    assert.deepEqual(JSON.parse(json.stdout), {
      error: 'missing <app>: usage: berth up <app> [--env dev|prod] [--set k=v]... [--registry R]',
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
    const result = berth(['status', '--kubeconfig', kubeconfig, '--context', 'minikube']);
    assert.equal(result.code, 3);
    assert.match(result.stderr, /no context "minikube"/);
    assert.match(result.stderr, /contexts: kind-dev/);
  });
});
