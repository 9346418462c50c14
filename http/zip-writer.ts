import * as zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { FtpPyError } from '../common/errors.js';
import { crc32 as tableCrc32 } from '../common/hash.js';

// A ZIP archive written as a stream (APPNOTE 6.3.10): entries in, bytes out, nothing
// seeked back. Sizes and CRCs are unknown when an entry's header goes out, so every
// file entry sets flag bit 3 and is followed by a data descriptor; the central directory
// at the end carries the real values, which is what unzip, python and the desktop tools
// read. ZIP64 fields appear only where a value passes 32 bits (a file over 4 GiB, an
// entry past the 4 GiB offset, more than 65535 entries), as Go's archive/zip does.
// Memory: one chunk in flight per entry, plus the central directory (about 100 bytes a
// entry), whatever the sizes.

export interface ZipEntry {
  /** The name inside the archive: `/`-separated, relative, a folder's ending in `/`. */
  name: string;
  kind: 'file' | 'dir';
  modified: Date;
  /** Unix permission bits (default 0644 for files, 0755 for folders). */
  mode?: number;
  /** A file's bytes, opened only when its turn comes (one file open at a time). */
  open?: () => Promise<AsyncIterable<Buffer>>;
}

export interface ZipOptions {
  /** `deflate` (default) compresses, except names that are compressed already (jpg, zip, mp4…); `store` never does. */
  method?: 'deflate' | 'store';
  /** zlib level for deflate (default 6). */
  level?: number;
}

const U32 = 0xffffffff;
const U16 = 0xffff;
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const STORE = 0;
const DEFLATE = 8;
const MADE_BY_UNIX = 3 << 8;

// Compressing these again costs time and gains nothing.
const COMPRESSED = /\.(zip|gz|tgz|bz2|xz|zst|7z|rar|jpe?g|png|gif|webp|heic|avif|mp[34]|m4[av]|mkv|webm|mov|ogg|opus|flac|aac|pdf|docx|xlsx|pptx|odt|ods|jar|apk|woff2?)$/i;

// Node has zlib.crc32 from 20.15 on, the floor is 20.0: the table version is the fallback.
const crc32: (data: Buffer, previous: number) => number = (zlib as { crc32?: (data: Buffer, previous: number) => number }).crc32 ?? tableCrc32;

interface Written {
  name: Buffer;
  method: number;
  time: number;
  date: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
  external: number;
}

/** The archive's bytes, in order; stop iterating and the entry being read is closed. */
export async function* zipArchive(entries: Iterable<ZipEntry> | AsyncIterable<ZipEntry>, options: ZipOptions = {}): AsyncGenerator<Buffer> {
  const written: Written[] = [];
  let offset = 0;
  for await (const entry of entries) {
    const name = entryName(entry);
    const method = entry.kind === 'dir' || options.method === 'store' || COMPRESSED.test(entry.name) ? STORE : DEFLATE;
    const [time, date] = dosTime(entry.modified);
    const mode = (entry.mode ?? (entry.kind === 'dir' ? 0o755 : 0o644)) & 0o777;
    const record: Written = {
      name, method, time, date, crc: 0, compressed: 0, size: 0, offset,
      external: ((((entry.kind === 'dir' ? 0o040000 : 0o100000) | mode) << 16) | (entry.kind === 'dir' ? 0x10 : 0)) >>> 0,
    };
    const header = localHeader(record, entry.kind === 'file');
    offset += header.length;
    yield header;
    if (entry.kind === 'file') {
      const source = entry.open ? await entry.open() : emptySource();
      for await (const piece of entryData(source, method, options.level ?? 6, record)) {
        offset += piece.length;
        yield piece;
      }
      const descriptor = dataDescriptor(record);
      offset += descriptor.length;
      yield descriptor;
    }
    written.push(record);
  }
  const start = offset;
  for (const record of written) {
    const header = centralHeader(record);
    offset += header.length;
    yield header;
  }
  yield endRecords(written.length, start, offset - start);
}

async function* emptySource(): AsyncGenerator<Buffer> {}

function entryName(entry: ZipEntry): Buffer {
  const name = entry.kind === 'dir' && !entry.name.endsWith('/') ? `${entry.name}/` : entry.name;
  const parts = name.split('/');
  if (parts.at(-1) === '') parts.pop();
  // A reader joins these names to the folder it unpacks into: none may climb out of it.
  if (name === '' || name.startsWith('/') || name.includes('\\') || name.includes('\0') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new FtpPyError('FTPPY_ERR_INVALID_ARGUMENT', `ZIP entry name not allowed: ${JSON.stringify(entry.name)}`);
  }
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length > U16) throw new FtpPyError('FTPPY_ERR_INVALID_ARGUMENT', `ZIP entry name longer than 65535 bytes: ${JSON.stringify(name.slice(0, 80))}…`);
  return bytes;
}

/** An entry's data, stored or deflated, counting its CRC and both sizes into `record`. */
async function* entryData(source: AsyncIterable<Buffer>, method: number, level: number, record: Written): AsyncGenerator<Buffer> {
  const counted = async function* (): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      record.crc = crc32(chunk, record.crc);
      record.size += chunk.length;
      yield chunk;
    }
  };
  if (method === STORE) {
    for await (const chunk of counted()) {
      record.compressed += chunk.length;
      yield chunk;
    }
    return;
  }
  const deflate = zlib.createDeflateRaw({ level });
  const fed = pipeline(counted(), deflate);
  fed.catch(() => {}); // seen below, through the deflate stream or the await
  try {
    for await (const piece of deflate as AsyncIterable<Buffer>) {
      record.compressed += piece.length;
      yield piece;
    }
    await fed;
  } finally {
    // The reader stopped early: closing the deflate stream ends the pipeline, which returns the source.
    deflate.destroy();
    await fed.catch(() => {});
  }
}

function localHeader(r: Written, file: boolean): Buffer {
  const b = Buffer.alloc(30);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(20, 4);
  b.writeUInt16LE(FLAG_UTF8 | (file ? FLAG_DESCRIPTOR : 0), 6);
  b.writeUInt16LE(r.method, 8);
  b.writeUInt16LE(r.time, 10);
  b.writeUInt16LE(r.date, 12);
  // CRC and sizes are zero: the data descriptor and the central directory carry them.
  b.writeUInt16LE(r.name.length, 26);
  return Buffer.concat([b, r.name]);
}

function dataDescriptor(r: Written): Buffer {
  // 8-byte sizes when either passes 32 bits; readers tell by the ZIP64 field in the central directory.
  const wide = r.size >= U32 || r.compressed >= U32;
  const b = Buffer.alloc(wide ? 24 : 16);
  b.writeUInt32LE(0x08074b50, 0);
  b.writeUInt32LE(r.crc >>> 0, 4);
  if (wide) {
    b.writeBigUInt64LE(BigInt(r.compressed), 8);
    b.writeBigUInt64LE(BigInt(r.size), 16);
  } else {
    b.writeUInt32LE(r.compressed, 8);
    b.writeUInt32LE(r.size, 12);
  }
  return b;
}

function centralHeader(r: Written): Buffer {
  // The ZIP64 extra holds, in this order, only the values that overflow their 32-bit field.
  const wide: number[] = [];
  if (r.size >= U32) wide.push(r.size);
  if (r.compressed >= U32) wide.push(r.compressed);
  if (r.offset >= U32) wide.push(r.offset);
  const extra = Buffer.alloc(wide.length === 0 ? 0 : 4 + 8 * wide.length);
  if (wide.length > 0) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(8 * wide.length, 2);
    wide.forEach((value, i) => extra.writeBigUInt64LE(BigInt(value), 4 + 8 * i));
  }
  const version = wide.length > 0 ? 45 : 20;
  const b = Buffer.alloc(46);
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE(MADE_BY_UNIX | version, 4);
  b.writeUInt16LE(version, 6);
  b.writeUInt16LE(FLAG_UTF8 | (r.external & 0x10 ? 0 : FLAG_DESCRIPTOR), 8);
  b.writeUInt16LE(r.method, 10);
  b.writeUInt16LE(r.time, 12);
  b.writeUInt16LE(r.date, 14);
  b.writeUInt32LE(r.crc >>> 0, 16);
  b.writeUInt32LE(Math.min(r.compressed, U32), 20);
  b.writeUInt32LE(Math.min(r.size, U32), 24);
  b.writeUInt16LE(r.name.length, 28);
  b.writeUInt16LE(extra.length, 30);
  b.writeUInt32LE(r.external, 38);
  b.writeUInt32LE(Math.min(r.offset, U32), 42);
  return Buffer.concat([b, r.name, extra]);
}

/** The end of central directory record, preceded by the ZIP64 record and locator when a value needs them. */
function endRecords(count: number, start: number, size: number): Buffer {
  const parts: Buffer[] = [];
  if (count >= U16 || start >= U32 || size >= U32) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(MADE_BY_UNIX | 45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(count), 24);
    record.writeBigUInt64LE(BigInt(count), 32);
    record.writeBigUInt64LE(BigInt(size), 40);
    record.writeBigUInt64LE(BigInt(start), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(start + size), 8);
    locator.writeUInt32LE(1, 16);
    parts.push(record, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(count, U16), 8);
  end.writeUInt16LE(Math.min(count, U16), 10);
  end.writeUInt32LE(Math.min(size, U32), 12);
  end.writeUInt32LE(Math.min(start, U32), 16);
  parts.push(end);
  return Buffer.concat(parts);
}

/** MS-DOS time and date (local time, 2-second steps, 1980 to 2107), as ZIP headers keep them. */
function dosTime(when: Date): [number, number] {
  const d = Number.isNaN(when.getTime()) || when.getFullYear() < 1980 ? new Date(1980, 0, 1) : when.getFullYear() > 2107 ? new Date(2107, 11, 31, 23, 59, 58) : when;
  return [(d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1), ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate()];
}
