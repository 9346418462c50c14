import type { IncomingMessage, ServerResponse } from 'node:http';
import { requireRight } from '../auth.js';
import { HttpError } from '../errors.js';
import { checkConditions } from './conditions.js';
import { PROTECTED } from './live-properties.js';
import { MultiStatus, propstat, response } from './multistatus.js';
import { hrefOf, xmlBody } from './request.js';
import type { DavRequest } from './scope.js';
import { elements, textOf, type XmlElement } from './xml.js';
import { DAV, emptyElement, writeElement } from './xml-write.js';

// PROPPATCH (RFC 4918 §9.2): sets and removes properties, in document order, all or
// none. Dead properties are kept beside the file (server/fs/dead-properties.ts). Of the
// live ones, the modification time may be set, as Windows does (DAV:getlastmodified, or
// its own Win32LastModifiedTime); the others are protected (403), and then nothing of
// the request is applied (the rest answer 424 Failed Dependency).

const MICROSOFT = 'urn:schemas-microsoft-com:';

interface Instruction {
  element: XmlElement;
  remove: boolean;
}

function instructionsOf(body: XmlElement | null): Instruction[] {
  if (body === null || body.ns !== DAV || body.local !== 'propertyupdate') throw new HttpError(400, 'PROPPATCH takes a DAV:propertyupdate body');
  const instructions: Instruction[] = [];
  for (const action of elements(body)) {
    if (action.ns !== DAV || (action.local !== 'set' && action.local !== 'remove')) continue;
    for (const prop of elements(action)) {
      if (prop.ns !== DAV || prop.local !== 'prop') continue;
      for (const element of elements(prop)) instructions.push({ element, remove: action.local === 'remove' });
    }
  }
  if (instructions.length === 0) throw new HttpError(400, 'DAV:propertyupdate sets or removes no property');
  return instructions;
}

const isModifiedTime = (e: XmlElement): boolean => (e.ns === DAV && e.local === 'getlastmodified') || (e.ns === MICROSOFT && e.local === 'Win32LastModifiedTime');

export async function proppatch(dav: DavRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
  requireRight(dav.caller, dav.fs.can('write'), 'write', dav.path);
  const instructions = instructionsOf(await xmlBody(req, res));
  await checkConditions(dav, req, [{ path: dav.path }]);
  const info = await dav.fs.stat(dav.path);
  const dead = { ...(await dav.fs.properties(dav.path)) };
  const failed = new Map<XmlElement, number>();
  let modified: Date | null = null;
  for (const { element, remove } of instructions) {
    const key = `{${element.ns}}${element.local}`;
    if (element.ns === DAV && (PROTECTED.has(element.local) || (remove && element.local === 'getlastmodified'))) {
      failed.set(element, 403);
      continue;
    }
    if (!remove && isModifiedTime(element)) {
      const time = new Date(textOf(element).trim());
      if (Number.isNaN(time.getTime())) {
        failed.set(element, 409);
        continue;
      }
      modified = time;
      if (element.ns === DAV) continue; // live: read back from the file itself
    }
    if (remove) delete dead[key];
    else dead[key] = writeElement(element);
  }
  const names = (list: Instruction[]): string[] => list.map(({ element }) => emptyElement(element.ns, element.local));
  let inner: string;
  if (failed.size > 0) {
    const byStatus = new Map<number, Instruction[]>();
    for (const i of instructions) {
      const status = failed.get(i.element) ?? 424;
      byStatus.set(status, [...(byStatus.get(status) ?? []), i]);
    }
    inner = [...byStatus].map(([status, list]) => propstat(status, names(list))).join('');
  } else {
    await dav.fs.setProperties(dav.path, dead);
    if (modified) await dav.fs.setModified(dav.path, modified);
    inner = propstat(200, names(instructions));
  }
  const out = new MultiStatus(res);
  await out.write(response(hrefOf(dav.path, info.kind === 'dir'), inner));
  out.end();
}
