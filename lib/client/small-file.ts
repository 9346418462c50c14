import { closeSync, futimesSync, openSync, renameSync, writeSync } from 'node:fs';
import { Writable } from 'node:stream';
import type { FtpConnection } from '../../protocol/connection.js';
import { ConnectionError } from '../../protocol/errors.js';

/**
 * Files up to this size, when their size is known before they come, are received into
 * memory and written with synchronous calls: five system calls of a few microseconds cost
 * far less than five trips through libuv's thread pool and a WriteStream, which is most of
 * what downloading a tree of small files costs the client; and they block the event loop
 * no longer than reading a listing does.
 */
export const SMALL_FILE = 64 * 1024;

/** RETR into memory; more bytes than `size` fail the transfer (the file changed since its size was read). */
export async function receiveSmall(connection: FtpConnection, source: string, size: number, onBytes: (n: number) => void): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > size) return callback(new ConnectionError(`${source}: more than the ${size} bytes expected`));
      chunks.push(chunk);
      callback();
    },
  });
  await connection.receive('RETR', source, sink, { onBytes });
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes);
}

/** Writes `data` to `temp`, gives it `modified`, and renames it onto `target`: the target never holds part of it. */
export function placeFile(temp: string, target: string, data: Buffer, modified?: Date): void {
  const fd = openSync(temp, 'w');
  try {
    for (let at = 0; at < data.length; ) at += writeSync(fd, data, at);
    if (modified) futimesSync(fd, new Date(), modified);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, target);
}
