import { parseDuration, parsePositiveInt } from '../args.ts';
import type { Context } from '../context.ts';
import { BerthError, EXIT, type ExitCode } from '../exit-codes.ts';
import { run } from '../process.ts';
import type { CommandInput, ROLLBACK_OPTIONS } from '../registry.ts';
import { helmStatus } from '../release.ts';

export async function rollback(ctx: Context, { options }: CommandInput<typeof ROLLBACK_OPTIONS>): Promise<ExitCode> {
  const app = ctx.app();
  const namespace = ctx.namespace(app);
  const release = ctx.release(app);
  const to = options.to ? parsePositiveInt(options.to, 'to') : undefined;
  const timeout = `${Math.round(parseDuration(options.timeout ?? '5m', 'timeout') / 1000)}s`;
  await ctx.cluster();
  const before = await helmStatus(ctx, app);
  if (!before)
    throw new BerthError(`release ${release} is not installed in ${namespace}`, EXIT.unhealthy, `berth up ${app.name}`);
  ctx.out.step(`rolling ${release} back from revision ${before.revision} to ${to ?? 'the previous revision'}`);
  const result = await run(
    ctx.helmArgv(['rollback', release, ...(to ? [String(to)] : []), '-n', namespace, '--wait', '--timeout', timeout]),
    { allowFailure: true },
  );
  if (result.code !== 0) {
    throw new BerthError(
      `helm rollback failed: ${result.stderr.trim()}`,
      EXIT.failed,
      `helm history ${release} -n ${namespace}; berth doctor`,
    );
  }
  const after = await helmStatus(ctx, app);
  ctx.out.ok(
    `release ${release} is at revision ${after?.revision} (${after?.status}), restored from ${to ?? before.revision - 1}`,
  );
  ctx.out.result({
    release,
    namespace,
    from: before.revision,
    to: to ?? before.revision - 1,
    revision: after?.revision,
    status: after?.status,
  });
  return EXIT.ok;
}
