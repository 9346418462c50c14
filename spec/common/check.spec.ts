// One option validator for the whole library: the client's classes, the server's options
// and the web API's limits accept and refuse the same numbers.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MAX_TIMER_SECONDS } from '../../common/check.js';
import { Retry, Timeout } from '../../lib/index.js';
import { resolveOptions } from '../../server/options.js';

// 3e6 s is longer than a Node timer holds (24.8 days): it would fire after 1 ms, again and again.
const BAD_SECONDS = [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '5', 3e6];

it('a number of seconds must be positive, finite and within a timer, for the client as for the server', { timeout: 20_000 }, () => {
  for (const value of BAD_SECONDS) {
    for (const field of ['connect', 'read', 'write', 'pool'] as const) {
      assert.throws(() => new Timeout({ [field]: value as never }), RangeError, `Timeout.${field} ${String(value)}`);
    }
    assert.throws(() => resolveOptions({ timeouts: { idle: value as never } }), RangeError, `timeouts.idle ${String(value)}`);
  }
  assert.equal(new Timeout({ read: 0.5 }).read, 0.5);
  assert.equal(new Timeout({ pool: MAX_TIMER_SECONDS }).pool, MAX_TIMER_SECONDS);
  assert.equal(resolveOptions({ timeouts: { idle: 0.5 } }).ms.idle, 500);
});

it('a retry waits no longer than a timer holds, however many retries are allowed', () => {
  const retry = new Retry({ total: 100, backoff: 0.5 });
  assert.equal(retry.delay(0), 0.5);
  assert.equal(retry.delay(22), 0.5 * 2 ** 22);
  assert.equal(retry.delay(23), MAX_TIMER_SECONDS); // 0.5 × 2^23 s would end after 1 ms
  assert.equal(retry.delay(99), MAX_TIMER_SECONDS);
});
