import { parsePositiveInt } from '../args.ts';
import type { Context } from '../context.ts';
import { BerthError, EXIT, type ExitCode } from '../exit-codes.ts';
import type { CommandInput, OPEN_OPTIONS } from '../registry.ts';
import { componentService, portForward } from '../release.ts';

export async function open(
  ctx: Context,
  { positionals, options }: CommandInput<typeof OPEN_OPTIONS>,
): Promise<ExitCode> {
  const app = ctx.app();
  const component = positionals[0] ?? app.entry;
  if (!app.components.includes(component)) {
    throw new BerthError(
      `app ${app.name} has no component "${component}"`,
      EXIT.usage,
      `components: ${app.components.join(', ')}`,
    );
  }
  const port = options.port ? parsePositiveInt(options.port, 'port') : 0;
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
  const stop = () => forward.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const code = await forward.closed;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  return code === 0 || code === null ? EXIT.ok : EXIT.failed;
}
