import type { ClientCore } from './core.js';
import { readDirectory } from './remote-listing.js';
import { runQueue } from './work-queue.js';

export interface WalkOptions {
  /** Directories listed at once. */
  concurrency: number;
  signal?: AbortSignal | undefined;
}

/** One directory's listing, as remote-listing.ts reads it. */
export type DirectoryListing = Awaited<ReturnType<typeof readDirectory>>;

/**
 * Walks a remote directory tree breadth first, `concurrency` directories listed at once
 * through the pool. Each directory is its own operation: it is retried on its own, and
 * one that still fails is warned about and handed back among the unread while the walk
 * goes on. `visit` sees each listing and adds the directories to walk next (links are
 * listed, not followed: a link to a parent would never end). Callers key directories as
 * suits them (a path relative to the root, the path itself); `dirOf` gives the remote path.
 */
export async function walkDirectories<T>(
  core: ClientCore,
  start: T,
  dirOf: (item: T) => string,
  options: WalkOptions,
  visit: (item: T, listing: DirectoryListing, add: (more: T) => void) => void,
): Promise<T[]> {
  const unread: T[] = [];
  await runQueue([start], options.concurrency, async (item, add) => {
    const dir = dirOf(item);
    const listing = await core.run({ name: 'list', path: dir, fallback: null, signal: options.signal }, (attempt) =>
      attempt.use((connection) => readDirectory(connection, dir)),
    );
    if (listing) visit(item, listing, add);
    else unread.push(item);
  });
  return unread;
}
