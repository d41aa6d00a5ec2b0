import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { renderChart } from '@berth/testkit';
import type { V1CronJob } from '@kubernetes/client-node';
import { BACKUP_COMPONENT, checkBackupName, restoreJob } from './scheduled-restore.ts';

const TODO_CHART = fileURLToPath(new URL('../../../../deploy/charts/todo', import.meta.url));

test('a scheduled backup is named latest or by its file name; a path or anything else is refused', () => {
  assert.equal(checkBackupName('latest'), 'latest');
  assert.equal(checkBackupName('2026-11-24T03-17-00Z.dump'), '2026-11-24T03-17-00Z.dump');
  for (const bad of ['../db.dump', '/backups/x.dump', 'x.sql', '', '$(reboot).dump', '-x.dump']) {
    assert.throws(() => checkBackupName(bad), /not a scheduled backup's name/, bad);
  }
});

test("the restore Job is the chart's backup pod with the restore script, the volume read-only and no retry", async () => {
  const objects = await renderChart(TODO_CHART, { set: { 'postgresql.backup.enabled': 'true' } });
  const cronJob = objects.find((o) => o.kind === 'CronJob') as unknown as V1CronJob;
  assert.equal(cronJob.metadata?.labels?.['app.kubernetes.io/component'], BACKUP_COMPONENT);
  const job = restoreJob(cronJob, 'todo-db-backup-restore-1', 'latest');
  const pod = job.spec?.template.spec;
  const container = pod?.containers[0];
  assert.equal(job.spec?.backoffLimit, 0);
  // The labels the backup's NetworkPolicy selects, so the Job reaches the database and nothing else.
  assert.equal(job.spec?.template.metadata?.labels?.['app.kubernetes.io/component'], BACKUP_COMPONENT);
  assert.match(container?.command?.join(' ') ?? '', /pg_restore --clean --if-exists/);
  assert.deepEqual(
    container?.env?.filter((e) => e.name === 'BACKUP' || e.name === 'KEEP'),
    [{ name: 'BACKUP', value: 'latest' }],
  );
  assert.equal(container?.volumeMounts?.find((m) => m.mountPath === '/backups')?.readOnly, true);
  assert.equal(pod?.securityContext?.runAsNonRoot, true);
  // The CronJob's own pod is untouched.
  assert.match(cronJob.spec?.jobTemplate.spec?.template.spec?.containers[0]?.command?.join(' ') ?? '', /pg_dump/);
});
