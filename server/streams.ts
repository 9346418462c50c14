import { Transform, type TransformCallback } from 'node:stream';

const CR = 0x0d;
const LF = 0x0a;

/**
 * TYPE A on the way out (RETR): each LF of the file becomes CRLF on the wire, as the
 * NVT-ASCII of RFC 959 §3.1.1.1 wants. A CR already in the file is data and stays.
 */
export function asciiEncoder(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      let count = 0;
      for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) count++;
      if (count === 0) return callback(null, chunk);
      const out = Buffer.allocUnsafe(chunk.length + count);
      let n = 0;
      let from = 0;
      for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) {
        n += chunk.copy(out, n, from, i);
        out[n++] = CR;
        out[n++] = LF;
        from = i + 1;
      }
      n += chunk.copy(out, n, from);
      callback(null, out.subarray(0, n));
    },
  });
}

/**
 * TYPE A on the way in (STOR): CRLF becomes LF. A CR at the end of a chunk waits for the
 * next one, since its LF may follow there; a CR not followed by LF is data and stays.
 */
export function asciiDecoder(): Transform {
  let heldCR = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      const out = Buffer.allocUnsafe(chunk.length + 1);
      let n = 0;
      let i = 0;
      if (heldCR) {
        heldCR = false;
        if (chunk[0] !== LF) out[n++] = CR;
      }
      for (; i < chunk.length; i++) {
        const byte = chunk[i]!;
        if (byte !== CR) {
          out[n++] = byte;
        } else if (i + 1 === chunk.length) {
          heldCR = true;
        } else if (chunk[i + 1] !== LF) {
          out[n++] = CR;
        }
      }
      callback(null, out.subarray(0, n));
    },
    flush(callback: TransformCallback) {
      callback(null, heldCR ? Buffer.from([CR]) : undefined);
    },
  });
}

/** Passes bytes through, counting them (for STAT during a transfer and the statistics). */
export function byteCounter(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      onBytes(chunk.length);
      callback(null, chunk);
    },
  });
}
