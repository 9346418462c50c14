import { ProtocolError } from './errors.js';

export type LineHandler = (buf: Buffer, start: number, end: number) => void;

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines ended by LF (a CR before it is dropped). Pure and
 * incremental: an unfinished line is held back until the rest arrives, so a line split
 * anywhere, even inside CRLF or a multi-byte character, comes out whole. Lines are
 * handed out as ranges of a buffer rather than copies, which keeps the hot path free of
 * allocations. A line longer than `maxLine` bytes is a `ProtocolError`, so a peer that
 * never sends LF cannot grow memory without bound.
 */
export class LineSplitter {
  // The unfinished line, as the chunks it arrived in: joined only once its LF arrives,
  // so a long line fed in small pieces costs O(n), not O(n²).
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  readonly #maxLine: number;
  readonly #what: string;

  constructor(maxLine: number, what: string) {
    this.#maxLine = maxLine;
    this.#what = what;
  }

  /** Bytes of an unfinished line held back. */
  get buffered(): number {
    return this.#pendingBytes;
  }

  push(chunk: Buffer, onLine: LineHandler): void {
    let start = 0;
    let lf = chunk.indexOf(LF);
    if (lf !== -1 && this.#pendingBytes > 0) {
      this.#pending.push(chunk.subarray(0, lf + 1));
      const line = Buffer.concat(this.#pending, this.#pendingBytes + lf + 1);
      this.#pending = [];
      this.#pendingBytes = 0;
      this.#emit(line, 0, line.length - 1, onLine);
      start = lf + 1;
      lf = chunk.indexOf(LF, start);
    }
    while (lf !== -1) {
      this.#emit(chunk, start, lf, onLine);
      start = lf + 1;
      lf = chunk.indexOf(LF, start);
    }
    if (start < chunk.length) {
      this.#pendingBytes += chunk.length - start;
      // +1: a trailing CR may still be followed by its LF
      if (this.#pendingBytes > this.#maxLine + 1) this.#tooLong();
      // A copy, so that a large chunk is not kept alive by its last few bytes.
      this.#pending.push(start === 0 ? chunk : Buffer.from(chunk.subarray(start)));
    }
  }

  /** Hands out the unfinished line held back at the end of the stream, if any. */
  flush(onLine: LineHandler): void {
    if (this.#pendingBytes === 0) return;
    const rest = Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#emit(rest, 0, rest.length, onLine);
  }

  #emit(buf: Buffer, start: number, lf: number, onLine: LineHandler): void {
    const end = lf > start && buf[lf - 1] === CR ? lf - 1 : lf;
    if (end - start > this.#maxLine) this.#tooLong();
    onLine(buf, start, end);
  }

  #tooLong(): never {
    this.#pending = [];
    this.#pendingBytes = 0;
    throw new ProtocolError(`${this.#what} longer than ${this.#maxLine} bytes`, 'FTPPY_ERR_TOO_LARGE');
  }
}
