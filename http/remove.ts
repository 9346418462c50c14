import { FileSystemError, type UserFileSystem } from '../server/index.js';
import { requireRight } from './auth.js';
import { signIn, type WebContext } from './context.js';
import { HttpError } from './errors.js';
import type { Handler } from './router.js';
import { queryFlag, virtualPath } from './target.js';
import { startAnswer } from './respond.js';

// DELETE /files/{path}: a file, an empty folder, or with ?recursive=1 a folder and all
// it holds. A symbolic link is removed as itself, never followed: deleting a link to a
// folder must not empty the folder it points to.

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

export function removeRoute(context: WebContext): Handler {
  return async (req, res, target) => {
    const { caller, fs } = await signIn(context, req);
    const path = virtualPath(target.segments, 1);
    requireRight(caller, fs.can('delete'), 'delete', path);
    if (path === '/') throw new HttpError(403, 'The root folder cannot be deleted');
    const recursive = queryFlag(target.query, 'recursive');
    if (!(await removeEntry(fs, path))) {
      if (recursive) await emptyFolder(fs, path);
      try {
        await fs.rmdir(path);
      } catch (error) {
        if (isCode(error, 'ENOTEMPTY')) throw new HttpError(409, `Folder not empty: ${path} (add ?recursive=1 to delete it and its contents)`);
        throw error;
      }
    }
    startAnswer(res, 204, { 'Cache-Control': 'no-store' });
    res.end();
  };
}
