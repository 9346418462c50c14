export type EntryType = 'file' | 'dir' | 'link' | 'other';

/**
 * One entry of a directory listing, whatever the server's format (Unix `ls -l`,
 * DOS/IIS, MLSD facts): what `list`, `metadata` and `search` return.
 */
export interface ListingEntry {
  /** The last path segment. */
  name: string;
  /** The full remote path (the listed directory joined with `name`). */
  path: string;
  /** Bytes; 0 when the listing gives none (directories on some servers). Above 2^53 − 1 the nearest number: see exactSize. */
  size: number;
  /**
   * The exact size, only when it is above Number.MAX_SAFE_INTEGER (2^53 − 1 bytes, 8 PiB),
   * where a number cannot hold every integer and `size` is only the nearest one.
   */
  exactSize?: bigint;
  dir: boolean;
  modified: Date | null;
  /** Unix permission bits as octal text, `'755'` (what `chmod` takes), or null when unknown. */
  permissions: string | null;
  type: EntryType;
  /** Where a symbolic link points, when the listing says. */
  target?: string;
  owner?: string;
  group?: string;
}
