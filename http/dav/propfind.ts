import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FileInfo } from '../../server/index.js';
import { requireRight } from '../auth.js';
import { HttpError } from '../errors.js';
import { isLive, liveValue, LIVE_NAMES } from './live-properties.js';
import { MultiStatus, propstat, response } from './multistatus.js';
import { depthOf, hrefOf, xmlBody } from './request.js';
import { DavCondition, lockKey, type DavRequest } from './scope.js';
import { child, elements, type XmlElement } from './xml.js';
import { DAV, emptyElement } from './xml-write.js';

// PROPFIND (RFC 4918 §9.1): the properties of a resource (Depth 0) or of a folder and
// its members (Depth 1). Depth infinity is refused (403 propfind-finite-depth), as most
// servers do: one request must not make the server walk a whole tree.

type Wanted = { kind: 'all' } | { kind: 'names' } | { kind: 'some'; names: { ns: string; local: string }[] };

function wantedOf(body: XmlElement | null): Wanted {
  if (body === null) return { kind: 'all' };
  if (body.ns !== DAV || body.local !== 'propfind') throw new HttpError(400, 'PROPFIND takes a DAV:propfind body');
  if (child(body, DAV, 'propname')) return { kind: 'names' };
  if (child(body, DAV, 'allprop')) return { kind: 'all' };
  const prop = child(body, DAV, 'prop');
  if (!prop) throw new HttpError(400, 'DAV:propfind needs prop, allprop or propname');
  return { kind: 'some', names: elements(prop).map((e) => ({ ns: e.ns, local: e.local })) };
}

const clark = (ns: string, local: string): string => `{${ns}}${local}`;

async function describe(dav: DavRequest, info: FileInfo, wanted: Wanted): Promise<string> {
  const folder = info.kind === 'dir';
  const locks = () => dav.locks.covering(lockKey(dav, info.path));
  const needsDead = wanted.kind !== 'some' || wanted.names.some((n) => !isLive(n.ns, n.local));
  const dead = needsDead ? await dav.fs.properties(info.path).catch(() => ({}) as Record<string, string>) : {};
  const href = hrefOf(info.path, folder);
  if (wanted.kind === 'names') {
    const names = LIVE_NAMES.filter((n) => liveValue(n, info, () => []) !== null).map((n) => `<D:${n}/>`);
    for (const key of Object.keys(dead)) {
      const close = key.indexOf('}');
      names.push(emptyElement(key.slice(1, close), key.slice(close + 1)));
    }
    return response(href, propstat(200, names));
  }
  const found: string[] = [];
  const missing: string[] = [];
  const live = (name: (typeof LIVE_NAMES)[number]): void => {
    const value = liveValue(name, info, locks);
    if (value !== null) found.push(value === '' ? `<D:${name}/>` : `<D:${name}>${value}</D:${name}>`);
    else missing.push(`<D:${name}/>`);
  };
  if (wanted.kind === 'all') {
    for (const name of LIVE_NAMES) if (liveValue(name, info, () => []) !== null) live(name);
    found.push(...Object.values(dead));
  } else {
    for (const { ns, local } of wanted.names) {
      const stored = dead[clark(ns, local)];
      if (stored !== undefined) found.push(stored);
      else if (isLive(ns, local)) live(local);
      else missing.push(emptyElement(ns, local));
    }
  }
  let inner = '';
  if (found.length > 0 || missing.length === 0) inner += propstat(200, found);
  if (missing.length > 0) inner += propstat(404, missing);
  return response(href, inner);
}

/** A listing entry as what it is: a link is described by what it leads to. */
async function resolved(dav: DavRequest, info: FileInfo): Promise<FileInfo | null> {
  if (info.kind !== 'link') return info;
  return dav.fs.stat(info.path).catch(() => null);
}

export async function propfind(dav: DavRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
  requireRight(dav.caller, dav.fs.can('read'), 'read', dav.path);
  const depth = depthOf(req, [0, 1, 'infinity'], 'infinity');
  if (depth === 'infinity') throw new DavCondition(403, 'propfind-finite-depth', 'PROPFIND with Depth infinity is not served: ask Depth 0 or 1');
  const wanted = wantedOf(await xmlBody(req, res));
  const info = await dav.fs.stat(dav.path);
  const first = await describe(dav, info, wanted);
  const entries = depth === 1 && info.kind === 'dir' ? dav.fs.list(dav.path)[Symbol.asyncIterator]() : null;
  // The folder's first entry is read before answering, so an unreadable folder is still an error status.
  let next = entries ? await entries.next() : null;
  const out = new MultiStatus(res);
  try {
    await out.write(first);
    for (; next && !next.done; next = await entries!.next()) {
      const entry = await resolved(dav, next.value);
      if (entry) await out.write(await describe(dav, entry, wanted));
    }
  } finally {
    await entries?.return?.();
  }
  out.end();
}
