import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserFileSystem } from '../../server/index.js';
import type { Caller } from '../auth.js';
import { settleUnreadBody } from '../body.js';
import { signIn, type WebContext } from '../context.js';
import { HttpError } from '../errors.js';
import type { Handler } from '../router.js';
import { virtualPath, type RequestTarget } from '../target.js';
import type { LockTable } from './locks.js';
import { DAV, escapeText } from './xml-write.js';

// What every WebDAV method shares: who calls, their filesystem, the lock table, the
// path asked for; and the precondition failures RFC 4918 answers with an XML body.

export interface DavRequest {
  context: WebContext;
  locks: LockTable;
  caller: Caller;
  fs: UserFileSystem;
  /** The virtual path of the request. */
  path: string;
  target: RequestTarget;
}

/** A path as a key of the lock table: the same file has the same key for every user. */
export function lockKey(dav: Pick<DavRequest, 'caller'>, path: string): string {
  const home = `/${dav.caller.account.home}`.replace(/\/+/g, '/').replace(/\/$/, '');
  return home === '' ? path : path === '/' ? home : home + path;
}

/**
 * A failed precondition or postcondition (RFC 4918 §16): a status plus the condition's
 * element, and for 423 the href of the lock in the way.
 */
export class DavCondition extends Error {
  readonly status: number;
  readonly condition: string;
  readonly hrefs: string[];

  constructor(status: number, condition: string, message: string, hrefs: string[] = []) {
    super(message);
    this.status = status;
    this.condition = condition;
    this.hrefs = hrefs;
  }
}

export function sendCondition(req: IncomingMessage, res: ServerResponse, error: DavCondition): void {
  settleUnreadBody(req, res);
  const hrefs = error.hrefs.map((h) => `<D:href>${escapeText(h)}</D:href>`).join('');
  const condition = hrefs === '' ? `<D:${error.condition}/>` : `<D:${error.condition}>${hrefs}</D:${error.condition}>`;
  const body = `<?xml version="1.0" encoding="utf-8"?>\n<D:error xmlns:D="${DAV}">${condition}<D:responsedescription>${escapeText(error.message)}</D:responsedescription></D:error>`;
  res.statusCode = error.status;
  res.setHeader('Content-Type', 'application/xml; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}

/** A WebDAV method's handler: signed in, with its path; DavCondition answered as XML. */
export function davHandler(context: WebContext, locks: LockTable, serve: (dav: DavRequest, req: IncomingMessage, res: ServerResponse) => Promise<void>): Handler {
  return async (req, res, target) => {
    // `#` cannot be part of a request target (RFC 9112 §3.2): taking what precedes it
    // would act on another resource (DELETE /files/a/#b would delete the folder a).
    if ((req.url ?? '').includes('#')) throw new HttpError(400, 'A request target cannot hold a fragment (#): encode it as %23');
    const { caller, fs } = await signIn(context, req);
    const dav: DavRequest = { context, locks, caller, fs, path: virtualPath(target.segments, 1), target };
    try {
      await serve(dav, req, res);
    } catch (error) {
      if (!(error instanceof DavCondition) || res.headersSent) throw error;
      sendCondition(req, res, error);
    }
  };
}

/** Refuses (403) what cannot be done to the user's root folder: deleting, moving, replacing it. */
export function notRoot(path: string, what: string): void {
  if (path === '/') throw new HttpError(403, `The root folder cannot be ${what}`);
}
