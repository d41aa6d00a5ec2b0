import type { V1Pod, V1Service } from '@kubernetes/client-node';
import type { Finding, Snapshot } from './findings.ts';

/** Services that route nowhere: a selector that matches no pod, or only pods that are not ready. */

function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

export function diagnoseService(service: V1Service, snapshot: Snapshot, pods: V1Pod[]): Finding | undefined {
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0 || service.spec?.type === 'ExternalName') return undefined;
  const name = service.metadata?.name ?? '?';
  const slices = snapshot.endpointSlices.filter((s) => s.metadata?.labels?.['kubernetes.io/service-name'] === name);
  const addresses = slices.flatMap((s) => s.endpoints ?? []);
  const ready = addresses.filter(
    (e) => e.conditions?.ready !== false || (service.spec?.publishNotReadyAddresses && e.conditions?.serving !== false),
  );
  if (ready.length > 0) return undefined;
  const selectorText = Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const matching = pods.filter((pod) => selects(selector, pod.metadata?.labels));
  if (matching.length === 0) {
    // The pods whose labels agree on the most keys: likely what was meant.
    const scored = pods
      .map((pod) => ({
        pod,
        score: Object.entries(selector).filter(([k, v]) => pod.metadata?.labels?.[k] === v).length,
        keys: Object.keys(selector).filter((k) => pod.metadata?.labels?.[k] !== undefined).length,
      }))
      .filter((s) => s.score > 0 || s.keys > 0)
      .sort((a, b) => b.score - a.score || b.keys - a.keys)
      .slice(0, 3);
    const mismatch = scored.map(({ pod }) => {
      const differing = Object.entries(selector)
        .filter(([k, v]) => pod.metadata?.labels?.[k] !== v)
        .map(([k]) => `${k}=${pod.metadata?.labels?.[k] ?? '(absent)'}`);
      return `pod ${pod.metadata?.name} has ${differing.join(', ')}`;
    });
    return {
      kind: 'service-no-endpoints',
      severity: 'error',
      objects: [`service/${name}`],
      summary: `Service ${name} has no endpoints: its selector ${selectorText} matches none of the ${pods.length} pods in the namespace, so requests to it fail.`,
      fix: mismatch.length
        ? `Make the Service's selector and the pod template's labels agree (closest: ${mismatch.join('; ')}).`
        : 'Deploy the pods it should select, or fix its selector.',
      evidence: [
        `selector: ${selectorText}`,
        `endpoints: ${addresses.length} (ready 0)`,
        ...scored.map(({ pod }) => `pod ${pod.metadata?.name} labels: ${JSON.stringify(pod.metadata?.labels ?? {})}`),
      ],
    };
  }
  return {
    kind: 'service-no-ready-endpoints',
    severity: 'error',
    objects: [`service/${name}`],
    summary: `Service ${name} has no ready endpoints: the ${matching.length} pod(s) it selects are not ready, so requests to it fail.`,
    fix: 'Fix the pods first (their findings are listed here); the Service recovers by itself once one is ready.',
    evidence: [
      `selector: ${selectorText}`,
      ...matching
        .slice(0, 5)
        .map(
          (pod) =>
            `pod ${pod.metadata?.name}: phase ${pod.status?.phase}, ready ${pod.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? '?'}`,
        ),
    ],
  };
}
