import type { V1PersistentVolumeClaim, V1StorageClass } from '@kubernetes/client-node';
import { eventLine, eventTime } from './events.ts';
import type { Finding, Snapshot } from './findings.ts';

/** Volume claims that stay Pending: no default StorageClass, a missing class, a failing provisioner. */

const DEFAULT_CLASS_ANNOTATIONS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];

export function defaultStorageClasses(classes: V1StorageClass[]): V1StorageClass[] {
  return classes.filter((sc) => DEFAULT_CLASS_ANNOTATIONS.some((a) => sc.metadata?.annotations?.[a] === 'true'));
}

export function diagnosePvc(pvc: V1PersistentVolumeClaim, snapshot: Snapshot): Finding | undefined {
  if (pvc.status?.phase !== 'Pending' || pvc.metadata?.deletionTimestamp) return undefined;
  const name = pvc.metadata?.name ?? '?';
  const object = `persistentvolumeclaim/${name}`;
  const events = snapshot.events
    .filter((e) => e.involvedObject?.kind === 'PersistentVolumeClaim' && e.involvedObject.name === name)
    .sort((a, b) => eventTime(a) - eventTime(b));
  const evidence = [
    `phase Pending, storageClassName ${pvc.spec?.storageClassName ?? '(not set)'}`,
    ...events.slice(-2).map(eventLine),
  ];
  const className = pvc.spec?.storageClassName;
  const names = snapshot.storageClasses.map((sc) => sc.metadata?.name ?? '?');
  if (className === undefined || className === null) {
    const defaults = defaultStorageClasses(snapshot.storageClasses);
    if (defaults.length === 0) {
      return {
        kind: 'pvc-no-default-storageclass',
        severity: 'error',
        objects: [object],
        summary: `PVC ${name} names no StorageClass and the cluster has no default StorageClass, so nothing provisions a volume for it.`,
        fix: names.length
          ? `Mark a StorageClass as the default: kubectl patch storageclass ${names[0]} -p '{"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}' (classes here: ${names.join(', ')}); or set the chart's storageClass value. Then delete and re-create the PVC if it stays Pending.`
          : 'Install a volume provisioner with a default StorageClass (k3s ships local-path; kind and Minikube have "standard"), or set the chart’s storageClass value.',
        evidence: [...evidence, `storage classes: ${names.join(', ') || 'none'} (none marked default)`],
      };
    }
  } else if (className !== '' && !names.includes(className)) {
    return {
      kind: 'pvc-storageclass-missing',
      severity: 'error',
      objects: [object],
      summary: `PVC ${name} asks for the StorageClass "${className}", which does not exist in this cluster.`,
      fix: `Use one of the cluster's classes (${names.join(', ') || 'none exist'}) in the chart's storageClass value, or leave it empty for the default; then delete and re-create the PVC.`,
      evidence: [...evidence, `storage classes: ${names.join(', ') || 'none'}`],
    };
  }
  const usedBy = snapshot.pods.filter((pod) =>
    (pod.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === name),
  );
  const effectiveClass = className ?? defaultStorageClasses(snapshot.storageClasses)[0]?.metadata?.name ?? undefined;
  const sc = snapshot.storageClasses.find((s) => s.metadata?.name === effectiveClass);
  if (sc?.volumeBindingMode === 'WaitForFirstConsumer' && usedBy.length === 0) {
    return {
      kind: 'pvc-waiting-for-consumer',
      severity: 'info',
      objects: [object],
      summary: `PVC ${name} waits for a pod that uses it (StorageClass ${sc.metadata?.name} binds on first use); that is normal.`,
      fix: 'Nothing to do, unless a pod should be using it.',
      evidence,
    };
  }
  const provisioning = events.filter((e) => e.reason === 'ProvisioningFailed').at(-1);
  if (className === '') {
    return {
      kind: 'pvc-pending',
      severity: 'error',
      objects: [object],
      summary: `PVC ${name} has storageClassName "" (static binding) and no PersistentVolume matches it.`,
      fix: 'Create a matching PersistentVolume, or remove storageClassName to use the default StorageClass.',
      evidence,
    };
  }
  if (usedBy.length > 0 && sc?.volumeBindingMode === 'WaitForFirstConsumer' && !provisioning) {
    // The pod's own finding explains why it is not scheduled; the claim follows it.
    return undefined;
  }
  return {
    kind: 'pvc-pending',
    severity: 'error',
    objects: [object],
    summary: provisioning
      ? `PVC ${name} is Pending: the provisioner of StorageClass ${effectiveClass ?? '?'} failed to create a volume.`
      : `PVC ${name} is Pending: no volume has been provisioned or bound yet.`,
    fix: provisioning
      ? `Read the provisioner's message below and its logs (the provisioner pod for ${sc?.provisioner ?? 'the class'}).`
      : `Check that the provisioner of StorageClass ${effectiveClass ?? '?'} (${sc?.provisioner ?? '?'}) runs.`,
    evidence,
  };
}
