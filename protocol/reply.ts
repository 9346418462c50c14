import { ProtocolError } from '../common/errors.js';
import { LineSplitter } from './lines.js';
import type { NameEncoding } from './text.js';

/** One complete server reply (RFC 959 §4.2). */
export interface Reply {
  /** The three-digit reply code, 100-599. */
  code: number;
  /** The text of the reply, its lines joined by '\n', without the code prefixes. */
  message: string;
  /** Each line's text: the first and last without their `ddd-`/`ddd ` prefix. */
  lines: string[];
}

export interface ReplyParserOptions {
  /** Largest reply accepted, all its lines together (default 1 MiB). */
  maxReplyBytes?: number;
  /** How reply text is decoded (default 'utf8', other bytes carried raw): a PWD or MLST reply names paths. */
  encoding?: NameEncoding;
}

const DIGIT_0 = 0x30;
const SPACE = 0x20;
const DASH = 0x2d;

function digit(text: string, at: number): number {
  const d = text.charCodeAt(at) - DIGIT_0;
  return d >= 0 && d <= 9 ? d : -1;
}

/** The reply code at the start of a line, or -1 when the line does not begin with three digits. */
function codeAt(text: string, start: number, end: number): number {
  if (end - start < 3) return -1;
  const a = digit(text, start);
  const b = digit(text, start + 1);
  const c = digit(text, start + 2);
  return a < 0 || b < 0 || c < 0 ? -1 : a * 100 + b * 10 + c;
}

function excerpt(text: string, start: number, end: number): string {
  return JSON.stringify(text.slice(start, Math.min(end, start + 80)));
}

/**
 * Turns the control connection's bytes into replies. Feed it chunks as they arrive,
 * split anywhere; it returns the replies completed by each chunk. A multi-line reply
 * (`123-First` … `123 Last`) comes out once its closing line has arrived; inner lines
 * may begin with digits or with other codes. After a `ProtocolError` the parser stays
 * broken: the connection it reads cannot be trusted any more.
 */
export class ReplyParser {
  readonly #lines: LineSplitter;
  readonly #maxReplyBytes: number;
  #out: Reply[] = [];
  #code = 0; // the code of the open multi-line reply, 0 when none is open
  #open: string[] = [];
  #openBytes = 0;
  #error: ProtocolError | null = null;
  readonly #onLine = (text: string, start: number, end: number, bytes: number): void => this.#line(text, start, end, bytes);

  constructor(options: ReplyParserOptions = {}) {
    this.#maxReplyBytes = options.maxReplyBytes ?? 1024 * 1024;
    this.#lines = new LineSplitter(this.#maxReplyBytes, 'reply line', options.encoding);
  }

  /** True while part of a reply has been read but not all of it. */
  get pending(): boolean {
    return this.#code !== 0 || this.#lines.buffered > 0;
  }

  push(chunk: Buffer): Reply[] {
    if (this.#error) throw this.#error;
    try {
      this.#lines.pushText(chunk, this.#onLine);
    } catch (error) {
      this.#error = error instanceof ProtocolError ? error : new ProtocolError(String(error));
      this.#out = [];
      throw this.#error;
    }
    const out = this.#out;
    if (out.length > 0) this.#out = [];
    return out;
  }

  #line(text: string, start: number, end: number, bytes: number): void {
    if (this.#code !== 0) return this.#inner(text, start, end, bytes);
    if (end === start) return; // a stray empty line carries nothing; some servers send them
    const code = codeAt(text, start, end);
    const sep = end - start > 3 ? text.charCodeAt(start + 3) : SPACE;
    if (code < 0 || (sep !== SPACE && sep !== DASH)) {
      throw new ProtocolError(`Malformed reply line (no reply code): ${excerpt(text, start, end)}`);
    }
    if (code < 100 || code > 599) {
      throw new ProtocolError(`Reply code ${code} is outside 100-599: ${excerpt(text, start, end)}`);
    }
    const message = end - start > 4 ? text.slice(start + 4, end) : '';
    if (sep === SPACE) {
      this.#out.push({ code, message, lines: [message] });
      return;
    }
    this.#code = code;
    this.#open = [message];
    this.#openBytes = bytes;
  }

  #inner(text: string, start: number, end: number, bytes: number): void {
    const length = end - start;
    this.#openBytes += bytes + 2;
    if (this.#openBytes > this.#maxReplyBytes) {
      throw new ProtocolError(`Reply longer than ${this.#maxReplyBytes} bytes`, 'FTPPY_ERR_TOO_LARGE');
    }
    const code = codeAt(text, start, end);
    const sameCode = code === this.#code;
    if (sameCode && (length === 3 || text.charCodeAt(start + 3) === SPACE)) {
      this.#open.push(length > 4 ? text.slice(start + 4, end) : '');
      const lines = this.#open;
      this.#out.push({ code: this.#code, message: lines.join('\n'), lines });
      this.#code = 0;
      this.#open = [];
      return;
    }
    // Some servers repeat `ddd-` on every inner line; the prefix is not part of the text.
    const from = sameCode && text.charCodeAt(start + 3) === DASH ? start + 4 : start;
    this.#open.push(text.slice(from, end));
  }
}
