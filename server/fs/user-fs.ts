import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import type { Quota } from '../account-policy.js';
import type { Rights } from '../options.js';
import { isSidecar, SIDECAR, sidecarOf, type DeadProperties, type PropertySidecar } from './dead-properties.js';
import { FileSystemError, toFileSystemError } from './errors.js';
import { baseName, isWithin, joinPath, parentOf, resolveVirtual, splitPath } from './path.js';
import { flattened, listPages } from './pages.js';
import { closedStream, HomeQuota, meteredStream, type UploadMeter } from './quota.js';
import type { Storage, StorageStat } from './storage.js';
import type { Usage, UsageBook } from './usage.js';

/** One file or directory as the user sees it. */
export interface FileInfo {
  /** The last path segment (`/` for the user's root). */
  name: string;
  /** The virtual path: absolute, rooted at the user's root. */
  path: string;
  /** `link` only in listings: `stat` follows links. */
  kind: 'file' | 'dir' | 'link' | 'other';
  /** For a link: where it leads, as a virtual path. Size, time and mode are its target's. */
  target?: string;
  size: number;
  modified: Date;
  /** Unix permission bits. */
  mode: number;
}

/** An upload in progress. Nothing appears under its name before `commit()`. */
export interface Upload {
  readonly stream: Writable;
  /** Where the file ends up (for a unique name: the name picked). */
  readonly path: string;
  /** Makes the upload visible (renames the temporary file over the target). */
  commit(): Promise<void>;
  /** Throws the upload away: a new file leaves nothing behind; a resumed one keeps what was written. */
  discard(): Promise<void>;
}

export interface UploadMode {
  /** Append to the file (APPE). */
  append?: boolean;
  /** Resume at this offset, in place (REST + STOR). */
  start?: number;
  /** Pick a name that does not exist yet, next to `path` (STOU). */
  unique?: boolean;
}

// What a rename fails with when the target is in the way (a folder, a folder not empty).
const TARGET_ERRORS = new Set(['EISDIR', 'ENOTEMPTY', 'EEXIST', 'ENOTDIR']);

// Temporary names: a random prefix drawn once per process, then a counter (random bytes
// for every upload showed in the profile of the server under load). `wx` makes them safe
// even if two processes drew the same prefix. They do not carry the target's name, so
// their length is bounded: a target of 255 bytes (the usual limit) still has one.
const tempPrefix = randomBytes(4).toString('hex');
let tempCount = 0;
const temporaryName = (): string => `.ftppy-upload.${tempPrefix}.${(tempCount++).toString(36)}`;
const TEMPORARY_NAME = /^\.ftppy-upload\.[0-9a-f]{8}\.[0-9a-z]+$/;
// The storage paths of the temporary files this process is writing: any other one in a
// folder being removed was left by a crash.
const running = new Set<string>();

/** Whether a directory entry is an upload in progress (or one a crash left behind): never listed. */
export function isTemporaryUpload(name: string): boolean {
  return TEMPORARY_NAME.test(name);
}

/**
 * Temporary names belong to the server: a user's file of that shape would never be listed
 * and would be taken for a crash's leftover (RMD removes those), so none can be made.
 */
function refuseReservedName(path: string): void {
  if (isTemporaryUpload(baseName(path))) throw new FileSystemError('EINVAL', path, `Name reserved for the server's uploads in progress: ${path}`);
}

// The longest name most file systems take, in bytes (NAME_MAX).
const NAME_MAX = 255;

/**
 * STOU's name when `stem` is taken: `stem.<8 hex>`, the stem cut (at a character) so
 * that the whole fits in NAME_MAX bytes.
 */
function uniqueName(stem: string): string {
  const suffix = `.${randomBytes(4).toString('hex')}`;
  let room = NAME_MAX - suffix.length;
  let cut = '';
  for (const char of stem) {
    room -= Buffer.byteLength(char);
    if (room < 0) break;
    cut += char;
  }
  return cut + suffix;
}

/** A failure on the temporary file, told about the target: its name is the server's business. */
function asTarget(error: unknown, path: string): FileSystemError {
  const failure = toFileSystemError(error, path);
  return failure.path === path ? failure : new FileSystemError(failure.code, path, undefined, { cause: failure });
}

/**
 * The upload with its bytes metered when a quota counts them. `putBack` undoes an upload
 * in place that the quota refused (the file cut back to its old length, or removed when
 * the upload made it); without it the upload's own discard already removes all it wrote.
 */
function withMeter(upload: Upload, meter: UploadMeter | null, putBack: (() => Promise<boolean>) | null): Upload {
  if (!meter) return upload;
  const inner = upload.stream;
  return {
    stream: meteredStream(inner, meter),
    path: upload.path,
    commit: () => upload.commit(),
    async discard() {
      inner.destroy();
      await upload.discard();
      if (putBack === null) return meter.undo();
      if (!meter.refused) return; // a cut connection: what was written stays, to be resumed
      await closedStream(inner);
      if (await putBack()) meter.undo();
    },
  };
}

/** What a quota knows of an account: its limits and what its home holds. */
export interface QuotaStatus {
  usage: Usage;
  limits: Quota;
}

/**
 * One user's view of a storage: a root that acts as a chroot, and rights. Every path is
 * resolved lexically inside the root, then checked again on its real path (after the
 * storage has followed symbolic links), so a link pointing outside the root leads
 * nowhere. The FTP commands and the web API both go through this class, so they share
 * the same rules.
 */
export class UserFileSystem {
  readonly rights: Readonly<Rights>;
  readonly #storage: Storage;
  readonly #home: string;
  readonly #realHome: string;
  /** The account's quota (or only the server's counting of usage); null when opened without a book. */
  readonly #quota: HomeQuota | null;
  readonly #sidecar: PropertySidecar;

  private constructor(storage: Storage, home: string, realHome: string, rights: Rights, quota: HomeQuota | null) {
    this.#storage = storage;
    this.#sidecar = sidecarOf(storage);
    this.#home = home;
    this.#realHome = realHome;
    this.rights = Object.freeze({ ...rights });
    this.#quota = quota;
  }

  /**
   * The filesystem of a user whose root is `home` (a storage path), creating it when
   * missing. `quota`: the server's usage book and the account's limits (null: none).
   */
  static async open(storage: Storage, home: string, rights: Rights, quota?: { book: UsageBook; limits: Quota | null }): Promise<UserFileSystem> {
    const root = resolveVirtual('/', home);
    let at = '/';
    for (const part of splitPath(root)) {
      at = joinPath(at, part);
      try {
        await storage.mkdir(at);
      } catch (error) {
        if (toFileSystemError(error, at).code !== 'EEXIST') throw toFileSystemError(error, at);
      }
    }
    const real = await storage.realpath(root);
    if (real === null) throw new FileSystemError('EACCES', home, `Home ${home} leads outside the server's root`);
    if ((await storage.stat(real)).kind !== 'dir') throw new FileSystemError('ENOTDIR', home);
    return new UserFileSystem(storage, root, real, rights, quota ? new HomeQuota(quota.book, real, quota.limits) : null);
  }

  /** The account's quota and what its home holds (walked at the first call), or null without a quota. */
  async quota(): Promise<QuotaStatus | null> {
    if (!this.#quota?.limits) return null;
    const { usage } = await this.#quota.status();
    return { usage, limits: this.#quota.limits };
  }

  /** The size a removal or a replacement frees at `real`, or null when nothing counted is there (a folder, a link). */
  async #countedSize(real: string): Promise<number | null> {
    const stat = await this.#storage.stat(real).catch(() => null);
    if (stat?.kind !== 'file' || (await this.#storage.realpath(real)) !== real) return null;
    return stat.size;
  }

  /** `input`, absolute or relative to `cwd`, as a virtual path. Pure: touches no storage. */
  resolve(cwd: string, input: string): string {
    return resolveVirtual(cwd, input);
  }

  can(right: keyof Rights): boolean {
    return this.rights[right];
  }

  #need(right: keyof Rights, path: string): void {
    if (!this.rights[right]) throw new FileSystemError('EACCES', path, `Permission denied (no ${right} right): ${path}`);
  }

  #storagePath(path: string): string {
    return this.#home === '/' ? path : path === '/' ? this.#home : this.#home + path;
  }

  #inside(real: string | null, path: string): string {
    if (real === null || !isWithin(this.#realHome, real)) {
      throw new FileSystemError('EACCES', path, `Permission denied (outside your root): ${path}`);
    }
    if (isSidecar(real)) throw new FileSystemError('EACCES', path, `Permission denied (reserved for the server): ${path}`);
    return real;
  }

  /** The virtual path of a real storage path inside the user's root. */
  #virtual(real: string): string {
    return this.#realHome === '/' ? real : real.slice(this.#realHome.length) || '/';
  }

  /**
   * A storage failure as the user sees it: the storage names its own paths, and for a user
   * whose home is a folder of the root those say where the home lies (`/home/bob/x`).
   */
  #asSeen(failure: FileSystemError): FileSystemError {
    if (this.#realHome === '/' || !isWithin(this.#realHome, failure.path)) return failure;
    const seen = this.#virtual(failure.path);
    return new FileSystemError(failure.code, seen, failure.message.split(failure.path).join(seen), { cause: failure });
  }

  /** The real storage path of `path`, links followed. */
  async #real(path: string): Promise<string> {
    return this.#inside(await this.#storage.realpath(this.#storagePath(path)), path);
  }

  /** The real path of the parent plus the last name: for acting on a link itself (delete, rename). */
  async #realEntry(path: string): Promise<string> {
    if (path === '/') throw new FileSystemError('EACCES', path, 'Permission denied: the root cannot be removed or renamed');
    const real = joinPath(await this.#real(parentOf(path)), baseName(path));
    if (isSidecar(real)) throw new FileSystemError('EACCES', path, `Permission denied (reserved for the server): ${path}`);
    return real;
  }

  async #call<T>(path: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.#asSeen(toFileSystemError(error, path));
    }
  }

  #info(path: string, stat: StorageStat): FileInfo {
    const kind = stat.kind === 'link' ? 'other' : stat.kind;
    return { name: path === '/' ? '/' : baseName(path), path, kind, size: stat.size, modified: stat.modified, mode: stat.mode };
  }

  stat(path: string): Promise<FileInfo> {
    return this.#call(path, async () => this.#info(path, await this.#storage.stat(await this.#real(path))));
  }

  /** A directory's entries, or the file itself. Links that lead outside the root, or nowhere, are left out. */
  list(path: string): AsyncIterable<FileInfo> {
    return flattened(this.listPages(path));
  }

  /** What `list` gives, a page (array) at a time: what listings to clients read, one promise per page. */
  async *listPages(path: string): AsyncIterable<readonly FileInfo[]> {
    this.#need('read', path);
    const real = await this.#call(path, () => this.#real(path));
    const stat = await this.#call(path, () => this.#storage.stat(real));
    if (stat.kind !== 'dir') {
      yield [this.#info(path, stat)];
      return;
    }
    try {
      for await (const entries of listPages(this.#storage, real)) {
        const page: FileInfo[] = [];
        for (const entry of entries) {
          if (isTemporaryUpload(entry.name) || (real === '/' && entry.name === SIDECAR)) continue;
          const child = joinPath(path, entry.name);
          if (entry.stat.kind !== 'link') {
            page.push(this.#info(child, entry.stat));
            continue;
          }
          // A link is shown as a link (with its target as the user sees it), never as what
          // it points to: a client that took a link to a folder for the folder would empty
          // the target when it deletes the tree the link stands in.
          const target = await this.#storage.realpath(joinPath(real, entry.name)).catch(() => null);
          if (target === null || !isWithin(this.#realHome, target) || isSidecar(target)) continue;
          const followed = await this.#storage.stat(target).catch(() => null);
          if (followed) page.push({ ...this.#info(child, followed), kind: 'link', target: this.#virtual(target) });
        }
        if (page.length > 0) yield page;
      }
    } catch (error) {
      throw toFileSystemError(error, path);
    }
  }

  /** The file's bytes from `start`, and what it is. */
  read(path: string, start = 0): Promise<{ stream: Readable; info: FileInfo }> {
    return this.#call(path, async () => {
      this.#need('read', path);
      const real = await this.#real(path);
      const stat = await this.#storage.stat(real);
      if (stat.kind === 'dir') throw new FileSystemError('EISDIR', path);
      if (start > stat.size) throw new FileSystemError('ERANGE', path, `Restart offset ${start} is past the end of ${path} (${stat.size} bytes)`);
      return { stream: await this.#storage.read(real, start), info: this.#info(path, stat) };
    });
  }

  upload(path: string, mode: UploadMode = {}): Promise<Upload> {
    return this.#call(path, async () => {
      this.#need('write', path);
      refuseReservedName(path);
      if (mode.unique) return this.#uploadUnique(path);
      const real = await this.#real(path);
      const existing = await this.#storage.stat(real).catch(() => null);
      if (existing?.kind === 'dir') throw new FileSystemError('EISDIR', path);
      const start = mode.start ?? 0;
      if (mode.append || start > 0) {
        if (start > (existing?.size ?? 0)) {
          throw new FileSystemError('ERANGE', path, `Restart offset ${start} is past the end of ${path} (${existing?.size ?? 0} bytes)`);
        }
        const end = existing?.size ?? 0;
        const meter = (await this.#quota?.meter({ real, path, isNew: !existing, replaced: 0, start: mode.append ? end : start, end })) ?? null;
        // Resuming in place: what was there before the offset is the point of resuming.
        const stream = await this.#storage.write(real, mode.append ? { append: true } : { start }).catch((error: unknown) => {
          meter?.undo();
          throw error;
        });
        const storage = this.#storage;
        // A storage without truncate keeps what an append wrote before its refusal, and its count.
        const putBack = async (): Promise<boolean> => {
          if (!existing) await storage.remove(real);
          else if (storage.truncate) await storage.truncate(real, end);
          else return false;
          return true;
        };
        return withMeter({ stream, path, commit: async () => {}, discard: async () => {} }, meter, putBack);
      }
      // Replacing a file destroys what was there, as deleting it would.
      if (existing) this.#need('delete', path);
      // (A second stat and realpath: asked only when someone counts this home's usage.)
      const replaced = existing && this.#quota?.counts(real) ? ((await this.#countedSize(real)) ?? 0) : 0;
      const meter = (await this.#quota?.meter({ real, path, isNew: !existing, replaced, start: 0, end: 0 })) ?? null;
      const temp = joinPath(parentOf(real), temporaryName());
      // The new file takes the mode (and owner) of the one it replaces: a chmod 600 file
      // must not become world-readable because it was uploaded again.
      const stream = await this.#storage.write(temp, { exclusive: true, ...(existing ? { replacing: real } : {}) }).catch((error: unknown) => {
        meter?.undo();
        throw asTarget(error, path);
      });
      running.add(temp);
      const storage = this.#storage;
      return withMeter({
        stream,
        path,
        commit: () => storage.rename(temp, real).then(
          () => void running.delete(temp),
          (error: unknown) => {
            throw asTarget(error, path);
          },
        ),
        discard: () => storage.remove(temp).catch(() => {}).finally(() => running.delete(temp)),
      }, meter, null);
    });
  }

  async #uploadUnique(path: string): Promise<Upload> {
    const real = await this.#real(path);
    const stat = await this.#storage.stat(real).catch(() => null);
    const [dir, stem] = stat?.kind === 'dir' ? [real, 'ftppy'] : [parentOf(real), baseName(real) || 'ftppy'];
    const virtualDir = stat?.kind === 'dir' ? path : parentOf(path);
    for (let attempt = 0; attempt < 20; attempt++) {
      const name = attempt === 0 && stat === null ? stem : uniqueName(stem);
      const meter = (await this.#quota?.meter({ real: joinPath(dir, name), path, isNew: true, replaced: 0, start: 0, end: 0 })) ?? null;
      try {
        const stream = await this.#storage.write(joinPath(dir, name), { exclusive: true });
        const storage = this.#storage;
        return withMeter({
          stream,
          path: joinPath(virtualDir, name),
          commit: async () => {},
          discard: () => storage.remove(joinPath(dir, name)).catch(() => {}),
        }, meter, null);
      } catch (error) {
        meter?.undo();
        // About the name asked for: the candidates are the server's business.
        if (toFileSystemError(error, path).code !== 'EEXIST') throw asTarget(error, path);
      }
    }
    throw new FileSystemError('EEXIST', path, `No unique name found next to ${path}`);
  }

  mkdir(path: string): Promise<void> {
    return this.#call(path, async () => {
      this.#need('mkdir', path);
      refuseReservedName(path);
      await this.#storage.mkdir(await this.#real(path));
    });
  }

  rmdir(path: string): Promise<void> {
    return this.#call(path, async () => {
      this.#need('delete', path);
      const real = await this.#realEntry(path);
      try {
        await this.#storage.rmdir(real);
      } catch (error) {
        // Temporary files are never listed, so a client cannot remove one a crash left.
        if (toFileSystemError(error, path).code !== 'ENOTEMPTY' || !(await this.#removeLeftovers(real))) throw error;
        await this.#storage.rmdir(real);
      }
      await this.#sidecar.removed(real);
    });
  }

  /** Removes the temporary uploads in `dir` that no upload of this process is writing; false when there was none. */
  async #removeLeftovers(dir: string): Promise<boolean> {
    const leftovers: string[] = [];
    for await (const entry of this.#storage.list(dir)) {
      const temp = joinPath(dir, entry.name);
      if (isTemporaryUpload(entry.name) && !running.has(temp)) leftovers.push(temp);
    }
    for (const temp of leftovers) await this.#storage.remove(temp);
    return leftovers.length > 0;
  }

  remove(path: string): Promise<void> {
    return this.#call(path, async () => {
      this.#need('delete', path);
      const real = await this.#realEntry(path);
      const book = this.#quota?.book;
      const freed = book?.tracks(real) ? await this.#countedSize(real) : null;
      await this.#storage.remove(real);
      await this.#sidecar.removed(real);
      if (freed !== null) book!.change(real, -freed, -1);
    });
  }

  rename(from: string, to: string): Promise<void> {
    return this.#call(from, async () => {
      this.#need('rename', from);
      const source = await this.#realEntry(from);
      await this.#storage.stat(source).catch((error: unknown) => {
        throw toFileSystemError(error, from);
      });
      refuseReservedName(to);
      const target = await this.#call(to, () => this.#realEntry(to));
      if (target === source) return; // a name renamed to itself: nothing to do, as rename(2)
      if (target.startsWith(`${source}/`)) throw new FileSystemError('EINVAL', to, `Cannot move ${from} into itself`);
      const count = await this.#renameCount(source, target);
      await this.#storage.rename(source, target).catch((error: unknown) => {
        // The source was just found, so what stands in the way is the target: say so.
        const { code } = toFileSystemError(error, to);
        throw new FileSystemError(code, TARGET_ERRORS.has(code) ? to : from, undefined, { cause: error });
      });
      count?.();
      await this.#sidecar.moved(source, target);
    });
  }

  /** The file's own storage path (a link itself, not its target), for its dead properties. */
  async #propertyKey(path: string): Promise<string> {
    const real = path === '/' ? this.#realHome : await this.#realEntry(path);
    await this.#storage.stat(real);
    return real;
  }

  /** WebDAV dead properties of `path` (see dead-properties.ts); needs the read right. */
  properties(path: string): Promise<DeadProperties> {
    return this.#call(path, async () => {
      this.#need('read', path);
      return this.#sidecar.read(await this.#propertyKey(path));
    });
  }

  /** Replaces the dead properties of `path`; needs the write right. */
  setProperties(path: string, properties: DeadProperties): Promise<void> {
    return this.#call(path, async () => {
      this.#need('write', path);
      await this.#sidecar.write(await this.#propertyKey(path), properties);
    });
  }

  /** `to` is a copy of `from` (and of what it holds, when `deep`): the properties follow. */
  copyProperties(from: string, to: string, deep: boolean): Promise<void> {
    return this.#call(to, async () => {
      this.#need('write', to);
      await this.#sidecar.copied(await this.#propertyKey(from), await this.#propertyKey(to), deep);
    });
  }

  /**
   * What a rename changes in the usage of counted homes, to apply once it is done: the
   * file replaced at the target is gone, and what moved leaves one home for another. A
   * folder moved between homes has its homes walked again.
   */
  async #renameCount(source: string, target: string): Promise<(() => void) | null> {
    const book = this.#quota?.book;
    if (!book || !(book.tracks(source) || book.tracks(target))) return null;
    const moved = await this.#countedSize(source);
    const replaced = await this.#countedSize(target);
    const folder = moved === null && (await this.#storage.stat(source).catch(() => null))?.kind === 'dir';
    return () => {
      if (replaced !== null) book.change(target, -replaced, -1);
      if (moved !== null) {
        book.change(source, -moved, -1);
        book.change(target, moved, 1);
      } else if (folder && !book.sameHomes(source, target)) {
        book.forget(source);
        book.forget(target);
      }
    };
  }

  setModified(path: string, time: Date): Promise<void> {
    return this.#call(path, async () => {
      this.#need('write', path);
      await this.#storage.setModified(await this.#real(path), time);
    });
  }

  /** Sets the permission bits; setuid, setgid and sticky are never granted from outside. */
  chmod(path: string, mode: number): Promise<void> {
    return this.#call(path, async () => {
      this.#need('write', path);
      await this.#storage.chmod(await this.#real(path), mode & 0o777);
    });
  }
}
