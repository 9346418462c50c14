// Our FTP server on a temporary folder (spec/helpers/test-server.ts's tree) with the web
// API in front of it, and an HTTP client that sends the request target exactly as
// written: fetch() and new URL() would resolve `..` and `%2e%2e` before the server saw
// them, and those are what the traversal tests need to send.
import { readdirSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ConnectionOptions } from 'node:tls';
import { join } from 'node:path';
import { startWebServer, type WebServer, type WebServerOptions } from '../../../http/index.js';
import type { ServerOptions } from '../../../server/index.js';
import { isTemporaryUpload } from '../../../server/fs/user-fs.js';
import { PASSWORD, startServer, USER, type TestServer } from '../../helpers/test-server.js';

export { PASSWORD, USER };

export interface WebFixture {
  ftp: TestServer;
  web: WebServer;
  port: number;
  /** The served folder on disk. */
  root: string;
  close(): Promise<void>;
}

export async function startWeb(
  web: Omit<WebServerOptions, 'server'> = {},
  ftp: ServerOptions = {},
): Promise<WebFixture> {
  const t = await startServer(ftp);
  const server = await startWebServer({ port: 0, ...web, server: t.server }).catch(async (error: unknown) => {
    await t.close();
    throw error;
  });
  return {
    ftp: t,
    web: server,
    port: server.port,
    root: t.root,
    async close() {
      await server.close();
      await t.close();
    },
  };
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** The body as JSON (throws when it is not). */
  json<T = unknown>(): T;
}

export interface Ask {
  headers?: Record<string, string | number>;
  body?: Buffer | string;
  /** `user:password`, or null to send no Authorization header (the default). */
  auth?: string | null;
  /** HTTPS, with these TLS options (a CA to trust, a client certificate). */
  tls?: ConnectionOptions;
}

export const ALICE = `${USER}:${PASSWORD}`;

/** One request with the target sent verbatim; resolves with the whole answer. */
export function ask(port: number, method: string, target: string, options: Ask = {}): Promise<Answer> {
  const headers: Record<string, string | number> = { ...options.headers };
  if (options.auth) headers.Authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
  // Node frames a body by itself only for methods that usually have one; DELETE does not.
  if (options.body !== undefined && headers['Transfer-Encoding'] === undefined) headers['Content-Length'] = Buffer.byteLength(options.body);
  return new Promise((resolve, reject) => {
    const request = options.tls ? httpsRequest : httpRequest;
    const req = request({ host: '127.0.0.1', port, method, path: target, headers, agent: false, ...options.tls }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json: <T>() => JSON.parse(text) as T });
      });
    });
    req.on('error', reject);
    // A server that never answers fails the test instead of keeping the process alive.
    req.setTimeout(30_000, () => req.destroy(new Error(`no answer to ${method} ${target} within 30 s`)));
    req.end(options.body);
  });
}

/** A multipart/form-data body with one file part, as `curl -F "field=@name"` makes it. */
export function formBody(parts: { field?: string; filename?: string | null; content: Buffer | string }[], boundary = '----ftppy-spec-boundary'): { body: Buffer; contentType: string } {
  const pieces: Buffer[] = [];
  for (const part of parts) {
    const filename = part.filename === null ? '' : `; filename="${part.filename ?? 'local.txt'}"`;
    pieces.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.field ?? 'file'}"${filename}\r\nContent-Type: application/octet-stream\r\n\r\n`));
    pieces.push(Buffer.from(part.content));
    pieces.push(Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(pieces), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Temporary upload files (`.ftppy-upload.<hex>.<n>`) anywhere under `dir`: there must be none once a request is answered. */
export function leftovers(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...leftovers(path));
    else if (isTemporaryUpload(entry.name)) found.push(path);
  }
  return found;
}
