import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startOfDay, zonedDate, zonedInstant } from './zoned-time.ts';

test("days are counted in the person's time zone: 23:30 UTC is already tomorrow in Berlin", () => {
  const now = new Date('2030-03-14T23:30:00Z');
  assert.deepEqual(zonedDate(now, 'Europe/Berlin'), { year: 2030, month: 3, day: 15, weekday: 5 });
  assert.equal(startOfDay(now, 'Europe/Berlin').toISOString(), '2030-03-14T23:00:00.000Z');
  assert.equal(startOfDay(now, 'UTC', 1).toISOString(), '2030-03-15T00:00:00.000Z');
  // Across the spring change of clocks (2030-03-31 in Europe), midnight is still midnight.
  assert.equal(startOfDay(now, 'Europe/Berlin', 17).toISOString(), '2030-03-31T22:00:00.000Z');
  assert.equal(startOfDay(now, 'America/New_York').toISOString(), '2030-03-14T04:00:00.000Z');
});

test('a wall-clock time becomes the instant it happens in that zone', () => {
  assert.equal(zonedInstant('Europe/Berlin', 2030, 7, 1, 9, 30).toISOString(), '2030-07-01T07:30:00.000Z');
  assert.equal(zonedInstant('UTC', 2030, 1, 31, 23, 59).toISOString(), '2030-01-31T23:59:00.000Z');
});
