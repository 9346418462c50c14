import { readdir, stat } from 'node:fs/promises';
import { decodeRaw, nativePath } from '../../protocol/text.js';
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
  const top = await stat(nativePath(root)).catch(() => null);
  if (!top?.isDirectory()) return null;
  const tree: Tree = { nodes: new Map(), unread: [] };
  const walk = async (rel: string): Promise<void> => {
    let entries: LocalEntry[];
    try {
      entries = await readFolder(localPath(root, rel));
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

interface LocalEntry {
  name: string;
  isDirectory(): boolean;
  isFile(): boolean;
  isSymbolicLink(): boolean;
}

/**
 * A folder's entries. Names are read as text, which is one call and what nearly every
 * folder holds; a name that is not UTF-8 reads as U+FFFD there, and would be lost (its
 * file could not even be opened), so a folder with a U+FFFD in a name is read again as
 * bytes, and such names are carried as decodeRaw carries them.
 */
async function readFolder(dir: string): Promise<LocalEntry[]> {
  const entries = await readdir(nativePath(dir), { withFileTypes: true });
  if (!entries.some((entry) => entry.name.includes('\uFFFD'))) return entries;
  const raw = await readdir(nativePath(dir), { withFileTypes: true, encoding: 'buffer' });
  return raw.map((entry) => ({
    name: decodeRaw(entry.name),
    isDirectory: () => entry.isDirectory(),
    isFile: () => entry.isFile(),
    isSymbolicLink: () => entry.isSymbolicLink(),
  }));
}

async function fileNode(path: string): Promise<TreeNode> {
  const info = await stat(nativePath(path)).catch(() => null);
  if (!info?.isFile()) return { kind: 'other', size: 0, time: null, window: 0 };
  return { kind: 'file', size: info.size, time: info.mtimeMs, window: 0 };
}
