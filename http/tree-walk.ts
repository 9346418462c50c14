import type { FileInfo, UserFileSystem } from '../server/index.js';

// A folder and everything below it, depth first, one listing open per level: what the
// ZIP download and the search walk. Links are given as they are and never entered, so a
// link to a parent folder cannot make the walk endless.

export async function* walkTree(fs: UserFileSystem, folder: string): AsyncGenerator<FileInfo> {
  for await (const entry of fs.list(folder)) {
    yield entry;
    if (entry.kind === 'dir') yield* walkTree(fs, entry.path);
  }
}
