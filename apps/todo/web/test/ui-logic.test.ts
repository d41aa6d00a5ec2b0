// The UI's pure rules, without a browser: how API errors are placed, due
// dates and overdue, tags as typed, the Link header's cursor.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextCursor } from '../ui/api/client.ts';
import { ApiError, unplacedMessage } from '../ui/api/errors.ts';
import type { Task } from '../ui/api/types.ts';
import { describeDue, endOfDay, isOverdue, localDay } from '../ui/tasks/due.ts';
import { draftToInput, parseTags } from '../ui/tasks/task-draft.ts';

test('an API error is split into the fields it names and the rest', () => {
  const error = new ApiError(400, 'title: must not be empty; tags.2: must be at most 50 characters (got 51); odd');
  assert.deepEqual(error.fields, { title: 'must not be empty', tags: 'must be at most 50 characters (got 51)' });
  assert.equal(error.general, 'odd');
  assert.equal(unplacedMessage(error, ['title']), 'odd; tags: must be at most 50 characters (got 51)');
  const plain = new ApiError(401, 'Wrong email or password');
  assert.deepEqual(plain.fields, {});
  assert.equal(plain.general, 'Wrong email or password');
});

test('a due day ends at the end of that local day, and round-trips', () => {
  const instant = endOfDay('2026-11-30');
  assert.ok(instant);
  assert.equal(localDay(instant), '2026-11-30');
  assert.equal(new Date(instant).getHours(), 23);
  assert.equal(endOfDay('30/11/2026'), null);
  assert.equal(localDay(null), '');
});

test('overdue: past its due instant and not completed', () => {
  const now = new Date('2026-11-24T12:00:00Z');
  const task = (due_at: string | null, completed = false) => ({ due_at, completed }) as Task;
  assert.equal(isOverdue(task('2026-11-24T11:59:59Z'), now), true);
  assert.equal(isOverdue(task('2026-11-24T11:59:59Z', true), now), false);
  assert.equal(isOverdue(task('2026-11-24T12:00:01Z'), now), false);
  assert.equal(isOverdue(task(null), now), false);
  assert.equal(describeDue(now.toISOString(), now), 'today');
});

test('tags are typed with commas: trimmed, empty ones dropped, duplicates once', () => {
  assert.deepEqual(parseTags(' home, ,work,home ,كتب '), ['home', 'work', 'كتب']);
  assert.deepEqual(draftToInput({ title: 'T', description: '', priority: 'low', due: '', tags: '' }), {
    title: 'T',
    description: '',
    priority: 'low',
    due_at: null,
    tags: [],
  });
});

test('the next page cursor comes from the Link header', () => {
  const headers = (link?: string) => new Response(null, link ? { headers: { link } } : {});
  assert.equal(nextCursor(headers('</api/tasks?limit=50&cursor=abc.def>; rel="next"')), 'abc.def');
  assert.equal(nextCursor(headers()), undefined);
  assert.equal(nextCursor(headers('</api/tasks?cursor=x>; rel="prev"')), undefined);
});
