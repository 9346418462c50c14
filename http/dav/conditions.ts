import type { IncomingMessage } from 'node:http';
import type { FileInfo } from '../../server/index.js';
import { HttpError } from '../errors.js';
import { entityTag } from '../validators.js';
import { parseIf, submittedTokens } from './if-header.js';
import type { Lock } from './locks.js';
import { filesPathOf, headerOf } from './request.js';
import { DavCondition, lockKey, type DavRequest } from './scope.js';

// Before a method changes anything: If-Match, If-None-Match and the If header must hold
// (else 412), and every lock on
// what the method changes must have its token submitted by its owner (else 423). RFC 4918
// §10.4 (If), §7 (write locks), §6.4 (the lock creator alone may use a token).

/** What a method changes at one path. */
export interface Change {
  path: string;
  /** Everything below the path changes too (DELETE or MOVE of a folder, replacing one). */
  deep?: boolean;
  /** The path's folder gains or loses a member (a depth-0 lock on it protects that). */
  membership?: boolean;
}

const opaque = (tag: string): string => (tag.startsWith('W/') ? tag.slice(2) : tag);

async function statOrNull(dav: DavRequest, path: string): Promise<FileInfo | null> {
  return dav.fs.stat(path).catch(() => null);
}

/** Whether the If header (if any) holds; the tokens it submits. */
async function evaluateIf(dav: DavRequest, req: IncomingMessage): Promise<Set<string>> {
  const header = headerOf(req, 'if');
  if (header === undefined) return new Set();
  const lists = parseIf(header);
  const infos = new Map<string, Promise<FileInfo | null>>();
  const info = (path: string): Promise<FileInfo | null> => {
    let found = infos.get(path);
    if (!found) infos.set(path, (found = statOrNull(dav, path)));
    return found;
  };
  let holds = false;
  for (const list of lists) {
    const path = list.resource === null ? dav.path : filesPathOf(list.resource);
    if (path === null) continue;
    let all = true;
    for (const c of list.conditions) {
      let met: boolean;
      if (c.token !== undefined) {
        const lock = dav.locks.get(c.token);
        met = lock !== undefined && dav.locks.covering(lockKey(dav, path)).includes(lock);
      } else {
        const found = await info(path);
        met = found !== null && opaque(c.etag!) === entityTag(found);
      }
      if (met === c.not) {
        all = false;
        break;
      }
    }
    if (all) {
      holds = true;
      break;
    }
  }
  if (!holds) throw new HttpError(412, 'Precondition failed: the If header does not hold');
  return submittedTokens(lists);
}

/**
 * If-Match and If-None-Match on a method that changes something (RFC 9110 §13.1.1,
 * §13.1.2): `If-None-Match: *` creates only, `If-Match: "tag"` replaces only that version.
 */
async function evaluateMatch(dav: DavRequest, req: IncomingMessage): Promise<void> {
  const match = headerOf(req, 'if-match');
  const noneMatch = headerOf(req, 'if-none-match');
  if (match === undefined && noneMatch === undefined) return;
  const found = await statOrNull(dav, dav.path);
  const tags = (value: string): string[] | '*' => (value.trim() === '*' ? '*' : (value.match(/(?:W\/)?"[^"]*"/g) ?? []));
  if (match !== undefined) {
    const wanted = tags(match);
    // Strong comparison: a weak tag never matches for If-Match.
    const holds = found !== null && (wanted === '*' || wanted.includes(entityTag(found)));
    if (!holds) throw new HttpError(412, `Precondition failed: If-Match does not hold for ${dav.path}`);
  }
  if (noneMatch !== undefined && found !== null) {
    const unwanted = tags(noneMatch);
    if (unwanted === '*' || unwanted.some((t) => opaque(t) === entityTag(found))) {
      throw new HttpError(412, `Precondition failed: If-None-Match does not hold for ${dav.path}`);
    }
  }
}

/** The locks standing in the way of `change`. */
function locksOn(dav: DavRequest, change: Change): Lock[][] {
  const key = lockKey(dav, change.path);
  const groups = [dav.locks.covering(key)];
  if (change.deep) for (const lock of dav.locks.below(key)) if (lock.key !== key) groups.push([lock]);
  if (change.membership && change.path !== '/') {
    const parent = change.path.slice(0, change.path.lastIndexOf('/')) || '/';
    groups.push(dav.locks.covering(lockKey(dav, parent)));
  }
  return groups.filter((g) => g.length > 0);
}

/**
 * Checks the If header and the locks on everything `changes` touches; returns the tokens
 * submitted (LOCK refreshes with them).
 */
export async function checkConditions(dav: DavRequest, req: IncomingMessage, changes: readonly Change[]): Promise<Set<string>> {
  await evaluateMatch(dav, req);
  const submitted = await evaluateIf(dav, req);
  const mine = (lock: Lock): boolean => submitted.has(lock.token) && lock.user === dav.caller.account.name;
  for (const change of changes) {
    for (const group of locksOn(dav, change)) {
      // Of several shared locks on one resource, one is enough.
      if (!group.some(mine)) {
        throw new DavCondition(423, 'lock-token-submitted', `Locked: ${change.path}`, [group[0]!.root]);
      }
    }
  }
  return submitted;
}
