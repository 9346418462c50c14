import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Retry } from '../../lib/config.js';
import { ConnectionError, FtpPyError, ProtocolError, ReplyError, TimeoutError } from '../../common/errors.js';
import { isRetryable, withRetry } from '../../pool/retry.js';

const reply = (code: number) => ({ code, message: 'x', lines: ['x'] });

describe('isRetryable', () => {
  const policy = new Retry({ status: [421, 450] });
  const table: [string, unknown, boolean][] = [
    ['a listed reply code', new ReplyError('STOR x', reply(450)), true],
    ['an unlisted reply code', new ReplyError('STOR x', reply(550)), false],
    ['a lost connection', new ConnectionError('reset'), true],
    ['a lost connection that said 421', new ConnectionError('bye', { reply: reply(421) }), true],
    ['a failed login (530)', new ConnectionError('login failed', { reply: reply(530) }), false],
    ['a timeout', new TimeoutError('slow'), true],
    ['a protocol violation', new ProtocolError('junk'), false],
    ['a certificate refused', new FtpPyError('FTPPY_ERR_TLS', 'self signed'), false],
    ['a raw ECONNRESET', Object.assign(new Error('reset'), { code: 'ECONNRESET' }), true],
    ['a local ENOENT', Object.assign(new Error('no file'), { code: 'ENOENT' }), false],
    ['a plain error', new Error('bug'), false],
  ];
  for (const [what, error, expected] of table) {
    it(`${expected ? 'retries' : 'does not retry'} ${what}`, () => assert.equal(isRetryable(error, policy), expected));
  }
});

describe('withRetry', () => {
  it('waits backoff × 2^attempt between attempts, and stops after `total` retries', async () => {
    const policy = new Retry({ total: 3, backoff: 0.02 });
    const waits: number[] = [];
    let attempts = 0;
    await assert.rejects(
      withRetry(
        policy,
        async () => {
          attempts += 1;
          throw new ConnectionError('down');
        },
        { sleep: async (ms) => void waits.push(ms) },
      ),
      /down/,
    );
    assert.equal(attempts, 4);
    assert.deepEqual(waits.map((ms) => Math.round(ms)), [20, 40, 80]);
  });

  it('really waits between attempts when no sleep is given', async () => {
    const times: number[] = [];
    await assert.rejects(
      withRetry(new Retry({ total: 1, backoff: 0.05 }), async () => {
        times.push(performance.now());
        throw new ConnectionError('down');
      }),
    );
    assert.ok(times[1]! - times[0]! >= 48, 'at least the backoff (a lower bound only: timers never fire early)');
  });

  it('passes the attempt number and returns the first success', async () => {
    const seen: number[] = [];
    const result = await withRetry(new Retry({ total: 5, backoff: 0 }), async (n) => {
      seen.push(n);
      if (n < 2) throw new TimeoutError('slow');
      return 'done';
    });
    assert.equal(result, 'done');
    assert.deepEqual(seen, [0, 1, 2]);
  });

  it('does not retry what will fail again', async () => {
    let calls = 0;
    await assert.rejects(withRetry(new Retry({ total: 5, backoff: 0 }), async () => {
      calls += 1;
      throw new ReplyError('RETR x', reply(550));
    }));
    assert.equal(calls, 1);
  });

  it('starts no attempt past the deadline, and stops when aborted', async () => {
    let calls = 0;
    const waits: number[] = [];
    // Waits of 10 s, then 20 s, recorded rather than waited, against a deadline 15 s away:
    // the first retry fits, the second would not. (With real 50 ms waits and a 60 ms
    // deadline, 10 ms of a busy machine before the first retry was enough to fail this.)
    await assert.rejects(withRetry(new Retry({ total: 5, backoff: 10 }), async () => {
      calls += 1;
      throw new ConnectionError('down');
    }, { deadline: performance.now() + 15_000, sleep: async (ms) => void waits.push(ms) }), /down/);
    assert.equal(calls, 2);
    assert.deepEqual(waits, [10_000]);
    // The abort timer expires first, and timers run in order, however late.
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 10);
    await assert.rejects(withRetry(new Retry({ total: 5, backoff: 0.05 }), async () => {
      throw new ConnectionError('down');
    }, { signal: controller.signal }), { name: 'AbortError' });
  });
});
