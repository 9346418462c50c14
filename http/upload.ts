import type { IncomingMessage, ServerResponse } from 'node:http';
import { paced } from '../common/throttle.js';
import { FileSystemError, transferThrottle, type UserFileSystem } from '../server/index.js';
import { requireRight, type Caller } from './auth.js';
import { tracked } from './activity.js';
import { bodyChunks } from './body.js';
import { signIn, type WebContext } from './context.js';
import type { WebEntry } from './entry.js';
import { HttpError } from './errors.js';
import { boundaryOf, MultipartParser } from './multipart.js';
import { PendingFile } from './pending-file.js';
import { sendJson } from './respond.js';
import type { Handler } from './router.js';
import { queryFlag, virtualPath, type RequestTarget } from './target.js';

// POST /files/{path} (multipart/form-data, as a browser form or `curl -F` sends it) and
// PUT /files/{path} (the raw body). Bytes go from the socket to a temporary file as they
// arrive, with backpressure both ways; files are put in place only once the whole body
// has been read and checked, so a request either stores all its files or none.
//
// POST to a file path stores the one file part there (curl -F "file=@local.txt"
// …/files/remote.txt). POST to a folder (one that exists, or a path ending in `/`)
// stores each file part in it under the part's own file name: what the page's upload
// form does. Fields without a file name are read and ignored.

interface Destination {
  caller: Caller;
  fs: UserFileSystem;
  path: string;
  intoFolder: boolean;
}

async function destination(context: WebContext, req: IncomingMessage, target: RequestTarget): Promise<Destination> {
  const { caller, fs } = await signIn(context, req);
  const path = virtualPath(target.segments, 1);
  requireRight(caller, fs.can('write'), 'write', path);
  const existing = await fs.stat(path).catch(() => null);
  const intoFolder = existing?.kind === 'dir' || target.trailingSlash;
  if (queryFlag(target.query, 'dirs')) {
    requireRight(caller, fs.can('mkdir'), 'create folders for', path);
    await makeFolders(fs, intoFolder ? path : path.slice(0, path.lastIndexOf('/')));
  }
  return { caller, fs, path, intoFolder };
}

/** The request's body at the account's upload rate: the socket is read no faster. */
function limited(caller: Caller, body: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const throttle = transferThrottle(caller.account.rate, 'upload');
  return throttle ? paced(body, throttle) : body;
}

/** The Content-Length, for the status view's progress; null when chunked. */
function declaredLength(req: IncomingMessage): number | null {
  const length = Number(req.headers['content-length']);
  return Number.isSafeInteger(length) && length >= 0 ? length : null;
}

/** Creates `folder` and whatever is missing above it (`?dirs=1`). */
async function makeFolders(fs: UserFileSystem, folder: string): Promise<void> {
  let at = '';
  for (const name of folder.split('/').filter(Boolean)) {
    at += `/${name}`;
    try {
      await fs.mkdir(at);
    } catch (error) {
      if (!(error instanceof FileSystemError && error.code === 'EEXIST')) throw error;
      if ((await fs.stat(at)).kind !== 'dir') throw new HttpError(409, `${at} is a file, not a folder`);
    }
  }
}

/** The last segment of a file name as a browser sends it (old ones send a whole Windows path). */
function partFileName(sent: string): string {
  const name = sent.slice(Math.max(sent.lastIndexOf('/'), sent.lastIndexOf('\\')) + 1);
  if (name === '' || name === '.' || name === '..' || name.includes('\0')) {
    throw new HttpError(400, `Unusable file name in the form: ${JSON.stringify(sent.slice(0, 80))}`);
  }
  return name;
}

/** Puts every file in place, or, when anything failed, throws all of them away. */
async function settle(files: PendingFile[], receive: () => Promise<void>): Promise<WebEntry[]> {
  try {
    await receive();
    const stored: WebEntry[] = [];
    for (const file of files) stored.push(await file.commit());
    return stored;
  } catch (error) {
    await Promise.all(files.map((f) => f.discard()));
    throw error;
  }
}

function answer(context: WebContext, res: ServerResponse, files: PendingFile[], stored: WebEntry[]): void {
  context.stats.uploads += stored.length;
  const created = files.some((f) => f.created);
  const headers: Record<string, string> = {};
  if (stored.length === 1) headers.Location = `/files${stored[0]!.path.split('/').map(encodeURIComponent).join('/')}`;
  sendJson(res, created ? 201 : 200, { files: stored }, headers);
}

export function multipartUploadRoute(context: WebContext): Handler {
  return async (req, res, target) => {
    const { caller, fs, path, intoFolder } = await destination(context, req, target);
    const boundary = boundaryOf(req.headers['content-type']);
    if (boundary === null) throw new HttpError(400, 'POST takes multipart/form-data with a boundary; PUT takes a raw body');
    const { limits } = context;
    const parser = new MultipartParser(boundary, { headerBytes: limits.partHeaderBytes, parts: limits.parts });
    const body = tracked(context.activity, caller.account.name, 'upload', path, declaredLength(req), limited(caller, bodyChunks(req, res, limits.bodyBytes)));
    const files: PendingFile[] = [];
    const stored = await settle(files, async () => {
      let current: PendingFile | null = null;
      for await (const chunk of body) {
        context.stats.bytesIn += chunk.length;
        for (const event of parser.push(chunk)) {
          if (event.type === 'part') {
            // A plain field, or a file input left empty (filename=""): its data is dropped.
            if (!event.headers.filename) continue;
            if (!intoFolder && files.length > 0) throw new HttpError(400, `One file per file path: post several to a folder instead of ${path}`);
            const into = intoFolder ? `${path === '/' ? '' : path}/${partFileName(event.headers.filename)}` : path;
            current = await PendingFile.open(fs, into);
            files.push(current);
          } else if (event.type === 'data') {
            if (current) await current.write(event.chunk);
          } else if (event.type === 'partEnd') {
            await current?.finish();
            current = null;
          }
        }
      }
      parser.end();
      if (files.length === 0) throw new HttpError(400, 'The form has no file part (a part with a filename)');
    });
    answer(context, res, files, stored);
  };
}

export function rawUploadRoute(context: WebContext): Handler {
  return async (req, res, target) => {
    const { caller, fs, path, intoFolder } = await destination(context, req, target);
    if (intoFolder) throw new HttpError(409, `PUT needs a file path, and ${path} is a folder`);
    const body = tracked(context.activity, caller.account.name, 'upload', path, declaredLength(req), limited(caller, bodyChunks(req, res, context.limits.bodyBytes))); // a declared length too large: 413 before any file is opened
    const file = await PendingFile.open(fs, path);
    const stored = await settle([file], async () => {
      for await (const chunk of body) {
        context.stats.bytesIn += chunk.length;
        await file.write(chunk);
      }
      await file.finish();
    });
    answer(context, res, [file], stored);
  };
}
