import type { IncomingMessage, ServerResponse } from 'node:http';
import { FileSystemError } from '../../server/index.js';
import { requireRight } from '../auth.js';
import { HttpError, toHttpError } from '../errors.js';
import { startAnswer } from '../respond.js';
import { checkConditions } from './conditions.js';
import { depthOf, destinationOf, hasBody, overwriteOf } from './request.js';
import { lockKey, notRoot, type DavRequest } from './scope.js';
import { removeTree } from '../remove.js';
import { copyTree } from './tree.js';

// MKCOL, DELETE, COPY and MOVE (RFC 4918 §9.3, §9.6, §9.8, §9.9).

const parentOf = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';

function done(res: ServerResponse, status: number): void {
  startAnswer(res, status, { 'Cache-Control': 'no-store', 'Content-Length': 0 });
  res.end();
}

export async function mkcol(dav: DavRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
  requireRight(dav.caller, dav.fs.can('mkdir'), 'create folders in', dav.path);
  if (hasBody(req)) throw new HttpError(415, 'MKCOL takes no body');
  if (await dav.fs.stat(dav.path).then(() => true, () => false)) throw new HttpError(405, `Already there: ${dav.path}`, { Allow: 'OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, COPY, MOVE, LOCK, UNLOCK' });
  await checkConditions(dav, req, [{ path: dav.path, membership: true }]);
  try {
    await dav.fs.mkdir(dav.path);
  } catch (error) {
    if (error instanceof FileSystemError && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) throw toHttpError(error, { ENOENT: 409, ENOTDIR: 409 });
    throw error;
  }
  done(res, 201);
}

/**
 * DELETE: a file, or a folder with everything in it, as RFC 4918 §9.6.1 requires of a
 * collection (no WebDAV client sends `Depth: infinity` or `?recursive=1`; the web API's
 * `?recursive=1` is still accepted, and changes nothing).
 */
export async function remove(dav: DavRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
  requireRight(dav.caller, dav.fs.can('delete'), 'delete', dav.path);
  notRoot(dav.path, 'deleted');
  await dav.fs.stat(dav.path).catch(async (error: unknown) => {
    // A dangling link has nothing to stat, but is there to delete.
    if (!(error instanceof FileSystemError) || error.code !== 'ENOENT') throw error;
  });
  await checkConditions(dav, req, [{ path: dav.path, deep: true, membership: true }]);
  await removeTree(dav.fs, dav.path);
  dav.locks.dropBelow(lockKey(dav, dav.path));
  done(res, 204);
}

/** COPY and MOVE. */
export async function transfer(dav: DavRequest, req: IncomingMessage, res: ServerResponse, move: boolean): Promise<void> {
  const { fs, path } = dav;
  const to = destinationOf(req);
  const overwrite = overwriteOf(req);
  const depth = move ? depthOf(req, ['infinity'], 'infinity') : depthOf(req, [0, 'infinity'], 'infinity');
  if (move) {
    notRoot(path, 'moved');
    requireRight(dav.caller, fs.can('rename'), 'move', path);
  } else {
    requireRight(dav.caller, fs.can('read'), 'read', path);
    requireRight(dav.caller, fs.can('write'), 'write', to);
  }
  const source = await fs.stat(path);
  if (to === path) throw new HttpError(403, 'Source and destination are the same');
  if (source.kind === 'dir' && to.startsWith(path === '/' ? '/' : `${path}/`)) throw new HttpError(403, `Cannot ${move ? 'move' : 'copy'} ${path} into itself`);
  notRoot(to, 'replaced');
  const existing = await fs.stat(to).catch(() => null);
  const changes = [{ path: to, deep: true, membership: true }];
  if (move) changes.push({ path, deep: true, membership: true });
  await checkConditions(dav, req, changes);
  if (existing && !overwrite) throw new HttpError(412, `Already there, and Overwrite is F: ${to}`);
  const parent = await fs.stat(parentOf(to)).catch(() => null);
  if (parent?.kind !== 'dir') throw new HttpError(409, `No folder to hold ${to}`);
  if (existing) {
    requireRight(dav.caller, fs.can('delete'), 'replace', to);
    await removeTree(fs, to);
    dav.locks.dropBelow(lockKey(dav, to));
  }
  if (move) {
    await fs.rename(path, to);
    dav.locks.dropBelow(lockKey(dav, path));
  } else {
    await copyTree(fs, source, to, depth === 'infinity');
  }
  done(res, existing ? 204 : 201);
}
