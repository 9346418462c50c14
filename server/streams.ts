import type { Writable } from 'node:stream';
import { SinkWriter } from '../common/backpressure.js';

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
