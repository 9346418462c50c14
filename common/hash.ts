import { createHash } from 'node:crypto';
import { Writable, type Readable } from 'node:stream';
import { borrowsChunks } from './lent-chunks.js';

// The algorithms of the HASH command (draft-bryan-ftpext-hash-02), by their IANA names,
// the default first.
export const HASH_ALGORITHMS = ['SHA-256', 'SHA-1', 'MD5', 'CRC32'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

export function hashAlgorithm(name: string): HashAlgorithm | null {
  const upper = name.trim().toUpperCase();
  return (HASH_ALGORITHMS as readonly string[]).includes(upper) ? (upper as HashAlgorithm) : null;
}

// CRC-32 (IEEE 802.3, the one of zip and gzip). Node 20's zlib has crc32 only from
// 20.15 on, and the floor is 20.0, so it is computed here.
let crcTable: Uint32Array | null = null;

function crc32Table(): Uint32Array {
  if (crcTable) return crcTable;
  crcTable = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crcTable[n] = c >>> 0;
  }
  return crcTable;
}

export function crc32(chunk: Buffer, previous = 0): number {
  const table = crc32Table();
  let crc = ~previous >>> 0;
  for (let i = 0; i < chunk.length; i++) crc = table[(crc ^ chunk[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** A running digest: chunks in, lower-case hex out. */
interface Digester {
  update(chunk: Buffer): void;
  hex(): string;
}

function digester(algorithm: HashAlgorithm): Digester {
  if (algorithm === 'CRC32') {
    let crc = 0;
    return { update: (chunk) => void (crc = crc32(chunk, crc)), hex: () => crc.toString(16).padStart(8, '0') };
  }
  const hash = createHash(algorithm === 'SHA-256' ? 'sha256' : algorithm === 'SHA-1' ? 'sha1' : 'md5');
  return { update: (chunk) => void hash.update(chunk), hex: () => hash.digest('hex') };
}

/** The digest of everything `stream` yields, as lower-case hex, in constant memory. */
export async function digestStream(stream: Readable, algorithm: HashAlgorithm): Promise<string> {
  const digest = digester(algorithm);
  for await (const chunk of stream) digest.update(chunk as Buffer);
  return digest.hex();
}

/**
 * A Writable that digests what is written to it; `digest` settles once it has finished
 * (or failed). Each chunk is hashed before its write calls back, so a download may lend
 * it its read buffers (borrowsChunks).
 */
export function digestSink(algorithm: HashAlgorithm): { sink: Writable; digest: Promise<string> } {
  const running = digester(algorithm);
  let settle!: { resolve: (hex: string) => void; reject: (error: Error) => void };
  const digest = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      running.update(chunk);
      callback();
    },
    final(callback) {
      settle.resolve(running.hex());
      callback();
    },
    destroy(error, callback) {
      settle.reject(error ?? new Error('the digest was not finished'));
      callback(error);
    },
  });
  return { sink: borrowsChunks(sink), digest };
}
