import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Node, V1StorageClass } from '@kubernetes/client-node';
import { checkTools, clusterChecks } from './environment.ts';

const node = {
  metadata: { name: 'k3s-server' },
  status: {
    conditions: [{ type: 'Ready', status: 'True' }],
    nodeInfo: { kubeletVersion: 'v1.31.4+k3s1', containerRuntimeVersion: 'containerd://1.7.23-k3s2' },
  },
} as unknown as V1Node;
const localPath = (isDefault: boolean) =>
  ({
    metadata: {
      name: 'local-path',
      annotations: isDefault ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : {},
    },
  }) as unknown as V1StorageClass;

test('checkTools: kubectl and helm are required, one builder is enough', () => {
  const found = checkTools((tool) => (['kubectl', 'helm', 'podman'].includes(tool) ? `/usr/bin/${tool}` : undefined));
  assert.equal(found.builder, 'podman');
  assert.ok(found.checks.every((c) => c.state === 'ok'));
  const missing = checkTools(() => undefined);
  assert.deepEqual(
    missing.checks.map((c) => [c.name, c.state]),
    [
      ['kubectl', 'fail'],
      ['helm', 'fail'],
      ['image builder', 'warn'],
    ],
  );
  assert.match(missing.checks[0]?.fix ?? '', /BERTH_KUBECTL/);
});

test('clusterChecks: flavour, default StorageClass, Ingress controller, metrics-server', () => {
  const good = clusterChecks({
    context: 'default',
    server: 'https://127.0.0.1:6443',
    version: 'v1.31.4+k3s1',
    nodes: [node],
    storageClasses: [localPath(true)],
    ingressClasses: ['traefik'],
    metricsAvailable: true,
  });
  assert.equal(good.flavour.flavour, 'k3s');
  assert.ok(
    good.checks.every((c) => c.state === 'ok'),
    JSON.stringify(good.checks),
  );
  const bare = clusterChecks({
    context: 'minikube',
    server: 'https://192.168.49.2:8443',
    version: 'v1.31.0',
    nodes: [],
    storageClasses: [localPath(false)],
    ingressClasses: [],
    metricsAvailable: undefined,
  });
  const byName = Object.fromEntries(bare.checks.map((c) => [c.name, c]));
  assert.equal(byName.nodes?.state, 'fail');
  assert.equal(byName['default StorageClass']?.state, 'warn');
  assert.match(byName['default StorageClass']?.fix ?? '', /kubectl patch storageclass local-path/);
  assert.match(byName['Ingress controller']?.fix ?? '', /minikube addons enable ingress/);
  assert.match(byName['metrics-server']?.fix ?? '', /minikube addons enable metrics-server/);
});
