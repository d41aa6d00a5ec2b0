import type { Context } from '../context.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import { apiStatus } from '../kube.ts';
import { run } from '../process.ts';
import type { CommandInput, DOWN_OPTIONS } from '../registry.ts';
import { selector } from '../release.ts';

export async function down(ctx: Context, { options }: CommandInput<typeof DOWN_OPTIONS>): Promise<ExitCode> {
  const app = ctx.app();
  const namespace = ctx.namespace(app);
  const release = ctx.release(app);
  const keep = options['keep-data'] === true;
  const kube = await ctx.cluster();
  const removed: string[] = [];
  const result = await run(ctx.helmArgv(['uninstall', release, '-n', namespace, '--wait', '--timeout', '5m']), {
    allowFailure: true,
  });
  if (result.code === 0) {
    ctx.out.ok(`uninstalled release ${release} from ${namespace}`);
    removed.push(`release/${release}`);
  } else if (/not found/i.test(result.stderr)) ctx.out.line(`release ${release} was not installed in ${namespace}`);
  else throw new Error(`helm uninstall failed: ${result.stderr.trim()}`);

  if (keep) {
    ctx.out.ok(`kept the data (PVCs and the credentials Secret) in ${namespace}: berth up ${app.name} finds it again`);
    ctx.out.result({ release, namespace, keptData: true, removed });
    return EXIT.ok;
  }
  const labelSelector = selector(release);
  try {
    const pvcs = await kube.core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector });
    for (const pvc of pvcs.items) {
      await kube.core.deleteNamespacedPersistentVolumeClaim({ name: pvc.metadata?.name ?? '', namespace });
      removed.push(`persistentvolumeclaim/${pvc.metadata?.name}`);
    }
    const secrets = await kube.core.listNamespacedSecret({ namespace, labelSelector });
    for (const secret of secrets.items) {
      await kube.core.deleteNamespacedSecret({ name: secret.metadata?.name ?? '', namespace });
      removed.push(`secret/${secret.metadata?.name}`);
    }
    const ns = await kube.core.readNamespace({ name: namespace });
    if (ns.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'berth') {
      await kube.core.deleteNamespace({ name: namespace });
      removed.push(`namespace/${namespace}`);
    }
  } catch (error) {
    if (apiStatus(error) !== 404) throw error;
  }
  for (const what of removed.slice(result.code === 0 ? 1 : 0)) ctx.out.ok(`deleted ${what}`);
  ctx.out.result({ release, namespace, keptData: false, removed });
  return EXIT.ok;
}
