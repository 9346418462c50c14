import { posix } from 'node:path';
import type { FtpConnection } from '../../protocol/connection.js';
import { ReplyError } from '../../common/errors.js';
import type { ClientCore } from './core.js';
import type { OperationOptions } from './options.js';
import { ensureRemoteDir } from './remote-listing.js';
import { remoteName, remoteParent } from './remote-path.js';

/** RNFR then RNTO (RFC 959 §4.1.3), nothing more. */
export async function renameOn(connection: FtpConnection, source: string, target: string): Promise<void> {
  const ready = await connection.request('RNFR', source);
  if (ready.code !== 350) throw new ReplyError(`RNFR ${source}`, ready);
  await connection.command('RNTO', target);
}

/**
 * `move(from, to)` as `mv` does it: into `to` when that is a folder that exists (CWD says
 * so, the one question every server answers), else to `to` itself, its missing parent
 * folders made first. RNTO onto an existing file replaces it, as the server decides.
 */
export function move(core: ClientCore, from: string, to: string, options: OperationOptions): Promise<boolean> {
  const source = core.resolve(from);
  const named = core.resolve(to);
  return core.run({ name: 'move', path: `${source} -> ${named}`, fallback: false, signal: options.signal }, (attempt) =>
    attempt.use(async (connection) => {
      let target = named;
      if (named !== source && (await connection.request('CWD', named)).code < 400) target = posix.join(named, remoteName(source));
      else await ensureRemoteDir(connection, remoteParent(named));
      await renameOn(connection, source, target);
      return true;
    }),
  );
}
