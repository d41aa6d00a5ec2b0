import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BerthError, EXIT } from './exit-codes.ts';
import { failureOf, whyUnreachable } from './failure.ts';

/** An error as fetch raises it: a TypeError whose cause carries the socket's code. */
const fetchFailed = (code: string) =>
  Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`connect ${code}`), { code }) });

describe('one mapping from errors to exit codes', () => {
  test("berth's own errors keep their code and next step", () => {
    assert.deepEqual(failureOf(new BerthError('no such backup file', EXIT.usage, 'berth backup writes one')), {
      message: 'no such backup file',
      code: EXIT.usage,
      next: 'berth backup writes one',
    });
  });

  test('a cluster that cannot be reached, however the client says it, is the environment code', () => {
    for (const error of [
      fetchFailed('ECONNREFUSED'),
      fetchFailed('ENOTFOUND'),
      fetchFailed('UND_ERR_CONNECT_TIMEOUT'),
      fetchFailed('SELF_SIGNED_CERT_IN_CHAIN'),
      new Error('HTTP protocol is not allowed when skipTLSVerify is not set or false'),
    ]) {
      const failure = failureOf(error);
      assert.equal(failure.code, EXIT.environment, error.message);
      assert.match(failure.message, /^the cluster does not answer: /);
      assert.match(failure.next ?? '', /berth doctor/);
    }
  });

  test('the reason is said in words', () => {
    assert.equal(whyUnreachable(fetchFailed('ECONNREFUSED')), 'nothing listens there (connection refused)');
    assert.equal(whyUnreachable(fetchFailed('ENOTFOUND')), 'its host name does not resolve');
    assert.equal(whyUnreachable(fetchFailed('ETIMEDOUT')), 'it did not answer in time');
    assert.equal(
      whyUnreachable(Object.assign(new TypeError('fetch failed'), { cause: new Error('bad port') })),
      'fetch failed (bad port)',
    );
  });

  test('anything else is a bug in berth (exit 1), and says so', () => {
    const failure = failureOf(new TypeError("Cannot read properties of undefined (reading 'x')"));
    assert.equal(failure.code, EXIT.internal);
    assert.match(failure.next ?? '', /bug in berth/);
  });
});
