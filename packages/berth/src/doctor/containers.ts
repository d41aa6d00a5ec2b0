import type { CoreV1Event, V1Container, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { importHint } from '../flavour.ts';
import { containerOfEvent, eventLine } from './events.ts';
import { type Finding, type FindingTarget, type Snapshot, times } from './findings.ts';
import { probeFinding } from './probes.ts';

/**
 * One container that cannot start or keeps failing. The causes are checked in
 * a fixed order, most specific first: an image problem hides everything after
 * it, and a crash loop explains a probe failure better than the probe does.
 */

interface ContainerFacts {
  pod: V1Pod;
  podName: string;
  ns: string;
  status: V1ContainerStatus;
  spec: V1Container | undefined;
  snapshot: Snapshot;
  waiting: NonNullable<V1ContainerStatus['state']>['waiting'];
  terminated: NonNullable<V1ContainerStatus['state']>['terminated'];
  last: NonNullable<V1ContainerStatus['lastState']>['terminated'];
  image: string;
  /** The pod's events that concern this container (or the whole pod). */
  mine: CoreV1Event[];
  livenessKills: CoreV1Event[];
  stateLine: string;
  base: FindingTarget;
}

const CAUSES: ((facts: ContainerFacts) => Finding | undefined)[] = [
  imageNeverPulled,
  imagePullFailed,
  containerNotCreated,
  outOfMemory,
  crashLooping,
  failingProbeOrNotReady,
];

export function diagnoseContainer(
  pod: V1Pod,
  status: V1ContainerStatus,
  spec: V1Container | undefined,
  snapshot: Snapshot,
  events: CoreV1Event[],
  base: FindingTarget,
): Finding | undefined {
  const waiting = status.state?.waiting;
  const terminated = status.state?.terminated;
  const mine = events.filter((e) => !containerOfEvent(e) || containerOfEvent(e) === status.name);
  const facts: ContainerFacts = {
    pod,
    podName: pod.metadata?.name ?? '?',
    ns: snapshot.namespace,
    status,
    spec,
    snapshot,
    waiting,
    terminated,
    last: status.lastState?.terminated,
    image: spec?.image ?? status.image ?? '?',
    mine,
    livenessKills: mine.filter((e) => e.reason === 'Unhealthy' && /^Liveness probe failed/.test(e.message ?? '')),
    stateLine: `container ${status.name}: ${waiting ? `waiting ${waiting.reason ?? ''}${waiting.message ? ` (${waiting.message})` : ''}` : terminated ? `terminated ${terminated.reason ?? ''} exit ${terminated.exitCode}` : status.state?.running ? 'running' : 'unknown'}, ready ${status.ready}, restarts ${status.restartCount}`,
    base,
  };
  for (const cause of CAUSES) {
    const finding = cause(facts);
    if (finding) return finding;
  }
  return undefined;
}

/** The image is not on the node and the pull policy forbids pulling it. */
function imageNeverPulled(facts: ContainerFacts): Finding | undefined {
  const { status, spec, snapshot, waiting, image, mine, stateLine, base } = facts;
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
  return undefined;
}

/** Pulling the image failed: no such tag, access refused, registry unreachable, bad name. */
function imagePullFailed(facts: ContainerFacts): Finding | undefined {
  const { status, snapshot, waiting, image, mine, stateLine, base } = facts;
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
  return undefined;
}

/** The container cannot be created: usually a Secret or ConfigMap it reads is missing. */
function containerNotCreated(facts: ContainerFacts): Finding | undefined {
  const { ns, status, waiting, mine, stateLine, base } = facts;
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
  return undefined;
}

/** The kernel killed the container at its memory limit. */
function outOfMemory(facts: ContainerFacts): Finding | undefined {
  const { podName, ns, status, spec, snapshot, waiting, terminated, last, stateLine, base } = facts;
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
  return undefined;
}

/** The container keeps exiting (or a liveness probe keeps killing it). */
function crashLooping(facts: ContainerFacts): Finding | undefined {
  const { pod, podName, ns, status, spec, snapshot, waiting, terminated, last, stateLine, base, livenessKills } = facts;
  // A crash loop is seen in three states: waiting in back-off, just exited (terminated, about
  // to restart), or briefly running again after several failed runs.
  const lastFailed = last !== undefined && last.exitCode !== 0;
  if (
    waiting?.reason === 'CrashLoopBackOff' ||
    (terminated && terminated.exitCode !== 0) ||
    (status.state?.running && !status.ready && lastFailed && status.restartCount >= 3)
  ) {
    const end = terminated ?? last;
    // A liveness probe that kills the container is the cause, not the exits it causes.
    if (livenessKills.length > 0 && spec) {
      return probeFinding(status, spec, 'liveness', livenessKills, base);
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
  return undefined;
}

/** The container runs but a probe fails, or it is simply not ready yet. */
function failingProbeOrNotReady(facts: ContainerFacts): Finding | undefined {
  const { pod, podName, ns, status, spec, mine, stateLine, base, livenessKills } = facts;
  // Running but failing a probe.
  if (spec && status.state?.running) {
    const unhealthy = mine.filter((e) => e.reason === 'Unhealthy');
    if (!status.ready) {
      const readiness = unhealthy.filter((e) => /^Readiness probe failed/.test(e.message ?? ''));
      const startup = unhealthy.filter((e) => /^Startup probe failed/.test(e.message ?? ''));
      if (readiness.length > 0) return probeFinding(status, spec, 'readiness', readiness, base);
      if (startup.length > 0) return probeFinding(status, spec, 'startup', startup, base);
    }
    if (livenessKills.length > 0 && status.restartCount > 0) {
      return probeFinding(status, spec, 'liveness', livenessKills, base);
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
