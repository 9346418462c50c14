import type { Writable } from 'node:stream';

/**
 * Marks a Writable that is done with a chunk once that write's callback has run: it
 * keeps no reference to it (our file writer). A data connection may then hand it views
 * of its own read buffers instead of copies, and read into a buffer again once the write
 * has called back. A stream of the caller's is never marked: a Writable may keep what
 * it is given (an array of chunks), so it gets copies.
 */
export const DONE_AT_CALLBACK = Symbol('ftppy.doneAtCallback');

/**
 * Reads a connection lends at once to a sink done at callback: 1 MiB of 256 KiB reads,
 * the disk writing some (one writev for those queued) while the next come in. That count,
 * not the sink's high-water mark (below one read), is the backpressure.
 */
export const LENT_MAX = 4;

/** What holds a source while its sink is full (PacedSource). */
interface Hold {
  sinkFull(): void;
  drained(): void;
}

/**
 * Counts a source's reads lent to a sink done at callback, and holds the source while
 * LENT_MAX of them are out: the one backpressure of lent reads, for the client's
 * downloads (protocol/data-flow.ts) and the server's uploads (pump.ts).
 */
export class LentReads {
  #out = 0;
  readonly #hold: Hold;
  readonly #over: () => boolean;

  /** `over`: the source has ended, and is not to be let go again. */
  constructor(hold: Hold, over: () => boolean) {
    this.#hold = hold;
    this.#over = over;
  }

  /** One more read out; what comes back gives it back (`release`) once the sink is done with it. */
  lend(release: () => void): () => void {
    // Held before the write: a write that called back at once must find the hold to lift.
    if (++this.#out === LENT_MAX) this.#hold.sinkFull();
    return () => {
      release();
      if (this.#out-- === LENT_MAX && !this.#over()) this.#hold.drained();
    };
  }
}

export function doneAtCallback(sink: Writable): boolean {
  return (sink as Writable & { [DONE_AT_CALLBACK]?: boolean })[DONE_AT_CALLBACK] === true;
}

/**
 * Says of a Writable of the caller's that it is done with each chunk once that write's
 * callback has run: it hashes, counts or parses the chunk before calling back, or hands
 * it to a file or socket stream (their callbacks run once the bytes are written), and
 * keeps no reference to it. A download into it is then lent the data connection's read
 * buffers, each read into again once its write has called back, instead of a buffer of
 * its own per read. Never for a stream that queues what it is given for later (a
 * PassThrough, a Transform, an array of chunks): it would see its chunks overwritten.
 */
export function borrowsChunks<T extends Writable>(sink: T): T {
  Object.defineProperty(sink, DONE_AT_CALLBACK, { value: true });
  return sink;
}

/**
 * A source that can lend its chunks (a large file, file-source.ts): after `lend()`, each
 * chunk is a view of a buffer that is read into again once `release` gives it back, so a
 * consumer lends only to a sink done with a chunk at its write's callback (a socket).
 * Lent chunks must be views of read-buffers.ts's buffers: that is how a gathering file
 * writer knows not to keep one past its callback (isReadBuffer).
 */
export interface LendingSource {
  lend(): void;
  release(chunk: Buffer): void;
}

export function lenderOf(source: unknown): LendingSource | null {
  const s = source as Partial<LendingSource> | null;
  return s && typeof s.lend === 'function' && typeof s.release === 'function' ? (s as LendingSource) : null;
}

/**
 * Where a read goes. `lend`: `chunk` is a view of the read buffer, valid until `release`
 * is called (after which the buffer is read into again); otherwise `chunk` is the
 * target's to keep (a copy, or a buffer handed over for good) and `release` does nothing.
 */
export interface ReadTarget {
  lend: boolean;
  chunk(chunk: Buffer, release: () => void): void;
}

/**
 * A socket's reads into buffers of ours (protocol/direct-reads.ts): they go to the
 * attached target, not to 'data' events; the socket's 'end', 'error' and 'close' are as
 * usual, and pausing it stops the reads.
 */
export interface ReadSwitch {
  attach(target: ReadTarget): void;
  detach(): void;
}
