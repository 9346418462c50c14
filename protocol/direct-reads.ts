import type { Socket } from 'node:net';
import { giveReadBuffer, READ_SIZE, takeReadBuffer } from '../common/read-buffers.js';

// A plain data connection's reads, into buffers we own (net's `onread`), instead of the
// fresh 64 KiB buffer net allocates for every read and leaves to the garbage collector.
// On a 1 GiB download that allocation was the client's largest cost: glibc trims the
// heap as the buffers die and faults the pages back for the next ones (~4,000 brk and
// tens of thousands of page faults per GiB). Reading 256 KiB at a time into buffers that
// go round, a download to a file moves 2-4× the bytes for the same CPU (profile in
// bench/RESULTS.md). A TLS connection reads through its own wrap: net's onread does not
// reach it, so TLS data connections never get one.

/** Reads at least this long are handed to a sink that keeps its chunks, not copied. */
const HANDOVER_MIN = READ_SIZE / 2;

/** Bytes kept from before anyone listens, at most, before reading stops until someone does. */
const EARLY_MAX = 4 * READ_SIZE;

/**
 * Where a read goes. `lend`: `chunk` is a view of the read buffer, valid until `release`
 * is called (after which the buffer is read into again); otherwise `chunk` is the
 * target's to keep (a copy, or a buffer handed over for good) and `release` does nothing.
 */
export interface ReadTarget {
  lend: boolean;
  chunk(chunk: Buffer, release: () => void): void;
}

const readers = new WeakMap<Socket, DirectReads>();

/** The direct reads of a socket made with `DirectReads.options()`, or undefined for any other socket. */
export function directReadsOf(socket: Socket): DirectReads | undefined {
  return readers.get(socket);
}

const nothing = (): void => {};

export class DirectReads {
  #socket: Socket | null = null;
  /** The buffer the next read goes into; never one that is lent. */
  #current: Buffer | null = null;
  #target: ReadTarget | null = null;
  /** Bytes that came before anyone listened (copies), delivered by `attach`. */
  #early: Buffer[] = [];
  #earlyBytes = 0;

  /** net.connect's `onread` option; the socket it makes must be given to `bind`. */
  onread(): { buffer: () => Buffer; callback: (n: number, buffer: Buffer) => boolean } {
    return { buffer: () => this.#next(), callback: (n, buffer) => this.#read(n, buffer) };
  }

  bind(socket: Socket): void {
    this.#socket = socket;
    readers.set(socket, this);
    // After close no read comes: the buffer goes back. One lent out comes back by its release.
    socket.once('close', () => {
      if (this.#current) giveReadBuffer(this.#current);
      this.#current = null;
    });
  }

  /** Whether bytes wait that came before anyone listened. */
  get early(): boolean {
    return this.#early.length > 0;
  }

  /** Sends the reads to `target`, those that came before first; `detach` stops it. */
  attach(target: ReadTarget): void {
    this.#earlyBytes = 0;
    for (const chunk of this.#early.splice(0)) target.chunk(chunk, nothing);
    this.#target = target;
  }

  detach(): void {
    this.#target = null;
  }

  #next(): Buffer {
    return (this.#current ??= takeReadBuffer());
  }

  #read(n: number, buffer: Buffer): boolean {
    const target = this.#target;
    const view = buffer.subarray(0, n);
    if (target?.lend) {
      this.#current = null; // lent: the next read needs another
      let lent = true;
      target.chunk(view, () => {
        if (!lent) return;
        lent = false;
        giveReadBuffer(buffer);
      });
      return true;
    }
    if (target) {
      // A sink of the caller's may keep what it is given: it gets a buffer of its own.
      // A read that filled most of ours is handed over whole (the next read takes another)
      // rather than copied: the copy into fresh memory was a third of the client's CPU on
      // a download to a discarding sink. A shorter one is copied, so that a sink that
      // keeps its chunks holds at most twice the bytes it was given.
      if (n >= HANDOVER_MIN) {
        this.#current = null;
        target.chunk(view, nothing);
      } else {
        target.chunk(Buffer.from(view), nothing);
      }
      return true;
    }
    const copy = Buffer.from(view);
    // Nobody listens yet (the data came before the 150 was read): kept. Reading goes on
    // (an upload's connection must read the server's FIN) until a few reads' worth wait.
    this.#early.push(copy);
    this.#earlyBytes += n;
    return this.#earlyBytes < EARLY_MAX;
  }
}
