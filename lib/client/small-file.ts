import { closeSync, futimesSync, openSync, renameSync, writeSync } from 'node:fs';
import { Writable } from 'node:stream';
import { ConnectionError } from '../../protocol/errors.js';

/**
 * Files up to this size, when their size is known before they come, are received into
 * memory and written with synchronous calls: five system calls of a few microseconds cost
 * far less than five trips through libuv's thread pool and a WriteStream, which is most of
 * what downloading a tree of small files costs the client; and they block the event loop
 * no longer than reading a listing does.
 */
export const SMALL_FILE = 64 * 1024;

/** A sink that keeps a small file in memory; more bytes than `size` fail the transfer (the file changed since its size was read). */
export class MemorySink extends Writable {
  readonly #chunks: Buffer[] = [];
  #bytes = 0;

  constructor(readonly source: string, readonly size: number) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#bytes += chunk.length;
    if (this.#bytes > this.size) return callback(new ConnectionError(`${this.source}: more than the ${this.size} bytes expected`));
    this.#chunks.push(chunk);
    callback();
  }

  get data(): Buffer {
    return this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#bytes);
  }
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
