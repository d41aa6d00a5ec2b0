import type { CoreV1Event } from '@kubernetes/client-node';
import { eventLine, eventTime } from './events.ts';
import type { Finding, Snapshot } from './findings.ts';

/** Controllers that cannot even create their pods (PodSecurity, quota), from their FailedCreate events. */

export function diagnoseControllerEvents(snapshot: Snapshot): Finding[] {
  const latest = new Map<string, CoreV1Event>();
  for (const event of snapshot.events) {
    if (event.reason !== 'FailedCreate' || event.type !== 'Warning') continue;
    const key = `${event.involvedObject?.kind}/${event.involvedObject?.name}`;
    const seen = latest.get(key);
    if (!seen || eventTime(seen) < eventTime(event)) latest.set(key, event);
  }
  return [...latest.entries()].map(([key, event]) => {
    const message = event.message ?? '';
    const podSecurity = /violates PodSecurity "([^"]+)"(?::\s*(.*))?/.exec(message);
    const quota = /exceeded quota: ([^,]+)/.exec(message);
    return {
      kind: 'create-failed' as const,
      severity: 'error' as const,
      objects: [key.toLowerCase()],
      summary: podSecurity
        ? `${key} cannot create pods: they violate the namespace's PodSecurity "${podSecurity[1]}" level (${podSecurity[2] ?? ''}).`
        : quota
          ? `${key} cannot create pods: the namespace's ResourceQuota ${quota[1]} is used up.`
          : `${key} cannot create pods: ${message}`,
      fix: podSecurity
        ? 'Add the securityContext settings the message lists to the pod template (runAsNonRoot, allowPrivilegeEscalation: false, capabilities drop ALL, seccompProfile RuntimeDefault).'
        : quota
          ? 'Lower the pods’ requests or raise the quota.'
          : 'Fix what the message says.',
      evidence: [eventLine(event)],
    };
  });
}
