import { posix } from 'node:path';
import { FtpPyError } from '../../common/errors.js';
import type { ListingEntry } from '../../protocol/listing/index.js';
import type { ClientCore } from './core.js';
import type { ListOptions, OperationOptions } from './options.js';
import { listDirectory, remoteExists, remoteSize, statRemote } from './remote-listing.js';
import { walkDirectories } from './remote-walk.js';

/**
 * `list(path, { deep })`. Deep walks the tree with `concurrency` directories listed at
 * once through the pool (remote-walk.ts); links are listed, not followed. A
 * directory that cannot be listed makes it null. Entries come sorted by path.
 */
export async function list(core: ClientCore, path: string, options: ListOptions): Promise<ListingEntry[] | null> {
  const dir = core.resolve(path);
  if (!options.deep) {
    return core.run<ListingEntry[] | null>({ name: 'list', path: dir, fallback: null, signal: options.signal }, (attempt) =>
      attempt.use((connection) => listDirectory(connection, dir)),
    );
  }
  // Keyed by path: a name a listing repeats counts once, its last entry.
  const entries = new Map<string, ListingEntry>();
  const walk = { concurrency: options.concurrency ?? core.settings.limits.connections, signal: options.signal };
  const unread = await walkDirectories(core, dir, (parent) => parent, walk, (parent, listing, add) => {
    for (const entry of listing.entries) {
      const path = posix.join(parent, entry.name);
      entries.set(path, entry);
      if (entry.type === 'dir') add(path);
    }
  });
  return unread.length > 0 ? null : [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function metadata(core: ClientCore, path: string, options: OperationOptions): Promise<ListingEntry | null> {
  const target = core.resolve(path);
  return core.run<ListingEntry | null>({ name: 'metadata', path: target, fallback: null, signal: options.signal }, (attempt) =>
    attempt.use(async (connection) => {
      const entry = await statRemote(connection, target);
      if (!entry) throw new FtpPyError('FTPPY_ERR_MISSING', 'no such file or directory');
      return entry;
    }),
  );
}

/** A missing path is an answer (false), not a failure: no warning unless the server could not be asked. */
export function exists(core: ClientCore, path: string, options: OperationOptions): Promise<boolean> {
  const target = core.resolve(path);
  return core.run({ name: 'exists', path: target, fallback: false, signal: options.signal }, (attempt) =>
    attempt.use((connection) => remoteExists(connection, target)),
  );
}

/** SIZE when the server has it; the listing's size otherwise. */
export function size(core: ClientCore, path: string, options: OperationOptions): Promise<number | null> {
  const target = core.resolve(path);
  return core.run<number | null>({ name: 'size', path: target, fallback: null, signal: options.signal }, (attempt) =>
    attempt.use(async (connection) => {
      const bytes = await remoteSize(connection, target);
      if (bytes !== null) return bytes;
      const entry = await statRemote(connection, target);
      if (!entry) throw new FtpPyError('FTPPY_ERR_MISSING', 'no such file or directory');
      if (entry.dir) throw new FtpPyError('FTPPY_ERR_INVALID_ARGUMENT', 'is a directory');
      return entry.size;
    }),
  );
}
