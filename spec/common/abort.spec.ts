// abortableWait: a wait on work another operation shares (a fetch's folder listing, on
// the connection of whichever download asked first), which an abort of this one ends
// without touching the work.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { abortableWait } from '../../common/abort.js';

it('gives what the shared work gives, or its failure', async () => {
  assert.equal(await abortableWait(Promise.resolve(7), new AbortController().signal), 7);
  await assert.rejects(abortableWait(Promise.reject(new Error('listing failed')), new AbortController().signal), /listing failed/);
  // An operation that nothing can abort (no signal of the caller's, no Timeout.pool) has no signal.
  const work = Promise.resolve(8);
  assert.equal(abortableWait(work, undefined), work);
});

it('ends the wait with the reason on abort, and the work goes on for whoever else waits', async () => {
  let finish!: (n: number) => void;
  const work = new Promise<number>((resolve) => (finish = resolve));
  const mine = new AbortController();
  const waiting = abortableWait(work, mine.signal);
  const other = abortableWait(work, new AbortController().signal);
  mine.abort(new Error('download aborted'));
  await assert.rejects(waiting, /download aborted/);
  finish(3);
  assert.equal(await other, 3);
});

it('refuses at once when already aborted, and leaves no listener behind once settled', async () => {
  const done = new AbortController();
  done.abort(new Error('too late'));
  await assert.rejects(abortableWait(new Promise(() => {}), done.signal), /too late/);
  const live = new AbortController();
  let listeners = 0;
  const add = live.signal.addEventListener.bind(live.signal);
  const remove = live.signal.removeEventListener.bind(live.signal);
  live.signal.addEventListener = ((...args: Parameters<typeof add>) => (listeners++, add(...args))) as typeof add;
  live.signal.removeEventListener = ((...args: Parameters<typeof remove>) => (listeners--, remove(...args))) as typeof remove;
  await abortableWait(Promise.resolve(1), live.signal);
  assert.equal(listeners, 0);
});
