import { STATUS_CODES, type ServerResponse } from 'node:http';
import { startAnswer, writeChunk } from '../respond.js';
import { DAV, escapeText } from './xml-write.js';

// The 207 Multi-Status answer (RFC 4918 §13), written as it is made: a PROPFIND of a
// folder of a million files holds one response at a time, never the whole document.

export const statusLine = (status: number): string => `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`;

/** One DAV:propstat: the properties (as XML) that share a status. */
export function propstat(status: number, properties: readonly string[]): string {
  return `<D:propstat><D:prop>${properties.join('')}</D:prop><D:status>${statusLine(status)}</D:status></D:propstat>`;
}

/** One DAV:response for `href`, with its propstats or its own status. */
export function response(href: string, inner: string): string {
  return `<D:response><D:href>${escapeText(href)}</D:href>${inner}</D:response>\n`;
}

export class MultiStatus {
  readonly #res: ServerResponse;

  constructor(res: ServerResponse) {
    this.#res = res;
    startAnswer(res, 207, { 'Content-Type': 'application/xml; charset=utf-8', 'Cache-Control': 'no-store' });
    res.write(`<?xml version="1.0" encoding="utf-8"?>\n<D:multistatus xmlns:D="${DAV}">\n`);
  }

  write(responseXml: string): Promise<void> {
    return writeChunk(this.#res, responseXml);
  }

  end(): void {
    this.#res.end('</D:multistatus>\n');
  }
}
