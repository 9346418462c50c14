import { close, read, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { LendingSource } from './lent-chunks.js';
import { giveReadBuffer, READ_SIZE, takeReadBuffer } from './read-buffers.js';
import { syncDone, syncStart } from './disk-pacing.js';

// A large file's bytes, read 256 KiB at a time, as RETR and the client's uploads send
// them. fs.ReadStream allocates a fresh buffer for every read: on a 1 GiB RETR that was
// 4,096 buffers of 256 KiB for the collector, and a profile of our server sending to curl
// spent a quarter of its CPU in V8's mark-compact (external memory drives it) and a fifth
// in the kernel's fault path. A consumer that is
// done with a chunk once its socket write has called back can instead `lend()`: the
// reads then go into a few buffers that go round, each read into again once the
// consumer gives it back with `release`. A consumer that does not ask gets buffers of
// its own, as from a ReadStream: nobody's chunk is ever overwritten under it.

/** Buffers of one source lent at once: one being read into while two are on their way out. */
const LENT_MAX = 3;

// Reads are synchronous while the page cache serves them (disk-pacing.ts). Through the
// thread pool, a 1 GiB upload from tmpfs to vsftpd took 0.83-0.87 s of our client's CPU
// (curl: 0.41-0.45); synchronously 0.61-0.64.

export class FileSource extends Readable implements LendingSource {
  readonly #fd: number;
  #position: number;
  /** Where reading stops (exclusive): the size measured when the transfer was announced. */
  readonly #end: number;
  #lending = false;
  /** The buffers lent out and not given back yet, by their memory (what a chunk's `buffer` is). */
  readonly #lent = new Map<ArrayBufferLike, Buffer>();
  #reading = false;
  /** Asked for more while every buffer was out: the read starts when one comes back. */
  #wanted = false;
  #open = true;
  /** A destroy that waits for the read in flight: its descriptor may not close under it. */
  #afterRead: (() => void) | null = null;

  /** Reads `fd` from `start` up to `end` (exclusive); the descriptor is closed when the stream ends or is destroyed. */
  constructor(fd: number, start: number, end: number) {
    super({ highWaterMark: READ_SIZE });
    this.#fd = fd;
    this.#position = start;
    this.#end = end;
  }

  /**
   * From now on, chunks are views of buffers that go round: each must be given back with
   * `release` once nothing uses it any more (a socket: at its write's callback). Call it
   * before reading starts.
   */
  lend(): void {
    this.#lending = true;
  }

  /** Gives back a chunk this stream lent; anything else (and a second release) is ignored. */
  release(chunk: Buffer): void {
    const buffer = this.#lent.get(chunk.buffer);
    if (!buffer) return;
    this.#lent.delete(chunk.buffer);
    giveReadBuffer(buffer);
    if (this.#wanted) {
      this.#wanted = false;
      this.#readNext();
    }
  }

  override _read(): void {
    this.#readNext();
  }

  #readNext(): void {
    if (this.#reading || this.destroyed) return;
    const left = this.#end - this.#position;
    if (left <= 0) return void this.push(null);
    let target: Buffer;
    if (this.#lending) {
      if (this.#lent.size >= LENT_MAX) {
        this.#wanted = true;
        return;
      }
      const buffer = takeReadBuffer();
      this.#lent.set(buffer.buffer, buffer);
      target = buffer.subarray(0, Math.min(READ_SIZE, left));
    } else {
      target = Buffer.allocUnsafeSlow(Math.min(READ_SIZE, left));
    }
    const started = syncStart();
    if (started !== null) {
      let n = 0;
      try {
        n = readSync(this.#fd, target, 0, target.length, this.#position);
      } catch (error) {
        return this.#arrived(target, error as Error, 0);
      } finally {
        syncDone(started); // a read that failed slowly (a soft network mount) counts too
      }
      return this.#arrived(target, null, n);
    }
    this.#reading = true;
    read(this.#fd, target, 0, target.length, this.#position, (error, n) => {
      this.#reading = false;
      const after = this.#afterRead;
      if (after) {
        this.release(target); // nobody got it
        return after();
      }
      this.#arrived(target, error, n);
    });
  }

  #arrived(target: Buffer, error: Error | null, n: number): void {
    if (error || n === 0) this.release(target); // nobody got it
    if (error) return void this.destroy(error);
    // A file that shrank since it was measured ends early; RETR tells the client (451).
    if (n === 0) return void this.push(null);
    this.#position += n;
    this.push(target.subarray(0, n));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.#reading) {
      this.#afterRead = () => this.#close((closeError) => callback(error ?? closeError));
      return;
    }
    this.#close((closeError) => callback(error ?? closeError));
  }

  #close(callback: (error?: Error | null) => void): void {
    if (!this.#open) return callback();
    this.#open = false;
    close(this.#fd, (error) => callback(error));
  }
}
