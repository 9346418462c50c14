import type { ClientCore } from '../client/core.js';
import { warn } from '../../common/warnings.js';
import type { MirrorOptions } from './options.js';
import { runContext, syncTrees } from './sync.js';

/**
 * `mirror(local, remote)`: after it, the remote tree is the local one: files uploaded
 * where missing or different (in size, or in time either way), and what the local side
 * does not have deleted on the server, files and folders alike (leftover `.ftppy-part`
 * files of interrupted uploads too). Links and special files on the local side are
 * neither sent nor cause their names to be deleted. A missing local folder, or one
 * without a single file, is how mirrors wipe servers: refused, with a warning and no
 * change, unless `force`.
 */
export async function mirror(core: ClientCore, local: string, remote: string, options: MirrorOptions): Promise<Record<string, boolean>> {
  const ctx = runContext(core, 'mirror', local, remote, options);
  const results = await syncTrees(ctx, 'mirror', (found) => {
    if (options.force || (found && [...found.nodes.values()].some((node) => node.kind === 'file'))) return true;
    const why = found ? 'has no files' : 'does not exist';
    warn(`mirror ${ctx.local} -> ${ctx.remote}: refused: the local folder ${why}, and mirroring it would delete everything there on the server (force: true does it anyway)`, 'FTPPY_ERR_MIRROR_REFUSED');
    return false;
  });
  return results ?? {};
}
