import type { ClientCore } from '../client/core.js';
import type { RestoreOptions } from './options.js';
import { runContext, syncTrees } from './sync.js';

/**
 * `restore(backup, local)`: brings a remote backup down into a local folder (made if
 * missing). Files missing locally, or different in size or time either way, are
 * downloaded and given the backup's times (those of the originals, which `backup`
 * carried up); local files the backup does not hold are kept. Results per path
 * relative to the backup.
 */
export async function restore(core: ClientCore, backup: string, local: string, options: RestoreOptions): Promise<Record<string, boolean>> {
  return (await syncTrees(runContext(core, 'restore', local, backup, options), 'restore')) ?? {};
}
