import type { IncomingMessage, ServerResponse } from 'node:http';
import { FileSystemError } from '../../server/index.js';
import { requireRight } from '../auth.js';
import { HttpError } from '../errors.js';
import { startAnswer } from '../respond.js';
import { checkConditions } from './conditions.js';
import { activeLock } from './live-properties.js';
import { timeoutOf, type Lock, type LockScope } from './locks.js';
import { depthOf, headerOf, hrefOf, xmlBody } from './request.js';
import { DavCondition, lockKey, type DavRequest } from './scope.js';
import { child, elements, type XmlElement } from './xml.js';
import { DAV, writeElement } from './xml-write.js';

// LOCK and UNLOCK (RFC 4918 §9.10, §9.11): exclusive and shared write locks, with a
// timeout, refreshed by a LOCK without body that names the token in its If header. A LOCK
// of an unmapped URL creates an empty file there (§7.3), as Windows and macOS expect
// before they write it.

function answerLock(res: ServerResponse, status: number, lock: Lock, withToken: boolean): void {
  const body = `<?xml version="1.0" encoding="utf-8"?>\n<D:prop xmlns:D="${DAV}"><D:lockdiscovery>${activeLock(lock)}</D:lockdiscovery></D:prop>`;
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/xml; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  };
  if (withToken) headers['Lock-Token'] = `<${lock.token}>`;
  startAnswer(res, status, headers);
  res.end(body);
}

function lockInfo(body: XmlElement): { scope: LockScope; owner: string } {
  if (body.ns !== DAV || body.local !== 'lockinfo') throw new HttpError(400, 'LOCK takes a DAV:lockinfo body');
  const scope = child(body, DAV, 'lockscope');
  const kind = scope && elements(scope)[0];
  if (!kind || kind.ns !== DAV || (kind.local !== 'exclusive' && kind.local !== 'shared')) throw new HttpError(400, 'DAV:lockscope must be exclusive or shared');
  const type = child(body, DAV, 'locktype');
  if (!type || !child(type, DAV, 'write')) throw new HttpError(400, 'Only DAV:write locks exist');
  const owner = child(body, DAV, 'owner');
  return { scope: kind.local, owner: owner ? writeElement(owner) : '' };
}

/** Creates an empty file where nothing was: the resource a LOCK of an unmapped URL makes. */
async function createEmpty(dav: DavRequest): Promise<void> {
  requireRight(dav.caller, dav.fs.can('write'), 'write', dav.path);
  let upload;
  try {
    upload = await dav.fs.upload(dav.path);
  } catch (error) {
    if (error instanceof FileSystemError && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) throw new HttpError(409, `No folder to hold ${dav.path}`);
    throw error;
  }
  upload.stream.end();
  await new Promise<void>((resolve, reject) => upload.stream.once('finish', resolve).once('error', reject));
  await upload.commit();
}

export async function lock(dav: DavRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
  requireRight(dav.caller, dav.fs.can('write'), 'lock', dav.path);
  const body = await xmlBody(req, res);
  const key = lockKey(dav, dav.path);
  const timeout = timeoutOf(headerOf(req, 'timeout'));
  const me = dav.caller.account.name;
  if (body === null) {
    if (req.headers.if === undefined) throw new HttpError(400, 'A LOCK without body refreshes a lock, and needs its token in an If header');
    const submitted = await checkConditions(dav, req, []);
    const held = dav.locks.covering(key).find((l) => submitted.has(l.token) && l.user === me);
    if (!held) throw new DavCondition(412, 'lock-token-matches-request-uri', `No lock of yours on ${dav.path} is named in the If header`);
    dav.locks.refresh(held, timeout);
    answerLock(res, 200, held, false);
    return;
  }
  const { scope, owner } = lockInfo(body);
  const depth = depthOf(req, [0, 'infinity'], 'infinity') as 0 | 'infinity';
  if (req.headers.if !== undefined) await checkConditions(dav, req, []);
  const conflicts = dav.locks.overlapping(key, depth).filter((l) => l.scope === 'exclusive' || scope === 'exclusive');
  if (conflicts.length > 0) throw new DavCondition(423, 'no-conflicting-lock', `Already locked: ${dav.path}`, conflicts.map((l) => l.root));
  let existing = await dav.fs.stat(dav.path).catch(() => null);
  const created = existing === null;
  if (!existing) {
    await checkConditions(dav, req, [{ path: dav.path, membership: true }]);
    await createEmpty(dav);
    existing = await dav.fs.stat(dav.path);
  }
  const made = dav.locks.add({ key, root: hrefOf(dav.path, existing.kind === 'dir'), scope, depth, owner, user: me, timeout });
  if (!made) throw new HttpError(503, 'Too many locks held: try again later');
  answerLock(res, created ? 201 : 200, made, true);
}

export async function unlock(dav: DavRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const header = headerOf(req, 'lock-token');
  const token = /^\s*<([^>]+)>\s*$/.exec(header ?? '')?.[1];
  if (token === undefined) throw new HttpError(400, 'UNLOCK needs a Lock-Token header: <token>');
  const held = dav.locks.get(token);
  if (!held || !dav.locks.covering(lockKey(dav, dav.path)).includes(held)) {
    throw new DavCondition(409, 'lock-token-matches-request-uri', `No such lock on ${dav.path}`);
  }
  if (held.user !== dav.caller.account.name) throw new HttpError(403, 'Only who took a lock may release it');
  dav.locks.remove(token);
  startAnswer(res, 204, { 'Cache-Control': 'no-store' });
  res.end();
}
