import type { AppDefinition } from '../apps/descriptor.ts';
import { parseDuration, parsePositiveInt } from '../args.ts';
import type { Context } from '../context.ts';
import { BerthError, EXIT } from '../exit-codes.ts';
import { DEFAULT_THRESHOLDS, judgeCanary, type Thresholds, type Verdict } from './canary-analysis.ts';
import { type Answer, ask, awaitVersion, ingressBase } from './ingress-probe.ts';
import { applyDelivery, readDelivery } from './release-values.ts';
import { type DeliveryState, deliveredImage, liveTrack, otherTrack, TRACKS, type Track, weightOf } from './tracks.ts';
import { parseMetricsService, readTrafficSample, traefikServiceName } from './traffic-metrics.ts';

/** The steps berth deploy, promote and abort share: move traffic and see it moved; watch a canary. */

export interface TrafficOptions {
  'ingress-url'?: string | undefined;
  timeout?: string | undefined;
}

export interface AnalysisOptions {
  analysis?: string | undefined;
  'max-error-increase'?: string | undefined;
  'max-latency-ratio'?: string | undefined;
  'min-requests'?: string | undefined;
  metrics?: string | undefined;
}

/** Everything a delivery step needs: the app, its state, where the ingress is, how long Helm may wait. */
export interface DeliveryTarget {
  app: AppDefinition;
  state: DeliveryState;
  base: string;
  timeoutMs: number;
}

export async function deliveryTarget(
  ctx: Context,
  app: AppDefinition,
  options: TrafficOptions,
): Promise<DeliveryTarget> {
  await ctx.cluster();
  const state = await readDelivery(ctx, app);
  return {
    app,
    state,
    base: await ingressBase(ctx, options['ingress-url']),
    timeoutMs: parseDuration(options.timeout ?? '5m', 'timeout'),
  };
}

/** A GET of the first smoke path the tracks serve, through the ingress, optionally pinned to a track. */
export function probeFor(target: DeliveryTarget, track?: Track): () => Promise<Answer> {
  const prefix = target.app.delivery?.pathPrefix ?? '/';
  const path = target.app.smoke.http.find((c) => c.path.startsWith(prefix))?.path ?? prefix;
  return () => ask(target.base, target.state.host, path, track ? { [target.state.header]: track } : {});
}

/**
 * Sets the candidate's share, then waits until the ingress controller serves
 * it: at 0 % and 100 % until 20 answers in a row come from the one version, in
 * between until the candidate has answered. Returns the new state and timings.
 */
export async function shiftTraffic(ctx: Context, target: DeliveryTarget, weight: number) {
  const { state } = target;
  const before = liveTrack(state);
  const helmMs = await applyDelivery(ctx, target.app, { 'delivery.weight': weight }, target.timeoutMs);
  const next: DeliveryState = { ...state, weight };
  const shownTrack = weight === 0 ? otherTrack(state.candidate) : state.candidate;
  const seen = await awaitVersion(probeFor({ ...target, state: next }), {
    version: next.tags[shownTrack],
    all: weight === 0 || weight === 100,
  });
  const after = liveTrack(next);
  ctx.out.ok(
    `${state.candidate} (${state.tags[state.candidate]}) now receives ${weight} %, ${otherTrack(state.candidate)} (${state.tags[otherTrack(state.candidate)]}) ${100 - weight} %` +
      `${after !== before ? `; ${after} is live` : ''} (helm ${(helmMs / 1000).toFixed(1)} s, served by the ingress ${(seen.ms / 1000).toFixed(1)} s later)`,
  );
  return { state: next, helmMs: Math.round(helmMs), observedMs: Math.round(seen.ms) };
}

function thresholdsFrom(options: AnalysisOptions): Thresholds {
  const number = (text: string | undefined, option: string, fallback: number) => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) {
      throw new BerthError(`--${option} must be a number of at least 0, not "${text}"`, EXIT.usage);
    }
    return value;
  };
  return {
    ...DEFAULT_THRESHOLDS,
    maxErrorIncrease:
      number(options['max-error-increase'], 'max-error-increase', DEFAULT_THRESHOLDS.maxErrorIncrease * 100) / 100,
    maxLatencyRatio: number(options['max-latency-ratio'], 'max-latency-ratio', DEFAULT_THRESHOLDS.maxLatencyRatio),
    minRequests: options['min-requests']
      ? parsePositiveInt(options['min-requests'], 'min-requests')
      : DEFAULT_THRESHOLDS.minRequests,
  };
}

const TICK_MS = 5000;

/** The canary analysis, or undefined when --analysis is 0. Checked before anything changes. */
export function analysisPlan(options: AnalysisOptions, defaultDuration: string) {
  const durationMs = parseDuration(options.analysis ?? defaultDuration, 'analysis');
  if (durationMs === 0) return undefined;
  return {
    durationMs,
    thresholds: thresholdsFrom(options),
    metrics: parseMetricsService(options.metrics ?? 'kube-system/traefik-metrics:9100'),
  };
}

export type AnalysisPlan = NonNullable<ReturnType<typeof analysisPlan>>;

/** Traefik's name for each track's Service (as the chart names them: <API Service>-<track>). */
async function trackServiceNames(ctx: Context, target: DeliveryTarget): Promise<Record<Track, string>> {
  const namespace = ctx.namespace(target.app);
  const component = deliveredImage(target.app).component;
  const services = await ctx.kube().core.listNamespacedService({
    namespace,
    labelSelector: `app.kubernetes.io/instance=${ctx.release(target.app)},app.kubernetes.io/component=${component},berth.dev/track`,
  });
  const names = {} as Record<Track, string>;
  for (const track of TRACKS) {
    const service = services.items.find((s) => s.metadata?.labels?.['berth.dev/track'] === track);
    const port = service?.spec?.ports?.[0]?.port;
    if (!service?.metadata?.name || !port) {
      throw new BerthError(
        `no Service of the ${track} track in ${namespace}`,
        EXIT.unhealthy,
        `berth status ${target.app.name}`,
      );
    }
    names[track] = traefikServiceName(namespace, service.metadata.name, port);
  }
  return names;
}

/** The controller's counters now: the baseline of an analysis, taken once the controller routes the canary's share. */
export async function baseline(ctx: Context, target: DeliveryTarget, plan: AnalysisPlan) {
  const services = await trackServiceNames(ctx, target);
  return { services, sample: await readTrafficSample(ctx, plan.metrics, services) };
}

/**
 * Watches the canary for the plan's duration, judging every few seconds over
 * the whole window so far; on the first "abort" verdict it sends every request
 * back to the stable track by itself. Resolves with the last verdict and, when
 * it aborted, how long the abort took.
 */
export async function watchCanary(
  ctx: Context,
  target: DeliveryTarget,
  plan: AnalysisPlan,
  start: Awaited<ReturnType<typeof baseline>>,
): Promise<{ verdict: Verdict; aborted?: { afterMs: number; abortMs: number } }> {
  const { out } = ctx;
  const { state } = target;
  const started = performance.now();
  out.step(
    `watching the canary (${state.candidate}, ${weightOf(state, state.candidate)} %) for ${Math.round(plan.durationMs / 1000)} s: abort if its error ratio is ${(plan.thresholds.maxErrorIncrease * 100).toFixed(1)} points or its mean latency ${plan.thresholds.maxLatencyRatio}× worse than the stable track's`,
  );
  let verdict: Verdict | undefined;
  while (performance.now() - started < plan.durationMs) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(TICK_MS, plan.durationMs)));
    const now = await readTrafficSample(ctx, plan.metrics, start.services);
    verdict = judgeCanary(start.sample, now, state.candidate, plan.thresholds);
    if (verdict.kind === 'abort') {
      const afterMs = performance.now() - started;
      out.bad(`canary ${state.tags[state.candidate]} is worse than the stable track: ${verdict.reason}`);
      out.step(
        `aborting: every request back to ${otherTrack(state.candidate)} (${state.tags[otherTrack(state.candidate)]})`,
      );
      const abortStarted = performance.now();
      await shiftTraffic(ctx, target, 0);
      return {
        verdict,
        aborted: { afterMs: Math.round(afterMs), abortMs: Math.round(performance.now() - abortStarted) },
      };
    }
    out.line(`  ${Math.round((performance.now() - started) / 1000)} s: ${verdict.reason}`);
  }
  if (!verdict || verdict.kind === 'waiting') {
    throw new BerthError(
      `the canary received too few requests to judge in ${Math.round(plan.durationMs / 1000)} s (${verdict?.canary.requests ?? 0})`,
      EXIT.unhealthy,
      'send it traffic, or a longer --analysis, or a lower --min-requests; it keeps its share until you promote or abort',
    );
  }
  out.ok(`canary healthy over ${Math.round(plan.durationMs / 1000)} s: ${verdict.reason}`);
  return { verdict };
}
