import { spawn } from 'node:child_process';
import { parsePositiveInt } from '../args.ts';
import type { Context } from '../context.ts';
import { BerthError, EXIT, type ExitCode } from '../exit-codes.ts';
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
  const argv = ctx.kubectlArgv([
    '-n',
    ctx.namespace(app),
    'logs',
    '-l',
    selector(ctx.release(app), component),
    '--all-containers',
    '--prefix',
    '--max-log-requests',
    '20',
    '--tail',
    String(tail),
    ...(options.follow ? ['-f'] : []),
    ...(options.previous ? ['--previous'] : []),
  ]);
  const [program, ...args] = argv;
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(program ?? 'kubectl', args, { stdio: ['ignore', 'inherit', 'inherit'], windowsHide: true });
    child.on('error', reject);
    child.on('close', resolve);
  });
  return code === 0 ? EXIT.ok : EXIT.failed;
}
