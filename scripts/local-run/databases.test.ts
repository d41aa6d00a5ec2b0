import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkDatabaseChoice } from './databases.ts';

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
