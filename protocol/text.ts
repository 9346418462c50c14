import { isUtf8 } from 'node:buffer';

// RFC 2640 makes UTF-8 the path encoding, but older servers and clients still send
// Latin-1. Decoding bytes that are not UTF-8 as UTF-8 would turn each of them into
// U+FFFD and lose the name for good, so such text is taken as Latin-1 instead, which
// keeps every byte recoverable.
export function decodeText(buf: Buffer, start = 0, end = buf.length): string {
  const text = buf.toString('utf8', start, end);
  if (!text.includes('\uFFFD')) return text;
  return isUtf8(buf.subarray(start, end)) ? text : buf.toString('latin1', start, end);
}
