import type { Readable, Writable } from 'node:stream';
import { LentReads, lenderOf, type ReadSwitch } from './lent-chunks.js';
import { PacedSource, type Throttle } from './throttle.js';

const ignore = (): void => {};

/** The sink closed (or was destroyed) before the source's last byte was written: a client gone. */
export class DestinationClosedError extends Error {
  constructor() {
    super('the destination closed before the end of the transfer');
    this.name = 'DestinationClosedError';
  }
}

/**
 * Whether `sink` emits 'close' after 'finish': a Writable made with `emitClose: false` or
 * `autoDestroy: false` (a Storage of a user's may be one) never does, and waiting for it
 * would hang the transfer. Node keeps this in the stream's state, as its own
 * end-of-stream helper reads it.
 */
function willEmitClose(sink: Writable): boolean {
  const state = (sink as Writable & { _writableState?: { emitClose?: boolean; autoDestroy?: boolean } })._writableState;
  return state?.emitClose !== false && state?.autoDestroy !== false;
}

export interface PumpOptions {
  signal?: AbortSignal;
  /** Sees every chunk read from the source and returns what to write (counting, TYPE A). */
  onChunk?: (chunk: Buffer) => Buffer;
  /** Called once the source has ended: a last piece to write (what a codec held back). */
  onEnd?: () => Buffer | null;
  /** Resolve only once the sink has closed too (a file: its descriptor is released before the rename). */
  waitForClose?: boolean;
  /**
   * The account's bandwidth limit, for an upload: the socket is held while the limit
   * says so. A download's file is paced before it comes here instead (pacedDownload in
   * common/throttle.ts), in small pieces the last one included.
   */
  throttle?: Throttle | null;
  /**
   * The sink keeps no chunk past its write's callback (a socket): a source that can lend
   * its read buffers (a large file, common/file-source.ts) then does, and gets each back
   * at that callback.
   */
  sinkDoneAtCallback?: boolean;
  /**
   * The source socket's reads into buffers of ours (protocol/direct-reads.ts): its chunks
   * come from there instead of 'data' events, lent to a sink done at callback.
   */
  reads?: ReadSwitch | null;
  /**
   * The bytes the sink was promised (an HTTP Content-Length): the source's bytes past them
   * are left unsent, and a source that ends short fails the pump before the sink is ended.
   */
  length?: number;
}

/**
 * Moves `source` into `sink` with backpressure, and ends `sink` after the last byte.
 * Resolves once the sink has finished (and closed, when asked); rejects with the first
 * error of either side, when either closes early, or with the signal's reason, and then
 * destroys both.
 *
 * What `stream.pipeline` does for a transfer, without its per-call machinery: its
 * AbortController, DOMException, end-of-stream watchers and a Transform to count bytes
 * were a tenth of the server's CPU per small transfer (bench/server-load).
 */
export function pump(source: Readable, sink: Writable, options: PumpOptions): Promise<void> {
  const { signal, onChunk, onEnd } = options;
  return new Promise((resolve, reject) => {
    let settled = false;
    let ended = false;
    let left = options.length ?? Infinity;
    const pace = new PacedSource(source, options.throttle ?? null);
    const lender = options.sinkDoneAtCallback ? lenderOf(source) : null;
    lender?.lend();
    const reads = options.reads ?? null;
    const lendReads = reads !== null && options.sinkDoneAtCallback === true;
    const lent = new LentReads(pace, () => ended);
    const cleanup = (): void => {
      settled = true;
      pace.stop();
      reads?.detach();
      signal?.removeEventListener('abort', onAbort);
      // A destroyed stream may still report a late error: it must find a listener.
      source.off('data', onData).off('end', onSourceEnd).off('error', fail).off('close', onSourceClose).on('error', ignore);
      sink.off('drain', onDrain).off('error', fail).off('close', onSinkClose).off('finish', onFinish).on('error', ignore);
    };
    function fail(error: Error): void {
      if (settled) return;
      cleanup();
      source.destroy();
      sink.destroy();
      reject(error);
    }
    function onAbort(): void {
      fail(signal?.reason instanceof Error ? signal.reason : new Error('Transfer aborted'));
    }
    /** `release` gives back a chunk lent by the source's reads; a lending file source's chunks go back to it. */
    function onData(chunk: Buffer, release?: () => void): void {
      if (sink.destroyed) {
        release?.();
        // A sink that failed (a full disk) is destroyed at once but says so a tick later: its error, not a close.
        return fail(sink.errored ?? new DestinationClosedError());
      }
      const piece = chunk.length > left ? chunk.subarray(0, left) : chunk;
      left -= piece.length;
      const out = onChunk ? onChunk(piece) : piece;
      // A lent chunk goes back once the sink is done with what was made of it (the chunk
      // itself, or a TYPE A copy): a failed write calls back too.
      const giveBack = release ? lent.lend(release) : lender ? () => lender.release(chunk) : null;
      if (out.length === 0) giveBack?.();
      else {
        const accepted = giveBack ? sink.write(out, giveBack) : sink.write(out);
        // Lent reads are held by their count (LentReads), not by the sink's mark.
        if (!release && !accepted) pace.sinkFull();
      }
      pace.passed(chunk.length);
      if (left === 0) {
        // All that was promised is out: the rest of a file that grew stays unread.
        reads?.detach();
        source.off('data', onData).off('end', onSourceEnd).off('close', onSourceClose).destroy();
        onSourceEnd();
      }
    }
    function onDrain(): void {
      if (!ended && !lendReads) pace.drained();
    }
    function onSourceEnd(): void {
      ended = true;
      if (sink.destroyed) return fail(sink.errored ?? new DestinationClosedError());
      if (left > 0 && left !== Infinity) return fail(new Error(`the source ended ${left} bytes short of the ${options.length} promised`));
      const last = onEnd?.();
      if (last && last.length > 0) sink.write(last);
      sink.end();
    }
    function onSourceClose(): void {
      if (!ended) fail(new Error('the data connection closed before the end of the transfer'));
    }
    function onFinish(): void {
      if (options.waitForClose && !sink.closed && willEmitClose(sink)) return;
      cleanup();
      resolve();
    }
    function onSinkClose(): void {
      if (sink.writableFinished) onFinish();
      else fail(new DestinationClosedError());
    }
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    sink.on('drain', onDrain).on('error', fail).on('close', onSinkClose).on('finish', onFinish);
    source.on('end', onSourceEnd).on('error', fail).on('close', onSourceClose);
    // Direct reads deliver what came before anyone listened at once, the end after it.
    if (reads) reads.attach({ lend: lendReads, chunk: (chunk, release) => onData(chunk, lendReads ? release : undefined) });
    else source.on('data', onData);
    if (settled) return;
    // An empty upload's connection can have ended already: a paused stream with nothing
    // in it reports its end as soon as anything reads, and a TLS socket reads on its own.
    if (source.readableEnded) return onSourceEnd();
    // What came before may have filled the sink already: that hold stands.
    if (!pace.held) source.resume();
  });
}
