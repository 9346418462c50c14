import { Writable } from 'node:stream';
import type { FtpConnection } from '../../protocol/connection.js';
import { ListingParser } from '../../protocol/listing/index.js';
import { remoteName, remoteParent } from './remote-path.js';

// A fetch of many files from one folder asks that folder's listing once for their sizes,
// where SIZE would cost a command and a round trip per file: a third of the commands of a
// small file's download (lftp's mirror lists too). What the listing does not show (a
// hidden name, a link, a line cut off) is asked with SIZE as before, so the listing only
// saves work and never decides whether a file is fetched. A size from it is as trusted as
// SIZE's: a file shorter than it fails and is retried, and a retry asks SIZE.

/** A folder is listed when a fetch takes at least this many files from it. */
export const LISTED_FROM = 16;
// The listing is read no further than these bytes per file wanted (an MLSD or ls line is
// about 60-150 bytes), at least MIN_BUDGET: a huge folder costs a bounded read.
const BYTES_PER_WANTED = 1024;
const MIN_BUDGET = 256 * 1024;

/** Asks, on the connection given, the size of a remote file as its folder's listing shows it. */
export type ListedSize = (connection: FtpConnection) => Promise<number | undefined>;

/**
 * For the absolute remote paths of one fetch: a ListedSize for each file of a folder the
 * fetch takes LISTED_FROM files or more from, undefined for the others. Each folder is
 * listed once, on the connection of the first download that asks.
 */
export function listedSizes(paths: readonly string[]): (path: string) => ListedSize | undefined {
  const wanted = new Map<string, number>();
  for (const path of paths) {
    const folder = remoteParent(path);
    wanted.set(folder, (wanted.get(folder) ?? 0) + 1);
  }
  const listings = new Map<string, Promise<Map<string, number>>>();
  return (path) => {
    const folder = remoteParent(path);
    const count = wanted.get(folder) ?? 0;
    if (count < LISTED_FROM) return undefined;
    return async (connection) => {
      let sizes = listings.get(folder);
      if (!sizes) {
        sizes = fileSizes(connection, folder, Math.max(MIN_BUDGET, count * BYTES_PER_WANTED));
        listings.set(folder, sizes);
      }
      return (await sizes).get(remoteName(path));
    };
  };
}

/**
 * The sizes of the plain files a folder's listing shows (MLSD when the server has it,
 * else LIST), read up to `budget` bytes. A listing that fails gives none: it was only
 * there to save commands, and each download then asks SIZE.
 */
async function fileSizes(connection: FtpConnection, folder: string, budget: number): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  // Names it would refuse (unsafe) and lines it cannot read are simply not used here: a
  // download of such a name asks SIZE, and the listing itself is never shown to anyone.
  const parser = new ListingParser({
    dir: folder,
    encoding: connection.options.encoding ?? 'utf8',
    onRefused: () => {},
    onUnread: () => {},
    ...(connection.features.mlst ? { format: 'mlsd' as const } : {}),
  });
  const take = (entries: Iterable<{ name: string; type: string; size: number; exactSize?: bigint }>): void => {
    for (const entry of entries) if (entry.type === 'file' && entry.exactSize === undefined) sizes.set(entry.name, entry.size);
  };
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      try {
        take(parser.push(chunk));
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  let read = 0;
  try {
    await connection.receive(connection.features.mlst ? 'MLSD' : 'LIST', folder, sink, { length: budget, onBytes: (n) => (read += n) });
    // Cut at the budget, the last line may be a piece of one: it is not read.
    if (read < budget) take(parser.end());
  } catch {
    sizes.clear(); // a listing that failed part way may have shown anything so far; SIZE asks afresh
  }
  return sizes;
}
