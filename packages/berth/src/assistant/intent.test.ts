import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AppWords, findComponent, findPod, parseIntent } from './intent.ts';

const names: AppWords = { components: ['web', 'api', 'db'], entry: 'web', database: 'db' };

test('the requests of the issue, each to its intent and component', () => {
  const cases: [string, object][] = [
    ['scale the names api to 3 replicas', { kind: 'scale', component: 'api', replicas: 3 }],
    ['scale the backend to 3 replicas', { kind: 'scale', component: 'api', replicas: 3 }],
    ['show me the logs of the frontend pod', { kind: 'logs', component: 'web' }],
    ['why is the database pod failing?', { kind: 'why', component: 'db' }],
    ['why are my postgres pods in CrashLoopBackOff?', { kind: 'why', component: 'db' }],
    ['analyze the cluster health', { kind: 'cluster-health' }],
    ['are there any pods with failing health checks?', { kind: 'health-checks' }],
    ['what uses the most CPU?', { kind: 'top', sort: 'cpu' }],
    ['which pods use the most memory', { kind: 'top', sort: 'memory' }],
    ['which PVCs are mounted?', { kind: 'volumes' }],
    ['network policies affecting the api pod', { kind: 'network-policies', component: 'api' }],
    ['recent warning events', { kind: 'events', warningsOnly: true }],
    ['restart the api', { kind: 'restart', component: 'api' }],
    ['roll back to revision 2', { kind: 'rollback', revision: 2 }],
    ['rollback', { kind: 'rollback' }],
    ['status', { kind: 'status' }],
    ['help', { kind: 'help' }],
    ['make me a sandwich', { kind: 'unknown' }],
  ];
  for (const [message, expected] of cases) assert.deepEqual(parseIntent(message, names), expected, message);
});

test('numbers in words, tails, previous runs and pods by name', () => {
  assert.deepEqual(parseIntent('scale web to two replicas', names), { kind: 'scale', component: 'web', replicas: 2 });
  assert.deepEqual(parseIntent('last 20 log lines of the api', names), { kind: 'logs', component: 'api', tail: 20 });
  assert.deepEqual(parseIntent('logs of the db before the crash', names), {
    kind: 'logs',
    component: 'db',
    previous: true,
  });
  assert.deepEqual(parseIntent('show logs of names-api-94c75c679-f62dv', names), {
    kind: 'logs',
    component: 'api',
    pod: 'names-api-94c75c679-f62dv',
  });
  assert.equal(findPod('what is wrong with names-db-0?'), 'names-db-0');
  assert.equal(findPod('pod/names-web-6b495c6ff7-z4gp5 logs'), 'names-web-6b495c6ff7-z4gp5');
  assert.equal(findPod('scale the api to 3'), undefined);
});

test('a namespace named in the request is carried to the tools, and its words do not name a component', () => {
  assert.deepEqual(parseIntent('why is the api failing in namespace prod-api', names), {
    kind: 'why',
    component: 'api',
    namespace: 'prod-api',
  });
  assert.deepEqual(parseIntent('status of the kube-system namespace', names), {
    kind: 'status',
    namespace: 'kube-system',
  });
  assert.deepEqual(parseIntent('status -n names-dev', names), { kind: 'status', namespace: 'names-dev' });
});

test('components by role words for any app, never a guess when none fits', () => {
  const shop: AppWords = { components: ['storefront', 'orders', 'pg'], entry: 'storefront', database: 'pg' };
  assert.equal(findComponent('the frontend', shop), 'storefront');
  assert.equal(findComponent('the database', shop), 'pg');
  assert.equal(findComponent('the backend', shop), 'orders');
  assert.equal(findComponent('the orders service', shop), 'orders');
  assert.equal(findComponent('the cache', shop), undefined);
  assert.deepEqual(parseIntent('scale to 4 replicas', names), { kind: 'scale', replicas: 4 });
});
