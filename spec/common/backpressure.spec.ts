// The one copy loop with backpressure (common/backpressure.ts) that the client's uploads
// and the server's listings share.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { SinkWriter } from '../../common/backpressure.js';

const TIMEOUT = { timeout: 20_000 };

/** A sink that takes one byte at a time and holds each write until `release()`. */
function slowSink(): { sink: Writable; written: Buffer[]; release: () => void } {
  const written: Buffer[] = [];
  let pending: (() => void) | null = null;
  const sink = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk);
      pending = callback;
    },
  });
  return { sink, written, release: () => { const next = pending; pending = null; next?.(); } };
}

async function* chunks(...pieces: (Buffer | string)[]): AsyncGenerator<Buffer | string> {
  yield* pieces;
}

describe('SinkWriter', () => {
  it('waits for drain when the sink is full, and writes every chunk in order', TIMEOUT, async () => {
    const { sink, written, release } = slowSink();
    const events: string[] = [];
    const writer = new SinkWriter(sink, () => new Error('closed'));
    const copied = writer.copy(chunks('ab', Buffer.from('cd'), 'e'), {
      waitingForSource: () => events.push('source'),
      waitingForSink: () => events.push('sink'),
      chunk: (n) => events.push(`chunk ${n}`),
    });
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      release();
    }
    await copied;
    assert.deepEqual(Buffer.concat(written).toString(), 'abcde');
    assert.deepEqual(events, ['source', 'chunk 2', 'sink', 'source', 'chunk 2', 'sink', 'source', 'chunk 1', 'sink', 'source']);
  });

  it('a failure wakes the copy at once, even while the producer is busy', TIMEOUT, async () => {
    const writer = new SinkWriter(new Writable({ write: (_c, _e, cb) => cb() }), () => new Error('closed'));
    const stuck: AsyncIterator<Buffer> = { next: () => new Promise(() => {}) };
    const copied = writer.copy(stuck);
    writer.fail(new Error('the data connection reset'));
    writer.fail(new Error('a later failure is not news'));
    await assert.rejects(copied, /the data connection reset/);
  });

  it('a sink destroyed before the end fails the copy with the caller\'s error', TIMEOUT, async () => {
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    sink.destroy();
    const writer = new SinkWriter(sink, () => new Error('closed before the end'));
    await assert.rejects(writer.copy(chunks('x')), /closed before the end/);
  });

  it('until() and flushed() return at once once the copy has failed', TIMEOUT, async () => {
    const writer = new SinkWriter(new Writable({ write: (_c, _e, cb) => cb() }), () => new Error('closed'));
    writer.fail(new Error('gone'));
    await writer.until('close');
    await writer.flushed();
    assert.throws(() => writer.throwIfFailed(), /gone/);
  });
});
