import type { OperationOptions } from '../client/options.js';

/** What a tree operation is doing to a path. */
export type TreeAction = 'upload' | 'download' | 'mkdir' | 'delete' | 'verify';

/** A progress report of a tree operation. */
export interface TreeProgress {
  /** The path the report is about, relative to the roots. */
  path: string;
  action: TreeAction;
  /** null while the action is under way (bytes moving), then whether it succeeded. */
  ok: boolean | null;
  /** Actions finished so far (files sent or checked, folders made, paths deleted), and how many there are in all. */
  done: number;
  total: number;
  /** Bytes transferred so far, and the bytes to transfer in all. */
  bytes: number;
  totalBytes: number;
  /** While a file moves (`ok` null): its bytes so far and its size, for a bar of its own. */
  file?: { bytes: number; size: number };
}

export type TreeProgressCallback = (progress: TreeProgress) => void;

export interface TreeOptions extends OperationOptions {
  /** Files transferred and folders listed at once. Default: Limits.connections (the pool's size). */
  concurrency?: number;
  progress?: TreeProgressCallback;
  /** Bytes per second for the operation's transfers together (at least 4096), on top of Limits.rate. Default: none. */
  rate?: number;
}

export interface SyncOptions extends TreeOptions {
  /** Report (results and progress) what would change, and change nothing. */
  dryRun?: boolean;
}

export interface MirrorOptions extends SyncOptions {
  /** Mirror even a missing or empty local folder, deleting everything on the server's side. */
  force?: boolean;
}

export interface VerifyOptions extends TreeOptions {
  /** Compare content as well: the server's HASH (or XSHA256, XSHA1, XMD5, XCRC), else a download hashed here. */
  checksum?: boolean;
}

export interface BackupOptions extends TreeOptions {
  /** After a backup that fully succeeded, delete the oldest backups beyond this many. */
  keep?: number;
}

export type RestoreOptions = SyncOptions;

export interface SearchOptions extends OperationOptions {
  /** Directories listed at once. Default: Limits.connections. */
  concurrency?: number;
  ignoreCase?: boolean;
}

/** A backup folder, as `backups(target)` lists them. */
export interface Backup {
  /** `backup_YYYYMMDD_HHMMSS` */
  name: string;
  path: string;
  /** When it was taken (UTC, from its name). */
  created: Date;
  /** Files in it and their bytes in all, from its manifest; undefined when it has none (made before manifests). */
  files?: number;
  size?: number;
}

export const treeKeys = ['concurrency', 'progress', 'signal', 'rate'] as const;
