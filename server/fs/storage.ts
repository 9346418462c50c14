import type { Readable, Writable } from 'node:stream';

// The small interface behind the virtual filesystem: disk by default (DiskStorage), memory
// for tests (MemoryStorage), and whatever else someone plugs in (an object store). Paths
// here are storage paths: absolute, '/'-separated, normalised, '/' being the storage's
// root. The storage never sees `..`; it answers for symbolic links through `realpath`,
// and the user's filesystem decides what is allowed. Failures throw `FileSystemError`
// (or a Node fs error, which is translated).

export type StorageKind = 'file' | 'dir' | 'link' | 'other';

export interface StorageStat {
  /** `link` only in listings (`list`); `stat` follows links. */
  kind: StorageKind;
  size: number;
  modified: Date;
  /** Unix permission bits (0o644); backends without them answer 0o644 / 0o755. */
  mode: number;
}

export interface StorageEntry {
  name: string;
  stat: StorageStat;
}

export interface WriteMode {
  /** Write from this offset into the existing file (REST + STOR), keeping what is before it. */
  start?: number;
  /** Append to the file, creating it when missing (APPE). */
  append?: boolean;
  /** Fail with EEXIST when the file exists (STOU, temporary files). */
  exclusive?: boolean;
  /**
   * The file this new one will be renamed over (a temporary upload): it takes that
   * file's permission bits, without setuid/setgid/sticky, and its owner where the
   * process may give files away.
   */
  replacing?: string;
}

export interface Storage {
  /** What is at `path`, following links. */
  stat(path: string): Promise<StorageStat>;
  /**
   * The canonical path of `path` once every link on the way is followed, or null when that
   * leaves the storage's root (or a dangling link stands in the way). A missing tail is
   * kept as given: `/dir/new.txt` → `/real-dir/new.txt`.
   */
  realpath(path: string): Promise<string | null>;
  /**
   * The entries of a directory, one at a time, sorted by name as `Array.prototype.sort`
   * sorts strings (code unit order: byte order for ASCII, as `LC_ALL=C ls`). The server
   * sends them in the order given and does not sort again (that would hold every entry,
   * stats too, per listing): a storage that yields another order gives listings in that
   * order, and nothing else depends on it.
   */
  list(path: string): AsyncIterable<StorageEntry>;
  /**
   * The same entries in the same order, a page (array) at a time. Optional: a listing of a
   * storage without it takes `list` a page at a time (listPages in pages.ts). A server
   * under load lists thousands of entries a second, and each step of an async iterator
   * costs promises and a turn of the microtask queue: a page pays that once. It must give
   * what `list` gives (DiskStorage and MemoryStorage list a subclass that overrides only
   * `list` through it).
   */
  listPages?(path: string): AsyncIterable<readonly StorageEntry[]>;
  /** A stream of the file's bytes from `start`. Opening fails before any byte is read. */
  read(path: string, start: number): Promise<Readable>;
  /** A stream into the file; it is complete once the stream has finished. */
  write(path: string, mode: WriteMode): Promise<Writable>;
  mkdir(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
  remove(path: string): Promise<void>;
  /** Moves a file or directory, replacing a file at `to`. */
  rename(from: string, to: string): Promise<void>;
  setModified(path: string, time: Date): Promise<void>;
  /**
   * Cuts a file back to `size` bytes: an append refused by a quota leaves the file as it
   * was. Optional: without it, such an append keeps what it wrote before the refusal.
   */
  truncate?(path: string, size: number): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
}
