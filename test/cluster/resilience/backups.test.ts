// Scheduled backups of the Todo app's in-release PostgreSQL, and restoring one: tasks written,
// a backup taken by the CronJob on its schedule, more tasks written, the database's volume
// destroyed, `berth restore --scheduled <that backup>` → exactly the tasks of the backup are
// back; the restore is timed. Namespace rs-backup, host todo.backup.local.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  appHeaders,
  BERTH_BUILD_FLAGS,
  berthCli,
  deleteNamespace,
  eventually,
  explainRun,
  httpJson,
  kubectl,
  kubectlJson,
  removeRelease,
} from '@berth/testkit/cluster';

const NS = 'rs-backup';
const HOST = 'todo.backup.local';
const INGRESS = 'http://10.250.0.1:30880';
const COMMON = ['--app', 'todo', '-n', NS];
const BACKUP_LABELS = 'app.kubernetes.io/instance=todo,app.kubernetes.io/component=db-backup';

async function api(method: string, path: string, token?: string, body?: unknown) {
  return httpJson<unknown>(`${INGRESS}${path}`, method, body, appHeaders(HOST, token));
}

async function titles(token: string): Promise<string[]> {
  const listed = await api('GET', '/api/tasks?limit=200', token);
  assert.equal(listed.status, 200, JSON.stringify(listed.data));
  return (listed.data as { title: string }[]).map((t) => t.title).sort();
}

interface Job {
  metadata: { name: string; creationTimestamp: string; labels?: Record<string, string> };
  status: { succeeded?: number; failed?: number };
}

/** The scheduled backup Jobs (not berth's restore Jobs) that have succeeded, oldest first. */
async function scheduledRuns(): Promise<Job[]> {
  const jobs = await kubectlJson<{ items: Job[] }>(['-n', NS, 'get', 'jobs', '-l', BACKUP_LABELS]);
  return jobs.items
    .filter((job) => !job.metadata.labels?.['berth.dev/restore'] && (job.status.succeeded ?? 0) > 0)
    .sort((a, b) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp));
}

describe('scheduled backups of the Todo database, and restoring one', () => {
  before(async () => deleteNamespace(NS));
  after(async () => {
    await removeRelease('todo', NS);
  });

  test('backup on schedule, more writes, database volume destroyed, restore → exactly the backed-up tasks', {
    timeout: 1_200_000,
  }, async () => {
    const up = await berthCli([
      'up',
      'todo',
      '-n',
      NS,
      '--tag',
      'rs-todo',
      '--set',
      `ingress.host=${HOST}`,
      '--set',
      'postgresql.backup.enabled=true',
      '--set',
      'postgresql.backup.schedule=* * * * *',
      '--set',
      'api.autoscaling.enabled=false',
      '--set',
      'api.replicas=1',
      ...BERTH_BUILD_FLAGS,
    ]);
    assert.equal(up.code, 0, explainRun(up));

    const email = `backup-${Date.now().toString(36)}@example.com`;
    const registered = await api('POST', '/api/auth/register', undefined, {
      email,
      password: 'lantern orchard 7 tidewater',
    });
    assert.equal(registered.status, 201, JSON.stringify(registered.data));
    const token = (registered.data as { token: string }).token;
    const kept = ['in the backup 1', 'in the backup 2', 'in the backup 3'];
    for (const title of kept) assert.equal((await api('POST', '/api/tasks', token, { title })).status, 201);
    const written = new Date().toISOString();

    // The first run the CronJob starts after those writes holds them.
    const backupRun = await eventually(
      'a scheduled backup after the writes',
      async () => (await scheduledRuns()).find((job) => job.metadata.creationTimestamp > written),
      240_000,
    );
    const log = await kubectl(['-n', NS, 'logs', `job/${backupRun.metadata.name}`]);
    const dump = /^wrote (\S+\.dump) /m.exec(log)?.[1];
    assert.ok(dump, `the backup job says what it wrote: ${log}`);
    // No later run may hold the next writes' tasks while the test restores this one.
    await kubectl(['-n', NS, 'patch', 'cronjob', 'todo-db-backup', '-p', '{"spec":{"suspend":true}}']);

    for (const title of ['after the backup 1', 'after the backup 2']) {
      assert.equal((await api('POST', '/api/tasks', token, { title })).status, 201);
    }
    assert.equal((await titles(token)).length, 5);

    // The database is lost: its pod and its volume are gone; it comes back empty.
    await kubectl(['-n', NS, 'scale', 'statefulset', 'todo-db', '--replicas=0']);
    await kubectl(['-n', NS, 'wait', '--for=delete', 'pod/todo-db-0', '--timeout=120s']);
    await kubectl(['-n', NS, 'delete', 'pvc', 'data-todo-db-0', '--wait=true', '--timeout=120s']);
    await kubectl(['-n', NS, 'scale', 'statefulset', 'todo-db', '--replicas=1']);
    await kubectl(['-n', NS, 'rollout', 'status', 'statefulset/todo-db', '--timeout=180s']);

    // A name that is not on the volume: a clear error, and nothing restored.
    const missing = await berthCli(['restore', ...COMMON, '--scheduled', '2020-01-01T00-00-00Z.dump']);
    assert.notEqual(missing.code, 0, explainRun(missing));
    assert.match(explainRun(missing), /no backup named 2020-01-01T00-00-00Z\.dump/);
    assert.match(explainRun(missing), new RegExp(dump.replace(/\./g, '\\.')), 'the error lists what the volume holds');

    const restored = await berthCli(['restore', ...COMMON, '--scheduled', dump, '--json']);
    assert.equal(restored.code, 0, explainRun(restored));
    assert.equal(restored.json.restored, dump);
    const tasks = await eventually('the API answers from the restored database', async () => {
      const answer = await api('GET', '/api/tasks?limit=200', token);
      return answer.status === 200 ? (answer.data as { title: string }[]).map((t) => t.title).sort() : undefined;
    });
    assert.deepEqual(tasks, kept, 'exactly the tasks the backup held');
    console.log(`# restore of ${dump}: ${restored.json.ms} ms (berth restore --scheduled, Job included)`);
  });
});
