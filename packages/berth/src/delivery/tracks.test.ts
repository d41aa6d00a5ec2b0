import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppDefinition } from '../apps/descriptor.ts';
import { BerthError } from '../exit-codes.ts';
import { liveTrack, planAbort, planNewTrack, planWeight, readDeliveryState, weightOf } from './tracks.ts';

const app = {
  name: 'names',
  chart: 'deploy/charts/names',
  images: [{ component: 'api', name: 'names-api', dockerfile: 'x', values: 'api.image' }],
  delivery: { component: 'api', pathPrefix: '/api/' },
} as unknown as AppDefinition;

const values = (delivery: Record<string, unknown>, blueTag = 'v1') => ({
  api: { image: { tag: blueTag } },
  delivery: {
    enabled: true,
    candidate: 'green',
    weight: 0,
    green: { tag: '' },
    ingress: { host: 'names.local' },
    ...delivery,
  },
});

test('the state comes from the release values: tags by track, weights, the live track', () => {
  const state = readDeliveryState(app, values({ green: { tag: 'v2' }, weight: 30 }));
  assert.deepEqual(state.tags, { blue: 'v1', green: 'v2' });
  assert.equal(weightOf(state, 'green'), 30);
  assert.equal(weightOf(state, 'blue'), 70);
  assert.equal(liveTrack(state), 'blue');
  assert.equal(liveTrack({ candidate: 'green', weight: 50 }), 'green');
  assert.equal(readDeliveryState(app, values({}, ''), '0.1.0').tags.blue, '0.1.0', "no tag: the chart's appVersion");
});

test('a new version goes on the track that is not live, at 0 %; blue and green take turns', () => {
  const first = planNewTrack(app, readDeliveryState(app, values({})), 'v2');
  assert.equal(first.track, 'green');
  assert.deepEqual(first.changes, { 'delivery.green.tag': 'v2', 'delivery.candidate': 'green', 'delivery.weight': 0 });
  const afterSwitch = readDeliveryState(app, values({ green: { tag: 'v2' }, weight: 100 }));
  const second = planNewTrack(app, afterSwitch, 'v3');
  assert.equal(second.track, 'blue');
  assert.equal(second.from, 'v2');
  assert.deepEqual(second.changes, { 'api.image.tag': 'v3', 'delivery.candidate': 'blue', 'delivery.weight': 0 });
  const midCanary = readDeliveryState(app, values({ green: { tag: 'v2' }, weight: 30 }));
  assert.equal(
    planNewTrack(app, midCanary, 'v3').track,
    'green',
    'a canary in progress is replaced, the live track kept',
  );
});

test('promote and abort change the weight only, and refuse what cannot work', () => {
  const canary = readDeliveryState(app, values({ green: { tag: 'v2' }, weight: 30 }));
  assert.deepEqual(planWeight(app, canary, 100), { 'delivery.weight': 100 });
  assert.deepEqual(planAbort(app, canary), { 'delivery.weight': 0 });
  assert.throws(() => planWeight(app, canary, 101), BerthError);
  const fresh = readDeliveryState(app, values({}));
  assert.throws(() => planWeight(app, fresh, 30), /no version is deployed on the green track/);
  const off = readDeliveryState(app, values({ enabled: false }));
  assert.throws(() => planNewTrack(app, off, 'v2'), /delivery is off/);
  const withoutDelivery = { ...app, delivery: undefined } as AppDefinition;
  assert.throws(() => readDeliveryState(withoutDelivery, values({})), /does not declare progressive delivery/);
});
