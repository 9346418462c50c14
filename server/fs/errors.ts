// What can go wrong in the virtual filesystem, named as POSIX names it, so that the FTP
// commands (550, 553, 452…) and the web API (404, 403, 409…) each map one small set of
// codes onto their own replies, whatever the storage backend.

export type FileSystemErrorCode =
  | 'ENOENT' // no such file or directory
  | 'EEXIST'
  | 'ENOTDIR'
  | 'EISDIR'
  | 'ENOTEMPTY'
  | 'EACCES' // the user's rights forbid it, or the path leaves the user's root
  | 'EINVAL' // a name that cannot exist: NUL, too long, `.`/`..` as a target
  | 'ERANGE' // a restart offset past the end of the file
  | 'ENOSPC' // the storage is full
  | 'EDQUOT' // the account's quota is used up (server/fs/quota.ts)
  | 'EIO'; // anything else the backend reported

export class FileSystemError extends Error {
  readonly code: FileSystemErrorCode;
  /** The virtual path (or storage path) the error is about. */
  readonly path: string;

  constructor(code: FileSystemErrorCode, path: string, message?: string, options?: { cause?: unknown }) {
    super(message ?? `${describeCode(code)}: ${path}`, options);
    this.code = code;
    this.path = path;
  }

  override get name(): string {
    return 'FileSystemError';
  }
}

export function describeCode(code: FileSystemErrorCode): string {
  switch (code) {
    case 'ENOENT': return 'No such file or directory';
    case 'EEXIST': return 'File exists';
    case 'ENOTDIR': return 'Not a directory';
    case 'EISDIR': return 'Is a directory';
    case 'ENOTEMPTY': return 'Directory not empty';
    case 'EACCES': return 'Permission denied';
    case 'EINVAL': return 'Invalid file name';
    case 'ERANGE': return 'Offset past the end of the file';
    case 'ENOSPC': return 'No space left on device';
    case 'EDQUOT': return 'Exceeded storage allocation';
    case 'EIO': return 'Input/output error';
  }
}

const passThrough = new Set<string>(['ENOENT', 'EEXIST', 'ENOTDIR', 'EISDIR', 'ENOTEMPTY', 'EACCES', 'EINVAL', 'ENOSPC']);

/** Turns whatever a backend threw (a Node `fs` error, usually) into a `FileSystemError`. */
export function toFileSystemError(error: unknown, path: string): FileSystemError {
  if (error instanceof FileSystemError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code ?? '';
  let mapped: FileSystemErrorCode = 'EIO';
  if (passThrough.has(code)) mapped = code as FileSystemErrorCode;
  else if (code === 'EPERM' || code === 'EROFS') mapped = 'EACCES';
  else if (code === 'ENAMETOOLONG' || code === 'ELOOP') mapped = 'EINVAL';
  else if (code === 'EDQUOT' || code === 'EFBIG') mapped = 'ENOSPC';
  else if (code === 'EBUSY' || code === 'EXDEV') mapped = 'EACCES';
  return new FileSystemError(mapped, path, undefined, { cause: error });
}
