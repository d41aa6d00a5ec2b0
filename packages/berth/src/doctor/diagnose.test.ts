import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { V1Node } from '@kubernetes/client-node';
import {
  deploymentPod,
  event,
  NS,
  pod,
  pvc,
  service,
  slice,
  snapshot,
  storageClass,
} from '../../test/doctor-fixtures.ts';
import { exitMeaning } from './containers.ts';
import { diagnose } from './diagnose.ts';
import type { Finding } from './findings.ts';
import { workloadOf } from './pods.ts';
import { analyseProbe } from './probes.ts';

const API = { app: 'api' };
const running = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'shop/api:1.0',
  ready: true,
  started: true,
  restartCount: 0,
  state: { running: { startedAt: '2026-11-23T09:59:00Z' } },
  ...extra,
});

function only(findings: Finding[], kind: Finding['kind']): Finding {
  const matching = findings.filter((f) => f.kind === kind);
  assert.equal(matching.length, 1, `one ${kind} finding in ${JSON.stringify(findings.map((f) => f.kind))}`);
  return matching[0] as Finding;
}

describe('diagnose: healthy', () => {
  test('ready pods, a Service with ready endpoints and a bound PVC: healthy, no findings', () => {
    const result = diagnose(
      snapshot({
        pods: [
          deploymentPod('api-7d9f-abcde', 'api', '7d9f', {
            labels: API,
            statuses: [running('api')],
            conditions: [
              { type: 'PodScheduled', status: 'True' },
              { type: 'Ready', status: 'True' },
            ],
          }),
        ],
        services: [service('api', API)],
        endpointSlices: [slice('api', [{ ip: '10.244.0.9', ready: true }])],
        pvcs: [pvc('data-db-0', 'local-path', 'Bound')],
      }),
    );
    assert.equal(result.healthy, true);
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.checked, { pods: 1, services: 1, pvcs: 1 });
  });

  test('completed pods (helm test hooks) and terminating pods are not problems', () => {
    const done = pod({ name: 'names-test-flow', phase: 'Succeeded', statuses: [] });
    const leaving = pod({ name: 'old', statuses: [{ ...running('app'), ready: false }] });
    (leaving.metadata as { deletionTimestamp?: string }).deletionTimestamp = '2026-11-23T10:00:00Z';
    assert.equal(diagnose(snapshot({ pods: [done, leaving] })).healthy, true);
  });
});

describe('diagnose: images', () => {
  test('ErrImageNeverPull names the image, the pull policy and the import command of the flavour', () => {
    const result = diagnose(
      snapshot({
        flavour: { flavour: 'kind', because: 'test', clusterName: 'dev' },
        pods: [
          deploymentPod('api-5c8b-x1', 'api', '5c8b', {
            containers: [{ name: 'api', image: 'localhost/names-api:abc123', imagePullPolicy: 'Never' }],
            statuses: [
              {
                name: 'api',
                image: 'localhost/names-api:abc123',
                ready: false,
                restartCount: 0,
                state: {
                  waiting: {
                    reason: 'ErrImageNeverPull',
                    message: 'Container image "localhost/names-api:abc123" is not present with pull policy of Never',
                  },
                },
              },
            ],
          }),
        ],
        events: [
          event({
            object: 'api-5c8b-x1',
            reason: 'ErrImageNeverPull',
            fieldPath: 'spec.containers{api}',
            message: 'Container image "localhost/names-api:abc123" is not present with pull policy of Never',
            count: 7,
          }),
        ],
      }),
    );
    assert.equal(result.healthy, false);
    const finding = only(result.findings, 'image-never-pull');
    assert.match(finding.summary, /localhost\/names-api:abc123 is not on the node/);
    assert.match(finding.summary, /imagePullPolicy Never/);
    assert.match(finding.fix, /kind load docker-image localhost\/names-api:abc123 --name dev/);
    assert.equal(finding.workload, 'deployment/api');
    assert.ok(finding.evidence.some((e) => /x7/.test(e)));
  });

  test('ImagePullBackOff from a registry that has no such tag says so and how to check', () => {
    const result = diagnose(
      snapshot({
        pods: [
          deploymentPod('web-66f-a', 'web', '66f', {
            containers: [{ name: 'web', image: 'registry.example.com/shop/web:9.9.9' }],
            statuses: [
              {
                name: 'web',
                image: 'registry.example.com/shop/web:9.9.9',
                ready: false,
                restartCount: 0,
                state: {
                  waiting: {
                    reason: 'ImagePullBackOff',
                    message: 'Back-off pulling image "registry.example.com/shop/web:9.9.9"',
                  },
                },
              },
            ],
          }),
        ],
        events: [
          event({
            object: 'web-66f-a',
            reason: 'Failed',
            fieldPath: 'spec.containers{web}',
            message:
              'Failed to pull image "registry.example.com/shop/web:9.9.9": rpc error: code = NotFound desc = failed to pull and unpack image "registry.example.com/shop/web:9.9.9": failed to resolve reference "registry.example.com/shop/web:9.9.9": registry.example.com/shop/web:9.9.9: not found',
          }),
        ],
      }),
    );
    const finding = only(result.findings, 'image-pull');
    assert.match(finding.summary, /registry has no such image or tag/);
    assert.match(finding.fix, /docker pull registry\.example\.com\/shop\/web:9\.9\.9/);
    assert.ok(finding.evidence.some((e) => /NotFound/.test(e)));
  });

  test('ImagePullBackOff of a local image (no registry reachable) suggests importing it', () => {
    const result = diagnose(
      snapshot({
        flavour: { flavour: 'k3s', because: 'test' },
        pods: [
          pod({
            name: 'p',
            containers: [{ name: 'app', image: 'names-api:0.1.0', imagePullPolicy: 'IfNotPresent' }],
            statuses: [
              {
                name: 'app',
                ready: false,
                restartCount: 0,
                state: {
                  waiting: { reason: 'ErrImagePull', message: 'dial tcp: lookup registry-1.docker.io: no such host' },
                },
              },
            ],
          }),
        ],
      }),
    );
    const finding = only(result.findings, 'image-pull');
    assert.match(finding.summary, /cannot be reached/);
    assert.match(finding.fix, /k3s ctr -n k8s\.io images import/);
  });
});

describe('diagnose: crashes', () => {
  const crashing = (extra: Record<string, unknown>) =>
    deploymentPod('api-7d9f-q', 'api', '7d9f', {
      containers: [{ name: 'api', image: 'shop/api:1.0', resources: { limits: { memory: '64Mi' } } }],
      statuses: [
        {
          name: 'api',
          image: 'shop/api:1.0',
          ready: false,
          restartCount: 5,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container=api' } },
          ...extra,
        },
      ],
    });

  test('CrashLoopBackOff gives the exit code, what it means, and the last log lines', () => {
    const result = diagnose(
      snapshot({
        pods: [
          crashing({
            lastState: { terminated: { reason: 'Error', exitCode: 1, finishedAt: '2026-11-23T10:00:00Z' } },
          }),
        ],
        logs: {
          'api-7d9f-q/api':
            '{"level":50,"msg":"invalid configuration"}\nDATABASE_URL: must be a postgresql:// URL\nprocess exiting with code 1\n',
        },
      }),
    );
    const finding = only(result.findings, 'crash-loop');
    assert.match(finding.summary, /exit code 1/);
    assert.match(finding.summary, /restarted it 5 times/);
    assert.match(finding.fix, /kubectl logs api-7d9f-q -c api -n shop --previous/);
    const logStart = finding.evidence.indexOf('last log lines:');
    assert.ok(logStart > 0, 'log lines come after the state');
    assert.ok(finding.evidence.includes('  | DATABASE_URL: must be a postgresql:// URL'));
  });

  test('caught between runs (just exited, or briefly running again) it is still a crash loop', () => {
    const exited = diagnose(
      snapshot({
        pods: [
          crashing({
            state: { terminated: { reason: 'Error', exitCode: 3 } },
            lastState: { terminated: { reason: 'Error', exitCode: 3 } },
          }),
        ],
      }),
    );
    assert.match(
      only(exited.findings, 'crash-loop').summary,
      /keeps exiting with exit code 3.*has restarted it 5 times/,
    );
    const between = diagnose(
      snapshot({
        pods: [
          crashing({
            ready: false,
            state: { running: { startedAt: '2026-11-23T10:00:00Z' } },
            lastState: { terminated: { reason: 'Error', exitCode: 3 } },
          }),
        ],
      }),
    );
    assert.equal(only(between.findings, 'crash-loop').kind, 'crash-loop');
    const once = diagnose(
      snapshot({
        pods: [
          crashing({
            ready: true,
            restartCount: 1,
            state: { running: {} },
            lastState: { terminated: { reason: 'Error', exitCode: 1 } },
          }),
        ],
      }),
    );
    assert.equal(once.healthy, true, 'one restart (a dependency was late) that recovered is not a problem');
  });

  test('exit code 127 is explained as a command missing from the image', () => {
    const result = diagnose(
      snapshot({ pods: [crashing({ lastState: { terminated: { reason: 'Error', exitCode: 127 } } })] }),
    );
    assert.match(only(result.findings, 'crash-loop').summary, /command was not found in the image/);
    assert.match(exitMeaning(143), /SIGTERM/);
    assert.match(exitMeaning(134), /signal 6/);
  });

  test('OOMKilled names the memory limit and how to raise it', () => {
    const result = diagnose(
      snapshot({
        pods: [crashing({ lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } } })],
        logs: { 'api-7d9f-q/api': 'allocating...\n' },
      }),
    );
    const finding = only(result.findings, 'oom-killed');
    assert.equal(finding.severity, 'error');
    assert.match(finding.summary, /out of memory/);
    assert.match(finding.summary, /64Mi/);
    assert.match(finding.fix, /Raise resources\.limits\.memory above 64Mi/);
    assert.equal(
      result.findings.filter((f) => f.kind === 'crash-loop').length,
      0,
      'not also reported as a plain crash',
    );
  });

  test('a liveness probe that kills the container is reported as the probe, not as a crash', () => {
    const result = diagnose(
      snapshot({
        pods: [
          deploymentPod('api-1-a', 'api', '1', {
            containers: [
              {
                name: 'api',
                image: 'shop/api:1.0',
                ports: [{ name: 'http', containerPort: 5000 }],
                livenessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 10 },
              },
            ],
            statuses: [
              {
                name: 'api',
                ready: false,
                restartCount: 4,
                state: { waiting: { reason: 'CrashLoopBackOff' } },
                lastState: { terminated: { reason: 'Completed', exitCode: 0 } },
              },
            ],
          }),
        ],
        events: [
          event({
            object: 'api-1-a',
            reason: 'Unhealthy',
            fieldPath: 'spec.containers{api}',
            message: 'Liveness probe failed: HTTP probe failed with statuscode: 404',
            count: 12,
          }),
        ],
      }),
    );
    const finding = only(result.findings, 'probe-failing');
    assert.match(finding.summary, /liveness probe/);
    assert.match(finding.summary, /GET \/health answers 404/);
    assert.match(finding.summary, /restarts it \(4 restarts\)/);
  });

  test('several pods of one Deployment with the same problem become one finding', () => {
    const make = (name: string) =>
      deploymentPod(name, 'api', '7d9f', {
        statuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 3,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { reason: 'Error', exitCode: 1 } },
          },
        ],
      });
    const result = diagnose(snapshot({ pods: [make('api-7d9f-a'), make('api-7d9f-b')] }));
    const finding = only(result.findings, 'crash-loop');
    assert.deepEqual(finding.objects, ['pod/api-7d9f-a', 'pod/api-7d9f-b']);
  });

  test('a missing Secret stops the container with a clear name', () => {
    const result = diagnose(
      snapshot({
        pods: [
          pod({
            name: 'api',
            statuses: [
              {
                name: 'app',
                ready: false,
                restartCount: 0,
                state: {
                  waiting: { reason: 'CreateContainerConfigError', message: 'secret "db-credentials" not found' },
                },
              },
            ],
          }),
        ],
      }),
    );
    const finding = only(result.findings, 'container-config');
    assert.match(finding.summary, /secret "db-credentials" it reads does not exist/);
  });
});

describe('diagnose: Pending pods (scheduler reasons)', () => {
  const pending = (message: string, extra: Record<string, unknown> = {}) =>
    pod({
      name: 'db-0',
      owner: { kind: 'StatefulSet', name: 'db' },
      phase: 'Pending',
      containers: [{ name: 'postgres', image: 'postgres:15', resources: { requests: { cpu: '64', memory: '256Mi' } } }],
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }],
      ...extra,
    });

  test('unbound PVC: names the claim and why the claim is not bound (StorageClass missing)', () => {
    const result = diagnose(
      snapshot({
        pods: [
          pending(
            '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
            { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } }] },
          ),
        ],
        pvcs: [pvc('data-db-0', 'fast-ssd')],
        events: [
          event({
            object: 'data-db-0',
            kind: 'PersistentVolumeClaim',
            reason: 'ProvisioningFailed',
            message: 'storageclass.storage.k8s.io "fast-ssd" not found',
          }),
        ],
      }),
    );
    const podFinding = only(result.findings, 'unschedulable-pvc');
    assert.match(podFinding.summary, /volume claim is not bound/);
    assert.match(podFinding.summary, /PVC data-db-0 is Pending: PVC data-db-0 asks for the StorageClass "fast-ssd"/);
    assert.equal(podFinding.workload, 'statefulset/db');
    const claim = only(result.findings, 'pvc-storageclass-missing');
    assert.match(claim.fix, /local-path/);
    assert.ok(claim.evidence.some((e) => /ProvisioningFailed/.test(e)));
  });

  test('no default StorageClass: the PVC names no class and none is default', () => {
    const result = diagnose(
      snapshot({
        storageClasses: [storageClass('local-path', false)],
        pods: [
          pending('0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims.', {
            volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } }],
          }),
        ],
        pvcs: [pvc('data-db-0', undefined)],
        events: [
          event({
            object: 'data-db-0',
            kind: 'PersistentVolumeClaim',
            reason: 'FailedBinding',
            message: 'no persistent volumes available for this claim and no storage class is set',
          }),
        ],
      }),
    );
    const claim = only(result.findings, 'pvc-no-default-storageclass');
    assert.match(claim.summary, /no default StorageClass/);
    assert.match(claim.fix, /kubectl patch storageclass local-path/);
    assert.match(only(result.findings, 'unschedulable-pvc').summary, /no default StorageClass/);
  });

  test('no StorageClass at all: says to install a provisioner', () => {
    const result = diagnose(snapshot({ storageClasses: [], pvcs: [pvc('data', undefined)] }));
    assert.match(only(result.findings, 'pvc-no-default-storageclass').fix, /Install a volume provisioner/);
  });

  test('insufficient CPU: the resource, the request, and the node’s allocatable', () => {
    const node = {
      metadata: { name: 'node-1' },
      status: { allocatable: { cpu: '2', memory: '3900Mi' } },
    } as unknown as V1Node;
    const result = diagnose(
      snapshot({
        nodes: [node],
        pods: [
          pending(
            '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
          ),
        ],
      }),
    );
    const finding = only(result.findings, 'unschedulable-resources');
    assert.match(finding.summary, /enough free cpu/);
    assert.match(finding.summary, /cpu 64/);
    assert.match(finding.fix, /node-1: cpu 2/);
  });

  test('insufficient memory and cpu together', () => {
    const result = diagnose(
      snapshot({ pods: [pending('0/3 nodes are available: 2 Insufficient memory, 3 Insufficient cpu.')] }),
    );
    assert.match(only(result.findings, 'unschedulable-resources').summary, /memory and cpu/);
  });

  test('an untolerated taint names the taint and how to remove it or tolerate it', () => {
    const result = diagnose(
      snapshot({
        pods: [
          pending(
            '0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
          ),
        ],
      }),
    );
    const finding = only(result.findings, 'unschedulable-taint');
    assert.match(finding.summary, /node-role\.kubernetes\.io\/control-plane/);
    assert.match(finding.fix, /kubectl taint nodes <node> node-role\.kubernetes\.io\/control-plane-/);
  });

  test('the latest FailedScheduling event wins over an older condition message', () => {
    const result = diagnose(
      snapshot({
        pods: [pending('0/1 nodes are available: 1 Insufficient cpu.')],
        events: [
          event({
            object: 'db-0',
            reason: 'FailedScheduling',
            message: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.",
            at: '2026-11-23T10:05:00Z',
          }),
        ],
      }),
    );
    const finding = only(result.findings, 'unschedulable');
    assert.match(finding.fix, /nodeSelector\/affinity/);
  });
});

describe('diagnose: probes', () => {
  const web = (probe: Record<string, unknown>, message: string) =>
    snapshot({
      pods: [
        deploymentPod('web-9-a', 'web', '9', {
          containers: [
            {
              name: 'nginx',
              image: 'nginx:1.22',
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: probe,
            },
          ],
          statuses: [{ ...running('nginx'), ready: false }],
        }),
      ],
      events: [
        event({ object: 'web-9-a', reason: 'Unhealthy', fieldPath: 'spec.containers{nginx}', message, count: 30 }),
      ],
    });

  test('wrong path: GET /ready answers 404', () => {
    const result = diagnose(
      web(
        { httpGet: { path: '/ready', port: 8080 } },
        'Readiness probe failed: HTTP probe failed with statuscode: 404',
      ),
    );
    const finding = only(result.findings, 'probe-failing');
    assert.match(finding.summary, /readiness probe of container nginx fails: GET \/ready answers 404/);
    assert.match(finding.summary, /never becomes ready/);
    assert.ok(finding.evidence.includes('readiness probe: HTTP GET /ready on port 8080'));
  });

  test('wrong port: the probe checks a port the container does not listen on', () => {
    const result = diagnose(
      web(
        { httpGet: { path: '/', port: 9999 } },
        'Readiness probe failed: Get "http://10.244.0.12:9999/": dial tcp 10.244.0.12:9999: connect: connection refused',
      ),
    );
    const finding = only(result.findings, 'probe-failing');
    assert.match(finding.summary, /checks port 9999, but container nginx listens on 8080 \(http\)/);
    assert.match(finding.fix, /Set the probe's port to http/);
  });

  test('a port name the container does not declare', () => {
    const analysis = analyseProbe(
      { httpGet: { path: '/', port: 'web' } },
      { name: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] },
      '',
    );
    assert.match(analysis.cause, /port name "web", which container nginx does not declare/);
  });

  test('503 from a readiness endpoint points at the dependency', () => {
    const analysis = analyseProbe(
      { httpGet: { path: '/api/health/db', port: 'http' } },
      { name: 'api', ports: [{ name: 'http', containerPort: 5000 }] },
      'Readiness probe failed: HTTP probe failed with statuscode: 503',
    );
    assert.match(analysis.cause, /answers 503/);
    assert.match(analysis.cause, /database/);
  });

  test('an exec probe (pg_isready) that fails names the command', () => {
    const analysis = analyseProbe(
      { exec: { command: ['pg_isready', '-q', '-h', '127.0.0.1'] } },
      { name: 'postgres', ports: [{ name: 'postgres', containerPort: 5432 }] },
      'Startup probe failed: ',
    );
    assert.match(analysis.cause, /the command \["pg_isready","-q","-h","127\.0\.0\.1"\] exits with an error$/);
    assert.match(analysis.fix, /kubectl exec <pod> -c postgres/);
  });

  test('a ready container with old probe failures (start-up) is not a problem', () => {
    const s = web({ httpGet: { path: '/', port: 8080 } }, 'Readiness probe failed: connection refused');
    const first = s.pods[0];
    if (first?.status?.containerStatuses?.[0]) first.status.containerStatuses[0].ready = true;
    assert.equal(diagnose(s).healthy, true);
  });
});

describe('diagnose: Services', () => {
  test('a selector that matches no pod: says which labels differ', () => {
    const result = diagnose(
      snapshot({
        pods: [
          deploymentPod('web-1-a', 'web', '1', {
            labels: { 'app.kubernetes.io/name': 'names', 'app.kubernetes.io/component': 'web' },
            statuses: [running('nginx')],
            conditions: [{ type: 'Ready', status: 'True' }],
          }),
        ],
        services: [
          service('frontend', { 'app.kubernetes.io/name': 'names', 'app.kubernetes.io/component': 'frontend' }),
        ],
        endpointSlices: [slice('frontend', [])],
      }),
    );
    const finding = only(result.findings, 'service-no-endpoints');
    assert.match(
      finding.summary,
      /Service frontend has no endpoints: its selector .*component=frontend matches none of the 1 pods/,
    );
    assert.match(finding.fix, /pod web-1-a has app\.kubernetes\.io\/component=web/);
  });

  test('a selector that matches pods which are not ready', () => {
    const result = diagnose(
      snapshot({
        pods: [pod({ name: 'api-0', labels: API, statuses: [{ ...running('app'), ready: false }] })],
        services: [service('api', API)],
        endpointSlices: [slice('api', [{ ip: '10.244.0.3', ready: false }])],
      }),
    );
    assert.match(only(result.findings, 'service-no-ready-endpoints').summary, /1 pod\(s\) it selects are not ready/);
  });

  test('headless Services publishing not-ready addresses and selector-less Services are fine', () => {
    const result = diagnose(
      snapshot({
        pods: [
          pod({
            name: 'db-0',
            labels: { app: 'db' },
            statuses: [running('app')],
            conditions: [{ type: 'Ready', status: 'True' }],
          }),
        ],
        services: [
          service('db-headless', { app: 'db' }, { clusterIP: 'None', publishNotReadyAddresses: true }),
          service('external', {}),
        ],
        endpointSlices: [slice('db-headless', [{ ip: '10.244.0.4', ready: true }])],
      }),
    );
    assert.equal(result.healthy, true);
  });
});

describe('diagnose: PVCs and controllers', () => {
  test('a PVC waiting for its first consumer is information, not a problem', () => {
    const result = diagnose(snapshot({ pvcs: [pvc('spare', 'local-path')] }));
    assert.equal(result.healthy, true);
    assert.equal(only(result.findings, 'pvc-waiting-for-consumer').severity, 'info');
  });

  test('an Immediate-binding class whose provisioner fails', () => {
    const result = diagnose(
      snapshot({
        storageClasses: [storageClass('standard', true, 'Immediate')],
        pvcs: [pvc('data', 'standard')],
        events: [
          event({
            object: 'data',
            kind: 'PersistentVolumeClaim',
            reason: 'ProvisioningFailed',
            message: 'failed to provision volume with StorageClass "standard": no space left',
          }),
        ],
      }),
    );
    assert.match(only(result.findings, 'pvc-pending').summary, /provisioner of StorageClass standard failed/);
  });

  test('a ReplicaSet that cannot create pods because of PodSecurity', () => {
    const result = diagnose(
      snapshot({
        events: [
          event({
            object: 'api-7d9f',
            kind: 'ReplicaSet',
            reason: 'FailedCreate',
            message:
              'Error creating: pods "api-7d9f-x" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "api" must set securityContext.allowPrivilegeEscalation=false)',
          }),
        ],
      }),
    );
    const finding = only(result.findings, 'create-failed');
    assert.match(finding.summary, /PodSecurity "restricted:latest"/);
    assert.deepEqual(finding.objects, ['replicaset/api-7d9f']);
  });

  test('workloadOf: ReplicaSet pods belong to their Deployment; StatefulSet pods to the StatefulSet', () => {
    assert.equal(workloadOf(deploymentPod('names-api-6b7c9d-x', 'names-api', '6b7c9d')), 'deployment/names-api');
    assert.equal(workloadOf(pod({ name: 'db-0', owner: { kind: 'StatefulSet', name: 'db' } })), 'statefulset/db');
    assert.equal(workloadOf(pod({ name: 'bare' })), undefined);
    assert.equal(NS, 'shop');
  });
});
