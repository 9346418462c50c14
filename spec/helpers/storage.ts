import type { Storage } from '../../server/index.js';

/**
 * A storage that hands every call of the `Storage` interface to `inner`, with `overrides`
 * in place of some: a custom backend as a user would write one (no `listPages`, no
 * `truncate`), or one that breaks its contract where a spec needs it to.
 */
export function delegatingStorage(inner: Storage, overrides: Partial<Storage> = {}): Storage {
  return {
    stat: (path) => inner.stat(path),
    realpath: (path) => inner.realpath(path),
    list: (path) => inner.list(path),
    read: (path, start) => inner.read(path, start),
    write: (path, mode) => inner.write(path, mode),
    mkdir: (path) => inner.mkdir(path),
    rmdir: (path) => inner.rmdir(path),
    remove: (path) => inner.remove(path),
    rename: (from, to) => inner.rename(from, to),
    setModified: (path, time) => inner.setModified(path, time),
    chmod: (path, mode) => inner.chmod(path, mode),
    ...overrides,
  };
}
