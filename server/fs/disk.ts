import {
  closeSync, constants, fchmodSync, fchownSync, fstatSync, ftruncateSync, lstatSync, openSync, realpathSync,
  opendirSync, renameSync, statSync, type Dir, type Stats,
} from 'node:fs';
import { chmod, lstat, mkdir, realpath, rename, rmdir, truncate, unlink, utimes } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { decodeRaw, encodeRaw, hasRawBytes, nativePath } from '../../protocol/text.js';
import { fileReader, FileWriter } from '../../common/disk-file.js';
import { FileSystemError, toFileSystemError } from './errors.js';
import { joinPath, parentOf, baseName } from './path.js';
import { flattened, ownPages, PAGE_SIZE } from './pages.js';
import { SortedRuns } from './sorted-runs.js';
import { TimeSlice } from './time-slice.js';
import type { Storage, StorageEntry, StorageStat, WriteMode } from './storage.js';

// While the disk is slow (disk-pacing.ts), an upload's bytes go through the thread pool
// 512 KiB at a time past the first 64 KiB (while it is fast, each read is written at
// once, synchronously): each write through the thread pool wakes a worker thread, and a
// CPU profile of 1 GiB uploads put the main thread's share of that hand-off (fs.write,
// fs.writev) above all its JavaScript. 1 GiB from our client and basic-ftp went from
// medians of ~560 and ~625 MiB/s to ~745 and ~780 (tmpfs, six alternating runs). The
// writer then queues only 64 KiB behind a write in flight, so an upload holds about what
// it did before (512 KiB queued): 1 MiB gathered plus the 512 KiB queue had pushed the
// WebDAV memory spec's peak RSS up by 2-3 MB, to its 100 MB bound. A plain FTP upload's
// reads are lent (protocol/direct-reads.ts) and never gathered: up to LENT_MAX of them
// wait behind a write in flight and go down in one writev instead.
const UPLOAD_GATHER = 512 * 1024;

// A folder is listed in slices of this many milliseconds (its names read and sorted in
// runs of NAME_RUN, then an lstat per entry), with the event loop let run between them:
// 100,000 entries held every other session for a second when listed in one go.
const SLICE_MS = 10;
const NAME_RUN = 2000;

// A replaced file at least this large is renamed over through the thread pool (rename()).
const LARGE_REPLACE = 1024 * 1024;

// A path for a `node:fs` call: its bytes when it carries names that are not UTF-8.
const native = nativePath;

function toStat(s: Stats, link = false): StorageStat {
  const kind = link ? 'link' : s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other';
  return { kind, size: s.isFile() ? s.size : 0, modified: s.mtime, mode: s.mode & 0o7777 };
}

/**
 * The default storage: a directory on disk. Links are followed, and reported by `realpath`.
 *
 * The calls every command makes on the way to its file (realpath, stat, the lstat of each
 * listing entry, open, rename) are synchronous: each takes microseconds of a local disk,
 * while a trip through libuv's thread pool costs two thread wake-ups, and under load those
 * were a third of the server's CPU time per small transfer (bench/server-load, 10 sessions:
 * 2.5 ms of CPU per transfer of its mix with them, 1.7 ms without).
 * File contents past their first 64 KiB are read 256 KiB at a time and written as they
 * arrive, synchronously too while the disk answers fast, and through the thread pool for
 * a while after a slow call (common/disk-pacing.ts), so no file's size blocks the loop.
 */
export class DiskStorage implements Storage {
  readonly root: string;
  #realRoot: Promise<string> | null = null;

  constructor(root: string) {
    this.root = root;
  }

  /** The root as a real path: what `realpath` results are compared against. */
  #base(): Promise<string> {
    this.#realRoot ??= realpath(this.root).catch((error: unknown) => {
      this.#realRoot = null; // the root may appear later
      throw toFileSystemError(error, '/');
    });
    return this.#realRoot;
  }

  async #disk(path: string): Promise<string> {
    const base = await this.#base();
    return path === '/' ? base : join(base, ...path.split('/').filter(Boolean));
  }

  async #call<T>(path: string, fn: (disk: string) => Promise<T>): Promise<T> {
    try {
      return await fn(await this.#disk(path));
    } catch (error) {
      throw toFileSystemError(error, path);
    }
  }

  stat(path: string): Promise<StorageStat> {
    return this.#call(path, async (disk) => toStat(statSync(native(disk))));
  }

  async realpath(path: string): Promise<string | null> {
    const base = await this.#base();
    const disk = await this.#disk(path);
    let real: string;
    try {
      real = decodeRaw(realpathSync.native(native(disk), { encoding: 'buffer' }));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw toFileSystemError(error, path);
      if (path === '/') return null;
      // Missing: fine when nothing stands there at all, but a dangling link would let a
      // later write create its target wherever the link points.
      const there = lstatSync(native(disk), { throwIfNoEntry: false });
      if (there?.isSymbolicLink()) return null;
      const parent = await this.realpath(parentOf(path));
      return parent === null ? null : joinPath(parent, baseName(path));
    }
    if (real === base) return '/';
    if (!real.startsWith(base + sep)) return null;
    return `/${real.slice(base.length + 1).split(sep).join('/')}`;
  }

  list(path: string): AsyncIterable<StorageEntry> {
    return flattened(this.#pages(path));
  }

  /** Its own pages; a subclass that overrides `list` is listed through it (ownPages). */
  listPages(path: string): AsyncIterable<readonly StorageEntry[]> {
    return ownPages(this, DiskStorage.prototype.list, path, () => this.#pages(path));
  }

  /** A page ends where a slice does, or at PAGE_SIZE entries. */
  async *#pages(path: string): AsyncIterable<readonly StorageEntry[]> {
    const disk = await this.#call(path, async (d) => d);
    const slice = new TimeSlice(SLICE_MS);
    const raw = hasRawBytes(disk);
    let page: StorageEntry[] = [];
    for (const name of (await this.#names(disk, path, slice)).sorted()) {
      if (slice.due()) {
        if (page.length > 0) yield page;
        page = [];
        await slice.pause();
      }
      const file = `${disk}${sep}${name}`; // not join(): it would normalise the whole path each time
      let s: Stats | undefined;
      try {
        s = lstatSync(raw || hasRawBytes(name) ? encodeRaw(file) : file, { throwIfNoEntry: false });
      } catch {
        // unreadable since readdir: skipped, as a vanished one is
      }
      if (!s) continue;
      page.push({ name, stat: toStat(s, s.isSymbolicLink()) });
      if (page.length >= PAGE_SIZE) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  /**
   * A folder's names: read synchronously, like every other metadata call here, a slice at
   * a time. Node decodes names as UTF-8, which loses every byte that is not; a folder
   * holding such a name (it shows as U+FFFD) is read again as bytes (decodeRaw).
   */
  async #names(disk: string, path: string, slice: TimeSlice): Promise<SortedRuns> {
    const names = new SortedRuns(NAME_RUN);
    if (await this.#readNames(disk, path, slice, 'utf8', (name) => names.add(name))) return names;
    const raw = new SortedRuns(NAME_RUN);
    await this.#readNames(disk, path, slice, 'buffer', (name) => raw.add(decodeRaw(name as unknown as Buffer)));
    return raw;
  }

  /** Reads every name of a folder; for text names, stops at one that was not UTF-8 and returns false. */
  async #readNames(disk: string, path: string, slice: TimeSlice, encoding: 'utf8' | 'buffer', add: (name: string) => void): Promise<boolean> {
    let dir: Dir;
    try {
      // (@types/node types only text encodings here; Node takes 'buffer' and gives Buffers.)
      dir = opendirSync(native(disk), { bufferSize: 32, encoding: encoding as BufferEncoding });
    } catch (error) {
      throw toFileSystemError(error, path);
    }
    try {
      for (let d = dir.readSync(); d !== null; d = dir.readSync()) {
        if (encoding === 'utf8' && d.name.includes('\uFFFD')) return false;
        add(d.name);
        if (slice.due()) await slice.pause();
      }
      return true;
    } catch (error) {
      throw toFileSystemError(error, path);
    } finally {
      dir.closeSync();
    }
  }

  read(path: string, start: number): Promise<Readable> {
    return this.#call(path, async (disk) => {
      const fd = openSync(native(disk), 'r');
      let size: number;
      try {
        const stat = fstatSync(fd);
        if (stat.isDirectory()) throw new FileSystemError('EISDIR', path);
        size = stat.size;
      } catch (error) {
        closeSync(fd);
        throw error;
      }
      return fileReader(fd, start, size);
    });
  }

  write(path: string, mode: WriteMode): Promise<Writable> {
    return this.#call(path, async (disk) => {
      let fd: number;
      const file = native(disk);
      if (mode.append) fd = openSync(file, 'a');
      else if (mode.exclusive) fd = openSync(file, 'wx');
      else if (mode.start !== undefined && mode.start > 0) {
        fd = openSync(file, constants.O_WRONLY | constants.O_CREAT);
      } else fd = openSync(file, 'w');
      if (mode.replacing !== undefined) this.#takeOwnership(fd, await this.#disk(mode.replacing));
      const start = mode.start ?? 0;
      if (!mode.append && start > 0) {
        // REST + STOR: what follows the restart point is replaced, so drop the old tail.
        try {
          ftruncateSync(fd, start);
        } catch (error) {
          closeSync(fd);
          throw error;
        }
      }
      return new FileWriter(fd, mode.append ? null : start, { gather: UPLOAD_GATHER });
    });
  }

  /** Gives the open file `fd` the mode and owner of `like` (when it still exists). */
  #takeOwnership(fd: number, like: string): void {
    const model = statSync(native(like), { throwIfNoEntry: false });
    if (!model) return;
    try {
      const own = fstatSync(fd);
      // Most often the file was created with the mode of the one it replaces already.
      if ((own.mode & 0o777) !== (model.mode & 0o777)) fchmodSync(fd, model.mode & 0o777);
      if (own.uid !== model.uid || own.gid !== model.gid) {
        try {
          fchownSync(fd, model.uid, model.gid);
        } catch (error) {
          // Only root (or CAP_CHOWN) may give a file away: otherwise it stays the server's.
          if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
        }
      }
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  mkdir(path: string): Promise<void> {
    return this.#call(path, async (disk) => {
      await mkdir(native(disk));
    });
  }

  rmdir(path: string): Promise<void> {
    return this.#call(path, (disk) => rmdir(native(disk)));
  }

  remove(path: string): Promise<void> {
    return this.#call(path, async (disk) => {
      const s = await lstat(native(disk));
      if (s.isDirectory()) throw new FileSystemError('EISDIR', path);
      await unlink(native(disk));
    });
  }

  rename(from: string, to: string): Promise<void> {
    return this.#call(from, async (source) => {
      const target = native(await this.#disk(to));
      // Replacing a file frees its blocks and pages inside rename(2): for a 1 GiB file that
      // held the event loop, and every session, 74-87 ms on tmpfs and 34-330 ms on ext4.
      // A large one goes through the thread pool; a small one's rename stays synchronous,
      // where it costs less than the hand-off (see the class comment).
      // (Its blocks, not its size: a sparse file frees only what it holds, and a file with
      // other links frees nothing.)
      const replaced = lstatSync(target, { throwIfNoEntry: false });
      if (replaced?.isFile() && replaced.nlink === 1 && replaced.blocks * 512 >= LARGE_REPLACE) await rename(native(source), target);
      else renameSync(native(source), target);
    });
  }

  setModified(path: string, time: Date): Promise<void> {
    return this.#call(path, (disk) => utimes(native(disk), time, time));
  }

  chmod(path: string, mode: number): Promise<void> {
    return this.#call(path, (disk) => chmod(native(disk), mode));
  }

  truncate(path: string, size: number): Promise<void> {
    return this.#call(path, (disk) => truncate(native(disk), size));
  }
}
