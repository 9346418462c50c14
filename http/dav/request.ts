import type { IncomingMessage, ServerResponse } from 'node:http';
import { bodyChunks } from '../body.js';
import { HttpError } from '../errors.js';
import { parseTarget, virtualPath } from '../target.js';
import { parseXml, XmlError, type XmlElement } from './xml.js';

// What the WebDAV methods read from a request besides the path: an XML body, Depth,
// Destination and Overwrite (RFC 4918 §10), and the href a resource is named by.

/** A request header as one string (Node gives unknown headers sent twice as an array). */
export function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** PROPFIND, PROPPATCH and LOCK bodies are a few kilobytes; this bounds what is held. */
const XML_BODY_BYTES = 1024 * 1024;

/** The request's XML body, or null when it has none. Malformed XML is a 400. */
export async function xmlBody(req: IncomingMessage, res: ServerResponse): Promise<XmlElement | null> {
  const chunks: Buffer[] = [];
  for await (const chunk of bodyChunks(req, res, XML_BODY_BYTES)) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return null;
  try {
    return parseXml(text);
  } catch (error) {
    if (error instanceof XmlError) throw new HttpError(400, `Malformed XML body: ${error.message}`, {}, { cause: error });
    throw error;
  }
}

/** True when the request carries a body (MKCOL takes none). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

export type Depth = 0 | 1 | 'infinity';

/** The Depth header; `fallback` when absent; anything but the allowed values is a 400. */
export function depthOf(req: IncomingMessage, allowed: readonly Depth[], fallback: Depth): Depth {
  const raw = headerOf(req, 'depth');
  if (raw === undefined) return fallback;
  const value = raw.trim().toLowerCase();
  const depth: Depth | null = value === '0' ? 0 : value === '1' ? 1 : value === 'infinity' ? 'infinity' : null;
  if (depth === null || !allowed.includes(depth)) throw new HttpError(400, `Depth ${JSON.stringify(raw.slice(0, 20))} is not allowed here`);
  return depth;
}

/** Overwrite: T (the default) or F. */
export function overwriteOf(req: IncomingMessage): boolean {
  const raw = headerOf(req, 'overwrite');
  if (raw === undefined) return true;
  const value = raw.trim().toUpperCase();
  if (value !== 'T' && value !== 'F') throw new HttpError(400, 'Overwrite must be T or F');
  return value === 'T';
}

/**
 * The virtual path a URI names under `/files/`: an absolute URI (its host is not checked:
 * a proxy in front may rename it) or an absolute path. Null for a URI outside `/files`.
 */
export function filesPathOf(uri: string): string | null {
  const target = parseTarget(uri);
  if (target.segments[0] !== 'files') return null;
  return virtualPath(target.segments, 1);
}

/** The Destination of COPY and MOVE as a virtual path; 502 for one that is not ours. */
export function destinationOf(req: IncomingMessage): string {
  const raw = headerOf(req, 'destination');
  if (raw === undefined) throw new HttpError(400, 'COPY and MOVE need a Destination header');
  const path = filesPathOf(raw.trim());
  if (path === null) throw new HttpError(502, 'The Destination is not on this server (below /files/)');
  return path;
}

/** The href of a virtual path: each segment percent-encoded, a folder ending in `/`. */
export function hrefOf(path: string, folder: boolean): string {
  const encoded = path === '/' ? '' : path.split('/').map(encodeURIComponent).join('/');
  return `/files${encoded}${folder ? '/' : ''}`;
}
