import {
  closeSync, constants, fstatSync, ftruncateSync, lstatSync, openSync, realpathSync,
  opendirSync, renameSync, statSync, type Dir, type Stats,
} from 'node:fs';
import { chmod, lstat, mkdir, realpath, rmdir, unlink, utimes } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import type { Readable, Writable } from 'node:stream';
import { fileReader, FileWriter } from './disk-file.js';
import { FileSystemError, toFileSystemError } from './errors.js';
import { joinPath, parentOf, baseName } from './path.js';
import { compareNames, type Storage, type StorageEntry, type StorageStat, type WriteMode } from './storage.js';

function toStat(s: Stats, link = false): StorageStat {
  const kind = link ? 'link' : s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other';
  return { kind, size: s.isFile() ? s.size : 0, modified: s.mtime, mode: s.mode & 0o7777 };
}

// A folder's entries are looked at (lstat) this many at a time, and its names read this
// many at a time; between two batches the event loop runs, so a folder of 100,000 entries
// does not hold up every other session for a second, while a folder of up to 500 entries
// is listed in one go, as fast as ever.
const STAT_BATCH = 500;
const NAME_BATCH = 4000;

/**
 * The default storage: a directory on disk. Links are followed, and reported by `realpath`.
 *
 * The calls every command makes on the way to its file (realpath, stat, the lstat of each
 * listing entry, open, rename) are synchronous: each takes microseconds of a local disk,
 * while a trip through libuv's thread pool costs two thread wake-ups, and under load those
 * were a third of the server's CPU time per small transfer (bench/server-load, 10 sessions:
 * 2.5 ms of CPU per transfer of its mix with them, 1.7 ms without).
 * File contents past their first 64 KiB stream through the thread pool (disk-file.ts), so
 * no file's size blocks the loop.
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
    return this.#call(path, async (disk) => toStat(statSync(disk)));
  }

  async realpath(path: string): Promise<string | null> {
    const base = await this.#base();
    const disk = await this.#disk(path);
    let real: string;
    try {
      real = realpathSync.native(disk);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw toFileSystemError(error, path);
      if (path === '/') return null;
      // Missing: fine when nothing stands there at all, but a dangling link would let a
      // later write create its target wherever the link points.
      const there = lstatSync(disk, { throwIfNoEntry: false });
      if (there?.isSymbolicLink()) return null;
      const parent = await this.realpath(parentOf(path));
      return parent === null ? null : joinPath(parent, baseName(path));
    }
    if (real === base) return '/';
    if (!real.startsWith(base + sep)) return null;
    return `/${real.slice(base.length + 1).split(sep).join('/')}`;
  }

  async *list(path: string): AsyncIterable<StorageEntry> {
    const disk = await this.#call(path, async (d) => d);
    const names = await this.#names(disk, path);
    for (let i = 0; i < names.length; i++) {
      if (i > 0 && i % STAT_BATCH === 0) await turn();
      let s: Stats | undefined;
      try {
        s = lstatSync(join(disk, names[i]!), { throwIfNoEntry: false });
      } catch {
        // unreadable since readdir: skipped, as a vanished one is
      }
      if (s) yield { name: names[i]!, stat: toStat(s, s.isSymbolicLink()) };
    }
  }

  /** A folder's names, sorted: read synchronously, like every other metadata call here, in batches. */
  async #names(disk: string, path: string): Promise<string[]> {
    const names: string[] = [];
    let dir: Dir;
    try {
      dir = opendirSync(disk, { bufferSize: 32 });
    } catch (error) {
      throw toFileSystemError(error, path);
    }
    try {
      for (let d = dir.readSync(); d !== null; d = dir.readSync()) {
        names.push(d.name);
        if (names.length % NAME_BATCH === 0) await turn();
      }
    } catch (error) {
      throw toFileSystemError(error, path);
    } finally {
      dir.closeSync();
    }
    return names.sort(compareNames);
  }

  read(path: string, start: number): Promise<Readable> {
    return this.#call(path, async (disk) => {
      const fd = openSync(disk, 'r');
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
      if (mode.append) fd = openSync(disk, 'a');
      else if (mode.exclusive) fd = openSync(disk, 'wx');
      else if (mode.start !== undefined && mode.start > 0) {
        fd = openSync(disk, constants.O_WRONLY | constants.O_CREAT);
      } else fd = openSync(disk, 'w');
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
      return new FileWriter(fd, mode.append ? null : start);
    });
  }

  mkdir(path: string): Promise<void> {
    return this.#call(path, async (disk) => {
      await mkdir(disk);
    });
  }

  rmdir(path: string): Promise<void> {
    return this.#call(path, (disk) => rmdir(disk));
  }

  remove(path: string): Promise<void> {
    return this.#call(path, async (disk) => {
      const s = await lstat(disk);
      if (s.isDirectory()) throw new FileSystemError('EISDIR', path);
      await unlink(disk);
    });
  }

  rename(from: string, to: string): Promise<void> {
    return this.#call(from, async (source) => renameSync(source, await this.#disk(to)));
  }

  setModified(path: string, time: Date): Promise<void> {
    return this.#call(path, (disk) => utimes(disk, time, time));
  }

  chmod(path: string, mode: number): Promise<void> {
    return this.#call(path, (disk) => chmod(disk, mode));
  }
}
