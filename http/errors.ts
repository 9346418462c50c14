import { FileSystemError, type FileSystemErrorCode } from '../server/index.js';
import { MultipartError } from './multipart.js';

// Every failure of the web API ends as one JSON body, `{ error, status }`, so that a
// script reads the same shape whatever went wrong. Handlers throw; the router answers.

export class HttpError extends Error {
  readonly status: number;
  /** Extra response headers (`WWW-Authenticate`, `Allow`, `Content-Range`). */
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, headers: Record<string, string> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.headers = headers;
  }

  override get name(): string {
    return 'HttpError';
  }
}

/** The status each filesystem failure answers with, unless the route says otherwise. */
const STATUS: Record<FileSystemErrorCode, number> = {
  ENOENT: 404,
  ENOTDIR: 404, // `/files/a.txt/b`: there is nothing at that path
  EACCES: 403,
  EEXIST: 409,
  EISDIR: 409,
  ENOTEMPTY: 409,
  EINVAL: 400,
  ERANGE: 416,
  ENOSPC: 507,
  EDQUOT: 507, // the account's quota (RFC 4918 §11.5: Insufficient Storage)
  EIO: 500,
};

/**
 * Any error as an HttpError. `overrides` lets a route say what a code means there: a
 * missing parent folder on upload is a 409 (the request could succeed once it exists),
 * not a 404.
 */
export function toHttpError(error: unknown, overrides: Partial<Record<FileSystemErrorCode, number>> = {}): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof MultipartError) return new HttpError(error.status, error.message, {}, { cause: error });
  if (error instanceof FileSystemError) {
    const status = overrides[error.code] ?? STATUS[error.code];
    // The backend's own message may name storage paths; the user's virtual path is what we show.
    const message = status === 500 ? `Input/output error: ${error.path}` : error.message;
    return new HttpError(status, message, {}, { cause: error });
  }
  return new HttpError(500, 'Internal server error', {}, { cause: error });
}

/**
 * The client closed the connection before its answer was complete. Nothing can be sent
 * any more; 499 (nginx's code for it) only keeps it apart from our own failures.
 */
export function clientGone(cause?: unknown): HttpError {
  return new HttpError(499, 'The client closed the connection', {}, { cause });
}
