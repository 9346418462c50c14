import { Writable } from 'node:stream';
import { abortableWait } from '../../common/abort.js';
import type { FtpConnection } from '../../protocol/connection.js';
import { ListingParser } from '../../protocol/listing/index.js';
import { remoteName, remoteParent } from './remote-path.js';

// A fetch of many files from one folder asks that folder's listing once for their sizes,
// where SIZE would cost a command and a round trip per file: a third of the commands of a
// small file's download (lftp's mirror lists too). What the listing does not show (a
// hidden name, a link, an empty file, a line cut off, a listing that failed) is asked
// with SIZE as before. A size from it is trusted as SIZE's is: a file shorter than it
// fails that attempt, and a retry asks SIZE. The listing comes from the server, which is
// not trusted: it can fail the listing, never the fetch, and what is kept of it is the
// sizes of the files wanted, nothing more.

/** A folder is listed when a fetch takes at least this many files from it. */
export const LISTED_FROM = 16;
// The listing is read no further than these bytes per file wanted (an MLSD or ls line is
// about 60-150 bytes), at least MIN_BUDGET: a huge folder costs a bounded read.
const BYTES_PER_WANTED = 1024;
const MIN_BUDGET = 256 * 1024;

/** Asks, on the connection given, the size of a remote file as its folder's listing shows it; an abort of `signal` stops the wait. */
export type ListedSize = (connection: FtpConnection, signal: AbortSignal | undefined) => Promise<number | undefined>;

/**
 * For the absolute remote paths of one fetch: a ListedSize for each file of a folder the
 * fetch takes LISTED_FROM files or more from, undefined for the others. Each folder is
 * listed once, on the connection of the first download that asks.
 */
export function listedSizes(paths: readonly string[]): (path: string) => ListedSize | undefined {
  const wanted = new Map<string, Set<string>>();
  for (const path of paths) {
    const folder = remoteParent(path);
    let names = wanted.get(folder);
    if (!names) wanted.set(folder, (names = new Set()));
    names.add(remoteName(path));
  }
  const listings = new Map<string, Promise<Map<string, number>>>();
  return (path) => {
    const folder = remoteParent(path);
    const names = wanted.get(folder);
    if (!names || names.size < LISTED_FROM) return undefined;
    return async (connection, signal) => {
      let sizes = listings.get(folder);
      if (!sizes) {
        sizes = fileSizes(connection, folder, names, Math.max(MIN_BUDGET, names.size * BYTES_PER_WANTED));
        listings.set(folder, sizes);
      }
      // Another download's connection may be the one listing: this one's abort must not wait for it.
      return (await abortableWait(sizes, signal)).get(remoteName(path));
    };
  };
}

/**
 * The sizes of the wanted plain files a folder's listing shows (MLSD when the server has
 * it, else LIST), read up to `budget` bytes. A listing that fails gives none.
 */
async function fileSizes(connection: FtpConnection, folder: string, wanted: ReadonlySet<string>, budget: number): Promise<Map<string, number>> {
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
  // A size of 0 may be a size the line did not give (an MLSD entry without size=): an
  // empty file asks SIZE rather than turn off the check of a transfer cut short.
  const take = (entries: Iterable<{ name: string; type: string; size: number; exactSize?: bigint }>): void => {
    for (const entry of entries) {
      if (entry.type === 'file' && entry.size > 0 && entry.exactSize === undefined && wanted.has(entry.name)) sizes.set(entry.name, entry.size);
    }
  };
  // The sink never fails: past the budget the data flow hands it its last piece with no
  // one listening for its errors, and a line too long for the parser must not become an
  // uncaught 'error'. A listing it could not read is simply not used.
  let unreadable = false;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (!unreadable) {
        try {
          take(parser.push(chunk));
        } catch {
          unreadable = true;
        }
      }
      callback();
    },
  });
  let read = 0;
  try {
    await connection.receive(connection.features.mlst ? 'MLSD' : 'LIST', folder, sink, { length: budget, onBytes: (n) => (read += n) });
    // Cut at the budget, the last line may be a piece of one: it is not read.
    if (read < budget && !unreadable) take(parser.end());
  } catch {
    unreadable = true;
  }
  if (unreadable) sizes.clear(); // what came before may be a listing's start, or anything: SIZE asks afresh
  return sizes;
}
