import type { Context } from '../context.ts';
import { planWeight } from '../delivery/tracks.ts';
import { analysisPlan, baseline, deliveryTarget, shiftTraffic, watchCanary } from '../delivery/traffic-steps.ts';
import { BerthError, EXIT, type ExitCode } from '../exit-codes.ts';
import type { CommandInput, PROMOTE_OPTIONS } from '../registry.ts';

/** berth promote: the candidate's new share (default 100 %, it becomes live), watched below 100 %. */
export async function promote(
  ctx: Context,
  { positionals, options }: CommandInput<typeof PROMOTE_OPTIONS>,
): Promise<ExitCode> {
  const app = ctx.app(positionals[0]);
  const weight = options.weight === undefined ? 100 : Number(options.weight);
  if (!/^\d+$/.test(options.weight ?? '100') || weight < 1 || weight > 100) {
    throw new BerthError(
      `--weight must be a percentage from 1 to 100, not "${options.weight}"`,
      EXIT.usage,
      'berth abort sends it 0 %',
    );
  }
  const analysis = weight < 100 ? analysisPlan(options, '1m') : undefined;
  const target = await deliveryTarget(ctx, app, options);
  planWeight(app, target.state, weight);
  const shift = await shiftTraffic(ctx, target, weight);
  const start = analysis ? await baseline(ctx, { ...target, state: shift.state }, analysis) : undefined;
  const result = {
    ok: true,
    app: app.name,
    track: target.state.candidate,
    tag: target.state.tags[target.state.candidate],
    from: target.state.weight,
    weight,
    switchMs: shift.helmMs + shift.observedMs,
  };
  if (!analysis || !start) {
    ctx.out.result(result);
    return EXIT.ok;
  }
  const watched = await watchCanary(ctx, { ...target, state: shift.state }, analysis, start);
  ctx.out.result({
    ...result,
    ok: !watched.aborted,
    weight: watched.aborted ? 0 : weight,
    verdict: watched.verdict,
    aborted: watched.aborted ?? null,
  });
  if (watched.aborted) {
    ctx.out.error(`canary aborted: ${watched.verdict.reason}`, `berth logs api${ctx.namespaceFlag()}`);
    return EXIT.unhealthy;
  }
  return EXIT.ok;
}
