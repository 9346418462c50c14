import { constants, type Dirent, type Stats } from 'node:fs';
import { chmod, lstat, mkdir, open, opendir, realpath, rename, rmdir, stat, unlink, utimes } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { FileSystemError, toFileSystemError } from './errors.js';
import { joinPath, parentOf, baseName } from './path.js';
import type { Storage, StorageEntry, StorageStat, WriteMode } from './storage.js';

function toStat(s: Stats, link = false): StorageStat {
  const kind = link ? 'link' : s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other';
  return { kind, size: s.isFile() ? s.size : 0, modified: s.mtime, mode: s.mode & 0o7777 };
}

// How many entries of a listing are stat'ed at once: enough to hide the latency of a
// slow disk, few enough that a directory of a million files stays in constant memory.
const STAT_BATCH = 32;

/** The default storage: a directory on disk. Links are followed, and reported by `realpath`. */
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
    return this.#call(path, async (disk) => toStat(await stat(disk)));
  }

  async realpath(path: string): Promise<string | null> {
    const base = await this.#base();
    const disk = await this.#disk(path);
    let real: string;
    try {
      real = await realpath(disk);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw toFileSystemError(error, path);
      if (path === '/') return null;
      // Missing: fine when nothing stands there at all, but a dangling link would let a
      // later write create its target wherever the link points.
      const there = await lstat(disk).catch(() => null);
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
    const dir = await opendir(disk, { bufferSize: STAT_BATCH }).catch((error: unknown) => {
      throw toFileSystemError(error, path);
    });
    let batch: Dirent[] = [];
    const flush = async (): Promise<StorageEntry[]> => {
      const entries = await Promise.all(
        batch.map(async (d) => {
          const s = await lstat(join(disk, d.name)).catch(() => null); // gone since readdir: skip
          return s === null ? null : { name: d.name, stat: toStat(s, s.isSymbolicLink()) };
        }),
      );
      batch = [];
      return entries.filter((e): e is StorageEntry => e !== null);
    };
    try {
      for await (const dirent of dir) {
        batch.push(dirent);
        if (batch.length >= STAT_BATCH) yield* await flush();
      }
      yield* await flush();
    } catch (error) {
      throw toFileSystemError(error, path);
    }
  }

  read(path: string, start: number): Promise<Readable> {
    return this.#call(path, async (disk) => {
      const handle = await open(disk, 'r');
      try {
        const s = await handle.stat();
        if (s.isDirectory()) throw new FileSystemError('EISDIR', path);
      } catch (error) {
        await handle.close();
        throw error;
      }
      return handle.createReadStream({ start, highWaterMark: 64 * 1024 });
    });
  }

  write(path: string, mode: WriteMode): Promise<Writable> {
    return this.#call(path, async (disk) => {
      let handle;
      if (mode.append) handle = await open(disk, 'a');
      else if (mode.exclusive) handle = await open(disk, 'wx');
      else if (mode.start !== undefined && mode.start > 0) {
        handle = await open(disk, constants.O_WRONLY | constants.O_CREAT);
      } else handle = await open(disk, 'w');
      const options: { start?: number; highWaterMark: number } = { highWaterMark: 64 * 1024 };
      if (!mode.append && mode.start !== undefined && mode.start > 0) {
        // REST + STOR: what follows the restart point is replaced, so drop the old tail.
        await handle.truncate(mode.start).catch(async (error: unknown) => {
          await handle.close();
          throw error;
        });
        options.start = mode.start;
      }
      return handle.createWriteStream(options);
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
    return this.#call(from, async (source) => rename(source, await this.#disk(to)));
  }

  setModified(path: string, time: Date): Promise<void> {
    return this.#call(path, (disk) => utimes(disk, time, time));
  }

  chmod(path: string, mode: number): Promise<void> {
    return this.#call(path, (disk) => chmod(disk, mode));
  }
}
