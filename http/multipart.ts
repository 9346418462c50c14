// A streaming multipart/form-data parser (RFC 7578 over RFC 2046 §5.1). Pure and
// incremental: bytes in, events out, no stream inside, so a part's body is handed on as
// it arrives (subarrays of the input, never copied or held whole) and the parser is
// tested by feeding bodies split at every position.

export class MultipartError extends Error {
  /** 400 for a malformed body, 413 when a bound was passed. */
  readonly status: 400 | 413;

  constructor(message: string, status: 400 | 413 = 400) {
    super(message);
    this.name = 'MultipartError';
    this.status = status;
  }
}

export interface PartHeaders {
  /** The form field's name (Content-Disposition `name`). */
  name: string;
  /** The file name the browser sent, if any (`filename`, or `filename*` per RFC 5987). */
  filename: string | null;
  contentType: string;
  /** Every header, names lower-cased. */
  raw: Record<string, string>;
}

export type MultipartEvent =
  | { type: 'part'; headers: PartHeaders }
  | { type: 'data'; chunk: Buffer }
  | { type: 'partEnd' }
  | { type: 'end' };

export interface MultipartLimits {
  /** Bytes of one part's header block. Default 16 KiB. */
  headerBytes?: number;
  /** Parts in one body. Default 100. */
  parts?: number;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** The boundary parameter of a `multipart/form-data` Content-Type, or null. */
export function boundaryOf(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return null;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

type State = 'preamble' | 'afterBoundary' | 'headers' | 'body' | 'epilogue';

export class MultipartParser {
  // The delimiter is CRLF "--" boundary; the body is treated as if it began with a CRLF
  // so that a first boundary on the very first line is found by the same search.
  readonly #delimiter: Buffer;
  readonly #headerBytes: number;
  readonly #maxParts: number;
  #state: State = 'preamble';
  #held: Buffer = CRLF;
  #parts = 0;
  #events: MultipartEvent[] = [];

  constructor(boundary: string, limits: MultipartLimits = {}) {
    if (!/^[0-9A-Za-z'()+_,\-./:=? ]{1,70}$/.test(boundary) || boundary.endsWith(' ')) {
      throw new MultipartError(`invalid multipart boundary ${JSON.stringify(boundary)}`);
    }
    this.#delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
    this.#headerBytes = limits.headerBytes ?? 16 * 1024;
    this.#maxParts = limits.parts ?? 100;
  }

  /** True once the closing boundary has been read. */
  get done(): boolean {
    return this.#state === 'epilogue';
  }

  push(chunk: Buffer): MultipartEvent[] {
    let buf = this.#held.length > 0 ? Buffer.concat([this.#held, chunk]) : chunk;
    this.#held = Buffer.alloc(0);
    let at = 0;
    for (;;) {
      const next = this.#step(buf, at);
      if (next === -1) break;
      at = next;
    }
    const events = this.#events;
    this.#events = [];
    return events;
  }

  /** Call at the end of the body: a body without its closing boundary is an error. */
  end(): MultipartEvent[] {
    if (this.#state !== 'epilogue') throw new MultipartError('multipart body ended before its closing boundary');
    return [];
  }

  // One step of the state machine from `at`; returns where the next step starts, or -1
  // when it needs more bytes (what it could not use yet is held back in #held).
  #step(buf: Buffer, at: number): number {
    switch (this.#state) {
      case 'preamble': {
        const found = buf.indexOf(this.#delimiter, at);
        if (found === -1) return this.#hold(buf, Math.max(at, buf.length - this.#delimiter.length + 1));
        this.#state = 'afterBoundary';
        return found + this.#delimiter.length;
      }
      case 'afterBoundary': {
        // "--" closes the body; otherwise optional blanks (RFC 2046 transport padding) then CRLF
        if (buf.length - at < 2) return this.#hold(buf, at);
        if (buf[at] === 0x2d && buf[at + 1] === 0x2d) {
          this.#state = 'epilogue';
          this.#events.push({ type: 'end' });
          return -1;
        }
        const eol = buf.indexOf(CRLF, at);
        if (eol === -1) {
          if (buf.length - at > 256) throw new MultipartError('malformed multipart boundary line');
          return this.#hold(buf, at);
        }
        if (!/^[ \t]*$/.test(buf.toString('latin1', at, eol))) throw new MultipartError('malformed multipart boundary line');
        if (++this.#parts > this.#maxParts) throw new MultipartError(`more than ${this.#maxParts} parts`, 413);
        this.#state = 'headers';
        return eol + 2;
      }
      case 'headers': {
        // an empty header block is CRLF right away; otherwise the block ends with CRLF CRLF
        const blockEnd = buf[at] === 0x0d && buf[at + 1] === 0x0a ? at : buf.indexOf(HEADER_END, at);
        if (blockEnd === -1 || (blockEnd === at && buf.length - at < 2)) {
          if (buf.length - at > this.#headerBytes) throw new MultipartError(`part headers larger than ${this.#headerBytes} bytes`, 413);
          return this.#hold(buf, at);
        }
        if (blockEnd - at > this.#headerBytes) throw new MultipartError(`part headers larger than ${this.#headerBytes} bytes`, 413);
        this.#events.push({ type: 'part', headers: parsePartHeaders(buf.toString('utf8', at, blockEnd)) });
        this.#state = 'body';
        return blockEnd === at ? at + 2 : blockEnd + 4;
      }
      case 'body': {
        const found = buf.indexOf(this.#delimiter, at);
        if (found !== -1) {
          if (found > at) this.#events.push({ type: 'data', chunk: buf.subarray(at, found) });
          this.#events.push({ type: 'partEnd' });
          this.#state = 'afterBoundary';
          return found + this.#delimiter.length;
        }
        // hand on all but a tail that could be the start of the delimiter
        const safe = Math.max(at, buf.length - this.#delimiter.length + 1);
        const tail = partialMatch(buf, safe, this.#delimiter);
        if (tail > at) this.#events.push({ type: 'data', chunk: buf.subarray(at, tail) });
        return this.#hold(buf, tail);
      }
      case 'epilogue':
        return -1; // whatever follows the closing boundary is ignored (RFC 2046)
    }
  }

  #hold(buf: Buffer, from: number): -1 {
    this.#held = from < buf.length ? Buffer.from(buf.subarray(from)) : Buffer.alloc(0);
    return -1;
  }
}

/** Where, at or after `from`, a suffix of `buf` begins that is a prefix of `needle` (else buf.length). */
function partialMatch(buf: Buffer, from: number, needle: Buffer): number {
  for (let i = from; i < buf.length; i++) {
    if (buf[i] !== needle[0]) continue;
    let j = 1;
    while (i + j < buf.length && buf[i + j] === needle[j]) j++;
    if (i + j === buf.length) return i;
  }
  return buf.length;
}

function parsePartHeaders(block: string): PartHeaders {
  const raw: Record<string, string> = {};
  for (const line of block.split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError(`malformed part header ${JSON.stringify(line.slice(0, 80))}`);
    raw[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const disposition = raw['content-disposition'];
  if (!disposition || !/^form-data\b/i.test(disposition)) throw new MultipartError('part without Content-Disposition: form-data');
  const params = dispositionParams(disposition);
  const name = params.name;
  if (name === undefined) throw new MultipartError('part without a field name');
  return {
    name,
    filename: params['filename*'] ?? params.filename ?? null,
    contentType: raw['content-type'] ?? 'text/plain',
    raw,
  };
}

function dispositionParams(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /;\s*([A-Za-z0-9!#$&+.^_`|~*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const key = m[1]!.toLowerCase();
    // Only \" and \\ are unescaped: browsers send backslashes as they are (HTML's form
    // encoding escapes quotes as %22), and old ones send whole Windows paths.
    if (m[2] !== undefined) out[key] = m[2].replace(/\\(["\\])/g, '$1');
    else if (key.endsWith('*')) out[key] = extendedValue(m[3] ?? '');
    else out[key] = m[3] ?? '';
  }
  return out;
}

/** RFC 5987 `utf-8''na%C3%AFve.txt`; a value that does not decode is kept as sent. */
function extendedValue(value: string): string {
  const m = /^utf-8'[^']*'(.*)$/i.exec(value);
  if (!m) return value;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return value;
  }
}
