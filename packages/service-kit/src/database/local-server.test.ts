import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { StartupError } from '../startup-error.ts';
import { keepBlankCluster, type LocalServer, startLocalServer } from './local-server.ts';

let dataDir: string;
before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-local-server-'));
  chmodSync(dataDir, 0o755); // run as root, the server runs as an unprivileged account
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

async function start(): Promise<LocalServer> {
  const result = await startLocalServer({ dataDir });
  assert.ok(result.ok, result.ok ? '' : result.reason);
  return result.server;
}

/** A server on `folder` with its blank cluster kept in `template`; the steps it reported. */
async function startFolder(folder: string, template: string): Promise<{ server: LocalServer; steps: string[] }> {
  const steps: string[] = [];
  mkdirSync(folder, { recursive: true });
  chmodSync(folder, 0o755);
  const result = await startLocalServer({ dataDir: folder, templateDir: template, onStep: (step) => steps.push(step) });
  assert.ok(result.ok, result.ok ? '' : result.reason);
  return { server: result.server, steps };
}

async function query(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

test('a fresh folder gets a PostgreSQL 15 server with a database per app; what was written is there after a restart', async () => {
  const first = await start();
  try {
    assert.ok(existsSync(join(dataDir, 'postgres', 'data', 'PG_VERSION')));
    const url = await first.databaseUrl('names-api');
    assert.match(url, /^postgresql:\/\/berth:[^@]+@127\.0\.0\.1:\d+\/names-api$/);
    const [version] = await query(url, 'SHOW server_version');
    assert.match(String(version?.server_version), /^15\./);
    await query(url, 'CREATE TABLE kept (label text)');
    await query(url, 'INSERT INTO kept VALUES ($1)', ['still here']);
    assert.notEqual(await first.databaseUrl('todo-api'), url, 'each app its own database');
    await first.finishFreshStart(); // initdb wrote without fsync: the files go to disk now, beside the running server
  } finally {
    await first.stop();
  }
  const second = await start();
  try {
    const rows = await query(await second.databaseUrl('names-api'), 'SELECT label FROM kept');
    assert.deepEqual(rows, [{ label: 'still here' }]);
  } finally {
    await second.stop();
  }
});

test('a second server on the same folder is refused with a message naming the first', async () => {
  const first = await start();
  try {
    await assert.rejects(startLocalServer({ dataDir }), (error: Error) => {
      assert.ok(error instanceof StartupError);
      assert.match(error.message, new RegExp(`in use by process ${process.pid}\\. Stop that process`));
      return true;
    });
    await assert.rejects(first.databaseUrl('no"quotes'), /Not a database name/);
  } finally {
    await first.stop();
  }
});

test('a second fresh folder is copied from the blank cluster the first one left, with a password of its own', async () => {
  const template = join(dataDir, 'blank');
  const begin = (folder: string) => startFolder(join(dataDir, folder), template);
  const first = await begin('first');
  const second = await begin('second');
  try {
    assert.ok(first.steps.includes('creating the database cluster'), first.steps.join(', '));
    assert.ok(existsSync(join(template, 'PG_VERSION')), 'the first start kept a blank cluster');
    assert.ok(second.steps.includes('copying a blank database cluster'), second.steps.join(', '));
    const firstUrl = new URL(await first.server.databaseUrl('todo-api'));
    const secondUrl = new URL(await second.server.databaseUrl('todo-api'));
    assert.notEqual(secondUrl.password, firstUrl.password);
    await query(secondUrl.href, 'CREATE TABLE kept (label text)');
    // the copy answers to its own password only
    const borrowed = new URL(secondUrl.href);
    borrowed.password = firstUrl.password;
    await assert.rejects(query(borrowed.href, 'SELECT 1'), /password authentication failed/);
    await second.server.finishFreshStart();
  } finally {
    await first.server.stop();
    await second.server.stop();
  }
  const again = await begin('second');
  try {
    assert.ok(!again.steps.some((step) => /copying|creating/.test(step)), again.steps.join(', '));
    assert.deepEqual(await query(await again.server.databaseUrl('todo-api'), 'SELECT count(*)::int AS n FROM kept'), [
      { n: 0 },
    ]);
  } finally {
    await again.server.stop();
  }
});

test('npm install makes a blank cluster and its spare: a fresh folder takes the spare, the next copies, the spare is made again', async () => {
  const template = join(dataDir, 'made-ahead');
  const abandoned = `${template}.spare.${deadPid()}`; // a start killed while it made a spare
  mkdirSync(join(abandoned, 'base'), { recursive: true });
  const made = await keepBlankCluster({ templateDir: template });
  assert.ok(made.ok, made.ok ? '' : made.reason);
  assert.equal(made.made, true);
  assert.ok(existsSync(join(template, 'PG_VERSION')));
  assert.ok(existsSync(join(`${template}.spare`, 'PG_VERSION')));
  assert.deepEqual(
    readdirSync(dataDir)
      .filter((name) => name.startsWith('made-ahead'))
      .sort(),
    ['made-ahead', 'made-ahead.spare'],
    'no work folder is left beside them, and an abandoned one is removed',
  );
  const again = await keepBlankCluster({ templateDir: template });
  assert.ok(again.ok && again.made === false, 'an existing blank cluster is kept as it is');
  const clutter = join(dataDir, 'not-a-cluster');
  mkdirSync(join(clutter, 'something'), { recursive: true });
  const refused = await keepBlankCluster({ templateDir: clutter });
  assert.ok(
    !refused.ok && /holds no cluster/.test(refused.reason),
    'a folder in the way is reported, not reported made',
  );

  const first = await startFolder(join(dataDir, 'takes-the-spare'), template);
  const second = await startFolder(join(dataDir, 'copies'), template);
  try {
    assert.ok(first.steps.includes('taking the blank database cluster made ahead'), first.steps.join(', '));
    assert.ok(second.steps.includes('copying a blank database cluster'), second.steps.join(', '));
    const firstUrl = new URL(await first.server.databaseUrl('names-api'));
    const secondUrl = new URL(await second.server.databaseUrl('names-api'));
    assert.deepEqual(await query(firstUrl.href, 'SELECT 1 AS one'), [{ one: 1 }]);
    assert.deepEqual(await query(secondUrl.href, 'SELECT 1 AS one'), [{ one: 1 }]);
    // the spare answers to its folder's own password only
    const borrowed = new URL(firstUrl.href);
    borrowed.password = secondUrl.password;
    await assert.rejects(query(borrowed.href, 'SELECT 1'), /password authentication failed/);
    assert.equal(existsSync(`${template}.spare`), false, 'taken');
    await first.server.finishFreshStart();
    assert.ok(existsSync(join(`${template}.spare`, 'PG_VERSION')), 'made again once the apps are up');
  } finally {
    await first.server.stop();
    await second.server.stop();
  }
});

/** A pid no process has. */
function deadPid(): number {
  for (let pid = 4_000_000; ; pid--) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return pid;
    }
  }
}
