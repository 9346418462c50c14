import { close, closeSync, fstatSync, readSync, write, writeSync, writev, writevSync } from 'node:fs';
import { syncDone, syncStart } from './disk-pacing.js';
import { Readable, Writable } from 'node:stream';
import { FileSource } from './file-source.js';
import { DONE_AT_CALLBACK } from './lent-chunks.js';
import { isReadBuffer } from './read-buffers.js';

/**
 * Up to this many bytes a file is read, and the start of an upload written, with
 * synchronous calls. Most files an FTP server moves are small, and for them the thread
 * pool's read, write and close trips were the larger part of the server's CPU per
 * transfer (bench/server-load); a few tens of microseconds of blocking per small file is
 * what pyftpdlib spends on every file. Past this, reads go 256 KiB at a time and writes
 * as they come, synchronously while the disk answers fast and through the thread pool
 * for a while after a slow call (disk-pacing.ts), so that neither a file's size nor a
 * slow disk under a large transfer holds the event loop for long.
 */
export const SYNC_BYTES = 64 * 1024;

/**
 * The bytes of an open file from `start` to `size` as a stream; the descriptor is the
 * stream's, closed when it ends or is destroyed. RETR, and the client's uploads, read
 * files this way.
 */
export function fileReader(fd: number, start: number, size: number): Readable {
  const length = Math.max(0, size - start);
  // `end`: the bytes the 150 reply announced, even when the file grows meanwhile (a log).
  // Past SYNC_BYTES a file is read in 256 KiB pieces (file-source.ts): a quarter of the
  // thread-pool trips of 64 KiB reads. The client's uploads read through here too: 1 GiB
  // to vsftpd went from 370-450 MiB/s with 64 KiB reads to 500-600, with a third less
  // CPU; larger reads gained little more, and cost memory.
  if (length > SYNC_BYTES) return new FileSource(fd, start, size);
  let data: Buffer;
  try {
    data = Buffer.allocUnsafe(length);
    let n = 0;
    for (let got = -1; n < length && got !== 0; n += got) got = readSync(fd, data, n, length - n, start + n);
    data = data.subarray(0, n); // shorter when the file shrank since it was measured
  } finally {
    closeSync(fd);
  }
  let sent = false;
  return new Readable({
    read() {
      if (!sent && data.length > 0) this.push(data);
      sent = true;
      this.push(null);
    },
  });
}

// What a writer takes before it pushes back: while one write is in the thread pool, the
// chunks that come meanwhile queue up to this and then go down in one writev. At 64 KiB
// (one socket read) a server upload paused its socket after every read and wrote each
// read on its own: per GiB ~18,000 pwrite, ~28,000 epoll_ctl and ~90,000 futex calls.
const WRITE_QUEUE = 512 * 1024;

function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false; // the write through the pool reports what is wrong with it
  }
}

/** What of `buffers` is left once `n` bytes of them are written. */
function rest(buffers: Buffer[], n: number): Buffer[] {
  let i = 0;
  while (i < buffers.length && n >= buffers[i]!.length) n -= buffers[i++]!.length;
  const left = buffers.slice(i);
  if (left.length > 0 && n > 0) left[0] = left[0]!.subarray(n);
  return left;
}

/**
 * A stream into an open file, at `position` (null: the descriptor's own, for append).
 * The first SYNC_BYTES are written synchronously, the rest synchronously too while the
 * disk is fast (disk-pacing.ts), else through the thread pool; the descriptor is closed
 * when the stream finishes or is destroyed.
 */
export class FileWriter extends Writable {
  /** A chunk is written (or abandoned) when its callback runs, or is its own (gathered): a lent one is never gathered. */
  readonly [DONE_AT_CALLBACK] = true;
  readonly #fd: number;
  #position: number | null;
  #written = 0;
  #open = true;
  /** Past SYNC_BYTES, chunks are taken until this many bytes wait, then written in one writev (0: no gathering). */
  readonly #gather: number;
  #gathered: Buffer[] = [];
  #gatheredBytes = 0;
  // An async write in flight: closing the descriptor under it could let the write land
  // in whatever file reuses the number, so a close waits for it.
  #inFlight = false;
  #afterWrite: (() => void) | null = null;
  /** Whether the descriptor is a regular file (asked once, when the first write past SYNC_BYTES comes). */
  #regular: boolean | undefined;

  /**
   * `gather`: bytes to take before each write past SYNC_BYTES, for chunks that are the
   * writer's to keep (a server upload's socket reads). Each trip through the thread pool
   * wakes a worker thread, which on a virtual machine costs as much as the write itself.
   */
  constructor(fd: number, position: number | null, options: { gather?: number } = {}) {
    // A gathering writer holds its batch itself: the queue behind a write in flight stays short.
    super({ highWaterMark: (options.gather ?? 0) > 0 ? SYNC_BYTES : WRITE_QUEUE });
    this.#fd = fd;
    this.#position = position;
    this.#gather = options.gather ?? 0;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#writeChunk(chunk, callback);
  }

  #writeChunk(chunk: Buffer, callback: (error?: Error | null) => void): void {
    if (this.#written + chunk.length > SYNC_BYTES) return this.#writeLater([chunk], false, callback);
    const at = this.#position;
    if (this.#position !== null) this.#position += chunk.length;
    try {
      for (let n = 0; n < chunk.length; ) n += writeSync(this.#fd, chunk, n, chunk.length - n, at === null ? null : at + n);
    } catch (error) {
      return callback(error as Error);
    }
    this.#written += chunk.length;
    callback();
  }

  // Chunks that queued up behind a write in flight go down in one writev: one thread-pool
  // trip for all of them when the disk is slower than the network, and no copy.
  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    if (this.#written <= SYNC_BYTES) return this.#writeEach(chunks, 0, callback);
    this.#writeLater(chunks.map(({ chunk }) => chunk), false, callback);
  }

  /**
   * Past SYNC_BYTES: takes `buffers`, and writes what waits through the thread pool in one
   * writev once #gather bytes wait (at once without gathering), or when `flush` says so.
   */
  #writeLater(buffers: Buffer[], flush: boolean, callback: (error?: Error | null) => void): void {
    for (const b of buffers) {
      if (b.length === 0) continue;
      this.#gathered.push(b);
      this.#gatheredBytes += b.length;
      this.#written += b.length;
    }
    // While the disk is fast, at once and synchronously (disk-pacing.ts): gathering only
    // saves thread-pool trips. Never behind a write in flight (an append's order), and
    // only to a regular file: a write to a full pipe would block the loop for good.
    if (this.#gatheredBytes > 0 && !this.#inFlight && (this.#regular ??= isRegularFile(this.#fd))) {
      const started = syncStart();
      if (started !== null) return this.#writeNow(started, callback);
    }
    // A lent chunk (a view of a 256 KiB read buffer: a file source's, or an upload
    // socket's, protocol/direct-reads.ts) is not kept past its callback,
    // since it is read into again then: it goes down now with what waits, and calls back
    // once written. Copying it instead made a fresh buffer per read again.
    if (!flush && this.#gatheredBytes < this.#gather && !buffers.some(isReadBuffer)) return callback();
    const batch = this.#gathered;
    const total = this.#gatheredBytes;
    this.#gathered = [];
    this.#gatheredBytes = 0;
    if (total === 0) return callback();
    const at = this.#position;
    if (this.#position !== null) this.#position += total;
    this.#writevAsync(batch, at, callback);
  }

  /** Writes what was gathered synchronously (begun at `started`, for the pacing). */
  #writeNow(started: number, callback: (error?: Error | null) => void): void {
    let buffers = this.#gathered;
    let at = this.#position;
    if (at !== null) this.#position = at + this.#gatheredBytes;
    this.#gathered = [];
    this.#gatheredBytes = 0;
    try {
      while (buffers.length > 0) {
        const n = buffers.length === 1 ? writeSync(this.#fd, buffers[0]!, 0, buffers[0]!.length, at) : writevSync(this.#fd, buffers, at ?? undefined);
        if (at !== null) at += n;
        buffers = rest(buffers, n);
      }
    } catch (error) {
      return callback(error as Error);
    } finally {
      syncDone(started); // a write that failed slowly counts too
    }
    callback();
  }

  /** A write came back: true when a close was waiting for it, which now goes on. */
  #writeReturned(): boolean {
    this.#inFlight = false;
    const next = this.#afterWrite;
    if (!next) return false;
    this.#afterWrite = null;
    next();
    return true;
  }

  #writevAsync(buffers: Buffer[], at: number | null, callback: (error?: Error | null) => void): void {
    if (buffers.length === 1) return this.#writeAsync(buffers[0]!, 0, at, callback);
    this.#inFlight = true;
    writev(this.#fd, buffers, at, (error, n) => {
      if (this.#writeReturned()) return callback(error);
      if (error) return callback(error);
      // A short writev (a full disk on its way, a signal): the rest goes on from where it stopped.
      const left = rest(buffers, n);
      if (left.length === 0) return callback();
      this.#writevAsync(left, at === null ? null : at + n, callback);
    });
  }

  #writeEach(chunks: { chunk: Buffer }[], i: number, callback: (error?: Error | null) => void): void {
    if (i === chunks.length || !this.#open) return callback();
    this.#writeChunk(chunks[i]!.chunk, (error) => (error ? callback(error) : this.#writeEach(chunks, i + 1, callback)));
  }

  #writeAsync(chunk: Buffer, from: number, at: number | null, callback: (error?: Error | null) => void): void {
    this.#inFlight = true;
    write(this.#fd, chunk, from, chunk.length - from, at, (error, n) => {
      if (this.#writeReturned()) return callback(error);
      if (error) return callback(error);
      if (from + n < chunk.length) return this.#writeAsync(chunk, from + n, at === null ? null : at + n, callback);
      callback();
    });
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.#gatheredBytes === 0) return this.#close(callback);
    this.#writeLater([], true, (error) => (error ? callback(error) : this.#close(callback)));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#close((closeError) => callback(error ?? closeError ?? null));
  }

  #close(callback: (error?: Error | null) => void): void {
    if (this.#inFlight) {
      this.#afterWrite = () => this.#close(callback);
      return;
    }
    if (!this.#open) return callback();
    this.#open = false;
    if (this.#written <= SYNC_BYTES) {
      try {
        closeSync(this.#fd);
      } catch (error) {
        return callback(error as Error);
      }
      return callback();
    }
    close(this.#fd, (error) => callback(error));
  }
}
