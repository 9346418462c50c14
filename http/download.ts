import type { IncomingMessage, ServerResponse } from 'node:http';
import { DestinationClosedError, pump } from '../common/pump.js';
import { pacedDownload } from '../common/throttle.js';
import { transferThrottle, type Account, type FileInfo, type UserFileSystem } from '../server/index.js';
import { requireRight } from './auth.js';
import { contentTypeOf } from './content-type.js';
import { signIn, type WebContext } from './context.js';
import { webEntry } from './entry.js';
import { clientGone, HttpError } from './errors.js';
import { decideRange } from './range.js';
import { startAnswer, writeChunk } from './respond.js';
import type { Handler } from './router.js';
import { queryFlag, virtualPath, type RequestTarget } from './target.js';
import { entityTag, httpDate, notModified, rangeStillValid } from './validators.js';

// GET and HEAD /files/{path}: a file's bytes (whole, or one range), or a folder's
// listing as JSON. Both stream: neither a file nor a listing is ever held whole.

export function downloadRoute(context: WebContext): Handler {
  return async (req, res, target) => {
    const { caller, fs } = await signIn(context, req);
    const path = virtualPath(target.segments, 1);
    requireRight(caller, fs.can('read'), 'read', path);
    const info = await fs.stat(path);
    if (info.kind === 'dir') return sendListing(req, res, fs, path);
    if (info.kind !== 'file' || target.trailingSlash) throw new HttpError(404, `Not a file or folder: ${path}`);
    return sendFile(context, req, res, target, fs, info, caller.account);
  };
}

async function sendListing(req: IncomingMessage, res: ServerResponse, fs: UserFileSystem, path: string): Promise<void> {
  const entries = fs.list(path)[Symbol.asyncIterator]();
  // The first entry is awaited before answering, so that an unreadable folder is still an error status.
  let next = await entries.next();
  startAnswer(res, 200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' });
  if (req.method === 'HEAD') {
    await entries.return?.();
    res.end();
    return;
  }
  let separator = '[';
  try {
    for (; !next.done; next = await entries.next()) {
      await writeChunk(res, separator + JSON.stringify(webEntry(next.value)));
      separator = ',';
    }
  } finally {
    await entries.return?.();
  }
  res.end(separator === '[' ? '[]' : ']');
}

async function sendFile(context: WebContext, req: IncomingMessage, res: ServerResponse, target: RequestTarget, fs: UserFileSystem, info: FileInfo, account: Account): Promise<void> {
  const headers: Record<string, string | number> = {
    'Content-Type': contentTypeOf(info.name),
    'Last-Modified': httpDate(info.modified),
    ETag: entityTag(info),
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    // An uploaded .html page must not run as the file manager's origin, where it could
    // act with the credentials of whoever opens it.
    'Content-Security-Policy': 'sandbox',
  };
  if (queryFlag(target.query, 'download')) headers['Content-Disposition'] = attachment(info.name);
  if (notModified(req.headers, info)) {
    startAnswer(res, 304, headers);
    res.end();
    return;
  }
  // Ranges are defined for GET alone (RFC 9110 §14.2).
  const ifRange = req.headers['if-range'];
  const useRange = req.method === 'GET' && rangeStillValid(typeof ifRange === 'string' ? ifRange : undefined, info);
  const range = useRange ? decideRange(req.headers.range, info.size) : ({ kind: 'whole' } as const);
  if (range.kind === 'unsatisfiable') {
    throw new HttpError(416, `Range not satisfiable: ${info.path} has ${info.size} bytes`, { 'Content-Range': `bytes */${info.size}` });
  }
  const [start, end] = range.kind === 'part' ? [range.start, range.end] : [0, info.size - 1];
  const length = end - start + 1;
  headers['Content-Length'] = length;
  if (range.kind === 'part') headers['Content-Range'] = `bytes ${start}-${end}/${info.size}`;
  const status = range.kind === 'part' ? 206 : 200;
  if (req.method === 'HEAD') {
    startAnswer(res, status, headers);
    res.end();
    return;
  }
  const { stream } = await fs.read(info.path, start);
  startAnswer(res, status, headers);
  context.stats.downloads++;
  const throttle = transferThrottle(account.rate, 'download');
  // `pump` lends a large file's read buffers to the response, each back at its write's
  // callback: with a fresh 256 KiB buffer per read, a 128 MiB GET raised the server's
  // peak RSS by 18 MB of buffers waiting for V8's next collection. A throttled one goes
  // through paced() instead (common/throttle.ts). `length` is the Content-Length
  // promised: a file that grew since its stat is cut there, one that shrank fails and
  // the connection is cut, rather than a short body passed off as whole.
  try {
    await pump(pacedDownload(stream, throttle), res, {
      length,
      sinkDoneAtCallback: true,
      onChunk: (chunk) => {
        context.stats.bytesOut += chunk.length;
        return chunk;
      },
    });
  } catch (error) {
    if (error instanceof DestinationClosedError) throw clientGone(error);
    throw error;
  }
}

/** Content-Disposition for a download, with an ASCII fallback and the exact name in RFC 8187 form. */
export function attachment(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${exact}`;
}
