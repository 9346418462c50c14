import { isAscii } from 'node:buffer';
import { ProtocolError } from '../common/errors.js';
import { decodeRaw, type NameEncoding } from './text.js';

export type LineHandler = (buf: Buffer, start: number, end: number) => void;

/**
 * A line as text: `text.slice(start, end)` is the line (without its line break), `bytes`
 * its length on the wire. `text` may hold more than the line, so take the range.
 */
export type TextLineHandler = (text: string, start: number, end: number, bytes: number) => void;

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
  readonly #latin1: boolean;

  /** `encoding`: how pushText() decodes lines (default 'utf8', other bytes carried raw). */
  constructor(maxLine: number, what: string, encoding: NameEncoding = 'utf8') {
    this.#maxLine = maxLine;
    this.#what = what;
    this.#latin1 = encoding === 'latin1';
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
    if (start < chunk.length) this.#hold(chunk, start);
  }

  /**
   * Like push(), with each line decoded as decodeRaw decodes it: UTF-8, and each byte that
   * is not UTF-8 (a Latin-1 name) carried as U+DC80+byte, so a name read from a listing or
   * a reply goes back out in a command as the bytes it came as.
   * Decoding line by line costs a native call per line, which dominates on a stream of
   * short lines; here the whole lines of a chunk become one Latin-1 string at once, in
   * which every byte is one character, so lines are found with string searches, and a
   * line that is all ASCII is handed out as a range of that string as it stands. Only
   * lines with bytes above 0x7f are decoded on their own. (Strings sliced from a range keep
   * that one string alive: a chunk's worth at most.) 1,000,000 replies parse 1.8× faster
   * this way than through push() and decoding each line (bench/parsers.bench.ts).
   */
  pushText(chunk: Buffer, onLine: TextLineHandler): void {
    let from = 0;
    if (this.#pendingBytes > 0) {
      const lf = chunk.indexOf(LF);
      if (lf === -1) return this.#hold(chunk, 0);
      this.#pending.push(chunk.subarray(0, lf + 1));
      const line = Buffer.concat(this.#pending, this.#pendingBytes + lf + 1);
      this.#pending = [];
      this.#pendingBytes = 0;
      const end = line.length > 1 && line[line.length - 2] === CR ? line.length - 2 : line.length - 1;
      this.#emitText(line, end, onLine);
      from = lf + 1;
    }
    const last = chunk.lastIndexOf(LF);
    if (last >= from) this.#splitText(chunk, from, last + 1, onLine);
    if (last + 1 < chunk.length) this.#hold(chunk, Math.max(from, last + 1));
  }

  /** flush() for pushText(). */
  flushText(onLine: TextLineHandler): void {
    if (this.#pendingBytes === 0) return;
    const rest = Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#emitText(rest, rest.length > 0 && rest[rest.length - 1] === CR ? rest.length - 1 : rest.length, onLine);
  }

  /** Hands out the lines of `chunk[from, to)`, which ends with a LF. */
  #splitText(chunk: Buffer, from: number, to: number, onLine: TextLineHandler): void {
    const text = chunk.toString('latin1', from, to);
    // Where the next byte above 0x7f is (as an index into `text`), once looked for. An
    // ASCII region, the common case, has none, and isAscii tells in one vectorised pass.
    // Latin-1 lines are that string as it stands, whatever their bytes.
    const high = this.#latin1 || isAscii(chunk.subarray(from, to)) ? null : new HighBytes(chunk);
    let nextHigh = high === null ? Infinity : -1;
    let start = 0;
    let lf = text.indexOf('\n');
    while (lf !== -1) {
      const end = lf > start && text.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
      if (end - start > this.#maxLine) this.#tooLong();
      if (nextHigh < start) nextHigh = high!.find(from + start, to) - from;
      if (nextHigh >= end) onLine(text, start, end, end - start);
      else {
        const line = decodeRaw(chunk, from + start, from + end);
        onLine(line, 0, line.length, end - start);
      }
      start = lf + 1;
      lf = text.indexOf('\n', start);
    }
  }

  #emitText(line: Buffer, end: number, onLine: TextLineHandler): void {
    if (end > this.#maxLine) this.#tooLong();
    const text = this.#latin1 ? line.toString('latin1', 0, end) : decodeRaw(line, 0, end);
    onLine(text, 0, text.length, end);
  }

  /** Keeps `chunk[start..]`, the beginning of a line whose LF has not arrived. */
  #hold(chunk: Buffer, start: number): void {
    this.#pendingBytes += chunk.length - start;
    // +1: a trailing CR may still be followed by its LF
    if (this.#pendingBytes > this.#maxLine + 1) this.#tooLong();
    // A copy, so that a large chunk is not kept alive by its last few bytes.
    this.#pending.push(start === 0 ? chunk : Buffer.from(chunk.subarray(start)));
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

/**
 * Finds bytes above 0x7f, the ones that make a line need UTF-8 decoding, four at a time:
 * a regular expression over the Latin-1 text took three times as long on a stream where
 * one line in ten has such a byte.
 */
class HighBytes {
  readonly #buf: Buffer;
  readonly #words: Uint32Array;
  readonly #base: number; // where #words[0] starts in #buf: the first 4-aligned byte

  constructor(buf: Buffer) {
    this.#buf = buf;
    this.#base = (4 - (buf.byteOffset & 3)) & 3;
    const count = Math.max(0, (buf.length - this.#base) >> 2);
    this.#words = count === 0 ? new Uint32Array(0) : new Uint32Array(buf.buffer, buf.byteOffset + this.#base, count);
  }

  /** The index of the first byte above 0x7f in `buf[from, to)`, or Infinity. */
  find(from: number, to: number): number {
    const buf = this.#buf;
    const base = this.#base;
    let at = from;
    while (at < to && (at < base || ((at - base) & 3) !== 0)) {
      if (buf[at]! > 0x7f) return at;
      at++;
    }
    let word = (at - base) >> 2;
    const words = Math.min(this.#words.length, (to - base) >> 2);
    while (word < words && (this.#words[word]! & 0x80808080) === 0) word++;
    for (at = Math.max(at, base + word * 4); at < to; at++) if (buf[at]! > 0x7f) return at;
    return Infinity;
  }
}
