import type { AppDefinition } from '../apps/descriptor.ts';
import type { Context } from '../context.ts';
import { diagnose } from '../doctor/diagnose.ts';
import { checkEnvironment } from '../doctor/environment.ts';
import { readSnapshot } from '../doctor/read-snapshot.ts';
import { renderDiagnosis } from '../doctor/render.ts';
import { BerthError, EXIT, type ExitCode } from '../exit-codes.ts';
import { apiStatus } from '../kube.ts';
import type { CommandInput, DOCTOR_OPTIONS } from '../registry.ts';

export async function doctor(
  ctx: Context,
  { positionals, options }: CommandInput<typeof DOCTOR_OPTIONS>,
): Promise<ExitCode> {
  const { out } = ctx;
  const env = await checkEnvironment(() => ctx.kube());
  out.line(out.paint('bold', 'Tools and cluster'));
  for (const check of env.checks) {
    const line = `${check.name.padEnd(22)} ${check.detail}`;
    if (check.state === 'ok') out.ok(line);
    else if (check.state === 'warn') out.warn(line);
    else out.bad(line);
    if (check.fix && check.state !== 'ok') out.line(`    fix: ${check.fix}`);
  }
  const result: Record<string, unknown> = {
    checks: env.checks,
    flavour: env.flavour,
    builder: env.builder,
  };
  if (!env.usable) {
    result.healthy = false;
    out.result(result);
    out.error('berth cannot work with this setup yet', 'fix the ✗ lines above, then run berth doctor again');
    return EXIT.environment;
  }
  let exit: ExitCode = EXIT.ok;
  const explicit = positionals[0] !== undefined || options.namespace !== undefined || options.app !== undefined;
  const app = options['cluster-only'] ? undefined : appToDiagnose(ctx, positionals[0], explicit);
  if (!options['cluster-only'] && !app && !options.namespace) {
    out.line();
    out.line(
      '(no app here to diagnose: berth finds apps by their deploy/charts/*/berth.app.json; pass -n <namespace> or --root <project>)',
    );
  } else if (!options['cluster-only']) {
    const namespace = options.namespace ?? app?.name ?? '';
    const deploy = app ? `berth up ${app.name}${ctx.namespaceFlag()}` : 'deploy an app there first';
    const kube = ctx.kube();
    let exists = true;
    try {
      await kube.core.readNamespace({ name: namespace });
    } catch (error) {
      if (apiStatus(error) !== 404) throw error;
      exists = false;
    }
    out.line();
    if (!exists) {
      if (explicit) {
        out.bad(`namespace ${namespace} does not exist`);
        out.line(`    fix: deploy the app first: ${deploy}`);
        exit = EXIT.unhealthy;
      } else out.line(`(namespace ${namespace} does not exist yet: nothing deployed to diagnose; next: ${deploy})`);
      result.diagnosis = null;
    } else {
      out.line(out.paint('bold', `Namespace ${namespace}`));
      const diagnosis = diagnose(await readSnapshot(kube, namespace, env.flavour));
      renderDiagnosis(diagnosis, out);
      result.diagnosis = diagnosis;
      if (!diagnosis.healthy) exit = EXIT.unhealthy;
    }
  }
  result.healthy = exit === EXIT.ok;
  out.result(result);
  return exit;
}

/**
 * The app whose namespace doctor looks into. Named (or given a namespace), it must
 * exist; asked nothing outside a project, doctor checks the tools and the cluster only.
 */
export function appToDiagnose(ctx: Context, named: string | undefined, explicit: boolean): AppDefinition | undefined {
  try {
    return ctx.app(named);
  } catch (error) {
    if (!explicit && error instanceof BerthError && error.code === EXIT.usage) return undefined;
    if (ctx.options.namespace && named === undefined && ctx.options.app === undefined) return undefined;
    throw error;
  }
}
