import { InvalidArgumentError } from '../common/errors.js';
import { LineSplitter } from './lines.js';
import { decodeRaw, encodeText, type NameEncoding } from './text.js';

/** One command line as the server reads it. */
export interface Command {
  /** The verb, upper-cased (`retr` and `RETR` are the same command). */
  verb: string;
  /**
   * Everything after the first space, verbatim: paths may hold spaces, leading ones too.
   * Bytes that are not UTF-8 are kept as raw bytes (decodeRaw), so a name is found again.
   */
  arg: string;
}

export interface CommandParserOptions {
  /** Longest command line accepted (default 4096 bytes, as vsftpd and pure-ftpd). */
  maxLineBytes?: number;
}

const IAC = 0xff;
const SB = 0xfa;
const SE = 0xf0;
const WILL = 0xfb;
const DONT = 0xfe;

/**
 * Removes Telnet commands (RFC 854) from a line: clients interrupt a transfer with
 * `IAC IP IAC DM ABOR`, and a literal 0xFF byte arrives doubled as `IAC IAC`.
 */
function stripTelnet(buf: Buffer, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(end - start);
  let n = 0;
  for (let i = start; i < end; i++) {
    const byte = buf[i]!;
    if (byte !== IAC) {
      out[n++] = byte;
      continue;
    }
    const next = buf[i + 1];
    if (next === IAC && i + 1 < end) {
      out[n++] = IAC;
      i += 1;
    } else if (next !== undefined && next >= WILL && next <= DONT) {
      i += 2; // option negotiation: IAC WILL/WONT/DO/DONT <option>
    } else if (next === SB) {
      const se = buf.indexOf(SE, i + 2); // subnegotiation runs to IAC SE
      i = se === -1 || se >= end ? end : se;
    } else if (next !== undefined && next < 0xf0) {
      // A lone IAC: the command byte after it (the DM of a Synch, which lftp sends as
      // TCP urgent data) was taken out of band, so the byte here is already the text.
    } else {
      i += 1; // IP, DM, AYT, NOP and the other two-byte commands
    }
  }
  return out.subarray(0, n);
}

/**
 * Turns the bytes a client sends into commands, whatever the chunking: a command split
 * across TCP segments is one command, several in one segment are several. Lines end in
 * CRLF or a bare LF. A line past `maxLineBytes` is a `ProtocolError` (code
 * `FTPPY_ERR_TOO_LARGE`); the server answers it and hangs up.
 */
export class CommandParser {
  readonly #lines: LineSplitter;
  #out: Command[] = [];
  readonly #onLine = (buf: Buffer, start: number, end: number): void => {
    let line = buf;
    const iac = buf.indexOf(IAC, start);
    if (iac !== -1 && iac < end) {
      line = stripTelnet(buf, start, end);
      start = 0;
      end = line.length;
    }
    if (end === start) return;
    const space = line.indexOf(0x20, start);
    const verbEnd = space === -1 || space >= end ? end : space;
    const verb = line.toString('latin1', start, verbEnd).toUpperCase();
    const arg = verbEnd < end ? decodeRaw(line, verbEnd + 1, end) : '';
    this.#out.push({ verb, arg });
  };

  constructor(options: CommandParserOptions = {}) {
    this.#lines = new LineSplitter(options.maxLineBytes ?? 4096, 'Command line');
  }

  push(chunk: Buffer): Command[] {
    this.#lines.push(chunk, this.#onLine);
    const out = this.#out;
    if (out.length > 0) this.#out = [];
    return out;
  }
}

function doubleIac(line: Buffer): Buffer {
  const out: number[] = [];
  for (const byte of line) {
    out.push(byte);
    if (byte === IAC) out.push(IAC);
  }
  return Buffer.from(out);
}

// Letters, then letters or digits: the checksum extensions are XSHA256, XSHA1, XMD5.
const VERB = /^[A-Za-z][A-Za-z0-9]{0,7}$/;

/**
 * Encodes one command line for the wire. An argument holding CR, LF or NUL would let a
 * file name smuggle a second command onto the control connection, so it is refused. A
 * name read as raw bytes (decodeRaw: a listing's Latin-1 name) goes out as those bytes,
 * a 0xFF among them doubled: the control connection is Telnet, where a lone 0xFF (IAC)
 * starts a Telnet command and the server would drop it (RFC 959 §4.1.3, RFC 2640 §3.1).
 * With `encoding` 'latin1' the argument goes out as Latin-1 (encodeLatin1).
 */
export function encodeCommand(verb: string, arg?: string, encoding: NameEncoding = 'utf8'): Buffer {
  if (!VERB.test(verb)) throw new InvalidArgumentError(`Not an FTP command verb: ${JSON.stringify(verb)}`);
  if (arg === undefined || arg === '') return Buffer.from(`${verb}\r\n`, 'latin1');
  if (/[\r\n\0]/.test(arg)) {
    throw new InvalidArgumentError(`${verb} argument contains CR, LF or NUL: ${JSON.stringify(arg)}`);
  }
  const line = encodeText(`${verb} ${arg}\r\n`, encoding);
  return line.includes(IAC) ? doubleIac(line) : line;
}
