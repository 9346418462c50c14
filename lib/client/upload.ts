import { openSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import type { FtpConnection } from '../../protocol/connection.js';
import type { Readable } from 'node:stream';
import { fileReader } from '../../common/disk-file.js';
import { lenderOf, type LendingSource } from '../../common/lent-chunks.js';
import { ConnectionError, FtpPyError, ReplyError } from '../../common/errors.js';
import { nativePath } from '../../protocol/text.js';
import { callHook } from '../../common/hooks.js';
import { describe } from '../../common/warnings.js';
import type { Attempt, ClientCore } from './core.js';
import { meter, type SharedRate, type TransferOptions } from './options.js';
import { ensureRemoteDir, remoteExists, remoteSize } from './remote-listing.js';
import { checkDigest } from './checked.js';
import { localDigest, remoteDigest, remoteHasher } from './digest.js';
import { partName } from './part-file.js';
import { remoteName, remoteParent } from './remote-path.js';
import { setRemoteModified } from './remote-times.js';
import { UploadBody, type UploadSource } from './sources.js';

/**
 * Where a retried upload goes on: the size of what the last attempt left on the server,
 * when the server can restart a STOR there (REST STREAM) and that part is no longer than
 * the source. Anything else starts over, and STOR from 0 truncates: either way the file
 * ends identical to the source, never with a part sent twice.
 */
async function resumePoint(connection: FtpConnection, target: string, size: number): Promise<number> {
  if (!connection.features.restStream) return 0;
  const stored = await remoteSize(connection, target).catch(() => null);
  return stored !== null && stored > 0 && stored <= size ? stored : 0;
}

/**
 * `upload(…, { resume: true })`, as `curl -C -` and `lftp put -c`: what the server holds
 * of the target, when it is a prefix of the local file. Where the server can hash (HASH,
 * XSHA256…), its digest of what it holds must equal that of the local file's first bytes;
 * without a hash command the size alone is trusted, as curl and lftp do. Else 0: the
 * upload starts over, and STOR truncates.
 */
async function heldPrefix(connection: FtpConnection, target: string, local: string, size: number): Promise<number> {
  const stored = await resumePoint(connection, target, size);
  const hasher = stored > 0 ? remoteHasher(connection.features) : null;
  if (!hasher) return stored;
  const remote = await remoteDigest(connection, target, hasher);
  if (remote === null) return stored; // the hash command turned out not to be understood
  return remote === (await localDigest(local, hasher.algorithm, stored)) ? stored : 0;
}

/**
 * A data connection cut so that it looks closed in order (a FIN from a middlebox) ends
 * the upload with 226 and a short file. Where SIZE exists the stored size is checked, and
 * a short file is a lost connection: retried, resumed from what the server kept.
 */
async function verifyStored(connection: FtpConnection, target: string, expected: number): Promise<void> {
  if (!connection.features.size) return;
  const stored = await remoteSize(connection, target);
  if (stored !== null && stored !== expected) throw new ConnectionError(`${target}: the server holds ${stored} of ${expected} bytes`);
}

/**
 * The file's bytes from `offset` to `size` (what stat said), read as the server reads
 * files (small ones at once, large ones in 256 KiB pieces). Opened when the upload
 * starts reading, so that a transfer which fails before that holds no descriptor.
 */
function fileChunks(local: string, offset: number, size: number): AsyncIterable<Buffer> & LendingSource {
  let source: Readable | null = null;
  let lend = false;
  return {
    [Symbol.asyncIterator]: () => {
      source = fileReader(openSync(nativePath(local), 'r'), offset, size);
      if (lend) lenderOf(source)?.lend();
      return source[Symbol.asyncIterator]();
    },
    // The data connection lends (protocol/data-flow.ts) when nothing paces the upload.
    lend: () => void (lend = true),
    release: (chunk) => lenderOf(source)?.release(chunk),
  };
}

/** Runs the steps every upload shares, on one leased connection. Resolves false when `replace: false` skipped it. */
async function prepare(connection: FtpConnection, target: string, options: TransferOptions): Promise<boolean> {
  if (options.replace === false && (await remoteExists(connection, target))) return false;
  if (options.dirs) await ensureRemoteDir(connection, remoteParent(target));
  return true;
}

/** How tree operations upload: with the file's time, and never half a file under its name. */
export interface UploadManner {
  /** Set on the server after the transfer (MFMT), so that a later sync sees the file unchanged. */
  modified?: Date;
  /** Sent under a temporary name beside the target and renamed onto it once complete. */
  atomic?: boolean;
}

/**
 * The temporary file goes once the upload has failed for good or been aborted (its name
 * is the upload's own: nothing would resume from it), on whatever connection the pool
 * has, without retries or warnings: the upload's failure has been reported, and a server
 * that cannot be reached keeps the file (tree walks ignore such names; mirror removes them).
 */
async function dropPart(core: ClientCore, part: string): Promise<void> {
  const connection = await core.pool.acquire().catch(() => null);
  if (!connection) return;
  const reply = await connection.request('DELE', part).catch(() => null);
  core.pool.release(connection, reply ? 'ok' : 'broken');
}

export async function upload(core: ClientCore, local: string, remote: string, options: TransferOptions & SharedRate, manner: UploadManner = {}): Promise<boolean> {
  const target = core.resolve(remote);
  const part = manner.atomic ? posix.join(remoteParent(target), partName(remoteName(target))) : target;
  let hooked = false;
  let done = false;
  let mismatched = false;
  try {
    done = await core.run({ name: 'upload', path: `${local} -> ${target}`, fallback: false, signal: options.signal }, async (attempt) => {
      const { size } = statSync(nativePath(local)); // microseconds: cheaper than a thread-pool trip
      return attempt.use(async (connection) => {
        if (!(await prepare(connection, target, options))) return true;
        if (!hooked) {
          hooked = true;
          await callHook(core.settings.hooks, 'upload', local, target);
        }
        let offset = 0;
        // After a checksum mismatch what the server holds is not to be trusted: start over.
        if (attempt.n > 0 && !mismatched) offset = await resumePoint(connection, part, size);
        else if (options.resume && part === target) offset = await heldPrefix(connection, target, local, size);
        const onBytes = meter(options.progress, size, offset, (n) => core.countSent(n));
        // All of it there already (the last run was cut after the last byte): nothing to send.
        if (offset < size || size === 0) await connection.send('STOR', part, fileChunks(local, offset, size), { offset, onBytes, throttle: core.throttle(options) });
        await verifyStored(connection, part, size);
        if (options.checksum) {
          await checkDigest(core, connection, part, { file: local }).catch((error: unknown) => {
            mismatched = true;
            throw error;
          });
        }
        // A server that cannot set times keeps the upload's: later syncs see the file as newer there, never older.
        if (manner.modified) await setRemoteModified(connection, part, manner.modified);
        if (part !== target) {
          const ready = await connection.request('RNFR', part);
          if (ready.code !== 350) throw new ReplyError(`RNFR ${part}`, ready);
          await connection.command('RNTO', target);
        }
        core.countUpload();
        return true;
      });
    });
    return done;
  } finally {
    if (!done && part !== target) await dropPart(core, part);
  }
}

/** `uploadFrom(readable | buffer | string, remote)`: the stream variant. */
export async function uploadFrom(core: ClientCore, source: UploadSource, remote: string, options: TransferOptions & SharedRate): Promise<boolean> {
  const target = core.resolve(remote);
  const body = new UploadBody(source);
  const send = async (attempt: Attempt, connection: FtpConnection): Promise<boolean> => {
    if (!(await prepare(connection, target, options))) return true;
    const offset = attempt.n > 0 && body.size !== null ? await resumePoint(connection, target, body.size) : 0;
    let sent = offset;
    const onBytes = meter(options.progress, body.size, offset, (n) => {
      sent += n;
      core.countSent(n);
    });
    try {
      await connection.send('STOR', target, body.chunks(offset), { offset, onBytes, throttle: core.throttle(options) });
      await verifyStored(connection, target, sent);
    } catch (error) {
      // Bytes taken from a stream are gone: a retry could only send the rest, so it fails here, not later with a hole.
      if (!body.rewindable && body.taken > 0) throw new FtpPyError('FTPPY_ERR_LOCAL', `${describe(error)} (after ${body.taken} bytes of a stream, which cannot be sent again)`, { cause: error });
      throw error;
    }
    core.countUpload();
    return true;
  };
  let done = false;
  try {
    done = await core.run({ name: 'upload', path: target, fallback: false, signal: options.signal }, (attempt) =>
      attempt.use((connection) => send(attempt, connection)),
    );
    return done;
  } finally {
    if (!done) body.discard();
  }
}
