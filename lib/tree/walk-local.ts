import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { describe, warn } from '../../common/warnings.js';
import { childOf, localPath, type Tree, type TreeNode } from './nodes.js';

/**
 * Walks a local directory. Links are followed to files (their content is what a user
 * means by them) but not into directories (a link to a parent would never end); those,
 * and sockets, devices and broken links, are `other`: present, never transferred, never
 * deleted on the other side because of their absence. A directory that cannot be read
 * is warned about and listed in `unread`. A missing root gives null.
 */
export async function walkLocal(root: string): Promise<Tree | null> {
  const top = await stat(root).catch(() => null);
  if (!top?.isDirectory()) return null;
  const tree: Tree = { nodes: new Map(), unread: [] };
  const walk = async (rel: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(localPath(root, rel), { withFileTypes: true });
    } catch (error) {
      warn(`cannot read the local folder ${localPath(root, rel)}: ${describe(error)}`, 'FTPPY_ERR_LOCAL');
      tree.unread.push(rel);
      return;
    }
    const below: string[] = [];
    await Promise.all(entries.map(async (entry) => {
      const path = childOf(rel, entry.name);
      if (entry.isDirectory()) {
        tree.nodes.set(path, { kind: 'dir', size: 0, time: null, window: 0 });
        below.push(path);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        tree.nodes.set(path, await fileNode(localPath(root, path)));
      } else {
        tree.nodes.set(path, { kind: 'other', size: 0, time: null, window: 0 });
      }
    }));
    await Promise.all(below.map(walk));
  };
  await walk('');
  return tree;
}

async function fileNode(path: string): Promise<TreeNode> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return { kind: 'other', size: 0, time: null, window: 0 };
  return { kind: 'file', size: info.size, time: info.mtimeMs, window: 0 };
}
