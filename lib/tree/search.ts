import type { ListingEntry } from '../../protocol/listing/index.js';
import type { ClientCore } from '../client/core.js';
import { globMatcher } from './glob.js';
import type { SearchOptions } from './options.js';
import { treeEntries, walkRemote } from './walk-remote.js';

/**
 * `search(pattern, path)`: every entry below `path` (files, folders and links) whose
 * name matches the glob, with its full path, sorted by path. The walk lists
 * `concurrency` folders at once; a folder that cannot be listed is warned about and
 * skipped, and null means the starting folder itself could not be listed.
 */
export async function search(core: ClientCore, pattern: string, path: string, options: SearchOptions): Promise<ListingEntry[] | null> {
  const matches = globMatcher(pattern, options.ignoreCase ? { ignoreCase: true } : {});
  const tree = await walkRemote(core, core.resolve(path), { concurrency: options.concurrency ?? core.settings.limits.connections, signal: options.signal });
  return tree.unread.includes('') ? null : treeEntries(tree, (entry) => matches(entry.name));
}
