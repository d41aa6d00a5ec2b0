import type { Context } from '../context.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import type { CommandInput, SMOKE_OPTIONS } from '../registry.ts';
import { publicUrl } from '../release.ts';
import { runSmoke } from '../smoke.ts';

export async function smoke(ctx: Context, { options }: CommandInput<typeof SMOKE_OPTIONS>): Promise<ExitCode> {
  const app = ctx.app();
  await ctx.cluster();
  const target = await publicUrl(ctx, app, { given: options.url });
  try {
    ctx.out.step(`smoke checks against ${target.url} (${target.how})`);
    const results = await runSmoke(
      app,
      { base: target.url, release: ctx.release(app), namespace: ctx.namespace(app), helmArgv: (a) => ctx.helmArgv(a) },
      ctx.out,
    );
    const ok = results.length > 0 && results.every((r) => r.ok);
    ctx.out.result({ url: target.url, how: target.how, ok, results });
    if (!ok) {
      ctx.out.error('a smoke check failed', `berth doctor ${app.name}${ctx.namespaceFlag()}; berth logs ${app.entry}`);
      return EXIT.unhealthy;
    }
    return EXIT.ok;
  } finally {
    target.close();
  }
}
