import { parsePositiveInt } from '../args.ts';
import type { Context } from '../context.ts';
import { BerthError, EXIT, type ExitCode } from '../exit-codes.ts';
import type { CommandInput, OPEN_OPTIONS } from '../registry.ts';
import { componentService, portForward } from '../release.ts';

/**
 * The cluster's monitoring, as the test cluster runs it (namespace monitoring; -n picks
 * another): what each name opens, and the page to start from.
 */
export const MONITORING_TARGETS: Record<string, { service: string; port: number; path: string; what: string }> = {
  prometheus: {
    service: 'prometheus',
    port: 9090,
    path: '/api/v1/targets',
    what: "Prometheus's HTTP API (targets; /api/v1/alerts, /api/v1/query?query=up)",
  },
  logs: { service: 'victoria-logs', port: 9428, path: '/select/vmui/', what: 'the log store (VictoriaLogs, LogsQL)' },
};

export async function open(
  ctx: Context,
  { positionals, options }: CommandInput<typeof OPEN_OPTIONS>,
): Promise<ExitCode> {
  const port = options.port ? parsePositiveInt(options.port, 'port') : 0;
  const wanted = positionals[0];
  if (wanted === 'grafana') {
    throw new BerthError(
      'this cluster has no Grafana',
      EXIT.usage,
      'open the dashboards in a Grafana of your own (import deploy/monitoring/dashboards); berth open prometheus or berth open logs reach what the cluster runs',
    );
  }
  const monitoring = wanted === undefined ? undefined : MONITORING_TARGETS[wanted];
  if (monitoring && wanted) {
    await ctx.cluster();
    const namespace = ctx.options.namespace ?? 'monitoring';
    const forward = await portForward(ctx, namespace, monitoring.service, monitoring.port, port);
    const url = `${forward.url}${monitoring.path}`;
    ctx.out.ok(
      `${wanted}: ${monitoring.what} is at ${url}  (port-forward to service/${monitoring.service} in ${namespace}; Ctrl-C to close)`,
    );
    ctx.out.result({ url, service: monitoring.service, localPort: forward.localPort }, { now: true });
    return waitForForward(forward);
  }
  const app = ctx.app();
  const component = wanted ?? app.entry;
  if (!app.components.includes(component)) {
    throw new BerthError(
      `app ${app.name} has no component "${component}"`,
      EXIT.usage,
      `components: ${app.components.join(', ')}; or ${Object.keys(MONITORING_TARGETS).join(', ')}`,
    );
  }
  await ctx.cluster();
  const service = await componentService(ctx, app, component);
  const forward = await portForward(
    ctx,
    ctx.namespace(app),
    service.metadata?.name ?? '',
    service.spec?.ports?.[0]?.port ?? 80,
    port,
  );
  ctx.out.ok(
    `${component} of ${app.name} is at ${forward.url}/  (port-forward to service/${service.metadata?.name}; Ctrl-C to close)`,
  );
  ctx.out.result({ url: forward.url, service: service.metadata?.name, localPort: forward.localPort }, { now: true });
  return waitForForward(forward);
}

async function waitForForward(forward: { close(): void; closed: Promise<number | null> }): Promise<ExitCode> {
  const stop = () => forward.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const code = await forward.closed;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  return code === 0 || code === null ? EXIT.ok : EXIT.failed;
}
