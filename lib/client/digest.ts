import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { FtpConnection } from '../../protocol/connection.js';
import { ReplyError } from '../../common/errors.js';
import type { Features } from '../../protocol/features.js';
import { nativePath } from '../../protocol/text.js';
import { digestStream, hashAlgorithm, type HashAlgorithm } from '../../common/hash.js';

// Digests of files on the server (HASH, or the X commands before it) and here, to compare
// contents without moving them: verify --checksum, checked transfers, upload resume.

/** How the server can tell a file's digest: which command, which algorithm, and whether OPTS HASH must pick it first. */
export interface RemoteHasher {
  command: 'HASH' | 'XSHA256' | 'XSHA1' | 'XMD5' | 'XCRC';
  algorithm: HashAlgorithm;
  select: boolean;
}

// The non-standard X commands predate HASH; strongest first.
const X_COMMANDS = [
  ['XSHA256', 'SHA-256'],
  ['XSHA1', 'SHA-1'],
  ['XMD5', 'MD5'],
  ['XCRC', 'CRC32'],
] as const;

const HEX_LENGTH: Record<HashAlgorithm, number> = { 'SHA-256': 64, 'SHA-1': 40, MD5: 32, CRC32: 8 };

/**
 * What FEAT offers: HASH (draft-bryan-ftpext-hash-02 §3) with the algorithm the server
 * has selected (marked `*`) when it is one computed here, else the first one that is,
 * selected with OPTS HASH; else an X command. null: the server cannot hash.
 */
export function remoteHasher(features: Features | undefined): RemoteHasher | null {
  if (!features) return null;
  if (features.hash) {
    const offered = (features.params('HASH') ?? '').split(';').map((name) => name.trim()).filter((name) => name !== '');
    const selected = offered.find((name) => name.endsWith('*'));
    const current = selected ? hashAlgorithm(selected.slice(0, -1)) : null;
    if (current) return { command: 'HASH', algorithm: current, select: false };
    const usable = offered.map((name) => hashAlgorithm(name.replace(/\*$/, ''))).find((name) => name !== null);
    if (usable) return { command: 'HASH', algorithm: usable, select: true };
  }
  for (const [command, algorithm] of X_COMMANDS) {
    if (features.has(command)) return { command, algorithm, select: false };
  }
  return null;
}

/** The hex digit run of the digest's length in a reply, wherever the server put it. */
function digestIn(words: string[], algorithm: HashAlgorithm): string | null {
  const length = HEX_LENGTH[algorithm];
  const found = words.find((word) => /^[0-9a-f]+$/i.test(word) && (word.length === length || (algorithm === 'CRC32' && word.length < length)));
  return found ? found.toLowerCase().padStart(length, '0') : null;
}

/**
 * The server's digest of a file, or null when the command turns out not to be
 * understood after all (500, 502, 504). Other refusals (550: no such file) throw.
 * HASH answers `213 SHA-256 0-49 <hex> <path>`; the X commands answer `250 <hex>` or
 * thereabouts, so the digest is found by its length.
 */
export async function remoteDigest(connection: FtpConnection, path: string, hasher: RemoteHasher): Promise<string | null> {
  if (hasher.select) {
    const chosen = await connection.request('OPTS', `HASH ${hasher.algorithm}`);
    if (chosen.code >= 300) return null;
  }
  const reply = await connection.request(hasher.command, path);
  if (reply.code === 500 || reply.code === 502 || reply.code === 504) return null;
  if (reply.code >= 300) throw new ReplyError(`${hasher.command} ${path}`, reply);
  const words = reply.message.trim().split(/\s+/);
  const digest = hasher.command === 'HASH' ? (words.length >= 3 ? digestIn([words[2]!], hasher.algorithm) : null) : digestIn(words, hasher.algorithm);
  if (digest === null) throw new ReplyError(`${hasher.command} ${path}: no ${hasher.algorithm} digest in the reply`, reply);
  return digest;
}

/** The digest of a local file, or of its first `length` bytes. */
export function localDigest(path: string, algorithm: HashAlgorithm, length?: number): Promise<string> {
  if (length === 0) return digestStream(Readable.from([]), algorithm);
  return digestStream(createReadStream(nativePath(path), { highWaterMark: 64 * 1024, ...(length === undefined ? {} : { end: length - 1 }) }), algorithm);
}
