import { openSync } from 'node:fs';
import { access, mkdir, rename, stat, unlink, utimes } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { FtpConnection } from '../../protocol/connection.js';
import { FileWriter } from '../../common/disk-file.js';
import { ConnectionError, FtpPyError } from '../../common/errors.js';
import { announcedSize } from '../../protocol/opening.js';
import { nativePath } from '../../protocol/text.js';
import { callHook } from '../../common/hooks.js';
import { describe } from '../../common/warnings.js';
import type { ClientCore } from './core.js';
import { meter, type SharedRate, type TransferOptions } from './options.js';
import { closeFile, partName } from './part-file.js';
import { resumePoint } from './resume.js';
import { checkDigest } from './checked.js';
import { preallocate, readRanges, segmentCount, splitRanges, type Range } from './segments.js';
import { MemorySink, placeFile, SMALL_FILE } from './small-file.js';
import { remoteSize } from './remote-listing.js';
import { remoteModified } from './remote-times.js';
import type { ListedSize } from './listed-sizes.js';

// Whether this server's opening replies to RETR name the file's size, learnt on the first
// download and kept per server (the connections to one server share their traits object).
const sizeInOpening = new WeakMap<object, boolean>();

/** The file's size when the server tells it (SIZE), for progress and to catch a short transfer. */
async function sizeOf(connection: FtpConnection, source: string): Promise<number | null> {
  if (!connection.features.size) return null;
  return remoteSize(connection, source).catch(() => null); // RETR gives the better error
}

/**
 * A transfer that ended early but "successfully" (a cut without a 426) is a lost
 * connection: retried, and resumed. More than the size said is no failure: the file grew
 * since (a log being written), and what the server sent is what it holds now.
 */
function checkLength(source: string, received: number, total: number | null): void {
  if (total !== null && received < total) {
    throw new ConnectionError(`${source}: received ${received} of ${total} bytes`);
  }
}

/** What a caller may already know of the remote file (tree operations, from the listing). */
export interface KnownFile {
  /** Its size: no SIZE is asked (but a retry asks: the file may have changed since it was listed). */
  size?: number;
  /** Its size as its folder's listing shows it (a fetch of many files from one folder): asked on the download's connection; SIZE when it has none. */
  listedSize?: ListedSize | undefined;
  /** Its time, given to the local file (before it takes the target's name). */
  modified?: Date;
  /** `modified` is only a LIST date: ask the server (MDTM) for the exact time on the connection that downloads it. */
  askTime?: boolean;
  /** The target's folder exists (the caller made it): it is not checked first. */
  folderExists?: boolean;
}

/**
 * For many downloads at once: whether each local folder exists is asked once, not once
 * per file (a thread-pool trip each). A folder that does not exist is left for each
 * download to report, or make (`dirs`).
 */
export function localFolders(): (local: string) => Promise<boolean> {
  const seen = new Map<string, Promise<boolean>>();
  return (local) => {
    const folder = dirname(resolve(local));
    let exists = seen.get(folder);
    if (!exists) {
      exists = stat(nativePath(folder)).then((s) => s.isDirectory(), () => false);
      seen.set(folder, exists);
    }
    return exists;
  };
}

/**
 * The remote file's time to tell its versions apart by: the caller's when exact (MLSD),
 * else MDTM's (asked already when `askTime`). null when the server will not say.
 */
async function exactTime(connection: FtpConnection, source: string, known: KnownFile, asked: Date | undefined): Promise<Date | null> {
  if (known.askTime) return asked !== known.modified ? (asked ?? null) : null;
  return known.modified ?? (await remoteModified(connection, source));
}

/**
 * `download(remote, local)`: written to a temporary file beside the target and renamed
 * onto it when complete, so the target never holds half a file. A retry resumes from
 * what the temporary file holds (REST) when the server can; otherwise it starts over.
 * A file past SMALL_FILE whose size and time the server tells is written to a part file
 * named for them (resume.ts), which a failed or killed download leaves for the next run
 * to resume from; any other part file is this operation's alone and goes however it ends.
 */
export async function download(core: ClientCore, remote: string, local: string, options: TransferOptions & SharedRate, known: KnownFile = {}): Promise<boolean> {
  const source = core.resolve(remote);
  const target = resolve(local);
  const throttle = core.throttle(options);
  const resume = options.resume !== false;
  let temp = join(dirname(target), partName(basename(target)));
  let keep = false;
  let chosen = false;
  // A segmented download's ranges, kept across attempts: a retry reads only what is missing.
  let ranges: Range[] | null = null;
  let placed = false;
  let hooked = false;
  let modified = known.modified;
  try {
    return await core.run({ name: 'download', path: `${source} -> ${local}`, fallback: false, signal: options.signal }, async (attempt) => {
      if (options.replace === false && (await access(nativePath(target)).then(() => true, () => false))) return true;
      if (!known.folderExists) {
        if (options.dirs) await mkdir(nativePath(dirname(target)), { recursive: true });
        else await stat(nativePath(dirname(target))); // a missing folder fails here, before a connection is used
      }
      if (!hooked) {
        hooked = true;
        await callHook(core.settings.hooks, 'download', source, local);
      }
      const small = await attempt.use(async (connection) => {
        if (known.askTime) modified = (await remoteModified(connection, source)) ?? modified;
        let offset = 0;
        if (attempt.n > 0 && connection.features.restStream) offset = (await stat(nativePath(temp)).catch(() => null))?.size ?? 0;
        // Where the server's opening replies name the size (learnt on the first download),
        // SIZE is not asked: a round trip fewer per file. A resumed transfer still asks, as
        // servers differ on whether the opening counts what REST skips; so does a download
        // that may resume across runs, which must know the size before it starts.
        const trustOpening = !resume && (options.segments ?? 1) === 1 && offset === 0 && sizeInOpening.get(connection.traits) === true;
        // A retry asks the server again: the file may have changed since it was listed.
        const listed = attempt.n === 0 ? (known.size ?? (await known.listedSize?.(connection, attempt.signal))) : undefined;
        let total = listed ?? (trustOpening ? null : ((await sizeOf(connection, source)) ?? known.size ?? null));
        // Ranges need REST; a file too small to split is read whole.
        const segments = total !== null && connection.features.restStream ? segmentCount(total, Math.min(options.segments ?? 1, core.settings.limits.connections)) : 1;
        if (!chosen && total !== null && total > SMALL_FILE) {
          chosen = true;
          // A segmented download's part file has holes until it is complete, so its size
          // says nothing of what it holds: it never resumes across runs, and goes when it fails.
          const time = segments > 1 ? null : await exactTime(connection, source, known, modified);
          const point = resumePoint(dirname(target), basename(target), { size: total, modified: time }, resume && segments === 1, connection.features.restStream);
          if (point) ({ path: temp, offset, keep } = point);
        }
        if (total !== null && offset > total) offset = 0;
        // Chosen when the 150 arrives: memory for a small file, else the part file.
        const into: { memory?: MemorySink; file?: Writable } = {};
        let bytes = 0;
        const onBytes = meter(options.progress, () => total, offset, (n) => {
          bytes += n;
          core.countReceived(n);
        });
        if (ranges || (segments > 1 && total !== null)) {
          if (!ranges) {
            ranges = splitRanges(total!, segments);
            await preallocate(temp, total!);
          }
          const received = ranges.reduce((sum, range) => sum + range.done, 0);
          await readRanges(attempt, connection, source, temp, ranges, meter(options.progress, () => total, received, (n) => core.countReceived(n)), throttle);
          checkLength(source, ranges.reduce((sum, range) => sum + range.done, 0), total);
          if (options.checksum) await checkDigest(core, connection, source, { file: temp }).catch((error: unknown) => {
            ranges = null; // nothing of it is to be trusted: a retry starts over
            throw error;
          });
          return null;
        }
        // A part file complete already (the last run was killed before its rename) needs no RETR.
        const complete = offset > 0 && offset === total;
        try {
          if (!complete) await connection.receive('RETR', source, (opening) => {
            if (offset === 0) {
              const announced = announcedSize(opening.message);
              sizeInOpening.set(connection.traits, announced !== null);
              total ??= announced;
            }
            if (offset === 0 && total !== null && total <= SMALL_FILE) return (into.file = into.memory = new MemorySink(temp));
            // Our writer, not a WriteStream: it lets the data connection lend it its read buffers (protocol/direct-reads.ts).
            return (into.file = new FileWriter(openSync(nativePath(temp), offset > 0 ? 'r+' : 'w'), offset));
          }, { offset, onBytes, throttle });
          if (into.file) await closeFile(into.file, true);
        } finally {
          if (into.file) await closeFile(into.file, false).catch(() => {});
        }
        checkLength(source, offset + bytes, total);
        const data = into.memory?.data ?? null;
        if (options.checksum) {
          // A file that does not match is not resumed from: its bytes are not to be trusted.
          await checkDigest(core, connection, source, data ? { data } : { file: temp }).catch(async (error: unknown) => {
            await unlink(nativePath(temp)).catch(() => {});
            throw error;
          });
        }
        return data;
      });
      if (small) {
        placeFile(temp, target, small, modified);
      } else {
        if (modified) await utimes(nativePath(temp), new Date(), modified);
        await rename(nativePath(temp), nativePath(target));
      }
      placed = true;
      core.countDownload();
      return true;
    });
  } finally {
    if (!placed && !keep) await unlink(nativePath(temp)).catch(() => {});
  }
}

/**
 * `downloadTo(remote, writable)`: the stream variant; the writable is ended when the
 * file is complete. Bytes already written cannot be taken back, so a retry resumes after
 * them (REST), and fails when the server cannot.
 */
export async function downloadTo(core: ClientCore, remote: string, sink: Writable, options: TransferOptions & SharedRate): Promise<boolean> {
  const source = core.resolve(remote);
  const throttle = core.throttle(options);
  let delivered = 0;
  const done = await core.run({ name: 'download', path: source, fallback: false, signal: options.signal }, (attempt) =>
    attempt.use(async (connection) => {
      if (delivered > 0 && !connection.features.restStream) {
        throw new FtpPyError('FTPPY_ERR_UNSUPPORTED', `${delivered} bytes were already written and the server cannot resume (no REST STREAM)`);
      }
      const total = await sizeOf(connection, source);
      const offset = delivered;
      const onBytes = meter(options.progress, total, offset, (n) => {
        delivered += n;
        core.countReceived(n);
      });
      await connection.receive('RETR', source, sink, { offset, onBytes, throttle }).catch((error: unknown) => {
        if (sink.destroyed) throw new FtpPyError('FTPPY_ERR_LOCAL', `the destination stream failed: ${describe(error)}`, { cause: error });
        throw error;
      });
      checkLength(source, delivered, total);
      await new Promise<void>((resolve, reject) => sink.end((error?: Error | null) => (error ? reject(error) : resolve())));
      core.countDownload();
      return true;
    }),
  );
  if (!done && !sink.destroyed) sink.destroy();
  return done;
}
