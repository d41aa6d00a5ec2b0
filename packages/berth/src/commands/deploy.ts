import { parsePositiveInt } from '../args.ts';
import type { Context } from '../context.ts';
import { ask } from '../delivery/ingress-probe.ts';
import { applyDelivery } from '../delivery/release-values.ts';
import { planNewTrack, type Track } from '../delivery/tracks.ts';
import {
  analysisPlan,
  baseline,
  type DeliveryTarget,
  deliveryTarget,
  shiftTraffic,
  watchCanary,
} from '../delivery/traffic-steps.ts';
import { imageRefs } from '../deploy/images.ts';
import { BerthError, EXIT, type ExitCode } from '../exit-codes.ts';
import type { CommandInput, DEPLOY_OPTIONS } from '../registry.ts';
import { judgeAnswer, SETTLE_MS } from '../smoke.ts';
import { buildAndShip, clusterFlavour } from './up.ts';

type DeployOptions = CommandInput<typeof DEPLOY_OPTIONS>['options'];

/**
 * berth deploy --strategy blue-green|canary: build → the idle track at 0 % →
 * its smoke checks through the ingress → the switch (blue-green) or a share
 * watched against the stable track (canary). Each step below, in that order.
 */
export async function deploy(
  ctx: Context,
  { positionals, options }: CommandInput<typeof DEPLOY_OPTIONS>,
): Promise<ExitCode> {
  const app = ctx.app(positionals[0]);
  const { strategy, tag, weight, analysis } = checkOptions(options);
  const started = performance.now();
  const target = await deliveryTarget(ctx, app, options);
  const plan = planNewTrack(app, target.state, tag);
  if (!options['no-build']) await buildImage(ctx, target, tag, options);

  ctx.out.step(
    `${strategy}: ${tag} on the ${plan.track} track beside ${plan.from}, at 0 % of the traffic; waiting for readiness`,
  );
  const upMs = await applyDelivery(ctx, app, plan.changes, target.timeoutMs);
  let current: DeliveryTarget = {
    ...target,
    state: { ...target.state, candidate: plan.track, weight: 0, tags: { ...target.state.tags, [plan.track]: tag } },
  };
  ctx.out.ok(`${plan.track} runs ${tag} and is ready (${(upMs / 1000).toFixed(1)} s)`);
  await smokeTrack(ctx, current, plan.track, tag);

  const result = {
    ok: true,
    app: app.name,
    strategy,
    tag,
    track: plan.track,
    previous: plan.from,
    upMs: Math.round(upMs),
  };
  if (strategy === 'blue-green') {
    if (options.hold) {
      ctx.out.ok(`${tag} is up and tested on ${plan.track}, at 0 %: berth promote ${app.name} switches to it`);
      ctx.out.result({ ...result, weight: 0 });
      return EXIT.ok;
    }
    const shift = await shiftTraffic(ctx, current, 100);
    ctx.out.ok(`switched: every request goes to ${tag}; berth abort ${app.name} switches back to ${plan.from}`);
    ctx.out.result({
      ...result,
      weight: 100,
      switchMs: shift.helmMs + shift.observedMs,
      seconds: Math.round((performance.now() - started) / 1000),
    });
    return EXIT.ok;
  }
  const shift = await shiftTraffic(ctx, current, weight);
  current = { ...current, state: shift.state };
  const start = analysis ? await baseline(ctx, current, analysis) : undefined;
  if (!analysis || !start) {
    ctx.out.result({ ...result, weight });
    return EXIT.ok;
  }
  const watched = await watchCanary(ctx, current, analysis, start);
  ctx.out.result({
    ...result,
    weight: watched.aborted ? 0 : weight,
    verdict: watched.verdict,
    aborted: watched.aborted ?? null,
  });
  if (watched.aborted) {
    ctx.out.error(
      `canary ${tag} aborted: ${watched.verdict.reason}`,
      `berth logs api${ctx.namespaceFlag()}; fix it, then berth deploy again`,
    );
    return EXIT.unhealthy;
  }
  ctx.out.line(`next: berth promote ${app.name} [--weight N], or berth abort ${app.name}`);
  return EXIT.ok;
}

function checkOptions(options: DeployOptions) {
  const strategy = options.strategy;
  if (!strategy)
    throw new BerthError('--strategy is required: blue-green or canary', EXIT.usage, 'berth deploy --help');
  const tag = options['image-tag'];
  if (!tag || !/^[\w][\w.-]{0,127}$/.test(tag)) {
    throw new BerthError(`--image-tag is required and must be an image tag${tag ? `, not "${tag}"` : ''}`, EXIT.usage);
  }
  const weight = options.weight ? parsePositiveInt(options.weight, 'weight') : 10;
  if (weight > 100) throw new BerthError(`--weight is a percentage, at most 100, not ${weight}`, EXIT.usage);
  if (strategy === 'blue-green' && (options.weight || options.analysis)) {
    throw new BerthError('--weight and --analysis are for --strategy canary', EXIT.usage);
  }
  const analysis = strategy === 'canary' ? analysisPlan(options, '1m') : undefined;
  return { strategy, tag, weight, analysis };
}

/** The delivered component's image only, tagged with the new version. */
async function buildImage(ctx: Context, target: DeliveryTarget, tag: string, options: DeployOptions): Promise<void> {
  const component = target.app.delivery?.component;
  const images = imageRefs(target.app, tag, options.registry).filter((i) => i.component === component);
  const flavour = await clusterFlavour(ctx, options.flavour);
  await buildAndShip(ctx, { root: ctx.root(), app: target.app }, options, { kube: ctx.kube(), flavour, tag, images });
}

/**
 * The app's smoke checks under the split path, through the ingress with the
 * track header: the new track answers them, with its version, before any user
 * request reaches it. A 404, 502, 503 or 504, or an answer from another
 * version, is asked again (for up to 15 s) while the ingress controller learns
 * the new endpoints.
 */
async function smokeTrack(ctx: Context, target: DeliveryTarget, track: Track, tag: string): Promise<void> {
  const prefix = target.app.delivery?.pathPrefix ?? '/';
  for (const check of target.app.smoke.http.filter((c) => c.path.startsWith(prefix))) {
    const started = performance.now();
    let problem: string | undefined;
    for (;;) {
      const answer = await ask(target.base, target.state.host, check.path, { [target.state.header]: track });
      problem =
        judgeAnswer(check, answer.status, answer.body) ??
        (answer.version === tag ? undefined : `answered by version ${answer.version ?? '(none)'}, not ${tag}`);
      // Until the controller has the new track's endpoints, the pinned request
      // may fall through to a route without the header (another version).
      const settling = [0, 404, 502, 503, 504].includes(answer.status) || answer.version !== tag;
      if (!problem || !settling || performance.now() - started > SETTLE_MS) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    if (problem) {
      throw new BerthError(
        `${tag} on ${track} failed its smoke check "${check.name}": ${problem}; it received no user traffic`,
        EXIT.unhealthy,
        `berth logs ${target.app.delivery?.component}${ctx.namespaceFlag()}; berth deploy again with a fixed version`,
      );
    }
    ctx.out.ok(`${check.name} on ${track} through the ingress (${Math.round(performance.now() - started)} ms)`);
  }
}
