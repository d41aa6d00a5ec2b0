import type { AppDefinition } from '../apps/descriptor.ts';
import type { Context } from '../context.ts';
import { BerthError, EXIT } from '../exit-codes.ts';
import { projectFile } from '../paths.ts';
import { run } from '../process.ts';
import { type DeliveryState, readDeliveryState, type ValueChanges } from './tracks.ts';

/** The release's delivery state, read from its values (every default included). */
export async function readDelivery(ctx: Context, app: AppDefinition): Promise<DeliveryState> {
  const release = ctx.release(app);
  const namespace = ctx.namespace(app);
  const result = await run(ctx.helmArgv(['get', 'values', release, '-n', namespace, '--all', '-o', 'json']), {
    allowFailure: true,
  });
  if (result.code !== 0) {
    throw new BerthError(
      `release ${release} is not installed in ${namespace}: ${result.stderr.trim().split('\n').pop()}`,
      EXIT.unhealthy,
      `berth up ${app.name}${ctx.namespaceFlag()} --set delivery.enabled=true`,
    );
  }
  const chart = await run(ctx.helmArgv(['list', '-n', namespace, '--filter', `^${release}$`, '-o', 'json']));
  const appVersion = (JSON.parse(chart.stdout) as { app_version?: string }[])[0]?.app_version ?? '';
  return readDeliveryState(app, JSON.parse(result.stdout), appVersion);
}

/**
 * One step of a delivery: `helm upgrade --reuse-values` with the changed values
 * only, waiting until every pod is ready. A new Helm revision each time, so
 * `helm history` is the delivery's log. Resolves with how long it took.
 */
export async function applyDelivery(
  ctx: Context,
  app: AppDefinition,
  changes: ValueChanges,
  timeoutMs: number,
): Promise<number> {
  const started = performance.now();
  const sets = Object.entries(changes).flatMap(([key, value]) =>
    // A tag may be all digits: a string for Helm all the same.
    typeof value === 'number' ? ['--set', `${key}=${value}`] : ['--set-string', `${key}=${value}`],
  );
  const release = ctx.release(app);
  const namespace = ctx.namespace(app);
  const result = await run(
    ctx.helmArgv([
      'upgrade',
      release,
      projectFile(ctx.root(), app.chart),
      '-n',
      namespace,
      '--reuse-values',
      // A step that does not get ready is undone: the previous values (and
      // traffic) come back, and the release is never left half-changed.
      '--atomic',
      '--wait',
      '--timeout',
      `${Math.round(timeoutMs / 1000)}s`,
      ...sets,
    ]),
    { allowFailure: true },
  );
  if (result.code !== 0) {
    throw new BerthError(
      `helm upgrade of ${release} failed and was rolled back: ${result.stderr.trim().split('\n').slice(-2).join(' ')}`,
      EXIT.failed,
      `berth status ${app.name}${ctx.namespaceFlag()}; berth doctor ${app.name}${ctx.namespaceFlag()}`,
    );
  }
  return performance.now() - started;
}
