import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { checkDatabaseChoice, claimLocalDatabases } from './databases.ts';

const apps = [
  { title: 'Names Manager', name: 'names-api', urlVariable: 'NAMES_DATABASE_URL' },
  { title: 'Todo API', name: 'todo-api', urlVariable: 'TODO_DATABASE_URL' },
];

test('with nothing set, the local PostgreSQL server', () => {
  assert.deepEqual(checkDatabaseChoice(apps, {}), { problems: [], choice: 'postgres' });
});

test('one URL for every app is refused: each app names its own database', () => {
  const { problems } = checkDatabaseChoice(apps, { DATABASE_URL: 'postgres://a@b/c', DB_HOST: 'db' });
  assert.equal(problems.length, 1);
  assert.match(problems[0] ?? '', /^DATABASE_URL and DB_HOST are set, but npm start runs 2 apps/);
  assert.match(problems[0] ?? '', /NAMES_DATABASE_URL=postgresql:\/\/… TODO_DATABASE_URL=postgresql:\/\/… npm start$/);
});

test('every bad variable is listed, by name', () => {
  const { problems } = checkDatabaseChoice(apps, {
    NAMES_DATABASE_URL: 'mysql://x',
    TODO_DATABASE_URL: 'postgresql://u@h/todo',
    BERTH_LOCAL_DATABASE: 'sqlite',
  });
  assert.deepEqual(problems, [
    "NAMES_DATABASE_URL must be a postgres:// or postgresql:// URL (the Names Manager's database).",
    'BERTH_LOCAL_DATABASE=sqlite is not a choice: use postgres (the default) or pglite.',
  ]);
});

test('BERTH_LOCAL_DATABASE=pglite chooses embedded PGlite', () => {
  assert.equal(checkDatabaseChoice(apps, { BERTH_LOCAL_DATABASE: 'pglite' }).choice, 'pglite');
});

test("each app's database URL is known before the local server starts, and answers once it has", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-databases-'));
  chmodSync(dataDir, 0o755); // run as root, the server runs as an unprivileged account
  const databases = await claimLocalDatabases({ dataDir, apps, env: {}, say: () => {} }).plan();
  try {
    const url = databases.envFor('todo-api').DATABASE_URL;
    assert.match(url ?? '', /^postgresql:\/\/berth:[^@]+@127\.0\.0\.1:\d+\/todo-api$/);
    assert.equal(existsSync(join(dataDir, 'postgres/data')), false, 'nothing is put in the folder before start()');
    const started = databases.start();
    assert.equal(databases.start(), started, 'a second start() is the same start');
    let ready = false;
    void started.then(() => {
      ready = true;
    });
    await new Promise((resolve) => setImmediate(resolve)); // a settled start has run its callbacks by now
    assert.equal(ready, false, 'the apps can be started before the server is ready');
    await started;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const [row] = (await client.query('SELECT current_database() AS name')).rows;
      assert.equal(row?.name, 'todo-api', 'the database was created when the server started');
    } finally {
      await client.end();
    }
  } finally {
    await databases.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a start called off before the server started gives the data folder back', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-databases-'));
  chmodSync(dataDir, 0o755);
  try {
    const first = await claimLocalDatabases({ dataDir, apps, env: {}, say: () => {} }).plan();
    await first.stop();
    const second = await claimLocalDatabases({ dataDir, apps, env: {}, say: () => {} }).plan();
    await second.stop();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
