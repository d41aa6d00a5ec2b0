import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutOfScopeError, Scope } from './scope.ts';

test('the scope answers its own namespaces and refuses every other, naming the allowed ones', () => {
  const scope = new Scope(['names-dev', 'names-stage', 'names-dev']);
  assert.deepEqual(scope.allowed, ['names-dev', 'names-stage']);
  assert.equal(scope.resolve(undefined), 'names-dev');
  assert.equal(scope.resolve(''), 'names-dev');
  assert.equal(scope.resolve('names-stage'), 'names-stage');
  for (const outside of ['kube-system', 'default', 'names-dev2', 'NAMES-DEV', 'names-dev/../kube-system']) {
    assert.throws(() => scope.resolve(outside), OutOfScopeError, outside);
  }
  assert.throws(
    () => scope.resolve('kube-system'),
    /Refused: namespace "kube-system" .* \(allowed: names-dev, names-stage\)/,
  );
  assert.throws(() => new Scope([]), /at least one namespace/);
});
