import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildStep,
  detectFlavour,
  importHint,
  importSteps,
  type NodeFacts,
  saveStep,
  withPrivilege,
} from './flavour.ts';

/** Nodes as each flavour reports them (kubectl get node -o json, trimmed). */
const NODES: Record<string, NodeFacts> = {
  k3s: {
    metadata: { name: 'k3s-server', labels: { 'node.kubernetes.io/instance-type': 'k3s' } },
    spec: { providerID: 'k3s://k3s-server' },
    status: {
      nodeInfo: {
        kubeletVersion: 'v1.31.4+k3s1',
        containerRuntimeVersion: 'containerd://1.7.23-k3s2',
        osImage: 'Ubuntu 22.04.5 LTS',
      },
    },
  },
  minikube: {
    metadata: { name: 'minikube', labels: { 'minikube.k8s.io/name': 'minikube', 'minikube.k8s.io/primary': 'true' } },
    status: {
      nodeInfo: {
        kubeletVersion: 'v1.31.0',
        containerRuntimeVersion: 'docker://27.2.0',
        osImage: 'Ubuntu 22.04.4 LTS',
      },
    },
  },
  minikubeProfile: {
    metadata: { name: 'dev', labels: { 'minikube.k8s.io/name': 'dev' } },
    status: { nodeInfo: { kubeletVersion: 'v1.31.0', containerRuntimeVersion: 'containerd://1.7.20' } },
  },
  kind: {
    metadata: { name: 'berth-control-plane' },
    spec: { providerID: 'kind://docker/berth/berth-control-plane' },
    status: {
      nodeInfo: {
        kubeletVersion: 'v1.31.0',
        containerRuntimeVersion: 'containerd://1.7.18',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
      },
    },
  },
  dockerDesktop: {
    metadata: { name: 'docker-desktop' },
    status: {
      nodeInfo: { kubeletVersion: 'v1.30.2', containerRuntimeVersion: 'docker://26.1.4', osImage: 'Docker Desktop' },
    },
  },
  plain: {
    metadata: { name: 'berth-node' },
    status: {
      nodeInfo: {
        kubeletVersion: 'v1.37.2',
        containerRuntimeVersion: 'containerd://1.7.35',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
      },
    },
  },
  crio: {
    metadata: { name: 'worker-1' },
    status: { nodeInfo: { kubeletVersion: 'v1.30.1', containerRuntimeVersion: 'cri-o://1.30.0' } },
  },
};

describe('detectFlavour from nodes', () => {
  test('k3s by its kubelet version, whatever the context is called', () => {
    const facts = detectFlavour('default', [NODES.k3s as NodeFacts]);
    assert.equal(facts.flavour, 'k3s');
    assert.equal(facts.runtime, 'containerd');
    assert.match(facts.because, /\+k3s1/);
  });
  test('minikube by its node label, with the profile name', () => {
    assert.deepEqual(
      [
        detectFlavour('minikube', [NODES.minikube as NodeFacts]).flavour,
        detectFlavour('x', [NODES.minikubeProfile as NodeFacts]).clusterName,
      ],
      ['minikube', 'dev'],
    );
    assert.equal(detectFlavour('minikube', [NODES.minikube as NodeFacts]).runtime, 'docker');
  });
  test('kind by providerID, with the cluster name (not the context)', () => {
    const facts = detectFlavour('my-renamed-context', [NODES.kind as NodeFacts]);
    assert.deepEqual([facts.flavour, facts.clusterName], ['kind', 'berth']);
  });
  test('Docker Desktop by node name / OS image', () => {
    assert.equal(detectFlavour('docker-desktop', [NODES.dockerDesktop as NodeFacts]).flavour, 'docker-desktop');
  });
  test('a plain containerd node (the test cluster) is "containerd"; another runtime is "other"', () => {
    assert.equal(detectFlavour('berth', [NODES.plain as NodeFacts]).flavour, 'containerd');
    const other = detectFlavour('prod-eks', [NODES.crio as NodeFacts]);
    assert.equal(other.flavour, 'other');
    assert.equal(other.runtime, 'cri-o');
  });
});

describe('detectFlavour from context names when nodes cannot be read', () => {
  for (const [context, flavour, clusterName] of [
    ['minikube', 'minikube', 'minikube'],
    ['kind-dev', 'kind', 'dev'],
    ['docker-desktop', 'docker-desktop', undefined],
    ['k3d-mycluster', 'k3s', undefined],
    ['my-k3s', 'k3s', undefined],
    ['arn:aws:eks:eu-west-1:123:cluster/prod', 'other', undefined],
  ] as const) {
    test(`${context} → ${flavour}`, () => {
      const facts = detectFlavour(context, []);
      assert.equal(facts.flavour, flavour);
      assert.equal(facts.clusterName, clusterName);
    });
  }
  test('no context and no nodes', () => {
    assert.deepEqual(detectFlavour(undefined, []), { flavour: 'other', because: 'no node readable' });
  });
});

describe('import steps per flavour (argument arrays, no shell)', () => {
  const image = 'localhost/names-api:3c7d5db91e8e';
  const archive = 'C:\\Users\\Ada\\AppData\\Local\\Temp\\berth-x\\api.tar';
  test('k3s and containerd: save, then ctr import in k8s.io', () => {
    assert.deepEqual(
      importSteps({ flavour: 'k3s', because: '' }, 'docker', image, archive).map((s) => s.argv),
      [
        ['docker', 'save', '-o', archive, image],
        ['k3s', 'ctr', '-n', 'k8s.io', 'images', 'import', archive],
      ],
    );
    assert.deepEqual(
      importSteps({ flavour: 'containerd', because: '' }, 'podman', image, archive).map((s) => s.argv),
      [
        ['podman', 'save', '--format', 'docker-archive', '-o', archive, image],
        ['ctr', '-n', 'k8s.io', 'images', 'import', archive],
      ],
    );
  });
  test('minikube and kind load directly from docker, through an archive otherwise', () => {
    assert.deepEqual(
      importSteps({ flavour: 'minikube', because: '', clusterName: 'dev' }, 'docker', image, archive)[0]?.argv,
      ['minikube', 'image', 'load', image, '-p', 'dev'],
    );
    assert.deepEqual(
      importSteps({ flavour: 'kind', because: '', clusterName: 'berth' }, 'docker', image, archive)[0]?.argv,
      ['kind', 'load', 'docker-image', image, '--name', 'berth'],
    );
    const viaArchive = importSteps({ flavour: 'kind', because: '', clusterName: 'berth' }, 'buildah', image, archive);
    assert.deepEqual(viaArchive[0]?.argv, ['buildah', 'push', image, `docker-archive:${archive}:${image}`]);
    assert.deepEqual(viaArchive[1]?.argv, ['kind', 'load', 'image-archive', archive, '--name', 'berth']);
  });
  test('Docker Desktop with docker needs nothing; "other" asks for a registry', () => {
    assert.deepEqual(importSteps({ flavour: 'docker-desktop', because: '' }, 'docker', image, archive), []);
    assert.throws(() => importSteps({ flavour: 'other', because: 'cri-o' }, 'docker', image, archive), /--registry/);
  });
  test('hints and build steps', () => {
    assert.match(importHint({ flavour: 'minikube', because: '' }, image), /minikube image load localhost\/names-api/);
    assert.deepEqual(saveStep('nerdctl', image, 'a.tar').argv, ['nerdctl', 'save', '-o', 'a.tar', image]);
    assert.deepEqual(
      buildStep('buildah', 'apps\\names\\api\\Dockerfile', image, ['--pull=never'], 'C:\\src\\berth').argv,
      ['buildah', 'bud', '--pull=never', '-f', 'apps\\names\\api\\Dockerfile', '-t', image, 'C:\\src\\berth'],
    );
    assert.equal(buildStep('docker', 'Dockerfile', image, []).argv[1], 'build');
  });
});

test('ctr and k3s run through sudo for a non-root user; root, Windows (no uid) and other tools run as they are', () => {
  const ctr = { argv: ['ctr', '-n', 'k8s.io', 'images', 'import', 'a.tar'], what: 'import' };
  assert.deepEqual(withPrivilege(ctr, 1000).argv.slice(0, 2), ['sudo', 'ctr']);
  assert.equal(withPrivilege(ctr, 0).argv[0], 'ctr');
  assert.equal(withPrivilege(ctr, undefined).argv[0], 'ctr');
  assert.equal(withPrivilege({ argv: ['kind', 'load'], what: '' }, 1000).argv[0], 'kind');
});
