import { spawn } from 'node:child_process';
import { parsePositiveInt } from '../args.ts';
import type { Context } from '../context.ts';
import { BerthError, EXIT, type ExitCode } from '../exit-codes.ts';
import { spawnFailure } from '../process.ts';
import type { CommandInput, LOGS_OPTIONS } from '../registry.ts';
import { selector } from '../release.ts';

export async function logs(
  ctx: Context,
  { positionals, options }: CommandInput<typeof LOGS_OPTIONS>,
): Promise<ExitCode> {
  const app = ctx.app();
  const component = positionals[0] ?? '';
  if (!app.components.includes(component)) {
    throw new BerthError(
      `app ${app.name} has no component "${component}"`,
      EXIT.usage,
      `components: ${app.components.join(', ')} (e.g. berth logs ${app.components[0]})`,
    );
  }
  const tail = parsePositiveInt(options.tail ?? '100', 'tail');
  const kube = await ctx.cluster();
  const namespace = ctx.namespace(app);
  const labelSelector = selector(ctx.release(app), component);
  const pods = await kube.core.listNamespacedPod({ namespace, labelSelector });
  if (pods.items.length === 0) {
    throw new BerthError(
      `no pods of component ${component} (release ${ctx.release(app)}) in namespace ${namespace}`,
      EXIT.unhealthy,
      `is the app deployed there? berth status${ctx.namespaceFlag()}`,
    );
  }
  const [program = 'kubectl', ...args] = ctx.kubectlArgv([
    '-n',
    namespace,
    'logs',
    '-l',
    labelSelector,
    '--all-containers',
    '--prefix',
    '--max-log-requests',
    '20',
    '--tail',
    String(tail),
    ...(options.follow ? ['-f'] : []),
    ...(options.previous ? ['--previous'] : []),
  ]);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'inherit', 'inherit'], windowsHide: true });
    child.on('error', (error) => reject(spawnFailure(program, error)));
    child.on('close', resolve);
  });
  if (code !== 0) {
    // The cluster answered and the pods exist: kubectl said above what it could not read (e.g. no --previous run).
    throw new BerthError(`kubectl logs exited ${code}`, EXIT.failed, `berth doctor ${app.name}${ctx.namespaceFlag()}`);
  }
  return EXIT.ok;
}
