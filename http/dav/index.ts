import type { WebContext } from '../context.js';
import type { Handler } from '../router.js';
import { checkConditions } from './conditions.js';
import { lock, unlock } from './lock.js';
import { LockTable } from './locks.js';
import { mkcol, remove, transfer } from './methods.js';
import { propfind } from './propfind.js';
import { proppatch } from './proppatch.js';
import { davHandler } from './scope.js';

// WebDAV (RFC 4918, class 1 and 2) on the web API's /files/ URLs: the methods it adds,
// and the guard it puts before the web API's own PUT. GET and HEAD are the web API's;
// DELETE is WebDAV's (a folder goes with all it holds).

/** What OPTIONS on /files/ says: WebDAV class 1 and 2 (locks). */
export const DAV_HEADERS = { DAV: '1, 2', 'MS-Author-Via': 'DAV' };

/**
 * The WebDAV methods for /files/, given the web API's PUT (which they guard with the
 * If header and the locks). One lock table per web server.
 */
export function davMethods(context: WebContext, put: Handler): Record<string, Handler> {
  const locks = new LockTable();
  const on = (serve: Parameters<typeof davHandler>[2]): Handler => davHandler(context, locks, serve);
  return {
    PUT: on(async (dav, req, res) => {
      const exists = await dav.fs.stat(dav.path).then(() => true, () => false);
      await checkConditions(dav, req, [{ path: dav.path, membership: !exists }]);
      await put(req, res, dav.target);
    }),
    DELETE: on(remove),
    PROPFIND: on(propfind),
    PROPPATCH: on(proppatch),
    MKCOL: on(mkcol),
    COPY: on((dav, req, res) => transfer(dav, req, res, false)),
    MOVE: on((dav, req, res) => transfer(dav, req, res, true)),
    LOCK: on(lock),
    UNLOCK: on(unlock),
  };
}
