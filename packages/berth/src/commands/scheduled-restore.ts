import type { V1CronJob, V1Job } from '@kubernetes/client-node';
import type { AppDefinition } from '../apps/descriptor.ts';
import type { Context } from '../context.ts';
import { BerthError, EXIT } from '../exit-codes.ts';
import { run } from '../process.ts';
import { selector } from '../release.ts';

/** The chart component of the scheduled backup CronJob (and of the restore Job made from it). */
export const BACKUP_COMPONENT = 'db-backup';

/** `latest`, or a dump's file name as the CronJob writes it: no path, nothing a shell would read. */
export function checkBackupName(name: string): string {
  if (name === 'latest' || /^[A-Za-z0-9][A-Za-z0-9._:-]*\.dump$/.test(name)) return name;
  throw new BerthError(
    `not a scheduled backup's name: ${JSON.stringify(name)}`,
    EXIT.usage,
    'give latest or a file name the backup job wrote, such as 2026-11-24T03-17-00Z.dump',
  );
}

/**
 * Runs in the restore Job: picks the dump, restores it over the database Service, and says
 * which one. Exit 3 means the dump is not on the volume; the volume's list is printed then.
 */
const RESTORE_SCRIPT = `set -eu
list() { ls -1 /backups | grep '\\.dump$' | sort -r || true; }
if [ "$BACKUP" = latest ]; then name="$(list | head -n 1)"; else name="$BACKUP"; fi
if [ -z "$name" ] || [ ! -f "/backups/$name" ]; then
  echo "no backup named \${name:-(none: the volume holds no dump yet)}; on the volume:"
  list
  exit 3
fi
echo "restoring $name"
pg_restore --clean --if-exists --no-owner --exit-on-error -h "$PGHOST" -p "$PGPORT" -U "$POSTGRES_USER" -d "$POSTGRES_DB" "/backups/$name"
echo "restored $name"
`;

/**
 * The restore Job: the CronJob's own pod (its image, credentials, volume, security context and
 * labels, so the backup's NetworkPolicy lets it reach the database and nothing else) with the
 * restore script instead of pg_dump, the volume read-only, and no retry of a failed restore.
 */
export function restoreJob(cronJob: V1CronJob, name: string, backup: string): V1Job {
  const template = structuredClone(cronJob.spec?.jobTemplate);
  const pod = template?.spec?.template.spec;
  const container = pod?.containers[0];
  if (!template?.spec || !pod || !container) {
    throw new BerthError(`CronJob ${cronJob.metadata?.name} has no pod template`, EXIT.failed);
  }
  container.name = 'pg-restore';
  container.command = ['sh', '-c', RESTORE_SCRIPT];
  container.env = [...(container.env ?? []).filter((e) => e.name !== 'KEEP'), { name: 'BACKUP', value: backup }];
  for (const mount of container.volumeMounts ?? []) if (mount.mountPath === '/backups') mount.readOnly = true;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: cronJob.metadata?.namespace,
      labels: { ...template.metadata?.labels, 'berth.dev/restore': 'true' },
    },
    spec: { ...template.spec, backoffLimit: 0, ttlSecondsAfterFinished: 86_400 },
  };
}

async function findCronJob(ctx: Context, app: AppDefinition): Promise<V1CronJob> {
  const namespace = ctx.namespace(app);
  const list = await ctx.kube().batch.listNamespacedCronJob({
    namespace,
    labelSelector: selector(ctx.release(app), BACKUP_COMPONENT),
  });
  const cronJob = list.items[0];
  if (!cronJob) {
    throw new BerthError(
      `release ${ctx.release(app)} in namespace ${namespace} has no scheduled backups`,
      EXIT.usage,
      `turn them on with berth up ${app.name} --set ${app.database?.backupValues}.enabled=true`,
    );
  }
  return cronJob;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Restores a scheduled backup through a Job; returns the dump's name and the Job's log. */
export async function restoreScheduled(
  ctx: Context,
  app: AppDefinition,
  backup: string,
  timeoutMs = 30 * 60_000,
): Promise<{ restored: string; log: string }> {
  const cronJob = await findCronJob(ctx, app);
  const namespace = ctx.namespace(app);
  const name = `${cronJob.metadata?.name}-restore-${Date.now().toString(36)}`.slice(0, 63);
  const job = restoreJob(cronJob, name, checkBackupName(backup));
  ctx.out.step(`restoring ${backup === 'latest' ? 'the newest scheduled backup' : backup} with Job ${name}`);
  await run(ctx.kubectlArgv(['-n', namespace, 'create', '-f', '-']), { input: JSON.stringify(job) });
  const deadline = Date.now() + timeoutMs;
  let state: 'Complete' | 'Failed' | undefined;
  while (!state) {
    const current = await ctx.kube().batch.readNamespacedJob({ name, namespace });
    state = current.status?.conditions?.find(
      (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
    )?.type as typeof state;
    if (!state && Date.now() > deadline) {
      throw new BerthError(`the restore Job ${name} did not finish in ${timeoutMs / 60_000} min`, EXIT.failed);
    }
    if (!state) await sleep(1000);
  }
  const pods = await ctx.kube().core.listNamespacedPod({ namespace, labelSelector: `job-name=${name}` });
  const pod = pods.items[0]?.metadata?.name;
  const log = pod ? await ctx.kube().core.readNamespacedPodLog({ name: pod, namespace }) : '';
  if (state === 'Failed') {
    throw new BerthError(
      `the restore failed: ${log.trim().split('\n').slice(-8).join(' | ') || 'the Job failed without a log'}`,
      EXIT.failed,
      `kubectl -n ${namespace} describe job ${name}`,
    );
  }
  const restored = /^restored (.+)$/m.exec(log)?.[1] ?? backup;
  return { restored, log };
}
