import type { FtpConnection } from '../../protocol/connection.js';
import { FtpPyError } from '../../common/errors.js';
import { digestStream } from '../../common/hash.js';
import { Readable } from 'node:stream';
import { warn } from '../../common/warnings.js';
import { localDigest, remoteDigest, remoteHasher } from './digest.js';

// Checked transfers (`checksum: true`): after the bytes have moved, the server's digest of
// the remote file against this side's. Nothing else tells a transfer that arrived whole but
// wrong (a middlebox rewriting bytes, a server storing something else) from a good one.

// Servers that cannot hash are told about once per client, not once per file.
const told = new WeakSet<object>();

/**
 * Compares the server's digest of `remote` with that of the local `file` (or of `data`,
 * a small download held in memory). Throws FTPPY_ERR_CHECKSUM on a mismatch, which the
 * retry policy retries. Resolves false when the server has no hash command (after one
 * FTPPY_WARN_NO_HASH per `client`): the caller's size check is then all there is.
 */
export async function checkDigest(client: object, connection: FtpConnection, remote: string, local: { file: string } | { data: Buffer }): Promise<boolean> {
  const hasher = remoteHasher(connection.features);
  const theirs = hasher ? await remoteDigest(connection, remote, hasher) : null;
  if (!hasher || theirs === null) {
    if (!told.has(client)) {
      told.add(client);
      warn(`checksum: ${connection.options.host}:${connection.options.port} offers no hash command (HASH, XSHA256, XSHA1, XMD5, XCRC), so transfers are checked by their size only`, 'FTPPY_WARN_NO_HASH');
    }
    return false;
  }
  const ours = 'file' in local ? await localDigest(local.file, hasher.algorithm) : await digestStream(Readable.from([local.data]), hasher.algorithm);
  if (theirs !== ours) {
    throw new FtpPyError('FTPPY_ERR_CHECKSUM', `${remote}: the server's ${hasher.algorithm} (${hasher.command}) is ${theirs}, the local file's ${ours}`);
  }
  return true;
}
