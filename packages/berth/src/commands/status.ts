import type { AppDefinition } from '../apps/descriptor.ts';
import type { Context } from '../context.ts';
import { readTracks } from '../delivery/track-status.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import { helmStatus, selector } from '../release.ts';
import { readWorkloads } from '../workloads.ts';

/** A release's state as `berth status` shows it (and the `status` tool of berth mcp answers). */
export async function readStatus(ctx: Context, app: AppDefinition) {
  const namespace = ctx.namespace(app);
  const release = ctx.release(app);
  const kube = await ctx.cluster();
  const labelSelector = selector(release);
  const [helm, workloads, pods, services, slices, hpas, tracks] = await Promise.all([
    helmStatus(ctx, app),
    readWorkloads(ctx, namespace, release),
    kube.core.listNamespacedPod({ namespace, labelSelector }),
    kube.core.listNamespacedService({ namespace, labelSelector }),
    kube.discovery.listNamespacedEndpointSlice({ namespace }),
    kube.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace, labelSelector }),
    readTracks(ctx, app),
  ]);
  if (!helm && workloads.length === 0) return { installed: false as const, release, namespace };
  const podRows = pods.items
    .filter((p) => p.status?.phase !== 'Succeeded')
    .map((p) => ({
      name: p.metadata?.name ?? '?',
      component: p.metadata?.labels?.['app.kubernetes.io/component'] ?? '',
      phase: p.status?.phase ?? '?',
      ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      restarts: (p.status?.containerStatuses ?? []).reduce((sum, c) => sum + c.restartCount, 0),
    }));
  const serviceRows = services.items.map((s) => {
    const name = s.metadata?.name ?? '?';
    const endpoints = slices.items
      .filter((sl) => sl.metadata?.labels?.['kubernetes.io/service-name'] === name)
      .flatMap((sl) => sl.endpoints ?? []);
    return {
      name,
      type: s.spec?.type ?? 'ClusterIP',
      ports: (s.spec?.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}`).join(','),
      endpoints: endpoints.length,
      ready: endpoints.filter((e) => e.conditions?.ready !== false).length,
    };
  });
  const hpaRows = hpas.items.map((h) => ({
    name: h.metadata?.name ?? '?',
    current: h.status?.currentReplicas ?? 0,
    desired: h.status?.desiredReplicas ?? 0,
    min: h.spec?.minReplicas ?? 1,
    max: h.spec?.maxReplicas ?? 0,
    cpu: h.status?.currentMetrics?.find((m) => m.type === 'Resource')?.resource?.current?.averageUtilization,
  }));
  const healthy =
    helm?.status !== 'failed' && workloads.every((w) => w.ready >= w.desired) && podRows.every((p) => p.ready);
  return {
    installed: true as const,
    release,
    namespace,
    helm,
    healthy,
    workloads,
    pods: podRows,
    services: serviceRows,
    hpa: hpaRows,
    // Progressive delivery: each track's version, share of traffic and replicas.
    ...(tracks ? { tracks } : {}),
  };
}

export type AppStatus = Awaited<ReturnType<typeof readStatus>>;

export async function status(ctx: Context): Promise<ExitCode> {
  const { out } = ctx;
  const app = ctx.app();
  const state = await readStatus(ctx, app);
  const { release, namespace } = state;
  if (!state.installed) {
    out.bad(`release ${release} is not installed in namespace ${namespace}`);
    out.result({ installed: false, release, namespace });
    out.error(`nothing deployed as ${release} in ${namespace}`, `berth up ${app.name}`);
    return EXIT.unhealthy;
  }
  const { helm, workloads, pods: podRows, services: serviceRows, hpa: hpaRows, healthy } = state;
  out.line(
    `release ${release} in ${namespace}: ${helm ? `revision ${helm.revision}, ${helm.status}` : 'not a Helm release'}`,
  );
  for (const w of workloads) {
    const line = `${`${w.kind.toLowerCase()}/${w.name}`.padEnd(40)} ${w.ready}/${w.desired} ready`;
    if (w.ready >= w.desired) out.ok(line);
    else out.bad(line);
  }
  for (const p of podRows) {
    const line = `${`pod/${p.name}`.padEnd(40)} ${p.phase}${p.ready ? ', ready' : ', NOT ready'}, ${p.restarts} restarts`;
    if (p.ready && p.restarts === 0) out.ok(line);
    else if (p.ready) out.warn(line);
    else out.bad(line);
  }
  for (const s of serviceRows) {
    const line = `${`service/${s.name}`.padEnd(40)} ${s.type} ${s.ports}, ${s.ready}/${s.endpoints} endpoints ready`;
    if (s.ready > 0) out.ok(line);
    else out.bad(line);
  }
  for (const h of hpaRows) {
    out.ok(
      `hpa/${h.name}`.padEnd(40) +
        ` replicas ${h.current} (desired ${h.desired}, ${h.min}–${h.max}), CPU ${h.cpu === undefined ? 'unknown' : `${h.cpu}%`}`,
    );
  }
  for (const t of state.tracks ?? []) {
    const line =
      `track ${t.track}`.padEnd(40) +
      ` ${t.version || '(no version)'}: ${t.weight} % of requests${t.live ? ', live' : t.candidate ? ', candidate' : ''}; ${t.ready}/${t.desired} ready (deployment/${t.deployment})`;
    if (t.ready >= t.desired) out.ok(line);
    else out.bad(line);
  }
  out.result(state);
  if (!healthy) {
    out.error('not everything is ready', `berth doctor ${app.name}${ctx.namespaceFlag()}`);
    return EXIT.unhealthy;
  }
  return EXIT.ok;
}
