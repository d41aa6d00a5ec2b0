import type { V1Pod } from '@kubernetes/client-node';
import type { FlavourFacts } from '../flavour.ts';
import type { Kube } from '../kube.ts';
import type { Snapshot } from './findings.ts';

/** The I/O half of berth doctor: reads one namespace into the Snapshot the pure engine diagnoses. */

function crashing(pod: V1Pod): { container: string; previous: boolean }[] {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
    .filter(
      (s) =>
        s.state?.waiting?.reason === 'CrashLoopBackOff' ||
        s.lastState?.terminated?.reason === 'OOMKilled' ||
        (s.state?.terminated && s.state.terminated.exitCode !== 0),
    )
    .map((s) => ({ container: s.name, previous: !s.state?.terminated && s.restartCount > 0 }));
}

/** Everything berth doctor reads about one namespace, with the last logs of crashing containers. */
export async function readSnapshot(kube: Kube, namespace: string, flavour?: FlavourFacts): Promise<Snapshot> {
  const [pods, events, services, slices, pvcs, classes, nodes] = await Promise.all([
    kube.core.listNamespacedPod({ namespace }),
    kube.core.listNamespacedEvent({ namespace }),
    kube.core.listNamespacedService({ namespace }),
    kube.discovery.listNamespacedEndpointSlice({ namespace }),
    kube.core.listNamespacedPersistentVolumeClaim({ namespace }),
    kube.storage.listStorageClass(),
    kube.core.listNode().catch(() => ({ items: [] })),
  ]);
  const logs: Record<string, string> = {};
  await Promise.all(
    pods.items.flatMap((pod) =>
      crashing(pod).map(async ({ container, previous }) => {
        const name = pod.metadata?.name ?? '';
        try {
          logs[`${name}/${container}`] = await kube.core.readNamespacedPodLog({
            name,
            namespace,
            container,
            previous,
            tailLines: 10,
          });
        } catch {
          // no previous run or logs gone: the finding says so without them
        }
      }),
    ),
  );
  return {
    namespace,
    pods: pods.items,
    events: events.items,
    services: services.items,
    endpointSlices: slices.items,
    pvcs: pvcs.items,
    storageClasses: classes.items,
    nodes: nodes.items,
    logs,
    ...(flavour ? { flavour } : {}),
  };
}
