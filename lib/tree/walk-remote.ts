import type { ListingEntry } from '../../protocol/listing/index.js';
import type { ClientCore } from '../client/core.js';
import { walkDirectories, type WalkOptions } from '../client/remote-walk.js';
import { byPath, childOf, remotePath, type NodeKind, type Tree } from './nodes.js';
import { listWindow } from './times.js';

function kindOf(entry: ListingEntry): NodeKind {
  return entry.type === 'file' ? 'file' : entry.type === 'dir' ? 'dir' : 'other';
}

/**
 * The tree below a remote directory, walked as client/remote-walk.ts does (breadth first,
 * each directory its own operation, links not followed); a directory that cannot be read
 * is warned about and listed in `unread` while the walk goes on.
 */
export async function walkRemote(core: ClientCore, root: string, options: WalkOptions): Promise<Tree> {
  const tree: Tree = { nodes: new Map(), unread: [] };
  tree.unread = await walkDirectories(core, '', (rel) => remotePath(root, rel), options, (rel, listing, add) => {
    if (listing.unparsed > 0) (tree.partial ??= []).push(rel);
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
