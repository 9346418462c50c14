import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type PoolOptions, type Poolable } from '../../pool/pool.js';
import { TimeoutError } from '../../common/errors.js';
import { turn, until, within } from '../helpers/wait.js';

class Fake implements Poolable {
  closed = false;
  politely = false;
  readonly #listeners: ((error: Error) => void)[] = [];
  constructor(readonly id: number, readonly key: string) {}
  onClose(listener: (error: Error) => void): void {
    this.#listeners.push(listener);
  }
  /** The server hangs up. */
  drop(): void {
    this.closed = true;
    for (const listener of this.#listeners) listener(new Error('dropped'));
  }
}

function fakePool(options: Partial<PoolOptions<Fake>> & { healthy?: (f: Fake) => boolean; failCreate?: () => boolean } = {}) {
  const made: Fake[] = [];
  const checked: number[] = [];
  const pool = new Pool<Fake>({
    connections: 2,
    keepalive: 2,
    create: async (key) => {
      await sleep(1);
      if (options.failCreate?.()) throw new Error('refused');
      const fake = new Fake(made.length + 1, key);
      made.push(fake);
      return fake;
    },
    check: async (fake) => {
      checked.push(fake.id);
      return options.healthy?.(fake) ?? true;
    },
    close: async (fake) => {
      fake.politely = true;
      fake.closed = true;
    },
    destroy: (fake) => {
      fake.closed = true;
    },
    ...options,
  });
  return { pool, made, checked };
}

describe('Pool', () => {
  it('lends an idle resource before creating one', async () => {
    const { pool, made } = fakePool();
    const a = await pool.acquire();
    pool.release(a);
    const b = await pool.acquire();
    assert.equal(b, a);
    assert.equal(made.length, 1);
    assert.deepEqual(pool.stats(), { open: 1, idle: 0, active: 1, waiting: 0, created: 1 });
  });

  it('creates under the limit, then queues waiters first in, first out', async () => {
    const { pool, made } = fakePool({ connections: 2 });
    const [a, b] = await Promise.all([pool.acquire(), pool.acquire()]);
    assert.equal(made.length, 2);
    const order: string[] = [];
    const c = pool.acquire().then((r) => (order.push('c'), r));
    const d = pool.acquire().then((r) => (order.push('d'), r));
    await turn();
    assert.equal(pool.stats().waiting, 2);
    pool.release(b!);
    assert.equal(await c, b);
    pool.release(a!);
    assert.equal(await d, a);
    assert.deepEqual(order, ['c', 'd']);
    assert.equal(made.length, 2);
  });

  it('bounds the wait by the deadline (Timeout.pool) and by an AbortSignal', async () => {
    const { pool } = fakePool({ connections: 1 });
    const held = await pool.acquire();
    await assert.rejects(pool.acquire({ deadline: performance.now() + 20 }), TimeoutError);
    const controller = new AbortController();
    const waiting = pool.acquire({ signal: controller.signal });
    controller.abort(new Error('stop'));
    await assert.rejects(waiting, /stop/);
    assert.equal(pool.stats().waiting, 0);
    pool.release(held);
    assert.equal(await pool.acquire(), held);
  });

  it('keeps at most `keepalive` idle and closes the rest politely', async () => {
    const { pool, made } = fakePool({ connections: 3, keepalive: 1, trimAfter: 0 });
    const all = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
    for (const r of all) pool.release(r);
    assert.equal(pool.stats().idle, 1);
    assert.equal(made.filter((f) => f.politely).length, 2);
    assert.equal(pool.stats().open, 3, 'closing ones count until they have closed');
    await until(() => pool.stats().open === 1, 'the two polite closes to finish');
  });

  it('holds each key to the per-host limit while other keys go ahead', async () => {
    const { pool } = fakePool({ connections: 3, host: 1 });
    const a = await pool.acquire({ key: 'a' });
    let second = false;
    const a2 = pool.acquire({ key: 'a' }).then((r) => ((second = true), r));
    const b = await pool.acquire({ key: 'b' });
    assert.equal(b.key, 'b');
    await turn();
    assert.equal(second, false);
    assert.equal(pool.stats().waiting, 1, "a's second waits");
    pool.release(a);
    assert.equal(await a2, a);
  });

  it('checks a resource that saw an error before lending it again, and replaces it when the check fails', async () => {
    const { pool, made, checked } = fakePool({ healthy: (f) => f.id !== 1 });
    const a = await pool.acquire();
    pool.release(a, 'suspect');
    const b = await pool.acquire();
    assert.deepEqual(checked, [1]);
    assert.equal(a.closed, true);
    assert.equal(b.id, 2);
    pool.release(b, 'suspect');
    assert.equal(await pool.acquire(), b);
    assert.deepEqual(checked, [1, 2]);
    assert.equal(made.length, 2);
  });

  it('checks a resource idle longer than checkIdleAfter', async () => {
    const { pool, checked } = fakePool({ checkIdleAfter: 0 });
    const a = await pool.acquire();
    pool.release(a);
    await sleep(2); // the input: idle for longer than checkIdleAfter
    assert.equal(await pool.acquire(), a);
    assert.deepEqual(checked, [1]);
  });

  it('never lends a broken resource, nor one that closed while idle', async () => {
    const { pool, made } = fakePool();
    const a = await pool.acquire();
    pool.release(a, 'broken');
    assert.equal(a.closed, true);
    const b = await pool.acquire();
    assert.notEqual(b, a);
    pool.release(b);
    b.drop();
    assert.deepEqual(pool.stats(), { open: 0, idle: 0, active: 0, waiting: 0, created: 2 });
    const c = await pool.acquire();
    assert.equal(c.id, 3);
    assert.equal(made.length, 3);
  });

  it('gives a retry a fresh resource, closing an idle one to stay under the limit', async () => {
    const { pool, made } = fakePool({ connections: 1 });
    const a = await pool.acquire();
    pool.release(a);
    const b = await pool.acquire({ fresh: true });
    assert.notEqual(b, a);
    assert.equal(a.closed, true);
    assert.equal(made.length, 2);
    assert.equal(pool.stats().open, 1);
  });

  it('fails only the waiter whose creation failed, and frees its place', async () => {
    let fail = true;
    const { pool } = fakePool({ connections: 1, failCreate: () => fail });
    await assert.rejects(pool.acquire(), /refused/);
    assert.equal(pool.stats().open, 0);
    fail = false;
    const a = await pool.acquire();
    assert.equal(a.id, 1);
  });

  it('close() fails waiters, closes idle ones, and waits for leased ones', async () => {
    const { pool } = fakePool({ connections: 2 });
    const [a, b] = await Promise.all([pool.acquire(), pool.acquire()]);
    pool.release(a!);
    const waiter = pool.acquire({ key: 'other' });
    let closed = false;
    const closing = pool.close().then(() => (closed = true));
    await assert.rejects(waiter, /closed/);
    assert.equal(a!.closed, true);
    await turn();
    assert.equal(closed, false);
    pool.release(b!);
    await closing;
    assert.equal(b!.closed, true);
    await assert.rejects(pool.acquire(), /closed/);
  });

  it('close() twice, at once or one after the other, resolves both', { timeout: 10_000 }, async () => {
    const { pool } = fakePool({ connections: 2 });
    const leased = await pool.acquire();
    const first = pool.close();
    const second = pool.close();
    pool.release(leased);
    await within(Promise.all([first, second]), 'both close() calls', 5000);
    await within(pool.close(), 'a third close() after the pool has closed', 5000);
  });
});

describe('Pool keepalive under load', () => {
  it('hands a released resource to a waiter before trimming idle ones', async () => {
    const { pool, made } = fakePool({ connections: 3, keepalive: 0, trimAfter: 0 });
    const held = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
    const waiting = pool.acquire();
    pool.release(held[0]!);
    assert.equal(await waiting, held[0]);
    assert.equal(made.length, 3);
    for (const r of [held[0]!, held[1]!, held[2]!]) pool.release(r);
    assert.equal(pool.stats().idle, 0);
    assert.equal(made.filter((f) => f.politely).length, 3);
  });
});

describe('Pool keepalive linger', () => {
  it('lets idle resources beyond keepalive linger, so the next burst reuses them', async () => {
    const { pool, made } = fakePool({ connections: 3, keepalive: 1, trimAfter: 50 });
    const burst = async (): Promise<void> => {
      const all = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
      for (const r of all) pool.release(r);
    };
    await burst();
    assert.equal(pool.stats().idle, 3, 'nothing closed yet');
    await burst();
    assert.equal(made.length, 3, 'the second burst logged in no new connection');
    await until(() => pool.stats().idle <= 1, 'the linger timer to trim'); // a timer never fires early, but may fire late
    assert.deepEqual([pool.stats().idle, made.filter((f) => f.politely).length], [1, 2], 'then trimmed to keepalive');
    await pool.close();
  });
});

describe('Pool limits while resources close', () => {
  it('counts a resource saying goodbye as open: a new one waits until it has closed', async () => {
    let finishClose = (): void => {};
    const { pool, made } = fakePool({
      connections: 1,
      close: (fake) => new Promise<void>((resolve) => {
        finishClose = () => {
          fake.closed = true;
          resolve();
        };
      }),
    });
    const a = await pool.acquire();
    pool.release(a);
    let got = false;
    const b = pool.acquire({ fresh: true }).then((r) => ((got = true), r));
    await turn();
    assert.equal(got, false);
    assert.deepEqual([pool.stats().open, made.length], [1, 1]);
    finishClose();
    assert.equal((await b).id, 2);
    assert.equal(pool.stats().open, 1);
  });
});
