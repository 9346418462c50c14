import type { ListingEntry } from '../../protocol/listing/index.js';
import type { ClientCore } from '../client/core.js';
import { readDirectory } from '../client/remote-listing.js';
import { runQueue } from '../client/work-queue.js';
import { byPath, childOf, remotePath, type NodeKind, type Tree } from './nodes.js';
import { listWindow } from './times.js';

export interface WalkOptions {
  /** Directories listed at once. */
  concurrency: number;
  signal?: AbortSignal | undefined;
}

function kindOf(entry: ListingEntry): NodeKind {
  return entry.type === 'file' ? 'file' : entry.type === 'dir' ? 'dir' : 'other';
}

/**
 * Walks a remote directory breadth first, `concurrency` directories listed at once
 * through the pool. Each directory is its own operation: it is retried on its own, and
 * one that still fails is warned about and listed in `unread` while the walk goes on.
 * Links are listed, not followed (a link to a parent would never end).
 */
export async function walkRemote(core: ClientCore, root: string, options: WalkOptions): Promise<Tree> {
  const tree: Tree = { nodes: new Map(), unread: [] };
  await runQueue([''], options.concurrency, async (rel, add) => {
    const dir = remotePath(root, rel);
    const listing = await core.run({ name: 'list', path: dir, fallback: null, signal: options.signal }, (attempt) =>
      attempt.use((connection) => readDirectory(connection, dir)),
    );
    if (!listing) {
      tree.unread.push(rel);
      return;
    }
    for (const entry of listing.entries) {
      const path = childOf(rel, entry.name);
      const kind = kindOf(entry);
      const time = entry.modified ? entry.modified.getTime() : null;
      tree.nodes.set(path, { kind, size: entry.size, time: Number.isNaN(time) ? null : time, window: listing.machine ? 0 : listWindow(entry.modified), entry });
      if (kind === 'dir') add(path);
    }
  });
  return tree;
}

/** The listing entries of a walked tree that `keep` accepts, sorted by path. */
export function treeEntries(tree: Tree, keep: (entry: ListingEntry) => boolean = () => true): ListingEntry[] {
  const found: ListingEntry[] = [];
  for (const node of tree.nodes.values()) if (node.entry && keep(node.entry)) found.push(node.entry);
  return found.sort((a, b) => byPath(a.path, b.path));
}
