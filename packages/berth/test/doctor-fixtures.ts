import type {
  CoreV1Event,
  V1EndpointSlice,
  V1PersistentVolumeClaim,
  V1Pod,
  V1Service,
  V1StorageClass,
} from '@kubernetes/client-node';
import type { Snapshot } from '../src/doctor/findings.ts';

/**
 * Objects as the API server returns them (kubectl get -o json), trimmed to
 * what matters, for the diagnosis tests. Messages are copied from
 * Kubernetes 1.37 kubelet and scheduler output.
 */
export const NS = 'shop';

type Json = Record<string, unknown>;

export interface PodOptions {
  name: string;
  labels?: Record<string, string>;
  owner?: { kind: string; name: string };
  phase?: string;
  containers?: Json[];
  statuses?: Json[];
  conditions?: Json[];
  volumes?: Json[];
}

export function pod(options: PodOptions): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: options.name,
      namespace: NS,
      uid: `uid-${options.name}`,
      labels: options.labels ?? {},
      ownerReferences: options.owner
        ? [{ ...options.owner, apiVersion: 'apps/v1', uid: 'owner', controller: true }]
        : [],
    },
    spec: {
      restartPolicy: 'Always',
      containers: (options.containers ?? [{ name: 'app', image: 'shop/api:1.0' }]) as never,
      volumes: (options.volumes ?? []) as never,
    },
    status: {
      phase: options.phase ?? 'Running',
      conditions: (options.conditions ?? [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Ready', status: 'False' },
      ]) as never,
      containerStatuses: (options.statuses ?? []) as never,
    },
  } as unknown as V1Pod;
}

/** A pod of a Deployment: owned by its ReplicaSet, labelled with the pod-template-hash. */
export function deploymentPod(
  name: string,
  deployment: string,
  hash: string,
  rest: Omit<PodOptions, 'name'> = {},
): V1Pod {
  return pod({
    ...rest,
    name,
    labels: { app: deployment, 'pod-template-hash': hash, ...(rest.labels ?? {}) },
    owner: { kind: 'ReplicaSet', name: `${deployment}-${hash}` },
  });
}

export function event(options: {
  object: string;
  kind?: string;
  reason: string;
  message: string;
  type?: string;
  fieldPath?: string;
  count?: number;
  at?: string;
}): CoreV1Event {
  return {
    metadata: { name: `${options.object}.${options.reason}`, namespace: NS },
    involvedObject: {
      kind: options.kind ?? 'Pod',
      name: options.object,
      namespace: NS,
      uid: (options.kind ?? 'Pod') === 'Pod' ? `uid-${options.object}` : undefined,
      fieldPath: options.fieldPath,
    },
    reason: options.reason,
    message: options.message,
    type: options.type ?? 'Warning',
    count: options.count ?? 1,
    lastTimestamp: options.at ?? '2026-11-23T10:00:00Z',
  } as unknown as CoreV1Event;
}

export function service(name: string, selector: Record<string, string>, extra: Json = {}): V1Service {
  return {
    metadata: { name, namespace: NS },
    spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...extra },
  } as unknown as V1Service;
}

export function slice(serviceName: string, endpoints: { ip: string; ready: boolean }[]): V1EndpointSlice {
  return {
    metadata: { name: `${serviceName}-abcde`, namespace: NS, labels: { 'kubernetes.io/service-name': serviceName } },
    addressType: 'IPv4',
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready, serving: e.ready } })),
  } as unknown as V1EndpointSlice;
}

export function pvc(name: string, storageClassName: string | undefined, phase = 'Pending'): V1PersistentVolumeClaim {
  return {
    metadata: { name, namespace: NS },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '1Gi' } },
      ...(storageClassName === undefined ? {} : { storageClassName }),
    },
    status: { phase },
  } as unknown as V1PersistentVolumeClaim;
}

export function storageClass(name: string, isDefault: boolean, mode = 'WaitForFirstConsumer'): V1StorageClass {
  return {
    metadata: {
      name,
      annotations: isDefault ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : {},
    },
    provisioner: 'rancher.io/local-path',
    volumeBindingMode: mode,
    reclaimPolicy: 'Delete',
  } as unknown as V1StorageClass;
}

export function snapshot(parts: Partial<Snapshot>): Snapshot {
  return {
    namespace: NS,
    pods: [],
    events: [],
    services: [],
    endpointSlices: [],
    pvcs: [],
    storageClasses: [storageClass('local-path', true)],
    ...parts,
  };
}
