import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

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

/** The digest of everything `stream` yields, as lower-case hex, in constant memory. */
export async function digestStream(stream: Readable, algorithm: HashAlgorithm): Promise<string> {
  if (algorithm === 'CRC32') {
    let crc = 0;
    for await (const chunk of stream) crc = crc32(chunk as Buffer, crc);
    return crc.toString(16).padStart(8, '0');
  }
  const hash = createHash(algorithm === 'SHA-256' ? 'sha256' : algorithm === 'SHA-1' ? 'sha1' : 'md5');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
