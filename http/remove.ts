import { FileSystemError, type UserFileSystem } from '../server/index.js';

// Removing what DELETE names (dav/methods.ts): a file, or a folder and all it holds. A
// symbolic link is removed as itself, never followed: deleting a link to a folder must
// not empty the folder it points to.

const isCode = (error: unknown, code: string): boolean => error instanceof FileSystemError && error.code === code;

/** Removes a file or link; false when `path` is a real folder. */
async function removeEntry(fs: UserFileSystem, path: string): Promise<boolean> {
  try {
    await fs.remove(path);
    return true;
  } catch (error) {
    if (isCode(error, 'EISDIR')) return false;
    throw error;
  }
}

/** Empties a folder, depth first. Links in it are unlinked, not followed (see removeEntry). */
async function emptyFolder(fs: UserFileSystem, folder: string): Promise<void> {
  for await (const entry of fs.list(folder)) {
    if (await removeEntry(fs, entry.path)) continue;
    await emptyFolder(fs, entry.path);
    await fs.rmdir(entry.path);
  }
}

/** Removes a file, a link, or a folder with everything in it. */
export async function removeTree(fs: UserFileSystem, path: string): Promise<void> {
  if (await removeEntry(fs, path)) return;
  await emptyFolder(fs, path);
  await fs.rmdir(path);
}
