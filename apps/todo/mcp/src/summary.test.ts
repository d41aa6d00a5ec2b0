import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarizeTasks } from './summary.ts';
import type { Task } from './todo-api-client.ts';

let ids = 0;
const task = (title: string, due_at: string | null, completed = false): Task => ({
  id: ++ids,
  user_id: '00000000-0000-4000-8000-000000000000',
  title,
  description: '',
  completed,
  priority: 'medium',
  due_at,
  tags: [],
  created_at: '2030-01-01T00:00:00.000Z',
  updated_at: '2030-01-01T00:00:00.000Z',
});

test('a summary splits pending tasks into overdue, due today and due this week, in the time zone given', () => {
  const now = new Date('2030-03-14T10:00:00Z');
  const tasks = [
    task('late', '2030-03-13T09:00:00Z'),
    task('later today', '2030-03-14T20:00:00Z'),
    task('tomorrow', '2030-03-15T12:00:00Z'),
    task('in six days', '2030-03-20T12:00:00Z'),
    task('next month', '2030-04-20T12:00:00Z'),
    task('someday', null),
    task('done and late', '2030-03-01T00:00:00Z', true),
  ];
  const summary = summarizeTasks(tasks, now, 'UTC');
  assert.deepEqual(
    summary.overdue.map((t) => t.title),
    ['late'],
  );
  assert.deepEqual(
    summary.due_today.map((t) => t.title),
    ['later today'],
  );
  assert.deepEqual(
    summary.due_this_week.map((t) => t.title),
    ['tomorrow', 'in six days'],
  );
  assert.equal(summary.pending, 6);
  assert.equal(summary.completed, 1);
  assert.equal(summary.no_due_date, 1);
  // In Tokyo (UTC+9) 20:00 UTC on the 14th is already the 15th: not today.
  const tokyo = summarizeTasks(tasks, now, 'Asia/Tokyo');
  assert.deepEqual(
    tokyo.due_today.map((t) => t.title),
    [],
  );
});
