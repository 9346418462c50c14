import { Readable, Writable } from 'node:stream';
import { FileSystemError } from './errors.js';
import { flattened, ownPages, PAGE_SIZE } from './pages.js';
import { baseName, joinPath, parentOf, splitPath } from './path.js';
import type { Storage, StorageEntry, StorageStat, WriteMode } from './storage.js';

interface FileNode {
  kind: 'file';
  data: Buffer;
  modified: Date;
  mode: number;
}

interface DirNode {
  kind: 'dir';
  children: Map<string, FileNode | DirNode>;
  modified: Date;
  mode: number;
}

type MemoryNode = FileNode | DirNode;

/**
 * A storage held in memory: for tests, and to show that the server needs nothing of the
 * disk but this interface. It has no links, so every path is its own real path.
 */
export class MemoryStorage implements Storage {
  readonly #root: DirNode = { kind: 'dir', children: new Map(), modified: new Date(), mode: 0o755 };

  /** Fills the storage: `{ '/a.txt': 'text', '/dir/b.bin': buffer, '/empty/': null }` (a trailing slash makes a directory). */
  constructor(files: Record<string, string | Buffer | null> = {}) {
    for (const [path, content] of Object.entries(files)) {
      const parts = splitPath(path);
      let dir = this.#root;
      const dirs = path.endsWith('/') ? parts : parts.slice(0, -1);
      for (const part of dirs) {
        let next = dir.children.get(part);
        if (next === undefined) {
          next = { kind: 'dir', children: new Map(), modified: new Date(), mode: 0o755 };
          dir.children.set(part, next);
        }
        if (next.kind !== 'dir') throw new TypeError(`MemoryStorage: ${path} goes through a file`);
        dir = next;
      }
      if (!path.endsWith('/')) {
        dir.children.set(parts.at(-1)!, { kind: 'file', data: Buffer.from(content ?? ''), modified: new Date(), mode: 0o644 });
      }
    }
  }

  #find(path: string): MemoryNode | undefined {
    let node: MemoryNode = this.#root;
    for (const part of splitPath(path)) {
      if (node.kind !== 'dir') return undefined;
      const next: MemoryNode | undefined = node.children.get(part);
      if (next === undefined) return undefined;
      node = next;
    }
    return node;
  }

  #get(path: string): MemoryNode {
    const node = this.#find(path);
    if (node === undefined) throw new FileSystemError('ENOENT', path);
    return node;
  }

  #dir(path: string): DirNode {
    const node = this.#get(path);
    if (node.kind !== 'dir') throw new FileSystemError('ENOTDIR', path);
    return node;
  }

  #file(path: string): FileNode {
    const node = this.#get(path);
    if (node.kind !== 'file') throw new FileSystemError('EISDIR', path);
    return node;
  }

  #stat(node: MemoryNode): StorageStat {
    return { kind: node.kind, size: node.kind === 'file' ? node.data.length : 0, modified: node.modified, mode: node.mode };
  }

  async stat(path: string): Promise<StorageStat> {
    return this.#stat(this.#get(path));
  }

  async realpath(path: string): Promise<string | null> {
    return path;
  }

  list(path: string): AsyncIterable<StorageEntry> {
    return flattened(this.#pages(path));
  }

  /** Its own pages; a subclass that overrides `list` is listed through it (ownPages). */
  listPages(path: string): AsyncIterable<readonly StorageEntry[]> {
    return ownPages(this, MemoryStorage.prototype.list, path, () => this.#pages(path));
  }

  async *#pages(path: string): AsyncIterable<readonly StorageEntry[]> {
    const dir = this.#dir(path);
    const names = [...dir.children.keys()].sort();
    for (let at = 0; at < names.length; at += PAGE_SIZE) {
      const page: StorageEntry[] = [];
      for (const name of names.slice(at, at + PAGE_SIZE)) {
        const node = dir.children.get(name); // gone while an earlier page was being sent: left out
        if (node) page.push({ name, stat: this.#stat(node) });
      }
      yield page;
    }
  }

  async read(path: string, start: number): Promise<Readable> {
    const data = this.#file(path).data;
    const chunk = 64 * 1024;
    return Readable.from(
      (function* () {
        for (let at = start; at < data.length; at += chunk) yield data.subarray(at, at + chunk);
      })(),
      { objectMode: false },
    );
  }

  async write(path: string, mode: WriteMode): Promise<Writable> {
    const parent = this.#dir(parentOf(path));
    const name = baseName(path);
    const existing = parent.children.get(name);
    if (existing?.kind === 'dir') throw new FileSystemError('EISDIR', path);
    if (existing && mode.exclusive) throw new FileSystemError('EEXIST', path);
    const replaced = mode.replacing === undefined ? undefined : this.#find(mode.replacing);
    const newMode = replaced?.kind === 'file' ? replaced.mode & 0o777 : 0o644;
    const file: FileNode = existing ?? { kind: 'file', data: Buffer.alloc(0), modified: new Date(), mode: newMode };
    const keep = mode.append ? file.data.length : Math.min(mode.start ?? 0, file.data.length);
    const head = file.data.subarray(0, keep);
    if (!existing) parent.children.set(name, file);
    file.data = Buffer.from(head); // what is past the write position is replaced, as on disk
    const chunks: Buffer[] = [head];
    return new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
      final(callback) {
        file.data = Buffer.concat(chunks);
        file.modified = new Date();
        callback();
      },
    });
  }

  async mkdir(path: string): Promise<void> {
    const parent = this.#dir(parentOf(path));
    if (parent.children.has(baseName(path))) throw new FileSystemError('EEXIST', path);
    parent.children.set(baseName(path), { kind: 'dir', children: new Map(), modified: new Date(), mode: 0o755 });
  }

  async rmdir(path: string): Promise<void> {
    const dir = this.#dir(path);
    if (dir.children.size > 0) throw new FileSystemError('ENOTEMPTY', path);
    if (path === '/') throw new FileSystemError('EACCES', path);
    this.#dir(parentOf(path)).children.delete(baseName(path));
  }

  async truncate(path: string, size: number): Promise<void> {
    const file = this.#file(path);
    file.data = Buffer.from(file.data.subarray(0, size));
  }

  async remove(path: string): Promise<void> {
    this.#file(path);
    this.#dir(parentOf(path)).children.delete(baseName(path));
  }

  async rename(from: string, to: string): Promise<void> {
    const node = this.#get(from);
    const target = this.#dir(parentOf(to));
    const existing = target.children.get(baseName(to));
    if (existing?.kind === 'dir' && node.kind !== 'dir') throw new FileSystemError('EISDIR', to);
    if (existing?.kind === 'dir' && existing.children.size > 0) throw new FileSystemError('ENOTEMPTY', to);
    if (node.kind === 'dir' && (to === from || to.startsWith(`${from}/`))) throw new FileSystemError('EINVAL', to);
    this.#dir(parentOf(from)).children.delete(baseName(from));
    target.children.set(baseName(to), node);
  }

  async setModified(path: string, time: Date): Promise<void> {
    this.#get(path).modified = time;
  }

  async chmod(path: string, mode: number): Promise<void> {
    this.#get(path).mode = mode & 0o7777;
  }

  /** The content of a file, for tests. */
  contents(path: string): Buffer | undefined {
    const node = this.#find(path);
    return node?.kind === 'file' ? node.data : undefined;
  }

  /** Every path held, for tests: directories end with '/'. */
  paths(): string[] {
    const out: string[] = [];
    const walk = (dir: DirNode, at: string): void => {
      for (const [name, node] of dir.children) {
        const path = joinPath(at, name);
        out.push(node.kind === 'dir' ? `${path}/` : path);
        if (node.kind === 'dir') walk(node, path);
      }
    };
    walk(this.#root, '/');
    return out.sort();
  }
}
