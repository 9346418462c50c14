import type { Readable, Writable } from 'node:stream';
import { SinkWriter } from '../common/backpressure.js';
import { lenderOf } from '../common/lent-chunks.js';
import { PacedSource, type Throttle } from '../common/throttle.js';

const CR = 0x0d;
const LF = 0x0a;

/** A chunk-by-chunk conversion of a transfer's bytes: `push` each chunk, `end` for what is held back. */
export interface ByteCodec {
  push(chunk: Buffer): Buffer;
  end(): Buffer | null;
}

/**
 * TYPE A on the way out (RETR): each LF of the file becomes CRLF on the wire, as the
 * NVT-ASCII of RFC 959 §3.1.1.1 wants, unless a CR already stands before it: a Windows
 * text file's CRLF goes out as it is, not as CR CR LF (proftpd and pyftpdlib do the
 * same). A CR anywhere else is data and stays. The last byte of a chunk is remembered,
 * since the CR of a CRLF may end one chunk and its LF start the next.
 */
export function asciiEncoder(): ByteCodec {
  let lastWasCR = false;
  return {
    push(chunk) {
      if (chunk.length === 0) return chunk;
      const cr = lastWasCR;
      lastWasCR = chunk[chunk.length - 1] === CR;
      const bare = (i: number): boolean => (i === 0 ? !cr : chunk[i - 1] !== CR);
      let count = 0;
      for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) if (bare(i)) count++;
      if (count === 0) return chunk;
      const out = Buffer.allocUnsafe(chunk.length + count);
      let n = 0;
      let from = 0;
      for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) {
        if (!bare(i)) continue;
        n += chunk.copy(out, n, from, i);
        out[n++] = CR;
        from = i; // the LF itself goes with the next copy
      }
      n += chunk.copy(out, n, from);
      return out.subarray(0, n);
    },
    end: () => null,
  };
}

/**
 * TYPE A on the way in (STOR): CRLF becomes LF. A CR at the end of a chunk waits for the
 * next one, since its LF may follow there; a CR not followed by LF is data and stays.
 */
export function asciiDecoder(): ByteCodec {
  let heldCR = false;
  return {
    push(chunk) {
      if (chunk.length === 0) return chunk; // a held CR waits on for the next byte
      const out = Buffer.allocUnsafe(chunk.length + 1);
      let n = 0;
      if (heldCR) {
        heldCR = false;
        if (chunk[0] !== LF) out[n++] = CR;
      }
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i]!;
        if (byte !== CR) {
          out[n++] = byte;
        } else if (i + 1 === chunk.length) {
          heldCR = true;
        } else if (chunk[i + 1] !== LF) {
          out[n++] = CR;
        }
      }
      return out.subarray(0, n);
    },
    end: () => (heldCR ? Buffer.from([CR]) : null),
  };
}

const ignore = (): void => {};

export interface PumpOptions {
  signal: AbortSignal;
  /** Sees every chunk read from the source and returns what to write (counting, TYPE A). */
  onChunk?: (chunk: Buffer) => Buffer;
  /** Called once the source has ended: a last piece to write (what a codec held back). */
  onEnd?: () => Buffer | null;
  /** Resolve only once the sink has closed too (a file: its descriptor is released before the rename). */
  waitForClose?: boolean;
  /** The account's bandwidth limit for this direction, if any. */
  throttle?: Throttle | null;
  /**
   * The sink keeps no chunk past its write's callback (a socket): a source that can lend
   * its read buffers (a large file, common/file-source.ts) then does, and gets each back
   * at that callback.
   */
  sinkDoneAtCallback?: boolean;
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
    const pace = new PacedSource(source, options.throttle ?? null);
    const lender = options.sinkDoneAtCallback ? lenderOf(source) : null;
    lender?.lend();
    const cleanup = (): void => {
      settled = true;
      pace.stop();
      signal.removeEventListener('abort', onAbort);
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
      fail(signal.reason instanceof Error ? signal.reason : new Error('Transfer aborted'));
    }
    function onData(chunk: Buffer): void {
      if (sink.destroyed) return fail(new Error('the destination closed before the end of the transfer'));
      const out = onChunk ? onChunk(chunk) : chunk;
      // A lent chunk goes back once the sink is done with what was made of it (the chunk
      // itself, or a TYPE A copy): a failed write calls back too.
      if (out.length === 0) lender?.release(chunk);
      else if (!(lender ? sink.write(out, () => lender.release(chunk)) : sink.write(out))) pace.sinkFull();
      pace.passed(chunk.length);
    }
    function onDrain(): void {
      if (!ended) pace.drained();
    }
    function onSourceEnd(): void {
      ended = true;
      if (sink.destroyed) return fail(new Error('the destination closed before the end of the transfer'));
      const last = onEnd?.();
      if (last && last.length > 0) sink.write(last);
      sink.end();
    }
    function onSourceClose(): void {
      if (!ended) fail(new Error('the data connection closed before the end of the transfer'));
    }
    function onFinish(): void {
      if (options.waitForClose && !sink.closed) return;
      cleanup();
      resolve();
    }
    function onSinkClose(): void {
      if (sink.writableFinished) onFinish();
      else fail(new Error('the destination closed before the end of the transfer'));
    }
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort);
    sink.on('drain', onDrain).on('error', fail).on('close', onSinkClose).on('finish', onFinish);
    // An empty upload's connection can have ended already: a paused stream with nothing
    // in it reports its end as soon as anything reads, and a TLS socket reads on its own.
    if (source.readableEnded) return onSourceEnd();
    source.on('data', onData).on('end', onSourceEnd).on('error', fail).on('close', onSourceClose);
    source.resume();
  });
}

/**
 * Writes `pieces` to `sink` with backpressure, then ends it; resolves once it has
 * finished. For what is made as it is sent (listings), without a Readable in between.
 */
export async function writeAll(pieces: AsyncIterable<Buffer>, sink: Writable, signal: AbortSignal): Promise<void> {
  const closedEarly = (): Error => new Error('the data connection closed before the end of the transfer');
  const listing = new SinkWriter(sink, closedEarly);
  const onError = (error: Error): void => listing.fail(error);
  const onClose = (): void => listing.fail(closedEarly());
  const onAbort = (): void => listing.fail(signal.reason instanceof Error ? signal.reason : new Error('Transfer aborted'));
  if (signal.aborted) onAbort();
  signal.addEventListener('abort', onAbort);
  sink.on('error', onError).on('close', onClose);
  const iterator = pieces[Symbol.asyncIterator]();
  try {
    await listing.copy(iterator);
    if (sink.destroyed) onClose();
    listing.throwIfFailed();
    const finished = listing.until('finish');
    sink.end();
    await finished;
    listing.throwIfFailed();
  } catch (error) {
    sink.destroy();
    void Promise.resolve(iterator.return?.()).catch(() => {});
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
    sink.off('error', onError).off('close', onClose).on('error', ignore);
  }
}
