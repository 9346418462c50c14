import { mkdir } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { unsafeNameReason } from '../../protocol/listing/path.js';
import { nativePath } from '../../protocol/text.js';
import type { ClientCore } from '../client/core.js';
import { ensureRemoteDir } from '../client/remote-listing.js';
import { describe, warn } from '../../common/warnings.js';
import { localPath, type Tree } from './nodes.js';

export type RootState = 'ready' | 'missing';

/**
 * Whether the remote root exists (CWD: some servers list a missing folder as empty),
 * created with its parents when `create` says so. null when the server could not be
 * asked, which has been warned about.
 */
export function remoteRoot(core: ClientCore, name: string, dir: string, create: boolean, signal?: AbortSignal): Promise<RootState | null> {
  return core.run<RootState | null>({ name, path: dir, fallback: null, signal }, (attempt) =>
    attempt.use(async (connection) => {
      if ((await connection.request('CWD', dir)).code < 400) return 'ready';
      if (!create) return 'missing';
      await ensureRemoteDir(connection, dir);
      return 'ready';
    }),
  );
}

/** Creates the local root (and its parents) if missing; false, warned, when it cannot be. */
export async function localRoot(name: string, dir: string): Promise<boolean> {
  try {
    await mkdir(nativePath(dir), { recursive: true });
    return true;
  } catch (error) {
    warn(`${name}: cannot create the local folder ${dir}: ${describe(error)}`, 'FTPPY_ERR_LOCAL');
    return false;
  }
}

/**
 * The local path of `rel` below `root`, or null when it would not lie inside it: a name
 * that is `..`, holds a separator or NUL. The listing parser refuses such names already;
 * this is the check every tree operation makes before it creates anything locally, so
 * that no path from elsewhere (a plan, a future caller) can lead out of the root.
 */
export function localInside(root: string, rel: string): string | null {
  if (rel === '') return root;
  if (rel.split('/').some((name) => unsafeNameReason(name) !== null)) return null;
  const path = localPath(root, rel);
  const back = relative(root, path);
  return back === '' || back === '..' || back.startsWith(`..${sep}`) || isAbsolute(back) ? null : path;
}

export const emptyTree = (): Tree => ({ nodes: new Map(), unread: [] });
