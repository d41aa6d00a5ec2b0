import type {
  CoreV1Event,
  V1EndpointSlice,
  V1Node,
  V1PersistentVolumeClaim,
  V1Pod,
  V1Service,
  V1StorageClass,
} from '@kubernetes/client-node';
import type { FlavourFacts } from '../flavour.ts';

/** What berth doctor reads (a Snapshot of one namespace) and what it concludes (Findings). */

export type FindingKind =
  | 'image-never-pull'
  | 'image-pull'
  | 'crash-loop'
  | 'oom-killed'
  | 'container-config'
  | 'pod-failed'
  | 'unschedulable-pvc'
  | 'unschedulable-resources'
  | 'unschedulable-taint'
  | 'unschedulable'
  | 'probe-failing'
  | 'not-ready'
  | 'service-no-endpoints'
  | 'service-no-ready-endpoints'
  | 'pvc-no-default-storageclass'
  | 'pvc-storageclass-missing'
  | 'pvc-pending'
  | 'pvc-waiting-for-consumer'
  | 'create-failed';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  kind: FindingKind;
  severity: Severity;
  /** The object(s) concerned, kind/name. */
  objects: string[];
  /** The workload the pods belong to (deployment/x, statefulset/y), when there is one. */
  workload?: string;
  container?: string;
  /** What is wrong, in plain words. */
  summary: string;
  /** What to do about it. */
  fix: string;
  /** The raw facts it was read from: states, messages, events, log lines. */
  evidence: string[];
}

export interface Snapshot {
  namespace: string;
  pods: V1Pod[];
  events: CoreV1Event[];
  services: V1Service[];
  endpointSlices: V1EndpointSlice[];
  pvcs: V1PersistentVolumeClaim[];
  storageClasses: V1StorageClass[];
  nodes?: V1Node[];
  /** Last log lines, keyed "<pod>/<container>" (previous run for restarted containers). */
  logs?: Record<string, string>;
  flavour?: FlavourFacts;
}

export interface Diagnosis {
  namespace: string;
  healthy: boolean;
  findings: Finding[];
  /** What was looked at, for "healthy" to mean something. */
  checked: { pods: number; services: number; pvcs: number };
}

/** The common fields of a finding about one pod (and one of its containers). */
export interface FindingTarget {
  objects: string[];
  workload?: string;
  container?: string;
}

export function times(n: number): string {
  return n === 1 ? 'once' : `${n} times`;
}
