import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FtpConnection } from '../../protocol/connection.js';
import { ConnectionError } from '../../common/errors.js';
import type { Throttle } from '../../common/throttle.js';
import { nativePath } from '../../protocol/text.js';
import type { Attempt } from './core.js';
import { closeFile } from './part-file.js';

// A segmented download (`segments: n`, as lftp's pget -n and aria2): the file read in n
// ranges at once, each with REST on a pooled connection of its own, into one part file
// made its full size first. Worth it where one connection is slower than the link: long
// round trips, or servers and middleboxes that throttle each connection.

/** A range is never smaller than this: below it a connection's set-up costs more than it saves. */
export const MIN_SEGMENT = 256 * 1024;

/** One range of the file, [start, end), and how much of it has arrived (a retry goes on from there). */
export interface Range {
  readonly start: number;
  readonly end: number;
  done: number;
}

/** How many ranges a file of `size` bytes is read in: at most `wanted`, and none under MIN_SEGMENT. */
export function segmentCount(size: number, wanted: number): number {
  return Math.max(1, Math.min(wanted, Math.floor(size / MIN_SEGMENT)));
}

/** `count` ranges of about equal length covering [0, size). */
export function splitRanges(size: number, count: number): Range[] {
  const step = Math.ceil(size / count);
  const ranges: Range[] = [];
  for (let start = 0; start < size; start += step) ranges.push({ start, end: Math.min(size, start + step), done: 0 });
  return ranges;
}

/** Makes the part file `size` bytes long (a sparse file where the disk allows), so that each range writes at its place. */
export async function preallocate(file: string, size: number): Promise<void> {
  const handle = await open(nativePath(file), 'w');
  try {
    await handle.truncate(size);
  } finally {
    await handle.close();
  }
}

/**
 * Reads the rest of one range: REST at where it stands, RETR, and the data connection
 * closed at the range's end (the server's 426 or 451 for that close is expected). A range
 * that ended short (the server closed early) is a lost connection: retried from there.
 */
async function readRange(connection: FtpConnection, source: string, file: string, range: Range, onBytes: (n: number) => void, throttle: Throttle | null): Promise<void> {
  const from = range.start + range.done;
  if (from >= range.end) return;
  const sink = createWriteStream(nativePath(file), { flags: 'r+', start: from });
  try {
    await connection.receive('RETR', source, sink, {
      offset: from,
      length: range.end - from,
      throttle,
      onBytes: (n) => {
        range.done += n;
        onBytes(n);
      },
    });
    await closeFile(sink, true);
  } finally {
    await closeFile(sink, false).catch(() => {});
  }
  if (range.start + range.done < range.end) {
    throw new ConnectionError(`${source}: bytes ${range.start}-${range.end - 1}: the server ended the range after ${range.done} of ${range.end - range.start}`);
  }
}

/**
 * Reads every unfinished range at once: the first on `first` (the connection the download
 * already holds), the others each on a connection leased from the pool. Every range runs to
 * its end or its failure before this settles, so that a retry never races a range still
 * writing; the first failure is then thrown, and the retry reads only what is missing.
 */
/** `throttle`: the transfer's bandwidth limits, which every range draws from together. */
export async function readRanges(attempt: Attempt, first: FtpConnection, source: string, file: string, ranges: readonly Range[], onBytes: (n: number) => void, throttle: Throttle | null = null): Promise<void> {
  const open = ranges.filter((range) => range.start + range.done < range.end);
  const results = await Promise.allSettled(open.map((range, i) =>
    i === 0 ? readRange(first, source, file, range, onBytes, throttle) : attempt.use((connection) => readRange(connection, source, file, range, onBytes, throttle)),
  ));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}
