import { isUtf8 } from 'node:buffer';
import { InvalidArgumentError } from '../common/errors.js';

// Raw names. RFC 2640 makes UTF-8 the path encoding, but older servers and clients still
// send Latin-1, and a file name on disk that is not UTF-8 (a Latin-1 é, byte 0xE9) must
// survive the trip from a listing to a command and back byte for byte, as it does with vsftpd, or
// backups over FTP miss it. Such bytes are carried in strings the way Python's
// surrogateescape carries them (PEP 383): each byte that is not part of valid UTF-8
// becomes the lone surrogate U+DC80–U+DCFF, which no decoded text can hold, so the mapping
// is one-to-one and such a name stays a string everywhere in between (path joins, globs,
// messages). Bytes are converted only at the edges: a command line read (decodeRaw), a
// file system call, a listing line or reply written (encodeRaw).

const ESCAPED = /[\uDC80-\uDCFF]/u; // lone: with the u flag, a surrogate pair is one code point

/** Whether `text` carries raw bytes (it came from bytes that were not UTF-8). */
export function hasRawBytes(text: string): boolean {
  return ESCAPED.test(text);
}

/** The length of the valid UTF-8 sequence at `i`, or 0 (RFC 3629 §4: no overlongs, no surrogates). */
function sequenceLength(buf: Buffer, i: number, end: number): number {
  const b0 = buf[i]!;
  if (b0 < 0x80) return 1;
  const cont = (at: number, lo = 0x80, hi = 0xbf): boolean => at < end && buf[at]! >= lo && buf[at]! <= hi;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const [lo, hi] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const [lo, hi] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

/** Bytes as a string: UTF-8 where they are valid, each other byte as U+DC80–U+DCFF. */
export function decodeRaw(buf: Buffer, start = 0, end = buf.length): string {
  const text = buf.toString('utf8', start, end);
  if (!text.includes('\uFFFD') || isUtf8(buf.subarray(start, end))) return text;
  let out = '';
  let run = start; // where the current stretch of valid UTF-8 began
  for (let i = start; i < end;) {
    const length = sequenceLength(buf, i, end);
    if (length > 0) {
      i += length;
      continue;
    }
    out += buf.toString('utf8', run, i) + String.fromCharCode(0xdc00 + buf[i]!);
    run = ++i;
  }
  return out + buf.toString('utf8', run, end);
}

/** The bytes decodeRaw read `text` from: UTF-8, each U+DC80–U+DCFF back to its byte. */
export function encodeRaw(text: string): Buffer {
  if (!hasRawBytes(text)) return Buffer.from(text, 'utf8');
  const parts = text.split(/([\uDC80-\uDCFF])/u);
  return Buffer.concat(parts.map((part, i) => (i % 2 === 1 ? Buffer.of(part.charCodeAt(0) - 0xdc00) : Buffer.from(part, 'utf8'))));
}

/**
 * A command argument that is text, not a name (a user name, a password): bytes that are
 * not UTF-8 are read as Latin-1, so a Latin-1 client's password still matches.
 */
export function rawAsText(text: string): string {
  return hasRawBytes(text) ? encodeRaw(text).toString('latin1') : text;
}

/**
 * A path for a `node:fs` call: as it is, or as its bytes when it carries names that are
 * not UTF-8, which a string would write as UTF-8 (each escaped byte as U+FFFD).
 */
export function nativePath(path: string): string | Buffer {
  return hasRawBytes(path) ? encodeRaw(path) : path;
}

/** Text for people: each raw byte shown as `\xE9`, since a lone surrogate prints as U+FFFD and loses which byte it was. */
export function printable(text: string): string {
  if (!hasRawBytes(text)) return text;
  return text.replace(/[\uDC80-\uDCFF]/gu, (c) => `\\x${(c.charCodeAt(0) - 0xdc00).toString(16).toUpperCase()}`);
}

/** How many bytes `text` is on the wire or on disk (encodeRaw's length). */
export function rawByteLength(text: string): number {
  return hasRawBytes(text) ? encodeRaw(text).length : Buffer.byteLength(text, 'utf8');
}

/**
 * How a client reads and writes names on the wire. 'utf8' (the default, RFC 2640): UTF-8,
 * each other byte carried raw as above, so any name round-trips whatever the server's
 * charset. 'latin1' (lftp's ftp:charset): every byte is the Latin-1 character of that
 * value, for servers of the 1990s whose names are Latin-1, so `café` is what the caller
 * reads and types, and what a download names the local file.
 */
export type NameEncoding = 'utf8' | 'latin1';

export const NAME_ENCODINGS: readonly NameEncoding[] = ['utf8', 'latin1'];

/**
 * `text` as Latin-1 bytes: each character up to U+00FF as its byte, a raw byte (U+DC80+byte)
 * as that byte. A character Latin-1 has no byte for is an InvalidArgumentError: sending
 * `?` in its place would name another file.
 */
export function encodeLatin1(text: string): Buffer {
  const out = Buffer.allocUnsafe(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0xff) out[i] = c;
    else if (c >= 0xdc80 && c <= 0xdcff) out[i] = c - 0xdc00;
    else throw new InvalidArgumentError(`${JSON.stringify(text)} cannot be written in latin1 (the connection's encoding): ${JSON.stringify(String.fromCodePoint(text.codePointAt(i)!))} has no Latin-1 byte`);
  }
  return out;
}

/** Text as `encoding` puts it on the wire. */
export function encodeText(text: string, encoding: NameEncoding): Buffer {
  return encoding === 'latin1' ? encodeLatin1(text) : encodeRaw(text);
}
