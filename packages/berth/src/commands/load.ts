import { parseDuration, parsePositiveInt } from '../args.ts';
import type { Context } from '../context.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import { runLoad } from '../load.ts';
import type { CommandInput, LOAD_OPTIONS } from '../registry.ts';
import { publicUrl, selector } from '../release.ts';

export interface HpaSample {
  atSeconds: number;
  hpa: string;
  replicas: number;
  desired: number;
  cpu?: number;
}

export async function load(ctx: Context, { options }: CommandInput<typeof LOAD_OPTIONS>): Promise<ExitCode> {
  const app = ctx.app();
  const namespace = ctx.namespace(app);
  const durationMs = parseDuration(options.duration ?? '30s', 'duration');
  const connections = parsePositiveInt(options.connections ?? '10', 'connections');
  const kube = await ctx.cluster();
  const target = await publicUrl(ctx, app, { given: options.url });
  const url = target.url + (options.path ?? app.loadPath);
  const samples: HpaSample[] = [];
  const started = Date.now();
  const sample = async () => {
    try {
      const list = await kube.autoscaling.listNamespacedHorizontalPodAutoscaler({
        namespace,
        labelSelector: selector(ctx.release(app)),
      });
      for (const h of list.items) {
        const cpu = h.status?.currentMetrics?.find((m) => m.type === 'Resource')?.resource?.current?.averageUtilization;
        const entry: HpaSample = {
          atSeconds: Math.round((Date.now() - started) / 1000),
          hpa: h.metadata?.name ?? '?',
          replicas: h.status?.currentReplicas ?? 0,
          desired: h.status?.desiredReplicas ?? 0,
          ...(cpu === undefined ? {} : { cpu }),
        };
        const last = samples.filter((s) => s.hpa === entry.hpa).at(-1);
        samples.push(entry);
        if (!last || last.replicas !== entry.replicas || last.desired !== entry.desired) {
          ctx.out.line(
            `  t=${entry.atSeconds}s hpa/${entry.hpa}: ${entry.replicas} replicas (desired ${entry.desired}), CPU ${cpu ?? '?'}%`,
          );
        }
      }
    } catch {
      // the load figures matter more than one missed sample
    }
  };
  try {
    ctx.out.step(`load: GET ${url} from ${connections} connections for ${durationMs / 1000}s (${target.how})`);
    await sample();
    const timer = setInterval(sample, 2000);
    const figures = await runLoad(url, connections, durationMs).finally(() => clearInterval(timer));
    await sample();
    const replicas = samples.map((s) => s.replicas);
    const hpa = samples.length
      ? { min: Math.min(...replicas), max: Math.max(...replicas), last: replicas.at(-1), samples }
      : undefined;
    ctx.out.ok(
      `${figures.requests} requests in ${figures.seconds}s: ${figures.requestsPerSecond} requests/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms, ${figures.errors} errors`,
    );
    if (hpa) ctx.out.ok(`HPA replicas during the run: ${hpa.min}–${hpa.max} (now ${hpa.last})`);
    else ctx.out.warn('no HPA in this release: replicas stay fixed');
    for (const e of figures.errorSamples) ctx.out.bad(`error: ${e}`);
    // Every failure would make the document as long as the run; the distinct ones are in errorSamples.
    const { failures: _every, ...summary } = figures;
    ctx.out.result({ url, connections, ...summary, hpa: hpa ?? null });
    return figures.errors > 0 ? EXIT.unhealthy : EXIT.ok;
  } finally {
    target.close();
  }
}
