import type { V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import type { Context } from './context.ts';
import { selector } from './release.ts';

/** A release's Deployments and StatefulSets with their replica counts. */
export interface WorkloadStatus {
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  ready: number;
  desired: number;
  updated: number;
}

function workloadStatus(kind: WorkloadStatus['kind'], workload: V1Deployment | V1StatefulSet): WorkloadStatus {
  return {
    kind,
    name: workload.metadata?.name ?? '?',
    ready: workload.status?.readyReplicas ?? 0,
    desired: workload.spec?.replicas ?? 1,
    updated: workload.status?.updatedReplicas ?? 0,
  };
}

export async function readWorkloads(ctx: Context, namespace: string, release: string): Promise<WorkloadStatus[]> {
  const kube = ctx.kube();
  const labelSelector = selector(release);
  const [deployments, statefulsets] = await Promise.all([
    kube.apps.listNamespacedDeployment({ namespace, labelSelector }),
    kube.apps.listNamespacedStatefulSet({ namespace, labelSelector }),
  ]);
  return [
    ...deployments.items.map((d) => workloadStatus('Deployment', d)),
    ...statefulsets.items.map((s) => workloadStatus('StatefulSet', s)),
  ];
}
