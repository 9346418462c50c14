// One option validator for the whole library: the client's classes, the server's options
// and the web API's limits accept and refuse the same numbers.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Timeout } from '../../lib/index.js';
import { resolveOptions } from '../../server/options.js';

// 3e6 s is longer than a Node timer holds (24.8 days): it would fire after 1 ms, again and again.
const BAD_SECONDS = [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '5', 3e6];

it('a number of seconds must be positive, finite and within a timer, for the client as for the server', { timeout: 20_000 }, () => {
  for (const value of BAD_SECONDS) {
    assert.throws(() => new Timeout({ read: value as never }), RangeError, `Timeout.read ${String(value)}`);
    assert.throws(() => resolveOptions({ timeouts: { idle: value as never } }), RangeError, `timeouts.idle ${String(value)}`);
  }
  assert.equal(new Timeout({ read: 0.5 }).read, 0.5);
  assert.equal(resolveOptions({ timeouts: { idle: 0.5 } }).ms.idle, 500);
});
