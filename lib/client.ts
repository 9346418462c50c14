import type { Readable, Writable } from 'node:stream';
import type { FtpConnection } from '../protocol/connection.js';
import { ConnectionError, FtpPyError } from '../common/errors.js';
import type { ListingEntry } from '../protocol/listing/index.js';
import { withRetry } from '../pool/retry.js';
import { callHook } from '../common/hooks.js';
import type { Settings } from './resolved-settings.js';
import { describe } from '../common/warnings.js';
import { transferAll, type Pair } from './client/batch.js';
import { connectOptions, connectionPool } from './client/connector.js';
import { copy } from './client/copy.js';
import { ClientCore } from './client/core.js';
import { cd, mkdir, rmdir } from './client/directories.js';
import { download, downloadTo, localFolders } from './client/download.js';
import { listedSizes } from './client/listed-sizes.js';
import { chmod, remove, rename } from './client/files.js';
import { exists, list, metadata, size } from './client/listing.js';
import { move } from './client/move.js';
import {
  checkOptions, type BatchOptions, type ListOptions, type MkdirOptions, type OperationOptions, type RmdirOptions, type TransferOptions,
} from './client/options.js';
import { parsePwdReply } from './client/remote-path.js';
import type { UploadSource } from './client/sources.js';
import { upload, uploadFrom } from './client/upload.js';
import { backup, backups } from './tree/backup.js';
import { mirror } from './tree/mirror.js';
import {
  treeKeys, type Backup, type BackupOptions, type MirrorOptions, type RestoreOptions, type SearchOptions, type SyncOptions, type TreeOptions, type VerifyOptions,
} from './tree/options.js';
import { restore } from './tree/restore.js';
import { search } from './tree/search.js';
import { sync, type Direction } from './tree/sync.js';
import { verify } from './tree/verify.js';
import { verifyBackup } from './tree/verify-backup.js';

export type { BatchOptions, ListOptions, MkdirOptions, OperationOptions, RmdirOptions, TransferOptions, Pair, UploadSource };
export type { ProgressCallback } from './client/options.js';
export type {
  Backup, BackupOptions, MirrorOptions, RestoreOptions, SearchOptions, SyncOptions, TreeAction, TreeOptions, TreeProgress, TreeProgressCallback, VerifyOptions,
} from './tree/options.js';
export type { Direction } from './tree/sync.js';

/** What `stats()` reports: the seed's fields (host, port, pool, active, secure, passive) and a few more. */
export interface ClientStats {
  host: string;
  port: number;
  secure: boolean;
  passive: boolean;
  /** Connections open, idle and leased (and being opened). */
  pool: number;
  /** Connections leased to an operation now. */
  active: number;
  idle: number;
  /** Operations waiting for a connection. */
  waiting: number;
  /** Limits.connections. */
  limit: number;
  /** Connections opened since the client began. */
  created: number;
  cwd: string;
  /** What the server's FEAT listed. */
  features: string[];
  uploads: number;
  downloads: number;
  /** Bytes sent and received over data connections. */
  sent: number;
  received: number;
  /** Operations that resolved to false/null. */
  failures: number;
  closed: boolean;
}

const transferKeys = ['dirs', 'replace', 'progress', 'signal', 'rate'] as const;
// Files on both ends: resume (downloads by default, uploads when asked) and checked transfers.
const fileTransferKeys = [...transferKeys, 'resume', 'checksum'] as const;
const batchKeys = ['limit', 'dirs', 'replace', 'signal', 'rate', 'resume', 'checksum'] as const;
const signalKey = ['signal'] as const;

function batchOptions(what: string, options: BatchOptions | number | undefined): BatchOptions {
  return typeof options === 'number' ? checkOptions<BatchOptions>(what, { limit: options }, batchKeys) : checkOptions<BatchOptions>(what, options, batchKeys);
}

/**
 * A connected FTP client over a pool of connections (from `ftp.client()`). Every
 * operation resolves to its result, or to false/null with an `FtpPyWarning` when it
 * fails; paths are relative to the client's own working directory (`cd`).
 */
export class Client implements AsyncDisposable {
  readonly #core: ClientCore;

  /** @internal Made by `FtpPy.client()`. */
  constructor(core: ClientCore) {
    this.#core = core;
  }

  async upload(local: string, remote: string, options?: TransferOptions): Promise<boolean> {
    return upload(this.#core, local, remote, checkOptions('upload', options, fileTransferKeys));
  }

  async download(remote: string, local: string, options?: TransferOptions): Promise<boolean> {
    return download(this.#core, remote, local, checkOptions('download', options, [...fileTransferKeys, 'segments']));
  }

  /** Uploads from a Readable, an async iterable, a Buffer or a string. */
  async uploadFrom(source: Readable | UploadSource, remote: string, options?: TransferOptions): Promise<boolean> {
    return uploadFrom(this.#core, source, remote, checkOptions('uploadFrom', options, transferKeys));
  }

  /** Downloads into a Writable, which is ended when the file is complete. */
  async downloadTo(remote: string, sink: Writable, options?: Omit<TransferOptions, 'dirs' | 'replace'>): Promise<boolean> {
    return downloadTo(this.#core, remote, sink, checkOptions('downloadTo', options, ['progress', 'signal', 'rate']));
  }

  /** Uploads `[local, remote]` pairs, `limit` at once; keyed by each local path as given. */
  async batch(pairs: readonly Pair[], options?: BatchOptions | number): Promise<Record<string, boolean>> {
    const checked = batchOptions('batch', options);
    return transferAll(this.#core, 'batch', pairs, checked, () => (local, remote, each) => upload(this.#core, local, remote, each));
  }

  /** Downloads `[remote, local]` pairs, `limit` at once; keyed by each remote path as given. */
  async fetch(pairs: readonly Pair[], options?: BatchOptions | number): Promise<Record<string, boolean>> {
    const checked = batchOptions('fetch', options);
    const folders = localFolders();
    return transferAll(this.#core, 'fetch', pairs, checked, (all) => {
      const sizes = listedSizes(all.map(([remote]) => this.#core.resolve(remote)));
      return async (remote, local, each) => download(this.#core, remote, local, each, { folderExists: await folders(local), listedSize: sizes(this.#core.resolve(remote)) });
    });
  }

  async mkdir(path: string, options?: MkdirOptions): Promise<boolean> {
    return mkdir(this.#core, path, checkOptions('mkdir', options, ['parents', 'signal']));
  }

  async cd(path: string, options?: OperationOptions): Promise<boolean> {
    return cd(this.#core, path, checkOptions('cd', options, signalKey));
  }

  async pwd(): Promise<string> {
    return this.#core.cwd;
  }

  async list(path = '.', options?: ListOptions): Promise<ListingEntry[] | null> {
    return list(this.#core, path, checkOptions('list', options, ['deep', 'concurrency', 'signal']));
  }

  async remove(path: string, options?: OperationOptions): Promise<boolean> {
    return remove(this.#core, path, checkOptions('remove', options, signalKey));
  }

  async rmdir(path: string, options?: RmdirOptions): Promise<boolean> {
    return rmdir(this.#core, path, checkOptions('rmdir', options, ['recursive', 'signal']));
  }

  /** As mv: into `to` when it is a folder that exists, else to `to`, its missing parent folders made. */
  async move(from: string, to: string, options?: OperationOptions): Promise<boolean> {
    return move(this.#core, from, to, checkOptions('move', options, signalKey));
  }

  async rename(from: string, to: string, options?: OperationOptions): Promise<boolean> {
    return rename(this.#core, from, to, checkOptions('rename', options, signalKey));
  }

  /** Copies a file on the server: RETR on one connection streamed into STOR on another. */
  async copy(from: string, to: string, options?: TransferOptions): Promise<boolean> {
    return copy(this.#core, from, to, checkOptions('copy', options, transferKeys));
  }

  async exists(path: string, options?: OperationOptions): Promise<boolean> {
    return exists(this.#core, path, checkOptions('exists', options, signalKey));
  }

  async size(path: string, options?: OperationOptions): Promise<number | null> {
    return size(this.#core, path, checkOptions('size', options, signalKey));
  }

  async metadata(path: string, options?: OperationOptions): Promise<ListingEntry | null> {
    return metadata(this.#core, path, checkOptions('metadata', options, signalKey));
  }

  /** `chmod(path, '755')` (SITE CHMOD). */
  async chmod(path: string, mode: string | number, options?: OperationOptions): Promise<boolean> {
    return chmod(this.#core, path, mode, checkOptions('chmod', options, signalKey));
  }

  /**
   * Brings two folders in line: 'up' and 'down' send what is missing on the other side or
   * differs (in size, or newer), 'both' sends each side's news the other way, the newer
   * file winning; none deletes. Times are carried across (MFMT up, utimes down), so a
   * second run transfers nothing. Results per path relative to the roots.
   */
  async sync(local: string, remote: string, direction: Direction, options?: SyncOptions): Promise<Record<string, boolean>> {
    return sync(this.#core, local, remote, direction, checkOptions('sync', options, [...treeKeys, 'dryRun']));
  }

  /** Per file on either side: same size on both sides (and with `checksum`, same content). */
  async verify(local: string, remote: string, options?: VerifyOptions): Promise<Record<string, boolean>> {
    return verify(this.#core, local, remote, checkOptions('verify', options, [...treeKeys, 'checksum']));
  }

  /** Makes the remote folder the local one, deleting what the local side lacks; refuses a missing or empty source unless `force`. */
  async mirror(local: string, remote: string, options?: MirrorOptions): Promise<Record<string, boolean>> {
    return mirror(this.#core, local, remote, checkOptions('mirror', options, [...treeKeys, 'dryRun', 'force']));
  }

  /** Uploads each local source under `target/backup_YYYYMMDD_HHMMSS/` (UTC); results per source. `keep` prunes old backups after a full success. */
  async backup(sources: string | readonly string[], target: string, options?: BackupOptions): Promise<Record<string, boolean>> {
    return backup(this.#core, sources, target, checkOptions('backup', options, [...treeKeys, 'keep']));
  }

  /** Per file of a backup's manifest: whether its content still has the backup's SHA-256 (the server's HASH, else downloaded and hashed). */
  async verifyBackup(backup: string, options?: TreeOptions): Promise<Record<string, boolean>> {
    return verifyBackup(this.#core, backup, checkOptions('verifyBackup', options, treeKeys));
  }

  /** The backups in `target`, newest first, with their file counts and sizes from their manifests. */
  async backups(target: string, options?: OperationOptions): Promise<Backup[] | null> {
    return backups(this.#core, target, checkOptions<OperationOptions>('backups', options, signalKey).signal);
  }

  /** Brings a remote backup (a `backup_…` folder) down into a local folder, with the original modification times. */
  async restore(backup: string, local: string, options?: RestoreOptions): Promise<Record<string, boolean>> {
    return restore(this.#core, backup, local, checkOptions('restore', options, [...treeKeys, 'dryRun']));
  }

  /** Every entry below `path` whose name matches the glob (`*`, `?`, `[abc]`, `[!a]`), with its full path. */
  async search(pattern: string, path = '.', options?: SearchOptions): Promise<ListingEntry[] | null> {
    return search(this.#core, pattern, path, checkOptions('search', options, ['concurrency', 'ignoreCase', 'signal']));
  }

  async stats(): Promise<ClientStats> {
    const core = this.#core;
    const pool = core.pool.stats();
    const { host, port, security } = core.settings.endpoint;
    return {
      host, port,
      secure: security !== 'none',
      passive: core.settings.passive,
      pool: pool.open, active: pool.active, idle: pool.idle, waiting: pool.waiting,
      limit: core.settings.limits.connections, created: pool.created,
      cwd: core.cwd,
      features: core.features?.names ?? [],
      ...core.traffic,
      closed: core.closed,
    };
  }

  /** Closes every connection (QUIT); operations in flight finish first. Idempotent. */
  close(): Promise<void> {
    return this.#core.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** The directory the client starts in: the endpoint's path, or the login directory (PWD). */
async function startDirectory(connection: FtpConnection, path: string | null): Promise<string> {
  if (path !== null) await connection.command('CWD', path);
  const reply = await connection.request('PWD');
  return (reply.code === 257 ? parsePwdReply(reply.message) : null) ?? path ?? '/';
}

/**
 * `ftp.client()`: a pool with one connection made, logged in and placed in the starting
 * directory, retried as the Retry policy says. Failing that, a ConnectionError.
 */
export async function openClient(settings: Settings): Promise<Client> {
  const options = await connectOptions(settings);
  const pool = connectionPool(settings, options);
  const seconds = settings.timeout.pool;
  const deadline = seconds === null ? undefined : performance.now() + seconds * 1000;
  let core: ClientCore;
  try {
    const connection = await withRetry(settings.retry, (n) => pool.acquire({ fresh: n > 0, ...(deadline === undefined ? {} : { deadline }) }), deadline === undefined ? {} : { deadline });
    try {
      core = new ClientCore(settings, pool, { cwd: await startDirectory(connection, settings.endpoint.path), features: connection.features });
      pool.release(connection);
    } catch (error) {
      pool.release(connection, 'broken');
      throw error;
    }
  } catch (error) {
    await pool.close();
    const { host, port } = settings.endpoint;
    const failure = new ConnectionError(`cannot connect to ${host}:${port}: ${describe(error)}`, {
      cause: error,
      ...(FtpPyError.is(error) && error.reply ? { reply: error.reply } : {}),
    });
    await callHook(settings.hooks, 'error', failure);
    throw failure;
  }
  return new Client(core);
}
