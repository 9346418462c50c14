import { checkRate, Throttle, TokenBucket } from '../common/throttle.js';
import { knownKeys, optionsObject, wholeNumber } from '../common/check.js';

// What an account may use besides its rights: bandwidth (`rate`) and room (`quota`).
// Plain data, given per account and (for `rate`) as a server-wide default; the FTP
// session and the web API read them from the signed-in account.

/** Bytes per second; `null` (or leaving it out) is no limit. */
export interface RateOptions {
  /** What the account receives: RETR, web downloads. */
  download?: number | null;
  /** What the account sends: STOR/APPE/STOU, web uploads. */
  upload?: number | null;
}

export interface Rate {
  download: number | null;
  upload: number | null;
}

/** Limits over everything below the account's home; `null` (or leaving it out) is no limit. */
export interface QuotaOptions {
  /** Total size of the files, in bytes. */
  bytes?: number | null;
  /** Number of files (folders are not counted). */
  files?: number | null;
}

export interface Quota {
  bytes: number | null;
  files: number | null;
}

export const NO_RATE: Rate = Object.freeze({ download: null, upload: null });

/**
 * A `rate` option. Each direction left out takes `fallback`'s (the server-wide default for
 * an account); `null` says "no limit" even when the default has one.
 */
export function resolveRate(field: string, value: unknown, fallback: Rate = NO_RATE): Rate {
  if (value === undefined) return fallback;
  const o = optionsObject(field, value);
  knownKeys(field, o, ['download', 'upload']);
  const one = (key: 'download' | 'upload'): number | null => {
    const given = o[key];
    if (given === undefined) return fallback[key];
    return given === null ? null : checkRate(`${field}.${key}`, given);
  };
  return { download: one('download'), upload: one('upload') };
}

/** An account's own rate (directions left undefined) over the server-wide default. */
export function mergeRate(own: RateOptions | undefined, fallback: Rate): Rate {
  return { download: own?.download === undefined ? fallback.download : own.download, upload: own?.upload === undefined ? fallback.upload : own.upload };
}

/** A `quota` option, or null when there is none. */
export function resolveQuota(field: string, value: unknown): Quota | null {
  if (value === undefined || value === null) return null;
  const o = optionsObject(field, value);
  knownKeys(field, o, ['bytes', 'files']);
  const one = (key: 'bytes' | 'files'): number | null => (o[key] == null ? null : wholeNumber(`${field}.${key}`, o[key], 0));
  const quota = { bytes: one('bytes'), files: one('files') };
  return quota.bytes === null && quota.files === null ? null : quota;
}

/** The throttle for one transfer of an account in one direction, or null when that is not limited. */
export function transferThrottle(rate: Rate | undefined, direction: 'download' | 'upload'): Throttle | null {
  const limit = rate?.[direction] ?? null;
  return limit === null ? null : new Throttle([new TokenBucket(limit)]);
}
