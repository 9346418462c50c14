import { chmod, utimes } from 'node:fs/promises';
import { describe, warn } from '../../common/warnings.js';
import { nativePath } from '../../protocol/text.js';
import type { ClientCore } from '../client/core.js';
import { MANIFEST_NAME, readManifest, type ManifestEntry } from './manifest.js';
import { depthOf, localPath } from './nodes.js';
import type { RestoreOptions } from './options.js';
import { localInside } from './roots.js';
import { runContext, syncTrees } from './sync.js';

/**
 * `restore(backup, local)`: brings a remote backup down into a local folder (made if
 * missing). Files missing locally, or different in size or time either way, are
 * downloaded; local files the backup does not hold are kept. Then every file and folder
 * the backup's manifest names gets the time and mode it had when the backup was taken,
 * whatever the server kept (folders last, deepest first, since writing into a folder
 * changes its time). A backup without a manifest (made before them) gets the server's
 * times, and a warning says modes and folder times were not kept. Results per path
 * relative to the backup.
 */
export async function restore(core: ClientCore, backup: string, local: string, options: RestoreOptions): Promise<Record<string, boolean>> {
  const ctx = runContext(core, 'restore', local, backup, options);
  const results = await syncTrees(ctx, 'restore', undefined, (rel) => rel === MANIFEST_NAME);
  if (results === null) return {};
  if (ctx.dryRun) return results;
  const manifest = await readManifest(core, ctx.remote, ctx.signal);
  if (manifest === null) {
    warn(`restore ${ctx.remote}: the backup has no manifest (made before FtpPy kept them), so modes and folder times are not restored, and file times only where the server kept them`, 'FTPPY_WARN_NO_MANIFEST');
  }
  if (!manifest) return results;
  const files = manifest.entries.filter((entry) => entry.type === 'file');
  const dirs = manifest.entries.filter((entry) => entry.type === 'dir').sort((a, b) => depthOf(b.path) - depthOf(a.path));
  for (const entry of [...files, ...dirs]) {
    if (results[entry.path] === false) continue; // not restored: warned already
    const ok = await applyEntry(ctx.local, entry);
    if (!ok) results[entry.path] = false;
  }
  return results;
}

/** Gives the local copy of `entry` its mode and time; false (warned) when that fails. A path not there locally is left alone. */
async function applyEntry(root: string, entry: ManifestEntry): Promise<boolean> {
  const path = localInside(root, entry.path);
  if (path === null) return true; // a name that would lead out: never restored either
  const time = new Date(entry.modified);
  try {
    await chmod(nativePath(path), Number.parseInt(entry.mode, 8));
    if (!Number.isNaN(time.getTime())) await utimes(nativePath(path), time, time);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    warn(`restore ${localPath(root, entry.path)}: cannot give it the mode and time of the backup: ${describe(error)}`, 'FTPPY_ERR_LOCAL');
    return false;
  }
}
