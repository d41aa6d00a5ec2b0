import type { Context } from '../context.ts';
import { otherTrack, planAbort } from '../delivery/tracks.ts';
import { deliveryTarget, shiftTraffic } from '../delivery/traffic-steps.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import type { ABORT_OPTIONS, CommandInput } from '../registry.ts';

/** berth abort: the candidate's share to 0 %, every request to the other track (the switch back). */
export async function abort(
  ctx: Context,
  { positionals, options }: CommandInput<typeof ABORT_OPTIONS>,
): Promise<ExitCode> {
  const app = ctx.app(positionals[0]);
  const target = await deliveryTarget(ctx, app, options);
  planAbort(app, target.state);
  const back = otherTrack(target.state.candidate);
  const shift = await shiftTraffic(ctx, target, 0);
  ctx.out.result({
    ok: true,
    app: app.name,
    track: back,
    tag: target.state.tags[back],
    from: target.state.weight,
    weight: 0,
    switchMs: shift.helmMs + shift.observedMs,
  });
  return EXIT.ok;
}
