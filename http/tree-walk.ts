import { FileSystemError, type FileInfo, type UserFileSystem } from '../server/index.js';

// A folder and everything below it, depth first, one listing open per level: what the
// ZIP download and the search walk. Links are given as they are and never entered, so a
// link to a parent folder cannot make the walk endless.

/**
 * With `skipUnreadable`, a folder below the first that cannot be listed (no read right
 * there, gone meanwhile) is passed over, as a search should; without it, it fails the
 * walk, as an archive must rather than leave files out unsaid.
 */
export async function* walkTree(fs: UserFileSystem, folder: string, skipUnreadable = false): AsyncGenerator<FileInfo> {
  for await (const entry of fs.list(folder)) {
    yield entry;
    if (entry.kind !== 'dir') continue;
    if (!skipUnreadable) yield* walkTree(fs, entry.path);
    else yield* readable(walkTree(fs, entry.path, true));
  }
}

async function* readable(walk: AsyncGenerator<FileInfo>): AsyncGenerator<FileInfo> {
  try {
    yield* walk;
  } catch (error) {
    if (!(error instanceof FileSystemError)) throw error;
  }
}
