import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import type { Snapshot } from './findings.ts';

/** Events as evidence: which belong to a pod or a container, in time order, as one line each. */

export function podEvents(pod: V1Pod, snapshot: Snapshot): CoreV1Event[] {
  const name = pod.metadata?.name;
  const uid = pod.metadata?.uid;
  return snapshot.events
    .filter(
      (e) =>
        e.involvedObject?.kind === 'Pod' &&
        e.involvedObject.name === name &&
        (!uid || !e.involvedObject.uid || e.involvedObject.uid === uid),
    )
    .sort((a, b) => eventTime(a) - eventTime(b));
}

export function eventTime(event: CoreV1Event): number {
  const when = event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata?.creationTimestamp;
  return when ? new Date(when as unknown as string).getTime() : 0;
}

export function eventLine(event: CoreV1Event): string {
  const count = event.count && event.count > 1 ? ` (x${event.count})` : '';
  return `event ${event.type ?? ''} ${event.reason ?? ''}${count}: ${event.message ?? ''}`.replace(/\s+/g, ' ').trim();
}

export function containerOfEvent(event: CoreV1Event): string | undefined {
  const match = /spec\.(?:initContainers|containers)\{([^}]+)\}/.exec(event.involvedObject?.fieldPath ?? '');
  return match?.[1];
}
