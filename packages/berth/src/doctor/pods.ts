import type { V1Pod } from '@kubernetes/client-node';
import { diagnoseContainer } from './containers.ts';
import { eventLine, podEvents } from './events.ts';
import type { Finding, Snapshot } from './findings.ts';
import { diagnoseUnschedulable } from './scheduling.ts';

/** One pod: not scheduled, a container that cannot start or keeps failing, or a pod that failed for good. */

/** deployment/x for a ReplicaSet-owned pod, statefulset/y, job/z ..., else undefined. */
export function workloadOf(pod: V1Pod): string | undefined {
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
  if (!owner) return undefined;
  if (owner.kind === 'ReplicaSet') {
    const hash = pod.metadata?.labels?.['pod-template-hash'];
    const name = hash && owner.name.endsWith(`-${hash}`) ? owner.name.slice(0, -hash.length - 1) : owner.name;
    return hash ? `deployment/${name}` : `replicaset/${name}`;
  }
  return `${owner.kind.toLowerCase()}/${owner.name}`;
}

export function diagnosePod(pod: V1Pod, snapshot: Snapshot, pvcFindings: Map<string, Finding>): Finding[] {
  const name = pod.metadata?.name ?? '?';
  const object = `pod/${name}`;
  const workload = workloadOf(pod);
  const phase = pod.status?.phase;
  if (phase === 'Succeeded') return [];
  const events = podEvents(pod, snapshot);
  const base = (container?: string) => ({
    objects: [object],
    ...(workload ? { workload } : {}),
    ...(container ? { container } : {}),
  });

  // Not scheduled yet: the scheduler says why.
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (phase === 'Pending' && scheduled?.status === 'False') {
    return [diagnoseUnschedulable(pod, snapshot, events, pvcFindings, base())];
  }

  const findings: Finding[] = [];
  const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const status of statuses) {
    const spec = specs.find((c) => c.name === status.name);
    const finding = diagnoseContainer(pod, status, spec, snapshot, events, base(status.name));
    if (finding) findings.push(finding);
  }
  if (findings.length > 0) return findings;

  if (phase === 'Failed') {
    return [
      {
        kind: 'pod-failed',
        severity: 'warning',
        ...base(),
        summary: `Pod ${name} failed and will not be restarted (${pod.status?.reason ?? 'its containers exited with errors'}).`,
        fix: `Read its logs (kubectl logs ${name} -n ${snapshot.namespace}); delete it once understood.`,
        evidence: [pod.status?.message ?? '', ...events.slice(-3).map(eventLine)].filter(Boolean),
      },
    ];
  }
  return [];
}
