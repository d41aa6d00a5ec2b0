import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_THRESHOLDS, judgeCanary } from './canary-analysis.ts';
import type { Sample } from './traffic-metrics.ts';

const sample = (blue: [number, number, number], green: [number, number, number]): Sample => ({
  tracks: {
    blue: { requests: blue[0], errors: blue[1], seconds: blue[2] },
    green: { requests: green[0], errors: green[1], seconds: green[2] },
  },
});
const start = sample([1000, 10, 10], [0, 0, 0]);

test('no verdict until the canary has answered enough requests in the window', () => {
  assert.equal(judgeCanary(start, sample([1070, 10, 10.7], [10, 5, 0.1]), 'green', DEFAULT_THRESHOLDS).kind, 'waiting');
});

test('a canary failing 30 % of requests against a clean stable track is aborted; one like the stable track is healthy', () => {
  const bad = judgeCanary(start, sample([1700, 10, 17], [300, 90, 3]), 'green', DEFAULT_THRESHOLDS);
  assert.equal(bad.kind, 'abort');
  assert.match(bad.reason, /error ratio is 30\.0 % against the stable track's 0\.0 %/);
  const good = judgeCanary(start, sample([1700, 17, 17], [300, 3, 3]), 'green', DEFAULT_THRESHOLDS);
  assert.equal(good.kind, 'healthy');
});

test('errors both tracks share are not the canary’s fault; the threshold is in points over the stable ratio', () => {
  const both = judgeCanary(start, sample([1700, 80, 17], [300, 36, 3]), 'green', DEFAULT_THRESHOLDS);
  assert.equal(both.kind, 'healthy', '10 % vs 12 %: within 5 points');
  const lax = judgeCanary(start, sample([1700, 10, 17], [300, 90, 3]), 'green', {
    ...DEFAULT_THRESHOLDS,
    maxErrorIncrease: 1,
  });
  assert.equal(lax.kind, 'healthy', 'a threshold of 100 points never aborts');
});

test('a canary much slower than the stable track is aborted; a few milliseconds are noise', () => {
  const slow = judgeCanary(start, sample([1700, 10, 17], [300, 0, 90]), 'green', DEFAULT_THRESHOLDS);
  assert.equal(slow.kind, 'abort');
  assert.match(slow.reason, /300 ms on average against the stable track's 10 ms/);
  const noise = judgeCanary(start, sample([1700, 10, 17], [300, 0, 9]), 'green', DEFAULT_THRESHOLDS);
  assert.equal(noise.kind, 'healthy', '30 ms vs 10 ms: 3× but only 20 ms worse');
  const blueCanary = judgeCanary(
    sample([0, 0, 0], [1000, 0, 10]),
    sample([300, 90, 3], [1700, 0, 17]),
    'blue',
    DEFAULT_THRESHOLDS,
  );
  assert.equal(blueCanary.kind, 'abort', 'the candidate may be blue');
});

test('a counter reset in the window (the controller forgot the service and counts from 0) is counted from 0', () => {
  const reset = judgeCanary(
    sample([1000, 0, 10], [500, 0, 5]),
    sample([1700, 0, 17], [100, 30, 1]),
    'green',
    DEFAULT_THRESHOLDS,
  );
  assert.equal(reset.canary.requests, 100);
  assert.equal(reset.canary.errorRatio, 0.3);
  assert.equal(reset.kind, 'abort');
});
