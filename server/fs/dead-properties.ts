import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { toFileSystemError } from './errors.js';
import { joinPath, splitPath } from './path.js';
import type { Storage } from './storage.js';

// WebDAV's dead properties (what a client sets with PROPPATCH: Windows and macOS write
// their own) kept beside the files in a hidden folder at the storage's root, so that any
// storage holds them and no FTP listing shows them. The folder mirrors the tree: the
// properties of `/a/b/c` are the file `/.ftppy-dav/+a/+b/=c`, and those of what `/a/b/c`
// holds lie below `/.ftppy-dav/+a/+b/+c/`. The two prefixes keep a file's entry apart from
// a folder's of the same name, so moving or deleting a folder moves or deletes the
// properties of everything in it with one rename or one walk. A name of 255 bytes has no
// room for its prefix: such a file cannot take dead properties.

/** The hidden folder's name, at the storage's root. */
export const SIDECAR = '.ftppy-dav';
const SIDECAR_ROOT = `/${SIDECAR}`;
// The properties of one file are a few hundred bytes; a bound keeps a damaged one harmless.
const MAX_BYTES = 1024 * 1024;

/** True for the hidden folder and anything in it: no user may reach them. */
export function isSidecar(storagePath: string): boolean {
  return storagePath === SIDECAR_ROOT || storagePath.startsWith(`${SIDECAR_ROOT}/`);
}

/** Property name in Clark notation (`{ns}local`) → the property element as XML text. */
export type DeadProperties = Record<string, string>;

const fileOf = (path: string): string => {
  const parts = splitPath(path);
  const last = parts.pop();
  return [SIDECAR_ROOT, ...parts.map((p) => `+${p}`), `=${last ?? ''}`].join('/');
};
const folderOf = (path: string): string => [SIDECAR_ROOT, ...splitPath(path).map((p) => `+${p}`)].join('/');

const missing = (error: unknown): boolean => {
  const { code } = toFileSystemError(error, '');
  return code === 'ENOENT' || code === 'ENOTDIR';
};

export class PropertySidecar {
  readonly #storage: Storage;
  // Whether the hidden folder exists: until a property is first set, every FTP delete or
  // rename would otherwise pay for looking up properties that cannot be there.
  #present: Promise<boolean> | null = null;

  constructor(storage: Storage) {
    this.#storage = storage;
  }

  #inUse(): Promise<boolean> {
    return (this.#present ??= this.#storage.stat(SIDECAR_ROOT).then(
      (s) => s.kind === 'dir',
      () => false,
    ));
  }

  async read(path: string): Promise<DeadProperties> {
    if (!(await this.#inUse())) return {};
    let stream: Readable;
    try {
      stream = await this.#storage.read(fileOf(path), 0);
    } catch (error) {
      if (missing(error)) return {};
      throw error;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BYTES) {
        stream.destroy();
        return {};
      }
      chunks.push(chunk);
    }
    try {
      const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      return typeof parsed === 'object' && parsed !== null ? (parsed as DeadProperties) : {};
    } catch {
      return {};
    }
  }

  async write(path: string, properties: DeadProperties): Promise<void> {
    const file = fileOf(path);
    if (Object.keys(properties).length === 0) {
      await this.#storage.remove(file).catch((error: unknown) => {
        if (!missing(error)) throw error;
      });
      return;
    }
    const folder = file.slice(0, file.lastIndexOf('/'));
    await this.#makeFolders(folder);
    this.#present = Promise.resolve(true);
    // Written aside and renamed over, so that a crash mid-write leaves the old set whole.
    // `~` is neither prefix of the mirror, so the name can be no file's entry.
    const temp = joinPath(folder, `~${randomBytes(6).toString('hex')}`);
    const stream = await this.#storage.write(temp, { exclusive: true });
    try {
      stream.end(JSON.stringify(properties));
      await finished(stream);
      await this.#storage.rename(temp, file);
    } catch (error) {
      await this.#storage.remove(temp).catch(() => {});
      throw error;
    }
  }

  async #makeFolders(folder: string): Promise<void> {
    let at = '/';
    for (const part of splitPath(folder)) {
      at = joinPath(at, part);
      await this.#storage.mkdir(at).catch((error: unknown) => {
        if (toFileSystemError(error, at).code !== 'EEXIST') throw error;
      });
    }
  }

  /** The file or folder at `from` is now at `to`: its properties, and its contents', follow. */
  async moved(from: string, to: string): Promise<void> {
    if (!(await this.#inUse())) return;
    await this.removed(to);
    for (const [a, b] of [
      [fileOf(from), fileOf(to)],
      [folderOf(from), folderOf(to)],
    ] as const) {
      try {
        await this.#makeFolders(b.slice(0, b.lastIndexOf('/')));
        await this.#storage.rename(a, b);
      } catch (error) {
        if (!missing(error)) throw error;
      }
    }
  }

  /** `from` was copied to `to` (with what it holds when `deep`): so are the properties. */
  async copied(from: string, to: string, deep: boolean): Promise<void> {
    if (!(await this.#inUse())) return;
    await this.removed(to);
    await this.write(to, await this.read(from));
    if (deep) await this.#copyFolder(folderOf(from), folderOf(to));
  }

  async #copyFolder(from: string, to: string): Promise<void> {
    try {
      for await (const entry of this.#storage.list(from)) {
        const [a, b] = [joinPath(from, entry.name), joinPath(to, entry.name)];
        if (entry.stat.kind === 'dir') {
          await this.#copyFolder(a, b);
          continue;
        }
        await this.#makeFolders(to);
        const out = await this.#storage.write(b, {});
        await finished((await this.#storage.read(a, 0)).pipe(out));
      }
    } catch (error) {
      if (!missing(error)) throw error;
    }
  }

  /** The file or folder at `path` is gone: so are its properties and its contents'. */
  async removed(path: string): Promise<void> {
    if (!(await this.#inUse())) return;
    await this.#storage.remove(fileOf(path)).catch((error: unknown) => {
      if (!missing(error)) throw error;
    });
    await this.#removeFolder(folderOf(path));
  }

  async #removeFolder(folder: string): Promise<void> {
    const names: { name: string; dir: boolean }[] = [];
    try {
      for await (const entry of this.#storage.list(folder)) names.push({ name: entry.name, dir: entry.stat.kind === 'dir' });
    } catch (error) {
      if (missing(error)) return;
      throw error;
    }
    for (const { name, dir } of names) {
      if (dir) await this.#removeFolder(joinPath(folder, name));
      else await this.#storage.remove(joinPath(folder, name));
    }
    await this.#storage.rmdir(folder);
  }
}

const sidecars = new WeakMap<Storage, PropertySidecar>();

/** The one sidecar of a storage, shared by every user's filesystem on it. */
export function sidecarOf(storage: Storage): PropertySidecar {
  let sidecar = sidecars.get(storage);
  if (!sidecar) sidecars.set(storage, (sidecar = new PropertySidecar(storage)));
  return sidecar;
}

