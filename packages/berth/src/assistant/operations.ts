import {
  type CoreV1Event,
  Metrics,
  type V1LabelSelector,
  type V1NetworkPolicy,
  type V1NetworkPolicyPeer,
  type V1NetworkPolicyPort,
  type V1Pod,
} from '@kubernetes/client-node';
import type { AppDefinition } from '../apps/descriptor.ts';
import { readStatus } from '../commands/status.ts';
import { Context } from '../context.ts';
import { diagnose } from '../doctor/diagnose.ts';
import type { Finding } from '../doctor/findings.ts';
import { readSnapshot } from '../doctor/read-snapshot.ts';
import { renderFinding } from '../doctor/render.ts';
import { Output } from '../output.ts';
import { run } from '../process.ts';
import { flavourOf, helmStatus, selector } from '../release.ts';

/**
 * What berth's assistant tools do, one function each, on one namespace the
 * Scope has already allowed. Each answers with words for a person (or a
 * model) and the same facts as data. Reading goes through the Kubernetes API
 * with the user's kubeconfig; changing goes through kubectl and helm, as the
 * other berth commands do.
 */

export interface Answer<T = Record<string, unknown>> {
  text: string;
  data: T;
}

/** A problem a person fixes (no such component, nothing deployed): the tool answers it as an error. */
export class ToolRefusal extends Error {}

/** One app in one namespace: what every tool acts on. */
export interface Target {
  ctx: Context;
  app: AppDefinition;
  namespace: string;
  release: string;
}

const plain = new Output({ json: false, noColor: true });

export function targetIn(base: Context, app: AppDefinition, namespace: string): Target {
  const ctx = new Context({ ...base.options, namespace }, base.out, base.cwd);
  return { ctx, app, namespace, release: ctx.release(app) };
}

/** A component of the app by its name, or by its workload's name (names-api → api). */
export function componentOf(app: AppDefinition, release: string, given: string): string {
  const name = given.trim().toLowerCase();
  if (app.components.includes(name)) return name;
  const stripped = name.startsWith(`${release}-`) ? name.slice(release.length + 1) : name;
  if (app.components.includes(stripped)) return stripped;
  throw new ToolRefusal(`app ${app.name} has no component "${given}" (components: ${app.components.join(', ')})`);
}

/** The message of a Kubernetes API error (its Status body), else the error's own. */
export function apiMessage(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const status = JSON.parse(body) as { message?: unknown };
      if (typeof status.message === 'string') return status.message;
    } catch {
      return body;
    }
  }
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------- status

export async function status(t: Target): Promise<Answer> {
  const state = await readStatus(t.ctx, t.app);
  if (!state.installed) {
    throw new ToolRefusal(
      `release ${t.release} is not installed in namespace ${t.namespace} (deploy it: berth up ${t.app.name} -n ${t.namespace})`,
    );
  }
  const lines = [
    `release ${state.release} in ${state.namespace}: ${state.helm ? `revision ${state.helm.revision}, ${state.helm.status}` : 'not a Helm release'}; ${state.healthy ? 'everything is ready' : 'NOT everything is ready'}`,
    ...state.workloads.map((w) => `${w.kind.toLowerCase()}/${w.name}: ${w.ready}/${w.desired} ready`),
    ...state.pods.map(
      (p) => `pod/${p.name} (${p.component}): ${p.phase}, ${p.ready ? 'ready' : 'NOT ready'}, ${p.restarts} restarts`,
    ),
    ...state.services.map((s) => `service/${s.name}: ${s.type} ${s.ports}, ${s.ready}/${s.endpoints} endpoints ready`),
    ...state.hpa.map(
      (h) =>
        `hpa/${h.name}: ${h.current} replicas (desired ${h.desired}, ${h.min}–${h.max}), CPU ${h.cpu === undefined ? 'unknown' : `${h.cpu}%`}`,
    ),
  ];
  return { text: lines.join('\n'), data: state };
}

// ---------------------------------------------------------------- diagnose

async function componentObjects(t: Target, component: string): Promise<Set<string>> {
  const kube = t.ctx.kube();
  const labelSelector = selector(t.release, component);
  const [pods, deployments, statefulsets, services, pvcs] = await Promise.all([
    kube.core.listNamespacedPod({ namespace: t.namespace, labelSelector }),
    kube.apps.listNamespacedDeployment({ namespace: t.namespace, labelSelector }),
    kube.apps.listNamespacedStatefulSet({ namespace: t.namespace, labelSelector }),
    kube.core.listNamespacedService({ namespace: t.namespace, labelSelector }),
    kube.core.listNamespacedPersistentVolumeClaim({ namespace: t.namespace, labelSelector }),
  ]);
  return new Set([
    ...pods.items.map((p) => `pod/${p.metadata?.name}`),
    ...deployments.items.map((d) => `deployment/${d.metadata?.name}`),
    ...statefulsets.items.map((s) => `statefulset/${s.metadata?.name}`),
    ...services.items.map((s) => `service/${s.metadata?.name}`),
    ...pvcs.items.map((p) => `persistentvolumeclaim/${p.metadata?.name}`),
  ]);
}

function aboutAny(finding: Finding, objects: Set<string>): boolean {
  const names = [...finding.objects, ...(finding.workload ? [finding.workload] : [])].map((o) => o.toLowerCase());
  return names.some((name) => objects.has(name) || objects.has(name.replace(/^pvc\//, 'persistentvolumeclaim/')));
}

/** berth doctor's findings for the namespace (or one component of the app), each with its cause and fix. */
export async function diagnoseNamespace(
  t: Target,
  options: { component?: string | undefined } = {},
): Promise<
  Answer<{ namespace: string; healthy: boolean; component: string | null; findings: Finding[]; checked: unknown }>
> {
  const kube = await t.ctx.cluster();
  const component = options.component === undefined ? undefined : componentOf(t.app, t.release, options.component);
  const diagnosis = diagnose(await readSnapshot(kube, t.namespace, await flavourOf(t.ctx)));
  let findings = diagnosis.findings;
  if (component !== undefined) {
    const objects = await componentObjects(t, component);
    findings = findings.filter((f) => aboutAny(f, objects));
  }
  const problems = findings.filter((f) => f.severity !== 'info');
  const where = component === undefined ? `namespace ${t.namespace}` : `component ${component} in ${t.namespace}`;
  const { checked } = diagnosis;
  const head =
    problems.length === 0
      ? `${where} is healthy (checked ${checked.pods} pods, ${checked.services} services, ${checked.pvcs} PVCs)`
      : `${where}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`;
  const text = [head, ...findings.flatMap((f) => ['', ...renderFinding(f, plain)])].join('\n');
  return {
    text,
    data: { namespace: t.namespace, healthy: problems.length === 0, component: component ?? null, findings, checked },
  };
}

// ---------------------------------------------------------------- logs

export const LOG_LIMITS = { maxTail: 500, maxPods: 10, maxBytesPerContainer: 64 * 1024 } as const;

/** The last lines of a component's pods (or one pod), each container's, bounded in lines, pods and bytes. */
export async function logs(
  t: Target,
  options: { component?: string | undefined; pod?: string | undefined; tail: number; previous?: boolean | undefined },
): Promise<Answer> {
  const kube = await t.ctx.cluster();
  const tail = Math.min(Math.max(1, Math.trunc(options.tail)), LOG_LIMITS.maxTail);
  let pods: V1Pod[];
  if (options.pod !== undefined) {
    try {
      pods = [await kube.core.readNamespacedPod({ name: options.pod, namespace: t.namespace })];
    } catch {
      throw new ToolRefusal(`no pod ${options.pod} in namespace ${t.namespace}`);
    }
  } else {
    const component = options.component === undefined ? undefined : componentOf(t.app, t.release, options.component);
    const list = await kube.core.listNamespacedPod({
      namespace: t.namespace,
      labelSelector: selector(t.release, component),
    });
    pods = list.items.filter((p) => p.status?.phase !== 'Succeeded');
    if (pods.length === 0) {
      throw new ToolRefusal(
        `no pods${component ? ` of component ${component}` : ''} (release ${t.release}) in namespace ${t.namespace}`,
      );
    }
  }
  const shown = pods.slice(0, LOG_LIMITS.maxPods);
  const entries: { pod: string; container: string; lines: string[]; error?: string }[] = [];
  for (const pod of shown) {
    const name = pod.metadata?.name ?? '';
    for (const container of pod.spec?.containers ?? []) {
      try {
        const text = await kube.core.readNamespacedPodLog({
          name,
          namespace: t.namespace,
          container: container.name,
          tailLines: tail,
          limitBytes: LOG_LIMITS.maxBytesPerContainer,
          ...(options.previous ? { previous: true } : {}),
        });
        entries.push({ pod: name, container: container.name, lines: text.split('\n').filter((l) => l !== '') });
      } catch (error) {
        entries.push({ pod: name, container: container.name, lines: [], error: apiMessage(error).slice(0, 300) });
      }
    }
  }
  const text = entries
    .flatMap((e) => [
      `==> pod/${e.pod} container ${e.container} (last ${tail} lines${options.previous ? ', previous run' : ''}) <==`,
      ...(e.error ? [`(could not read: ${e.error})`] : e.lines.length === 0 ? ['(no output)'] : e.lines),
    ])
    .concat(pods.length > shown.length ? [`(${pods.length - shown.length} more pods not shown)`] : [])
    .join('\n');
  return { text, data: { namespace: t.namespace, tail, entries } };
}

// ---------------------------------------------------------------- events

function eventTime(event: CoreV1Event): number {
  const when = event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata?.creationTimestamp;
  return when ? new Date(when).getTime() : 0;
}

/** The namespace's recent events, newest first, warnings only if asked. */
export async function events(
  t: Target,
  options: { warningsOnly?: boolean | undefined; limit: number },
): Promise<Answer> {
  const kube = await t.ctx.cluster();
  const list = await kube.core.listNamespacedEvent({ namespace: t.namespace });
  const rows = list.items
    .filter((e) => !options.warningsOnly || e.type === 'Warning')
    .sort((a, b) => eventTime(b) - eventTime(a))
    .slice(0, Math.min(Math.max(1, options.limit), 200))
    .map((e) => ({
      type: e.type ?? 'Normal',
      reason: e.reason ?? '',
      object: `${(e.involvedObject.kind ?? '').toLowerCase()}/${e.involvedObject.name ?? ''}`,
      message: (e.message ?? '').trim(),
      count: e.count ?? 1,
      last: new Date(eventTime(e)).toISOString(),
    }));
  const text =
    rows.length === 0
      ? `no ${options.warningsOnly ? 'warning ' : ''}events in ${t.namespace}`
      : rows
          .map((r) => `${r.last} ${r.type} ${r.reason} ${r.object}: ${r.message}${r.count > 1 ? ` (×${r.count})` : ''}`)
          .join('\n');
  return { text, data: { namespace: t.namespace, events: rows } };
}

// ---------------------------------------------------------------- top

/** Millicores from a Kubernetes CPU quantity (250m, 1, 123456789n). */
export function millicores(quantity: string): number {
  const match = /^([0-9.]+)([numk]?)$/.exec(quantity.trim());
  if (!match) return 0;
  const value = Number(match[1]);
  const factor = { n: 1e-6, u: 1e-3, m: 1, '': 1000, k: 1e6 }[match[2] as 'n' | 'u' | 'm' | '' | 'k'];
  return value * factor;
}

/** Bytes from a Kubernetes memory quantity (128Mi, 1Gi, 5000k, 1048576). */
export function bytes(quantity: string): number {
  const match = /^([0-9.]+)(Ki|Mi|Gi|Ti|k|M|G|T|m)?$/.exec(quantity.trim());
  if (!match) return 0;
  const factors: Record<string, number> = {
    '': 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
  };
  return Number(match[1]) * (factors[match[2] ?? ''] ?? 1);
}

const MiB = 1024 * 1024;

function metricsUnavailable(error: unknown): ToolRefusal {
  return new ToolRefusal(
    `the metrics API does not answer (is metrics-server installed and ready? berth doctor checks it): ${(error as Error).message ?? error}`.slice(
      0,
      400,
    ),
  );
}

/** CPU and memory use of the namespace's pods (metrics-server), the heaviest first. */
export async function top(t: Target, options: { sort: 'cpu' | 'memory' }): Promise<Answer> {
  const kube = await t.ctx.cluster();
  const metrics = new Metrics(kube.config);
  let list: Awaited<ReturnType<Metrics['getPodMetrics']>>;
  try {
    list = await metrics.getPodMetrics(t.namespace);
  } catch (error) {
    throw metricsUnavailable(error);
  }
  const pods = await kube.core.listNamespacedPod({ namespace: t.namespace });
  const limits = new Map(
    pods.items.map((p) => [
      p.metadata?.name ?? '',
      (p.spec?.containers ?? []).reduce(
        (sum, c) => {
          const memory = c.resources?.limits?.memory;
          const cpu = c.resources?.limits?.cpu;
          return {
            memory: sum.memory === undefined || memory === undefined ? undefined : sum.memory + bytes(memory),
            cpu: sum.cpu === undefined || cpu === undefined ? undefined : sum.cpu + millicores(cpu),
          };
        },
        { memory: 0 as number | undefined, cpu: 0 as number | undefined },
      ),
    ]),
  );
  const rows = list.items
    .map((item) => {
      const cpu = item.containers.reduce((sum, c) => sum + millicores(c.usage.cpu), 0);
      const memory = item.containers.reduce((sum, c) => sum + bytes(c.usage.memory), 0);
      const limit = limits.get(item.metadata.name);
      return {
        pod: item.metadata.name,
        cpuMillicores: Math.round(cpu),
        memoryMiB: Math.round((memory / MiB) * 10) / 10,
        cpuLimitMillicores: limit?.cpu === undefined ? null : Math.round(limit.cpu),
        memoryLimitMiB: limit?.memory === undefined ? null : Math.round(limit.memory / MiB),
      };
    })
    .sort((a, b) => (options.sort === 'cpu' ? b.cpuMillicores - a.cpuMillicores : b.memoryMiB - a.memoryMiB));
  const text =
    rows.length === 0
      ? `no pod metrics in ${t.namespace} yet (metrics-server reports a pod about a minute after it starts)`
      : [
          `pods in ${t.namespace} by ${options.sort === 'cpu' ? 'CPU' : 'memory'} use, the heaviest first:`,
          ...rows.map(
            (r) =>
              `pod/${r.pod}: CPU ${r.cpuMillicores}m${r.cpuLimitMillicores ? ` of ${r.cpuLimitMillicores}m limit` : ''}, memory ${r.memoryMiB} MiB${r.memoryLimitMiB ? ` of ${r.memoryLimitMiB} MiB limit` : ''}`,
          ),
        ].join('\n');
  return { text, data: { namespace: t.namespace, sort: options.sort, pods: rows } };
}

// ---------------------------------------------------------------- cluster health

/** The nodes (ready, pressure, use) and the doctor's verdict on each namespace in scope. */
export async function clusterHealth(targets: Target[]): Promise<Answer> {
  const first = targets[0];
  if (!first) throw new Error('clusterHealth: no namespace');
  const kube = await first.ctx.cluster();
  const nodes = await kube.core.listNode();
  const usage = new Map<string, { cpu: number; memory: number }>();
  let metricsNote: string | undefined;
  try {
    const metrics = await new Metrics(kube.config).getNodeMetrics();
    for (const item of metrics.items) {
      usage.set(item.metadata.name, { cpu: millicores(item.usage.cpu), memory: bytes(item.usage.memory) });
    }
  } catch {
    metricsNote = 'node CPU and memory use unknown: the metrics API does not answer (metrics-server)';
  }
  const nodeRows = nodes.items.map((node) => {
    const name = node.metadata?.name ?? '?';
    const conditions = node.status?.conditions ?? [];
    const ready = conditions.find((c) => c.type === 'Ready')?.status === 'True';
    const pressures = conditions.filter((c) => c.type !== 'Ready' && c.status === 'True').map((c) => c.type);
    const allocatable = node.status?.allocatable ?? {};
    const used = usage.get(name);
    const cpuPercent = used && allocatable.cpu ? Math.round((used.cpu / millicores(allocatable.cpu)) * 100) : undefined;
    const memoryPercent =
      used && allocatable.memory ? Math.round((used.memory / bytes(allocatable.memory)) * 100) : undefined;
    return {
      name,
      ready,
      pressures,
      unschedulable: node.spec?.unschedulable === true,
      kubelet: node.status?.nodeInfo?.kubeletVersion ?? '',
      cpuPercent: cpuPercent ?? null,
      memoryPercent: memoryPercent ?? null,
    };
  });
  const namespaces = [];
  for (const t of targets) {
    const diagnosis = await diagnoseNamespace(t);
    namespaces.push({
      namespace: t.namespace,
      healthy: diagnosis.data.healthy,
      problems: diagnosis.data.findings
        .filter((f) => f.severity !== 'info')
        .map((f) => ({ summary: f.summary, fix: f.fix, objects: f.objects })),
    });
  }
  const healthy = nodeRows.every((n) => n.ready && n.pressures.length === 0) && namespaces.every((n) => n.healthy);
  const lines = [
    healthy ? 'The cluster looks healthy.' : 'The cluster needs attention.',
    `Nodes (${nodeRows.length}):`,
    ...nodeRows.map(
      (n) =>
        `  ${n.ready ? '✓' : '✗'} node/${n.name}: ${n.ready ? 'Ready' : 'NOT Ready'}${n.pressures.length ? `, under ${n.pressures.join(', ')}` : ''}${n.unschedulable ? ', cordoned' : ''}${n.cpuPercent === null ? '' : `, CPU ${n.cpuPercent}%`}${n.memoryPercent === null ? '' : `, memory ${n.memoryPercent}%`}${n.kubelet ? ` (kubelet ${n.kubelet})` : ''}`,
    ),
    ...(metricsNote ? [`  (${metricsNote})`] : []),
    'Namespaces:',
    ...namespaces.flatMap((n) => [
      `  ${n.healthy ? '✓' : '✗'} ${n.namespace}: ${n.healthy ? 'healthy' : `${n.problems.length} problem${n.problems.length === 1 ? '' : 's'}`}`,
      ...n.problems.flatMap((p) => [`    - ${p.summary}`, `      fix: ${p.fix}`]),
    ]),
  ];
  return { text: lines.join('\n'), data: { healthy, nodes: nodeRows, namespaces } };
}

// ---------------------------------------------------------------- volumes

/** The PVCs of the namespace: state, size, class, and which pods mount them where. */
export async function volumes(t: Target): Promise<Answer> {
  const kube = await t.ctx.cluster();
  const [pvcs, pods] = await Promise.all([
    kube.core.listNamespacedPersistentVolumeClaim({ namespace: t.namespace }),
    kube.core.listNamespacedPod({ namespace: t.namespace }),
  ]);
  const rows = pvcs.items.map((pvc) => {
    const name = pvc.metadata?.name ?? '?';
    const mountedBy = pods.items.flatMap((pod) => {
      const volume = pod.spec?.volumes?.find((v) => v.persistentVolumeClaim?.claimName === name);
      if (!volume) return [];
      const paths = (pod.spec?.containers ?? []).flatMap((c) =>
        (c.volumeMounts ?? []).filter((m) => m.name === volume.name).map((m) => `${c.name}:${m.mountPath}`),
      );
      return [{ pod: pod.metadata?.name ?? '?', mounts: paths }];
    });
    return {
      name,
      phase: pvc.status?.phase ?? 'Unknown',
      capacity: pvc.status?.capacity?.storage ?? pvc.spec?.resources?.requests?.storage ?? '?',
      storageClass: pvc.spec?.storageClassName ?? '(default)',
      accessModes: pvc.spec?.accessModes ?? [],
      volume: pvc.spec?.volumeName ?? null,
      mountedBy,
    };
  });
  const text =
    rows.length === 0
      ? `no PersistentVolumeClaims in ${t.namespace}`
      : rows
          .map(
            (r) =>
              `pvc/${r.name}: ${r.phase}, ${r.capacity}, class ${r.storageClass}, ${r.accessModes.join(',')}; ${
                r.mountedBy.length === 0
                  ? 'mounted by no pod'
                  : `mounted by ${r.mountedBy.map((m) => `pod/${m.pod} at ${m.mounts.join(', ')}`).join('; ')}`
              }`,
          )
          .join('\n');
  return { text, data: { namespace: t.namespace, pvcs: rows } };
}

// ---------------------------------------------------------------- network policies

/** Whether a label selector selects these labels (matchLabels and matchExpressions). */
export function selects(selectorSpec: V1LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selectorSpec) return true;
  for (const [key, value] of Object.entries(selectorSpec.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const expression of selectorSpec.matchExpressions ?? []) {
    const value = labels[expression.key];
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
        if (value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (value === undefined) return false;
        break;
      case 'DoesNotExist':
        if (value !== undefined) return false;
        break;
    }
  }
  return true;
}

function describeSelector(spec: V1LabelSelector | undefined): string {
  const parts = [
    ...Object.entries(spec?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(spec?.matchExpressions ?? []).map((e) => `${e.key} ${e.operator}${e.values ? ` (${e.values.join(',')})` : ''}`),
  ];
  return parts.length === 0 ? 'all' : parts.join(', ');
}

function describePeer(peer: V1NetworkPolicyPeer): string {
  if (peer.ipBlock)
    return `IP block ${peer.ipBlock.cidr}${peer.ipBlock.except?.length ? ` except ${peer.ipBlock.except.join(',')}` : ''}`;
  const parts: string[] = [];
  if (peer.namespaceSelector) parts.push(`namespaces [${describeSelector(peer.namespaceSelector)}]`);
  if (peer.podSelector) parts.push(`pods [${describeSelector(peer.podSelector)}]`);
  return parts.join(' / ') || 'anywhere';
}

function describePorts(ports: V1NetworkPolicyPort[] | undefined): string {
  if (!ports || ports.length === 0) return 'all ports';
  return ports.map((p) => `${p.port ?? '*'}/${p.protocol ?? 'TCP'}`).join(', ');
}

function describePolicy(policy: V1NetworkPolicy) {
  const spec = policy.spec;
  const types = spec?.policyTypes ?? (spec?.egress ? ['Ingress', 'Egress'] : ['Ingress']);
  const ingress = types.includes('Ingress')
    ? (spec?.ingress ?? []).map(
        (rule) =>
          `from ${rule._from?.length ? rule._from.map(describePeer).join(' or ') : 'anywhere'} on ${describePorts(rule.ports)}`,
      )
    : null;
  const egress = types.includes('Egress')
    ? (spec?.egress ?? []).map(
        (rule) =>
          `to ${rule.to?.length ? rule.to.map(describePeer).join(' or ') : 'anywhere'} on ${describePorts(rule.ports)}`,
      )
    : null;
  return { name: policy.metadata?.name ?? '?', podSelector: describeSelector(spec?.podSelector), ingress, egress };
}

/** The NetworkPolicies of the namespace, or those that select one pod (or a component's pods), with what they allow. */
export async function networkPolicies(
  t: Target,
  options: { pod?: string | undefined; component?: string | undefined },
): Promise<Answer> {
  const kube = await t.ctx.cluster();
  const policies = (await kube.networking.listNamespacedNetworkPolicy({ namespace: t.namespace })).items;
  let pods: V1Pod[] | undefined;
  if (options.pod !== undefined) {
    try {
      pods = [await kube.core.readNamespacedPod({ name: options.pod, namespace: t.namespace })];
    } catch {
      throw new ToolRefusal(`no pod ${options.pod} in namespace ${t.namespace}`);
    }
  } else if (options.component !== undefined) {
    const component = componentOf(t.app, t.release, options.component);
    pods = (
      await kube.core.listNamespacedPod({ namespace: t.namespace, labelSelector: selector(t.release, component) })
    ).items;
    if (pods.length === 0) throw new ToolRefusal(`no pods of component ${component} in ${t.namespace}`);
  }
  const described = policies.map((policy) => ({
    ...describePolicy(policy),
    selects: (pods ?? [])
      .filter((pod) => selects(policy.spec?.podSelector, pod.metadata?.labels ?? {}))
      .map((p) => p.metadata?.name ?? ''),
  }));
  const relevant = pods === undefined ? described : described.filter((p) => p.selects.length > 0);
  const lines: string[] = [];
  if (policies.length === 0)
    lines.push(`no NetworkPolicies in ${t.namespace}: all traffic to and from its pods is allowed`);
  else if (pods !== undefined && relevant.length === 0) {
    lines.push(
      `no NetworkPolicy selects ${pods.map((p) => `pod/${p.metadata?.name}`).join(', ')}: all its traffic is allowed`,
    );
  } else {
    if (pods !== undefined) {
      lines.push(
        `${relevant.length} NetworkPolic${relevant.length === 1 ? 'y affects' : 'ies affect'} ${pods.map((p) => `pod/${p.metadata?.name}`).join(', ')} (traffic is allowed only where some policy allows it):`,
      );
    } else lines.push(`${relevant.length} NetworkPolic${relevant.length === 1 ? 'y' : 'ies'} in ${t.namespace}:`);
    for (const p of relevant) {
      lines.push(`networkpolicy/${p.name} (pods: ${p.podSelector})`);
      if (p.ingress)
        lines.push(p.ingress.length === 0 ? '  ingress: all denied' : `  ingress allowed ${p.ingress.join('; ')}`);
      if (p.egress)
        lines.push(p.egress.length === 0 ? '  egress: all denied' : `  egress allowed ${p.egress.join('; ')}`);
    }
  }
  return { text: lines.join('\n'), data: { namespace: t.namespace, policies: relevant } };
}

// ---------------------------------------------------------------- changes

/** What a change will do, worked out from the cluster before anything changes. */
export interface Plan {
  summary: string;
  apply(): Promise<Answer>;
}

async function workloadOf(t: Target, component: string) {
  const kube = await t.ctx.cluster();
  const labelSelector = selector(t.release, component);
  const [deployments, statefulsets] = await Promise.all([
    kube.apps.listNamespacedDeployment({ namespace: t.namespace, labelSelector }),
    kube.apps.listNamespacedStatefulSet({ namespace: t.namespace, labelSelector }),
  ]);
  const deployment = deployments.items[0];
  if (deployment)
    return {
      kind: 'deployment' as const,
      name: deployment.metadata?.name ?? '',
      replicas: deployment.spec?.replicas ?? 1,
    };
  const statefulset = statefulsets.items[0];
  if (statefulset)
    return {
      kind: 'statefulset' as const,
      name: statefulset.metadata?.name ?? '',
      replicas: statefulset.spec?.replicas ?? 1,
    };
  throw new ToolRefusal(
    `component ${component} has no Deployment or StatefulSet in ${t.namespace} (release ${t.release})`,
  );
}

async function kubectl(t: Target, args: string[]): Promise<string> {
  const result = await run(t.ctx.kubectlArgv(['-n', t.namespace, ...args]), { allowFailure: true });
  if (result.code !== 0)
    throw new ToolRefusal(`kubectl ${args.join(' ')} failed: ${result.stderr.trim().slice(0, 400)}`);
  return result.stdout.trim();
}

export async function planScale(t: Target, given: string, replicas: number): Promise<Plan> {
  const component = componentOf(t.app, t.release, given);
  const workload = await workloadOf(t, component);
  const kube = t.ctx.kube();
  const hpa = (await kube.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: t.namespace })).items.find(
    (h) => h.spec?.scaleTargetRef.name === workload.name && h.spec.scaleTargetRef.kind.toLowerCase() === workload.kind,
  );
  const hpaMin = hpa?.spec?.minReplicas ?? 1;
  const hpaMax = hpa?.spec?.maxReplicas ?? 0;
  const newMax = Math.max(hpaMax, replicas);
  const summary =
    `scale ${workload.kind}/${workload.name} in ${t.namespace} from ${workload.replicas} to ${replicas} replica${replicas === 1 ? '' : 's'}` +
    (hpa
      ? `, and set its autoscaler hpa/${hpa.metadata?.name} to keep ${replicas}–${newMax} (now ${hpaMin}–${hpaMax}), or it would undo the change; the next berth up restores the chart's values`
      : '');
  return {
    summary,
    async apply() {
      if (hpa) {
        await kubectl(t, [
          'patch',
          `hpa/${hpa.metadata?.name}`,
          '--type',
          'merge',
          '-p',
          JSON.stringify({ spec: { minReplicas: Math.max(1, replicas), maxReplicas: Math.max(1, newMax) } }),
        ]);
      }
      await kubectl(t, ['scale', `${workload.kind}/${workload.name}`, `--replicas=${replicas}`]);
      return {
        text: `Done: ${workload.kind}/${workload.name} in ${t.namespace} is set to ${replicas} replica${replicas === 1 ? '' : 's'} (was ${workload.replicas})${hpa ? `; hpa/${hpa.metadata?.name} keeps ${Math.max(1, replicas)}–${Math.max(1, newMax)}` : ''}. Pods start or stop now; berth status shows them.`,
        data: {
          done: true,
          namespace: t.namespace,
          workload: `${workload.kind}/${workload.name}`,
          from: workload.replicas,
          replicas,
        },
      };
    },
  };
}

export async function planRestart(t: Target, given: string): Promise<Plan> {
  const component = componentOf(t.app, t.release, given);
  const workload = await workloadOf(t, component);
  return {
    summary: `restart the ${workload.replicas} pod${workload.replicas === 1 ? '' : 's'} of ${workload.kind}/${workload.name} in ${t.namespace} (a rolling restart: new pods replace the old ones as they become ready)`,
    async apply() {
      await kubectl(t, ['rollout', 'restart', `${workload.kind}/${workload.name}`]);
      return {
        text: `Done: ${workload.kind}/${workload.name} in ${t.namespace} is restarting (rolling); berth status shows the new pods.`,
        data: { done: true, namespace: t.namespace, workload: `${workload.kind}/${workload.name}` },
      };
    },
  };
}

export async function planRollback(t: Target, revision: number | undefined): Promise<Plan> {
  await t.ctx.cluster();
  const before = await helmStatus(t.ctx, t.app);
  if (!before) throw new ToolRefusal(`release ${t.release} is not installed in ${t.namespace}`);
  const to = revision ?? before.revision - 1;
  if (to < 1 || to >= before.revision) {
    throw new ToolRefusal(
      `release ${t.release} in ${t.namespace} is at revision ${before.revision}: there is no ${revision === undefined ? 'previous revision' : `revision ${revision} before it`} to roll back to`,
    );
  }
  return {
    summary: `roll release ${t.release} in ${t.namespace} back from revision ${before.revision} to revision ${to} (helm rollback, then wait up to 5 minutes for the workloads)`,
    async apply() {
      const result = await run(
        t.ctx.helmArgv(['rollback', t.release, String(to), '-n', t.namespace, '--wait', '--timeout', '300s']),
        { allowFailure: true },
      );
      if (result.code !== 0) throw new ToolRefusal(`helm rollback failed: ${result.stderr.trim().slice(0, 400)}`);
      const after = await helmStatus(t.ctx, t.app);
      return {
        text: `Done: release ${t.release} in ${t.namespace} is at revision ${after?.revision} (${after?.status}), with the contents of revision ${to}.`,
        data: { done: true, namespace: t.namespace, from: before.revision, to, revision: after?.revision ?? null },
      };
    },
  };
}
