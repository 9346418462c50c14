import type { FtpConnection } from '../../protocol/connection.js';
import { ReplyError } from '../../common/errors.js';
import type { ClientCore } from './core.js';
import type { MkdirOptions, OperationOptions, RmdirOptions } from './options.js';
import { ensureRemoteDir, listDirectory } from './remote-listing.js';
import { remoteParent } from './remote-path.js';

export function mkdir(core: ClientCore, path: string, options: MkdirOptions): Promise<boolean> {
  const dir = core.resolve(path);
  return core.run({ name: 'mkdir', path: dir, fallback: false, signal: options.signal }, (attempt) =>
    attempt.use(async (connection) => {
      if (options.parents) await ensureRemoteDir(connection, dir);
      else await connection.command('MKD', dir);
      return true;
    }),
  );
}

/** Empties a directory depth first, on the one connection: files and links deleted (links never followed), then RMD. */
async function removeTree(connection: FtpConnection, dir: string): Promise<void> {
  for (const entry of await listDirectory(connection, dir)) {
    if (entry.type === 'dir') await removeTree(connection, entry.path);
    else await connection.command('DELE', entry.path);
  }
  await connection.command('RMD', dir);
}

export function rmdir(core: ClientCore, path: string, options: RmdirOptions): Promise<boolean> {
  const dir = core.resolve(path);
  return core.run({ name: 'rmdir', path: dir, fallback: false, signal: options.signal }, (attempt) =>
    attempt.use(async (connection) => {
      // The connection may stand in the directory (CWD is how existence is probed), and
      // some servers, ours among them, refuse to remove a session's working directory.
      await connection.request('CWD', remoteParent(dir));
      if (options.recursive) await removeTree(connection, dir);
      else await connection.command('RMD', dir);
      return true;
    }),
  );
}

/**
 * `cd(path)`: the working directory is the client's, so relative paths mean the same on
 * every pooled connection. The server is asked (CWD) only to check that it exists.
 */
export async function cd(core: ClientCore, path: string, options: OperationOptions): Promise<boolean> {
  const dir = core.resolve(path);
  const ok = await core.run({ name: 'cd', path: dir, fallback: false, signal: options.signal }, (attempt) =>
    attempt.use(async (connection) => {
      const reply = await connection.request('CWD', dir);
      if (reply.code >= 400) throw new ReplyError(`CWD ${dir}`, reply);
      return true;
    }),
  );
  if (ok) core.changeDirectory(dir);
  return ok;
}
