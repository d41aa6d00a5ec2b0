import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judgeAnswer, testSteps } from './smoke.ts';

describe('smoke checks', () => {
  test('an HTTP check wants its status and, when declared, a text in the body', () => {
    const page = { name: 'UI page', path: '/', status: 200, contains: 'Names Manager' };
    assert.equal(judgeAnswer(page, 200, '<title>Names Manager</title>'), undefined);
    assert.match(judgeAnswer(page, 200, '<title>nginx</title>') ?? '', /does not contain "Names Manager"/);
    assert.match(judgeAnswer(page, 502, 'Bad Gateway') ?? '', /HTTP 502, expected 200/);
  });

  test("the chart test pod's `ok - step` / `not ok - step: why` lines become steps; other lines are evidence", () => {
    const log = [
      'POD LOGS: names-test-names-flow',
      'POST /api/names 201 {"id":7}',
      'ok - create a name',
      'GET /api/names 200 {"names":[]}',
      'not ok - list shows it: name 7 is not listed',
    ].join('\n');
    assert.deepEqual(testSteps(log), [
      { step: 'create a name', ok: true },
      { step: 'list shows it', ok: false, error: 'name 7 is not listed' },
    ]);
  });
});
