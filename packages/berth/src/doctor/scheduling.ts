import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { eventLine } from './events.ts';
import type { Finding, FindingTarget, Snapshot } from './findings.ts';

/** Pods the scheduler cannot place: an unbound claim, too little CPU or memory, a taint, a selector. */

function requestsOf(pod: V1Pod): Record<string, string> {
  const out: Record<string, string> = {};
  for (const container of pod.spec?.containers ?? []) {
    for (const [resource, quantity] of Object.entries(container.resources?.requests ?? {})) {
      out[resource] = out[resource] ? `${out[resource]}+${quantity}` : String(quantity);
    }
  }
  return out;
}

export function diagnoseUnschedulable(
  pod: V1Pod,
  snapshot: Snapshot,
  events: CoreV1Event[],
  pvcFindings: Map<string, Finding>,
  base: FindingTarget,
): Finding {
  const name = pod.metadata?.name ?? '?';
  const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const failed = events.filter((e) => e.reason === 'FailedScheduling');
  const message = failed.at(-1)?.message ?? condition?.message ?? '';
  const reason = (message.split(/\.?\s*preemption:/)[0] ?? message).trim();
  const evidence = [
    `PodScheduled=False ${condition?.reason ?? ''}: ${condition?.message ?? ''}`.trim(),
    ...failed.slice(-1).map(eventLine),
  ];

  const claims = (pod.spec?.volumes ?? []).flatMap((v) =>
    v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [],
  );
  if (
    /unbound .*PersistentVolumeClaims|persistentvolumeclaim "[^"]+" not found|didn't find available persistent volumes|storageclass\.storage\.k8s\.io "[^"]+" not found/i.test(
      reason,
    )
  ) {
    const missing = /persistentvolumeclaim "([^"]+)" not found/i.exec(reason)?.[1];
    const why = claims
      .map((claim) => {
        const pvc = snapshot.pvcs.find((p) => p.metadata?.name === claim);
        if (!pvc) return `PVC ${claim} does not exist`;
        const finding = pvcFindings.get(claim);
        return finding
          ? `PVC ${claim} is ${pvc.status?.phase ?? 'Pending'}: ${finding.summary.replace(/\.$/, '')}`
          : `PVC ${claim} is ${pvc.status?.phase ?? '?'}`;
      })
      .join('; ');
    return {
      kind: 'unschedulable-pvc',
      severity: 'error',
      ...base,
      summary: `Pod ${name} cannot be scheduled: its volume claim is not bound${why ? ` (${why})` : missing ? ` (PVC ${missing} does not exist)` : ''}.`,
      fix: missing
        ? `Create the PVC ${missing} or fix the claimName.`
        : 'Fix the claim as its own finding says: usually a StorageClass that does not exist, or no default StorageClass.',
      evidence,
    };
  }
  const insufficient = [...reason.matchAll(/Insufficient ([a-z0-9./-]+)/gi)].map((m) => m[1] ?? '');
  if (insufficient.length > 0) {
    const requests = requestsOf(pod);
    const allocatable = (snapshot.nodes ?? [])
      .map(
        (node) =>
          `${node.metadata?.name}: ${insufficient.map((r) => `${r} ${node.status?.allocatable?.[r] ?? '?'}`).join(', ')}`,
      )
      .join('; ');
    return {
      kind: 'unschedulable-resources',
      severity: 'error',
      ...base,
      summary: `Pod ${name} cannot be scheduled: no node has enough free ${insufficient.join(' and ')} for what it requests (${insufficient.map((r) => `${r} ${requests[r] ?? '?'}`).join(', ')}).`,
      fix: `Lower resources.requests (${insufficient.join(', ')}) of the pod, remove other workloads, or add a bigger node${allocatable ? ` (allocatable: ${allocatable})` : ''}.`,
      evidence,
    };
  }
  const taint = /untolerated taint\(?s?\)?\s*\{([^}]*)\}/i.exec(reason);
  if (taint) {
    const text = (taint[1] ?? '').trim();
    const key = text.split(/[:=]/)[0]?.trim() ?? text;
    return {
      kind: 'unschedulable-taint',
      severity: 'error',
      ...base,
      summary: `Pod ${name} cannot be scheduled: the node(s) carry the taint ${key}, which the pod does not tolerate.`,
      fix: `Remove the taint if it is left over (kubectl taint nodes <node> ${key}-), or add a toleration for ${key} to the pod.`,
      evidence,
    };
  }
  return {
    kind: 'unschedulable',
    severity: 'error',
    ...base,
    summary: `Pod ${name} cannot be scheduled: ${reason || 'the scheduler gives no reason yet'}.`,
    fix: /node affinity|selector/i.test(reason)
      ? 'No node has the labels the pod asks for (nodeSelector/affinity): fix them or label a node.'
      : 'Read the scheduler’s message below; kubectl describe pod shows the same.',
    evidence,
  };
}
