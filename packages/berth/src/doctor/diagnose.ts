import type {
  CoreV1Event,
  V1Container,
  V1ContainerStatus,
  V1EndpointSlice,
  V1Node,
  V1PersistentVolumeClaim,
  V1Pod,
  V1Probe,
  V1Service,
  V1StorageClass,
} from '@kubernetes/client-node';
import { type FlavourFacts, importHint } from '../flavour.ts';

/**
 * berth doctor's diagnosis engine: pure functions from the objects of one
 * namespace to findings, each with the cause in plain words, the fix, and
 * the raw evidence it was read from. No I/O here: the caller lists the
 * objects (and the last log lines of crashing containers) and passes them in.
 */

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

const DEFAULT_CLASS_ANNOTATIONS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];

export function diagnose(snapshot: Snapshot): Diagnosis {
  const findings: Finding[] = [];
  const livePods = snapshot.pods.filter((pod) => !pod.metadata?.deletionTimestamp);
  const pvcFindings = new Map<string, Finding>();
  for (const pvc of snapshot.pvcs) {
    const finding = diagnosePvc(pvc, snapshot);
    if (finding) pvcFindings.set(pvc.metadata?.name ?? '', finding);
  }
  for (const pod of livePods) findings.push(...diagnosePod(pod, snapshot, pvcFindings));
  for (const finding of pvcFindings.values()) findings.push(finding);
  for (const service of snapshot.services) {
    const finding = diagnoseService(service, snapshot, livePods);
    if (finding) findings.push(finding);
  }
  findings.push(...diagnoseControllerEvents(snapshot));
  const merged = mergeSamePodFindings(findings);
  merged.sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  return {
    namespace: snapshot.namespace,
    healthy: !merged.some((f) => f.severity !== 'info'),
    findings: merged,
    checked: { pods: livePods.length, services: snapshot.services.length, pvcs: snapshot.pvcs.length },
  };
}

function severityRank(severity: Severity): number {
  return severity === 'error' ? 0 : severity === 'warning' ? 1 : 2;
}

/** Pods of one workload with the same problem become one finding listing every pod. */
function mergeSamePodFindings(findings: Finding[]): Finding[] {
  const out: Finding[] = [];
  const byKey = new Map<string, Finding>();
  for (const finding of findings) {
    if (!finding.workload) {
      out.push(finding);
      continue;
    }
    const key = `${finding.kind}|${finding.workload}|${finding.container ?? ''}`;
    const seen = byKey.get(key);
    if (seen) {
      for (const object of finding.objects) if (!seen.objects.includes(object)) seen.objects.push(object);
      continue;
    }
    const copy = { ...finding, objects: [...finding.objects] };
    byKey.set(key, copy);
    out.push(copy);
  }
  return out;
}

// ---------- pods ----------

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

function podEvents(pod: V1Pod, snapshot: Snapshot): CoreV1Event[] {
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

function eventTime(event: CoreV1Event): number {
  const when = event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata?.creationTimestamp;
  return when ? new Date(when as unknown as string).getTime() : 0;
}

function eventLine(event: CoreV1Event): string {
  const count = event.count && event.count > 1 ? ` (x${event.count})` : '';
  return `event ${event.type ?? ''} ${event.reason ?? ''}${count}: ${event.message ?? ''}`.replace(/\s+/g, ' ').trim();
}

function containerOfEvent(event: CoreV1Event): string | undefined {
  const match = /spec\.(?:initContainers|containers)\{([^}]+)\}/.exec(event.involvedObject?.fieldPath ?? '');
  return match?.[1];
}

function diagnosePod(pod: V1Pod, snapshot: Snapshot, pvcFindings: Map<string, Finding>): Finding[] {
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

function diagnoseContainer(
  pod: V1Pod,
  status: V1ContainerStatus,
  spec: V1Container | undefined,
  snapshot: Snapshot,
  events: CoreV1Event[],
  base: { objects: string[]; workload?: string; container?: string },
): Finding | undefined {
  const podName = pod.metadata?.name ?? '?';
  const ns = snapshot.namespace;
  const waiting = status.state?.waiting;
  const terminated = status.state?.terminated;
  const last = status.lastState?.terminated;
  const image = spec?.image ?? status.image ?? '?';
  const mine = events.filter((e) => !containerOfEvent(e) || containerOfEvent(e) === status.name);
  const stateLine = `container ${status.name}: ${waiting ? `waiting ${waiting.reason ?? ''}${waiting.message ? ` (${waiting.message})` : ''}` : terminated ? `terminated ${terminated.reason ?? ''} exit ${terminated.exitCode}` : status.state?.running ? 'running' : 'unknown'}, ready ${status.ready}, restarts ${status.restartCount}`;

  if (waiting?.reason === 'ErrImageNeverPull') {
    const policy = spec?.imagePullPolicy ?? 'Never';
    const hint = snapshot.flavour ? importHint(snapshot.flavour, image) : `import ${image} into the node's runtime`;
    return {
      kind: 'image-never-pull',
      severity: 'error',
      ...base,
      summary: `The image ${image} is not on the node, and imagePullPolicy ${policy} forbids pulling it, so container ${status.name} cannot start.`,
      fix: `Make the image available on the node: ${hint}. Or, if it is in a registry the cluster can reach, set imagePullPolicy to IfNotPresent.`,
      evidence: [
        stateLine,
        ...mine
          .filter((e) => e.reason === 'ErrImageNeverPull' || e.type === 'Warning')
          .slice(-3)
          .map(eventLine),
      ],
    };
  }
  if (
    waiting?.reason === 'ImagePullBackOff' ||
    waiting?.reason === 'ErrImagePull' ||
    waiting?.reason === 'InvalidImageName'
  ) {
    const failed = mine.filter((e) => e.reason === 'Failed' && /pull|image/i.test(e.message ?? ''));
    const message = `${failed.at(-1)?.message ?? ''} ${waiting.message ?? ''}`;
    let why = 'the runtime could not pull it';
    if (/not found|manifest unknown|does not exist/i.test(message)) why = 'the registry has no such image or tag';
    else if (/unauthorized|denied|authentication required|403|401/i.test(message)) why = 'the registry refused access';
    else if (/no such host|dial tcp|i\/o timeout|connection refused|network is unreachable/i.test(message)) {
      why = 'the registry cannot be reached from the node';
    } else if (waiting.reason === 'InvalidImageName') why = 'the image name is not valid';
    // No registry host (Docker Hub by default) or localhost: most likely built on this machine.
    const parts = image.split('/');
    const host = parts.length > 1 && /[.:]|^localhost$/.test(parts[0] ?? '') ? parts[0] : undefined;
    const local = host === undefined || host === 'localhost' || host.startsWith('localhost:');
    const localFix = snapshot.flavour ? importHint(snapshot.flavour, image) : `import ${image} into the node`;
    return {
      kind: 'image-pull',
      severity: 'error',
      ...base,
      summary: `Container ${status.name} cannot start: pulling the image ${image} failed because ${why}.`,
      fix: local
        ? `Check the image name and tag. For a locally built image, make it available on the node (${localFix}) and set imagePullPolicy to Never or IfNotPresent; or push it to a registry.`
        : `Check the image name and tag exist (docker pull ${image}); for a private registry add imagePullSecrets to the pod's service account.`,
      evidence: [stateLine, ...failed.slice(-2).map(eventLine)],
    };
  }
  if (waiting?.reason === 'CreateContainerConfigError' || waiting?.reason === 'CreateContainerError') {
    const missing = /(secret|configmap) "([^"]+)" not found/i.exec(waiting.message ?? '');
    return {
      kind: 'container-config',
      severity: 'error',
      ...base,
      summary: missing
        ? `Container ${status.name} cannot start: the ${missing[1]} "${missing[2]}" it reads does not exist.`
        : `Container ${status.name} cannot be created: ${waiting.message ?? waiting.reason}.`,
      fix: missing
        ? `Create the ${missing[1]} ${missing[2]} in namespace ${ns} (or fix the name in the pod spec).`
        : 'Fix the container spec as the message says.',
      evidence: [
        stateLine,
        ...mine
          .filter((e) => e.type === 'Warning')
          .slice(-2)
          .map(eventLine),
      ],
    };
  }

  const oom = last?.reason === 'OOMKilled' ? last : terminated?.reason === 'OOMKilled' ? terminated : undefined;
  if (oom) {
    const limit = spec?.resources?.limits?.memory;
    return {
      kind: 'oom-killed',
      severity: waiting?.reason === 'CrashLoopBackOff' || terminated ? 'error' : 'warning',
      ...base,
      summary: `Container ${status.name} ran out of memory: the kernel killed it (OOMKilled) at its memory limit of ${limit ?? 'the node’s memory (no limit set)'}; it has restarted ${times(status.restartCount)}.`,
      fix: limit
        ? `Raise resources.limits.memory above ${limit} (and requests.memory with it), or find what uses the memory (kubectl top pod ${podName} -n ${ns}).`
        : `Set resources.limits.memory and find what uses the memory (kubectl top pod ${podName} -n ${ns}).`,
      evidence: [
        stateLine,
        `last exit: reason OOMKilled, exit code ${oom.exitCode}`,
        ...logEvidence(snapshot, podName, status.name),
      ],
    };
  }

  const livenessKills = mine.filter((e) => e.reason === 'Unhealthy' && /^Liveness probe failed/.test(e.message ?? ''));
  // A crash loop is seen in three states: waiting in back-off, just exited (terminated, about
  // to restart), or briefly running again after several failed runs.
  const lastFailed = last !== undefined && last.exitCode !== 0;
  if (
    waiting?.reason === 'CrashLoopBackOff' ||
    (terminated && terminated.exitCode !== 0) ||
    (status.state?.running && !status.ready && lastFailed && status.restartCount >= 3)
  ) {
    const end = terminated ?? last;
    if (livenessKills.length > 0 && spec) {
      const probe = probeFinding(pod, status, spec, 'liveness', livenessKills, snapshot, base);
      if (probe) return probe;
    }
    const exitCode = end?.exitCode;
    return {
      kind: 'crash-loop',
      severity: 'error',
      ...base,
      summary: `Container ${status.name} keeps exiting${exitCode === undefined ? '' : ` with exit code ${exitCode}`}${exitCode === undefined ? '' : ` (${exitMeaning(exitCode)})`}; ${waiting?.reason === 'CrashLoopBackOff' ? `Kubernetes restarted it ${times(status.restartCount)} and now waits before each restart (CrashLoopBackOff)` : pod.spec?.restartPolicy === 'Always' || status.restartCount > 0 ? `Kubernetes has restarted it ${times(status.restartCount)}` : 'it is not restarted (restartPolicy Never)'}.`,
      fix: `Read why it exits in the last log lines below (all of them: kubectl logs ${podName} -c ${status.name} -n ${ns} --previous); usually a missing or wrong setting, a dependency it cannot reach, or a wrong command.`,
      evidence: [
        stateLine,
        `last exit: ${end?.reason ?? '?'} exit code ${exitCode ?? '?'}${end?.finishedAt ? ` at ${new Date(end.finishedAt as unknown as string).toISOString()}` : ''}${end?.message ? ` message: ${end.message}` : ''}`,
        ...logEvidence(snapshot, podName, status.name),
      ],
    };
  }

  // Running but failing a probe.
  if (spec && status.state?.running) {
    const unhealthy = mine.filter((e) => e.reason === 'Unhealthy');
    if (!status.ready) {
      const readiness = unhealthy.filter((e) => /^Readiness probe failed/.test(e.message ?? ''));
      const startup = unhealthy.filter((e) => /^Startup probe failed/.test(e.message ?? ''));
      if (readiness.length > 0) return probeFinding(pod, status, spec, 'readiness', readiness, snapshot, base);
      if (startup.length > 0) return probeFinding(pod, status, spec, 'startup', startup, snapshot, base);
    }
    if (livenessKills.length > 0 && status.restartCount > 0) {
      return probeFinding(pod, status, spec, 'liveness', livenessKills, snapshot, base);
    }
    if (!status.ready && status.started !== false && pod.status?.phase === 'Running') {
      const since = status.state.running.startedAt
        ? new Date(status.state.running.startedAt as unknown as string)
        : undefined;
      return {
        kind: 'not-ready',
        severity: 'warning',
        ...base,
        summary: `Container ${status.name} runs but is not ready${since ? ` (started ${since.toISOString()})` : ''}; no probe failure is recorded yet.`,
        fix: `Wait a little, then run berth doctor again; if it stays so, read its logs (berth logs / kubectl logs ${podName} -c ${status.name} -n ${ns}).`,
        evidence: [stateLine],
      };
    }
  }
  return undefined;
}

function logEvidence(snapshot: Snapshot, pod: string, container: string): string[] {
  const text = snapshot.logs?.[`${pod}/${container}`];
  if (text === undefined) return [];
  const lines = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-10);
  return lines.length
    ? ['last log lines:', ...lines.map((l) => `  | ${l}`)]
    : ['last log lines: (the container printed nothing)'];
}

/** What an exit code usually means. */
export function exitMeaning(code: number): string {
  if (code === 0) return 'it finished normally, but a server is expected to keep running';
  if (code === 1) return 'the program reported an error';
  if (code === 2) return 'usually a usage or configuration error';
  if (code === 126) return 'the command is not executable';
  if (code === 127) return 'the command was not found in the image';
  if (code === 137) return 'killed by SIGKILL: out of memory or a failed liveness probe';
  if (code === 139) return 'segmentation fault';
  if (code === 143) return 'stopped by SIGTERM';
  if (code > 128) return `killed by signal ${code - 128}`;
  return 'the program reported an error';
}

type ProbeKind = 'readiness' | 'liveness' | 'startup';

function probeFinding(
  _pod: V1Pod,
  status: V1ContainerStatus,
  spec: V1Container,
  which: ProbeKind,
  failures: CoreV1Event[],
  _snapshot: Snapshot,
  base: { objects: string[]; workload?: string; container?: string },
): Finding {
  const probe: V1Probe | undefined =
    which === 'readiness' ? spec.readinessProbe : which === 'liveness' ? spec.livenessProbe : spec.startupProbe;
  const latest = failures.at(-1)?.message ?? '';
  const analysis = analyseProbe(probe, spec, latest);
  const consequence =
    which === 'readiness'
      ? 'so the pod never becomes ready and receives no traffic'
      : which === 'liveness'
        ? `so Kubernetes kills and restarts it (${status.restartCount} restarts)`
        : 'so the container is restarted before it counts as started';
  return {
    kind: 'probe-failing',
    severity: 'error',
    ...base,
    summary: `The ${which} probe of container ${status.name} fails: ${analysis.cause}, ${consequence}.`,
    fix: analysis.fix,
    evidence: [
      `${which} probe: ${describeProbe(probe)}`,
      `container ports: ${(spec.ports ?? []).map((p) => `${p.name ? `${p.name}=` : ''}${p.containerPort}`).join(', ') || 'none declared'}`,
      ...failures.slice(-3).map(eventLine),
    ],
  };
}

export function describeProbe(probe: V1Probe | undefined): string {
  if (!probe) return 'none';
  if (probe.httpGet) return `HTTP GET ${probe.httpGet.path ?? '/'} on port ${probe.httpGet.port}`;
  if (probe.tcpSocket) return `TCP connect to port ${probe.tcpSocket.port}`;
  if (probe.exec) return `exec ${JSON.stringify(probe.exec.command ?? [])}`;
  if (probe.grpc) return `gRPC on port ${probe.grpc.port}`;
  return 'unknown';
}

/** Why a probe fails, from its spec, the container's ports and the kubelet's message. */
export function analyseProbe(
  probe: V1Probe | undefined,
  container: V1Container,
  message: string,
): { cause: string; fix: string } {
  const ports = container.ports ?? [];
  const probePort = probe?.httpGet?.port ?? probe?.tcpSocket?.port ?? probe?.grpc?.port;
  const declared = ports.map((p) => `${p.containerPort}${p.name ? ` (${p.name})` : ''}`).join(', ');
  if (probePort !== undefined) {
    const asNumber =
      typeof probePort === 'number' ? probePort : /^\d+$/.test(String(probePort)) ? Number(probePort) : undefined;
    if (asNumber === undefined && !ports.some((p) => p.name === probePort)) {
      return {
        cause: `it uses the port name "${probePort}", which container ${container.name} does not declare${declared ? ` (it declares ${declared})` : ''}`,
        fix: `Name the probe's port after a declared container port${ports[0] ? ` (e.g. ${ports[0].name ?? ports[0].containerPort})` : ''}, or declare the port.`,
      };
    }
    if (asNumber !== undefined && ports.length > 0 && !ports.some((p) => p.containerPort === asNumber)) {
      return {
        cause: `it checks port ${asNumber}, but container ${container.name} listens on ${declared}`,
        fix: `Set the probe's port to ${ports[0]?.name ?? ports[0]?.containerPort} (the container's port), or make the app listen on ${asNumber}.`,
      };
    }
  }
  if (probe?.exec) {
    const detail = message.replace(/^\w+ probe failed:\s*/, '').trim();
    return {
      cause: `the command ${JSON.stringify(probe.exec.command ?? [])} exits with an error${detail ? ` (${detail})` : ''}`,
      fix: `Run the same command in the container (kubectl exec <pod> -c ${container.name} -- ...) to see why; while the app is still starting this is expected for a while.`,
    };
  }
  const status = /statuscode: (\d+)/.exec(message);
  const path = probe?.httpGet?.path ?? '/';
  if (status) {
    const code = Number(status[1]);
    if (code === 404) {
      return {
        cause: `GET ${path} answers 404: the app has no such path`,
        fix: `Point the probe at a path the app serves for health (for example /healthz), or add ${path} to the app.`,
      };
    }
    if (code >= 500) {
      return {
        cause: `GET ${path} answers ${code}: the app says it is not healthy (often a dependency such as the database is not reachable)`,
        fix: 'Read the app’s logs for the failing dependency; check that the dependency is up (berth doctor lists its problems too).',
      };
    }
    return {
      cause: `GET ${path} answers ${code}, and a probe needs 200–399`,
      fix: `Point the probe at a path that answers 200 without authentication or redirects.`,
    };
  }
  if (/connection refused/.test(message)) {
    return {
      cause: `nothing accepts connections on port ${probePort ?? '?'} in the container (the app listens on another port, or has not started listening)`,
      fix: 'Make the probe port, the container port and the port the app listens on (its PORT setting) the same.',
    };
  }
  if (/context deadline exceeded|Client\.Timeout|timeout/i.test(message)) {
    return {
      cause: `the check takes longer than its timeout of ${probe?.timeoutSeconds ?? 1}s`,
      fix: 'Find why the endpoint is slow (logs, CPU limit), or raise the probe’s timeoutSeconds.',
    };
  }
  return {
    cause: message ? `the kubelet reports: ${message}` : 'the kubelet reports failures',
    fix: 'Check the probe against the app (path, port, command) with kubectl describe pod.',
  };
}

function requestsOf(pod: V1Pod): Record<string, string> {
  const out: Record<string, string> = {};
  for (const container of pod.spec?.containers ?? []) {
    for (const [resource, quantity] of Object.entries(container.resources?.requests ?? {})) {
      out[resource] = out[resource] ? `${out[resource]}+${quantity}` : String(quantity);
    }
  }
  return out;
}

function diagnoseUnschedulable(
  pod: V1Pod,
  snapshot: Snapshot,
  events: CoreV1Event[],
  pvcFindings: Map<string, Finding>,
  base: { objects: string[]; workload?: string },
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

// ---------- PVCs ----------

export function defaultStorageClasses(classes: V1StorageClass[]): V1StorageClass[] {
  return classes.filter((sc) => DEFAULT_CLASS_ANNOTATIONS.some((a) => sc.metadata?.annotations?.[a] === 'true'));
}

function diagnosePvc(pvc: V1PersistentVolumeClaim, snapshot: Snapshot): Finding | undefined {
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

// ---------- Services ----------

function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

function diagnoseService(service: V1Service, snapshot: Snapshot, pods: V1Pod[]): Finding | undefined {
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

// ---------- controllers (pods that could not even be created) ----------

function diagnoseControllerEvents(snapshot: Snapshot): Finding[] {
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

function times(n: number): string {
  return n === 1 ? 'once' : `${n} times`;
}
