import type { Writable } from 'node:stream';

// Writing what a producer yields into a stream, at the pace the stream takes it: the
// client's uploads (protocol/data-flow.ts) and the server's listings (server/streams.ts)
// copy this way. One slot holds the first failure, whoever set it (the sink's error or
// close, an abort, a timeout); whatever the copy is waiting for at that moment (the next
// chunk, a drain, the end) stops waiting at once.

const EMPTY = Buffer.alloc(0);

export class SinkWriter {
  readonly sink: Writable;
  readonly #closedEarly: () => Error;
  #failure: Error | null = null;
  #wake: (() => void) | null = null;
  /** Set by copy(): stops its wait for the producer's next chunk. */
  #stopCopy: ((error: Error) => void) | null = null;

  /** `closedEarly`: the error when the sink turns out destroyed before the copy is done. */
  constructor(sink: Writable, closedEarly: () => Error) {
    this.sink = sink;
    this.#closedEarly = closedEarly;
  }

  get failure(): Error | null {
    return this.#failure;
  }

  /** Records the failure (the first one counts) and wakes whatever the copy awaits. */
  fail(error: Error): void {
    this.#failure ??= error;
    this.#wake?.();
    this.#stopCopy?.(this.#failure);
  }

  throwIfFailed(): void {
    if (this.#failure) throw this.#failure;
  }

  /** Resolves when the sink emits `event`, or at once when the copy fails meanwhile. */
  until(event: 'drain' | 'finish' | 'close'): Promise<void> {
    if (this.#failure) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.sink.off(event, done);
        if (this.#wake === done) this.#wake = null;
        resolve();
      };
      this.#wake = done;
      this.sink.on(event, done);
    });
  }

  /** Resolves once the sink has handed on all it holds (a TLS socket: its own records too), or at a failure. */
  flushed(): Promise<void> {
    if (this.#failure) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        if (this.#wake === done) this.#wake = null;
        resolve();
      };
      this.#wake = done;
      this.sink.write(EMPTY, done);
    });
  }

  /**
   * Writes each chunk `chunks` yields, waiting for 'drain' whenever the sink is full, and
   * returns after the last one (ending the sink is the caller's). Throws the failure as
   * soon as there is one, even while the producer is busy making its next chunk: the
   * caller then disposes of the iterator (not awaited: a producer waiting on its own
   * source would hold it until its next chunk).
   */
  async copy(chunks: AsyncIterator<Buffer | string>, on: CopyEvents = {}): Promise<void> {
    // The wait for the next chunk races a promise that fail() rejects. Its reject function
    // is kept in this frame, not in a field: a closure stored on the long-lived writer for
    // every chunk kept each chunk's buffer alive into the old generation, and an upload's
    // peak RSS grew by a third (spec/client/memory.spec.ts).
    let stop: ((error: Error) => void) | null = null;
    this.#stopCopy = (error) => stop?.(error);
    for (;;) {
      on.waitingForSource?.();
      const next = chunks.next();
      next.catch(() => {}); // when the failure wins, this one's own error is not news
      this.throwIfFailed();
      const step = await Promise.race([next, new Promise<never>((_, reject) => (stop = reject))]);
      stop = null;
      this.throwIfFailed();
      if (step.done) return;
      if (this.sink.destroyed) this.fail(this.#closedEarly());
      this.throwIfFailed();
      const chunk = typeof step.value === 'string' ? Buffer.from(step.value) : step.value;
      on.chunk?.(chunk.length);
      const written = on.written;
      if (!this.sink.write(chunk, written && (() => written(chunk)))) {
        on.waitingForSink?.();
        await this.until('drain');
        this.throwIfFailed();
      }
    }
  }
}

/** What a copy tells its caller, for timers and counters. */
export interface CopyEvents {
  /** Before waiting for the producer's next chunk. */
  waitingForSource?: () => void;
  /** Before waiting for a full sink to drain. */
  waitingForSink?: () => void;
  /** Each chunk's size, as it is written. */
  chunk?: (bytes: number) => void;
  /** Each chunk once the sink's write of it has called back (a lent chunk goes back then). */
  written?: (chunk: Buffer) => void;
}
