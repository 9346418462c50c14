import { FileSystemError, type UserFileSystem } from '../server/index.js';
import { requireRight } from './auth.js';
import { signIn, type WebContext } from './context.js';
import { HttpError } from './errors.js';
import { queryPath } from './query-path.js';
import { sendJson } from './respond.js';
import type { Handler } from './router.js';
import { virtualPath } from './target.js';

// POST /move/{path}?to=/new/path: renames or moves a file or folder (the rename right),
// 200 with both paths. It never replaces what stands at the target: the page asks for a
// new name instead (409), since rename(2) would silently overwrite a file.

async function exists(fs: UserFileSystem, path: string): Promise<boolean> {
  try {
    await fs.stat(path);
    return true;
  } catch (error) {
    if (error instanceof FileSystemError && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return false;
    throw error;
  }
}

export function moveRoute(context: WebContext): Handler {
  return async (req, res, target) => {
    const { caller, fs } = await signIn(context, req);
    const from = virtualPath(target.segments, 1);
    const to = queryPath(target.query, 'to');
    requireRight(caller, fs.can('rename'), 'rename', from);
    if (from === '/' || to === '/') throw new HttpError(403, 'The root folder cannot be moved or replaced');
    await fs.stat(from); // a missing source is a 404 before anything else
    if (to !== from && (await exists(fs, to))) throw new HttpError(409, `A file or folder of that name already exists: ${to}`);
    try {
      await fs.rename(from, to);
    } catch (error) {
      if (error instanceof FileSystemError && error.code === 'ENOENT') throw new HttpError(409, `The folder to move it into does not exist: ${to}`);
      throw error;
    }
    sendJson(res, 200, { from, to });
  };
}
