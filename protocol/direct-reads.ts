import { Socket } from 'node:net';
import type { ReadSwitch, ReadTarget } from '../common/lent-chunks.js';
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

/**
 * The first reads of every connection go into this one buffer, and are copied out at once
 * (never lent nor handed over): libuv reads into a buffer and calls back before any other
 * read, so one serves all. Most data connections carry a small file or a listing, and
 * would otherwise each hold a 256 KiB buffer (200 sessions: 50 MiB). A read that fills it
 * says the bytes come fast: from then on they go into the 256 KiB buffers that go round.
 */
const FIRST = Buffer.allocUnsafeSlow(16 * 1024);

/** Bytes kept from before anyone listens, at most, before reading stops until someone does. */
const EARLY_MAX = 4 * READ_SIZE;

const readers = new WeakMap<Socket, DirectReads>();

/** The direct reads of a socket made with `DirectReads.onread()` (bound), or undefined for any other socket. */
export function directReadsOf(socket: Socket): DirectReads | undefined {
  return readers.get(socket);
}

const nothing = (): void => {};
const DROP: ReadTarget = { lend: true, chunk: (_chunk, release) => release() };

export class DirectReads implements ReadSwitch {
  #socket: Socket | null = null;
  /** The buffer the next read goes into; never one that is lent. */
  #current: Buffer | null = null;
  /** Whether reads still go into FIRST: until one fills it. */
  #first = true;
  #target: ReadTarget | null = null;
  /** Bytes that came before anyone listened (copies), delivered by `attach`. */
  #early: Buffer[] = [];
  #earlyBytes = 0;

  /** net's `onread` option (net.connect's, or readDirectly's); the socket it makes must be given to `bind`. */
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
    this.#target = target;
    // A target that fails on one of these detaches: the rest are not its any more.
    for (const chunk of this.#early.splice(0)) {
      if (this.#target !== target) break;
      target.chunk(chunk, nothing);
    }
  }

  detach(): void {
    this.#target = null;
  }

  /** Drops every read from now on, and what came before: a connection left to close on its own. */
  discard(): void {
    this.#early = [];
    this.#earlyBytes = 0;
    this.#target = DROP;
  }

  #next(): Buffer {
    return this.#first ? FIRST : (this.#current ??= takeReadBuffer());
  }

  #read(n: number, buffer: Buffer): boolean {
    const target = this.#target;
    const view = buffer.subarray(0, n);
    if (buffer === FIRST) {
      if (n === FIRST.length) this.#first = false;
      return this.#deliver(Buffer.from(view), target);
    }
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
    // A sink of the caller's may keep what it is given: it gets a buffer of its own. A
    // read that filled most of ours is handed over whole (the next read takes another)
    // rather than copied: the copy into fresh memory was a third of the client's CPU on a
    // download to a discarding sink. A shorter one is copied (#deliver), so that a sink
    // that keeps its chunks holds at most twice the bytes it was given.
    if (target && n >= HANDOVER_MIN) {
      this.#current = null;
      target.chunk(view, nothing);
      return true;
    }
    return this.#deliver(Buffer.from(view), target);
  }

  /** A chunk that is the target's to keep; with nobody listening yet, kept for `attach`. */
  #deliver(copy: Buffer, target: ReadTarget | null): boolean {
    if (target) {
      target.chunk(copy, nothing);
      return true;
    }
    // Nobody listens yet (the data came before the 150 was read): kept. Reading goes on
    // (an upload's connection must read the server's FIN) until a few reads' worth wait.
    this.#early.push(copy);
    this.#earlyBytes += copy.length;
    return this.#earlyBytes < EARLY_MAX;
  }
}

/** What an accepted socket holds that this file reads: Node's own, not in its types. */
interface AcceptedSocket extends Socket {
  _handle?: { useUserBuffer?: unknown; reading?: boolean } | null;
}

/**
 * The same connection in a socket that reads into buffers of ours. net offers `onread`
 * only to the sockets it connects: one that a net.Server accepted reads each time into a
 * fresh 64 KiB buffer, and on an upload to our server that was half its CPU (1 GiB into
 * a file on tmpfs: 1,210 against 600 ms of CPU, bench/RESULTS.md). The connection's
 * handle moves to a new Socket made with `onread` (net's `handle` option, with which
 * child_process and cluster hand sockets over), paused; the old object is destroyed
 * without it (which only settles its server's count of connections). Only for a socket
 * nothing has read from yet (accepted with pauseOnConnect, or connected and paused before
 * any byte came) and a plain connection (TLS reads through its own wrap); where this
 * Node's sockets are not of that shape, `socket` itself is returned.
 */
export function readDirectly(socket: Socket): Socket {
  const accepted = socket as AcceptedSocket;
  const handle = accepted._handle;
  const untouched = socket.readableLength === 0 && socket.readableFlowing !== true && !socket.readableEnded && !socket.destroyed && socket.listenerCount('data') === 0;
  if (!handle || typeof handle.useUserBuffer !== 'function' || handle.reading === true || !untouched) return socket;
  const direct = new DirectReads();
  const options = { handle, onread: direct.onread(), pauseOnCreate: true, allowHalfOpen: socket.allowHalfOpen, readable: true, writable: true };
  let moved: Socket;
  try {
    moved = new Socket(options as ConstructorParameters<typeof Socket>[0]);
  } catch {
    return socket; // the handle is still the old socket's
  }
  accepted._handle = null;
  direct.bind(moved);
  for (const listener of socket.listeners('error')) moved.on('error', listener as (error: Error) => void);
  socket.destroy();
  return moved;
}
