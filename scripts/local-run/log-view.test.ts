import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogView, logViewOptions } from './log-view.ts';

const line = (msg: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ level: 'info', time: '2026-11-24T10:00:00.000Z', service: 'todo-api', msg, ...extra });

test('a terminal gets readable lines; per-request lines only when asked for', () => {
  const quiet = createLogView(logViewOptions({ NO_COLOR: '1' }, true));
  assert.match(quiet(line('opening database', { database: 'embedded' })) ?? '', /INFO: opening database/);
  assert.equal(quiet(line('request completed', { status: 200 })), undefined);
  const requests = createLogView(logViewOptions({ BERTH_LOG_REQUESTS: '1', NO_COLOR: '1' }, true));
  assert.match(requests(line('request completed', { status: 200 })) ?? '', /INFO: request completed.*"status":200/);
  const coloured = createLogView(logViewOptions({}, true));
  const ansiEscape = String.fromCharCode(27);
  assert.ok(
    (coloured(line('opening database')) ?? '').includes(`${ansiEscape}[32mINFO`),
    'a terminal gets colour unless NO_COLOR is set',
  );
});

test('piped output stays JSON (BERTH_LOGS overrides the guess), and what is not a log line passes as it is', () => {
  const piped = createLogView(logViewOptions({}, false));
  const opening = line('opening database');
  assert.equal(piped(opening), opening);
  const forcedPretty = createLogView(logViewOptions({ BERTH_LOGS: 'pretty' }, false));
  assert.match(forcedPretty(opening) ?? '', /INFO: opening database/);
  const forcedJson = createLogView(logViewOptions({ BERTH_LOGS: 'json' }, true));
  assert.equal(forcedJson(opening), opening);
  assert.equal(piped('    at main (file:///app.ts:1:1)'), '    at main (file:///app.ts:1:1)');
});
