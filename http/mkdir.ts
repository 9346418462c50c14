import { FileSystemError } from '../server/index.js';
import { requireRight } from './auth.js';
import { signIn, type WebContext } from './context.js';
import { HttpError } from './errors.js';
import { sendJson } from './respond.js';
import type { Handler } from './router.js';
import { virtualPath } from './target.js';

// POST /mkdir/{path}: makes one folder (its parent must exist), 201 with its path. A
// plain REST call beside the WebDAV methods on /files/, for the file manager page.

export function mkdirRoute(context: WebContext): Handler {
  return async (req, res, target) => {
    const { caller, fs } = await signIn(context, req);
    const path = virtualPath(target.segments, 1);
    requireRight(caller, fs.can('mkdir'), 'mkdir', path);
    if (path === '/') throw new HttpError(409, 'The root folder already exists');
    try {
      await fs.mkdir(path);
    } catch (error) {
      if (error instanceof FileSystemError && error.code === 'EEXIST') throw new HttpError(409, `A file or folder of that name already exists: ${path}`);
      if (error instanceof FileSystemError && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) throw new HttpError(409, `The folder to make it in does not exist: ${path}`);
      throw error;
    }
    sendJson(res, 201, { path });
  };
}
