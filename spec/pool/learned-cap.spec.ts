// A host that refuses one connection more than it allows (FTP's 421): the pool learns the
// cap from the refusal, and the waiter waits for a resource instead of failing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type Poolable } from '../../pool/pool.js';
import { until, within } from '../helpers/wait.js';

class Fake implements Poolable {
  closed = false;
  constructor(readonly id: number) {}
  onClose(): void {}
}

class Refused extends Error {}

/** A pool over a host that accepts `cap` resources at once and refuses (Refused) the next. */
function cappedPool(cap: number, connections = 5) {
  let open = 0;
  let made = 0;
  const learnt: number[] = [];
  const pool = new Pool<Fake>({
    connections,
    keepalive: connections,
    create: async () => {
      await sleep(1);
      if (open >= cap) throw new Refused('421 too many connections');
      open += 1;
      made += 1;
      return new Fake(made);
    },
    check: async () => true,
    close: async (fake) => {
      fake.closed = true;
      open -= 1;
    },
    destroy: (fake) => {
      fake.closed = true;
      open -= 1;
    },
    refusedForCap: (error) => error instanceof Refused,
    onCapLearnt: (_key, limit) => learnt.push(limit),
  });
  return { pool, learnt, made: () => made };
}

describe('Pool: a cap learnt from refusals', { timeout: 10_000 }, () => {
  it('queues the refused waiters, settles on the cap, and serves them as resources come back', async () => {
    const { pool, learnt, made } = cappedPool(2);
    const ids: number[] = [];
    const leases = [1, 2, 3, 4, 5].map(() => pool.acquire().then((fake) => {
      ids.push(fake.id);
      pool.release(fake);
    }));
    await within(Promise.all(leases), 'every waiter served');
    assert.equal(ids.length, 5);
    assert.equal(made(), 2);
    assert.ok(ids.every((id) => id <= 2));
    assert.equal(learnt.at(-1), 2, `limits learnt: ${learnt.join(', ')}`);
    await pool.close();
  });

  it('a refusal with nothing else open fails the waiter', async () => {
    const { pool, learnt } = cappedPool(0);
    await assert.rejects(pool.acquire(), Refused);
    assert.deepEqual(learnt, []);
    await pool.close();
  });

  it('a queued waiter still keeps its deadline and its abort', async () => {
    const { pool } = cappedPool(1);
    const held = await pool.acquire();
    const controller = new AbortController();
    const timed = pool.acquire({ deadline: performance.now() + 50 });
    const aborted = pool.acquire({ signal: controller.signal });
    await until(() => pool.stats().waiting === 2 && pool.stats().open === 1, 'both refused and queued');
    controller.abort(new Error('stop'));
    await assert.rejects(aborted, /stop/);
    await assert.rejects(timed, /Timeout.pool/);
    pool.release(held);
    await pool.close();
  });
});
