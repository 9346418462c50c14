import { knownKeys, optionsObject, trueOrFalse, wholeNumber } from '../../common/check.js';
import { checkRate, TokenBucket } from '../../common/throttle.js';
import { describe, warn } from '../../common/warnings.js';

export interface OperationOptions {
  /** Cancels the operation: it then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Called as bytes cross the data connection: bytes of the file so far (a resumed transfer counts from its offset), and the file's size when known. */
export type ProgressCallback = (bytes: number, total: number | null) => void;

export interface TransferOptions extends OperationOptions {
  /** Create missing parent directories of the target. Default false. */
  dirs?: boolean;
  /** Overwrite an existing target. Default true; false skips the transfer (and resolves true). */
  replace?: boolean;
  progress?: ProgressCallback;
  /** Bytes per second for this transfer (at least 4096), on top of the client's Limits.rate. Default: none. */
  rate?: number;
  /** Downloads: go on from a part file an earlier run left for the same remote file (same size and time). Default true. Uploads: go on from what the server holds when it is a prefix of the local file. Default false. */
  resume?: boolean;
  /** Downloads: read the file in this many ranges at once, each on its own pooled connection (REST). Default 1. */
  segments?: number;
  /** Compare the server's digest (HASH, XSHA256, …) with the local file's after the transfer; a mismatch fails (and is retried). Default false. */
  checksum?: boolean;
}

/**
 * What a batch or a tree operation gives each of its transfers: its `rate` as one bucket
 * they all draw from, so that the operation as a whole keeps to it. Internal.
 */
export interface SharedRate {
  rateBucket?: TokenBucket | null;
}

/** The bucket of an operation's `rate`, for its transfers to share (none without a rate). */
export function sharedRate(rate: number | undefined): SharedRate {
  return rate === undefined ? {} : { rateBucket: new TokenBucket(rate) };
}

export interface BatchOptions extends Omit<TransferOptions, 'progress'> {
  /** Transfers at once. Default: Limits.connections. */
  limit?: number;
}

export interface MkdirOptions extends OperationOptions {
  parents?: boolean;
}

export interface RmdirOptions extends OperationOptions {
  recursive?: boolean;
}

export interface ListOptions extends OperationOptions {
  /** The whole tree below the path, its directories listed in parallel. */
  deep?: boolean;
  /** With `deep`: directories listed at once. Default: Limits.connections. */
  concurrency?: number;
}

/** Checks an options object the way the factory checks its own: unknown keys and wrong types throw at once. */
export function checkOptions<T extends object>(what: string, value: unknown, keys: readonly (keyof T & string)[]): T {
  const o = optionsObject(what, value);
  knownKeys(what, o, keys);
  for (const flag of ['dirs', 'replace', 'parents', 'recursive', 'deep', 'dryRun', 'force', 'checksum', 'ignoreCase', 'resume'] as const) {
    if (o[flag] !== undefined) trueOrFalse(`${what}: ${flag}`, o[flag]);
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw new TypeError(`${what}: signal must be an AbortSignal`);
  if (o.progress !== undefined && typeof o.progress !== 'function') throw new TypeError(`${what}: progress must be a function`);
  if (o.rate !== undefined) checkRate(`${what}: rate`, o.rate);
  if (o.limit !== undefined) wholeNumber(`${what}: limit`, o.limit, 1, 10_000);
  if (o.segments !== undefined) wholeNumber(`${what}: segments`, o.segments, 1, 64);
  if (o.concurrency !== undefined) wholeNumber(`${what}: concurrency`, o.concurrency, 1, 10_000);
  if (o.keep !== undefined) wholeNumber(`${what}: keep`, o.keep, 1, 100_000);
  return o as T;
}

/** A user's callback that cannot fail the operation, like a hook: its first throw is warned about, and it is not called again. */
export function guarded<A extends unknown[]>(callback: ((...args: A) => void) | undefined): (...args: A) => void {
  let broken = false;
  return (...args) => {
    if (!callback || broken) return;
    try {
      callback(...args);
    } catch (error) {
      broken = true;
      warn(`progress callback threw: ${describe(error)}`, 'FTPPY_ERR_HOOK');
    }
  };
}

/** Counts a transfer's bytes into its progress callback (and the client's totals); `total` may be learnt on the way. */
export function meter(progress: ProgressCallback | undefined, total: number | null | (() => number | null), start: number, count: (n: number) => void): (n: number) => void {
  let bytes = start;
  const report = guarded(progress);
  return (n) => {
    bytes += n;
    count(n);
    report(bytes, typeof total === 'function' ? total() : total);
  };
}
