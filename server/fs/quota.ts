import { finished, Writable } from 'node:stream';
import type { Quota } from '../account-policy.js';
import { FileSystemError } from './errors.js';
import type { Usage, UsageBook } from './usage.js';

// An account's quota over its home, as its filesystem applies it: an upload is metered
// chunk by chunk and refused (EDQUOT, answered 552 / 507) before the chunk that would
// pass the limit is written; removals give room back. The usage itself lives in the
// server's UsageBook, shared by every account and session.

export function quotaExceeded(path: string, what: string): FileSystemError {
  return new FileSystemError('EDQUOT', path, `Exceeded storage allocation (${what}): ${path}`);
}

/** How an upload changes its file: a new file or one replaced whole (`start` 0), or written in place from `start`. */
export interface UploadShape {
  /** The file's real storage path. */
  real: string;
  /** The virtual path, for messages. */
  path: string;
  /** No file was there: the upload adds one. */
  isNew: boolean;
  /** Replaced whole (a temporary file renamed over it): its size is given back. 0 in place. */
  replaced: number;
  /** In place: where writing starts, and the file's length before. */
  start: number;
  end: number;
}

/** Counts one upload's bytes into the book and refuses those past the account's limit. */
export class UploadMeter {
  readonly #book: UsageBook;
  readonly #own: Usage | null;
  readonly #limit: number | null;
  readonly #shape: UploadShape;
  #position: number;
  #end: number;
  /** Bytes the file grew by, counted so far. */
  #grown = 0;
  /** Set when a chunk was refused: the upload is to leave nothing behind. */
  refused = false;

  constructor(book: UsageBook, own: Usage | null, limit: number | null, shape: UploadShape) {
    this.#book = book;
    this.#own = own;
    this.#limit = limit;
    this.#shape = shape;
    this.#position = shape.start;
    this.#end = shape.end;
    book.change(shape.real, -shape.replaced, shape.isNew ? 1 : 0);
  }

  /** Counts `bytes` more; the error when they would pass the quota (nothing is counted then). */
  charge(bytes: number): FileSystemError | null {
    const next = this.#position + bytes;
    const grow = Math.max(0, next - this.#end);
    if (grow > 0 && this.#limit !== null && this.#own !== null && this.#own.bytes + grow > this.#limit) {
      this.refused = true;
      return quotaExceeded(this.#shape.path, `${this.#limit} bytes`);
    }
    this.#position = next;
    this.#end += grow;
    this.#grown += grow;
    if (grow > 0) this.#book.change(this.#shape.real, grow, 0);
    return null;
  }

  /** The upload left nothing (its file removed, or cut back to its old length): takes back what it counted. */
  undo(): void {
    this.#book.change(this.#shape.real, this.#shape.replaced - this.#grown, this.#shape.isNew ? -1 : 0);
    this.#grown = 0;
  }
}

/** An account's quota, or only the book's counting when the account has none. */
export class HomeQuota {
  readonly book: UsageBook;
  /** The real path of the home. */
  readonly home: string;
  readonly limits: Quota | null;

  constructor(book: UsageBook, home: string, limits: Quota | null) {
    this.book = book;
    this.home = home;
    this.limits = limits;
  }

  /** What the home holds and the limits (null: no quota). */
  async status(): Promise<{ usage: Usage; limits: Quota | null }> {
    return { usage: { ...(await this.book.of(this.home)) }, limits: this.limits };
  }

  /** True when an upload to `real` is counted (meter gives a meter): only then does what it replaces matter. */
  counts(real: string): boolean {
    return this.limits !== null || this.book.tracks(real);
  }

  /**
   * The meter for an upload, or null when nobody counts this path. Refuses at once an
   * upload that would add a file past the files limit.
   */
  async meter(shape: UploadShape): Promise<UploadMeter | null> {
    if (!this.counts(shape.real)) return null;
    const own = this.limits ? await this.book.of(this.home) : null;
    const files = this.limits?.files ?? null;
    if (own && files !== null && shape.isNew && own.files + 1 > files) throw quotaExceeded(shape.path, `${files} files`);
    return new UploadMeter(this.book, own, this.limits?.bytes ?? null, shape);
  }
}

/** Resolves once `stream` has closed (its descriptor released): a truncate after it cannot race a late write. */
export function closedStream(stream: Writable): Promise<void> {
  // finished() waits for 'close' when the stream will emit one, and answers at once for one already done.
  return new Promise((resolve) => finished(stream, () => resolve()));
}

/**
 * `inner` with every chunk charged to `meter` first: a refused chunk fails the stream
 * with EDQUOT and is never written. Ends (and resolves its 'close') only once `inner` has
 * closed, so a file is complete on disk when the upload is committed.
 */
export function meteredStream(inner: Writable, meter: UploadMeter): Writable {
  const outer = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const refusal = meter.charge(chunk.length);
      if (refusal) return callback(refusal);
      if (inner.write(chunk)) callback();
      else inner.once('drain', () => callback());
    },
    final(callback) {
      inner.once('close', () => callback());
      inner.end();
    },
    destroy(error, callback) {
      inner.destroy();
      callback(error);
    },
  });
  inner.on('error', (error) => outer.destroy(error));
  return outer;
}
