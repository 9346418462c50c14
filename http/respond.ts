import type { ServerResponse } from 'node:http';
import { clientGone, type HttpError } from './errors.js';

/**
 * Starts the answer. Headers are set one by one rather than passed to writeHead, which
 * would send them without keeping them: the request hook reads them back afterwards.
 */
export function startAnswer(res: ServerResponse, status: number, headers: Record<string, string | number>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.writeHead(status);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  startAnswer(res, status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/**
 * The error as `{ error, status }`. When the response has already begun (a download
 * that failed midway) there is no way left to say so but to cut the connection: the
 * client then sees a short body, never a complete-looking wrong one.
 */
export function sendError(res: ServerResponse, error: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  sendJson(res, error.status, { error: error.message, status: error.status }, error.headers);
}

/**
 * Writes a chunk, waiting while the client reads slower than we produce. Rejects when
 * the client goes away, so that a producer (a listing) stops instead of waiting forever.
 */
export async function writeChunk(res: ServerResponse, chunk: string | Buffer): Promise<void> {
  if (res.destroyed) throw clientGone();
  if (res.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const drained = (): void => {
      res.off('close', gone);
      resolve();
    };
    const gone = (): void => {
      res.off('drain', drained);
      reject(clientGone());
    };
    res.once('drain', drained);
    res.once('close', gone);
  });
}
