import { posix } from 'node:path';
import { InvalidArgumentError } from '../../common/errors.js';

// Remote paths are the server's, POSIX-style, and always sent absolute: the client's
// working directory is its own state, so a pooled connection's CWD never matters.

/** `path` against the client's working directory, normalised: `a/../b` → `/cwd/b`. */
export function resolveRemote(cwd: string, path: string): string {
  if (typeof path !== 'string') throw new InvalidArgumentError(`a remote path must be a string, got ${typeof path}`);
  if (/[\r\n\0]/.test(path)) throw new InvalidArgumentError(`remote path contains CR, LF or NUL: ${JSON.stringify(path)}`);
  const joined = posix.resolve(cwd, path === '' ? '.' : path);
  return joined.length > 1 && joined.endsWith('/') ? joined.slice(0, -1) : joined;
}

export function remoteParent(path: string): string {
  return posix.dirname(path);
}

export function remoteName(path: string): string {
  return posix.basename(path);
}

/** The directory in a 257 reply: `"/some ""quoted"" dir" is the current directory` (RFC 959 Appendix II). */
export function parsePwdReply(message: string): string | null {
  const match = /"((?:[^"]|"")*)"/.exec(message);
  return match ? match[1]!.replace(/""/g, '"') : null;
}
