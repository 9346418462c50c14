import type { FileInfo } from '../../server/index.js';
import { contentTypeOf } from '../content-type.js';
import { entityTag, httpDate } from '../validators.js';
import type { Lock } from './locks.js';
import { escapeText } from './xml-write.js';

// The live properties (RFC 4918 §15): what the server computes from the file itself and
// from the lock table. Each is written as the inner XML of its DAV: element.

export const LIVE_NAMES = [
  'resourcetype',
  'getcontentlength',
  'getlastmodified',
  'creationdate',
  'getetag',
  'getcontenttype',
  'displayname',
  'supportedlock',
  'lockdiscovery',
] as const;

export type LiveName = (typeof LIVE_NAMES)[number];

export const isLive = (ns: string, local: string): local is LiveName => ns === 'DAV:' && (LIVE_NAMES as readonly string[]).includes(local);

/** Live properties a PROPPATCH may not set or remove (getlastmodified it may set). */
export const PROTECTED = new Set<string>(['resourcetype', 'getcontentlength', 'getetag', 'getcontenttype', 'supportedlock', 'lockdiscovery', 'creationdate']);

const SUPPORTED_LOCK = ['exclusive', 'shared']
  .map((scope) => `<D:lockentry><D:lockscope><D:${scope}/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>`)
  .join('');

/** One DAV:activelock. */
export function activeLock(lock: Lock): string {
  const left = Math.max(0, Math.ceil((lock.expires - Date.now()) / 1000));
  return (
    `<D:activelock><D:locktype><D:write/></D:locktype><D:lockscope><D:${lock.scope}/></D:lockscope>` +
    `<D:depth>${lock.depth === 0 ? '0' : 'infinity'}</D:depth>${lock.owner}<D:timeout>Second-${left}</D:timeout>` +
    `<D:locktoken><D:href>${escapeText(lock.token)}</D:href></D:locktoken>` +
    `<D:lockroot><D:href>${escapeText(lock.root)}</D:href></D:lockroot></D:activelock>`
  );
}

/** The inner XML of a live property of `info`, or null when the resource has none of that name. */
export function liveValue(name: LiveName, info: FileInfo, locks: () => Lock[]): string | null {
  const folder = info.kind === 'dir';
  switch (name) {
    case 'resourcetype':
      return folder ? '<D:collection/>' : '';
    case 'getcontentlength':
      return folder ? null : String(info.size);
    case 'getlastmodified':
      return httpDate(info.modified);
    case 'creationdate':
      // Node's storages know no reliable birth time: the modification time stands in.
      return info.modified.toISOString().replace(/\.\d{3}Z$/, 'Z');
    case 'getetag':
      return escapeText(entityTag(info));
    case 'getcontenttype':
      return folder ? null : escapeText(contentTypeOf(info.name));
    case 'displayname':
      return escapeText(info.path === '/' ? '' : info.name);
    case 'supportedlock':
      return SUPPORTED_LOCK;
    case 'lockdiscovery':
      return locks().map(activeLock).join('');
  }
}
