import { closeSync, createWriteStream, futimesSync, openSync, renameSync, writeSync, type WriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import { nativePath } from '../../protocol/text.js';

/**
 * Files up to this size, when their size is known before they come, are received into
 * memory and written with synchronous calls: five system calls of a few microseconds cost
 * far less than five trips through libuv's thread pool and a WriteStream, which is most of
 * what downloading a tree of small files costs the client; and they block the event loop
 * no longer than reading a listing does.
 */
export const SMALL_FILE = 64 * 1024;

/**
 * A sink that keeps a small file in memory. A file longer than its size said (it grew
 * since, a log being written) is no failure; past SMALL_FILE its bytes go on to a file
 * at `path`, opened then, so that memory stays bounded: `data` is then null, and the
 * file holds everything once the sink has closed.
 */
export class MemorySink extends Writable {
  #chunks: Buffer[] = [];
  #bytes = 0;
  #file: WriteStream | null = null;

  constructor(readonly path: string) {
    super();
  }

  /** The whole file, or null when it outgrew memory and went to `path`. */
  get data(): Buffer | null {
    if (this.#file) return null;
    return this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#bytes);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#file) return void this.#file.write(chunk, callback);
    this.#bytes += chunk.length;
    this.#chunks.push(chunk);
    if (this.#bytes <= SMALL_FILE) return callback();
    this.#file = createWriteStream(nativePath(this.path));
    this.#file.on('error', () => {}); // a write's callback or _final reports it
    const held = Buffer.concat(this.#chunks, this.#bytes);
    this.#chunks = [];
    this.#file.write(held, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    const file = this.#file;
    if (!file) return callback();
    file.once('error', callback).once('close', () => callback());
    file.end();
  }

  // The sink closes once its file has: whoever removes or renames the file comes after.
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const file = this.#file;
    if (!file || file.closed) return callback(error);
    file.once('close', () => callback(error));
    file.destroy();
  }
}

/** Writes `data` to `temp`, gives it `modified`, and renames it onto `target`: the target never holds part of it. */
export function placeFile(temp: string, target: string, data: Buffer, modified?: Date): void {
  const fd = openSync(nativePath(temp), 'w');
  try {
    for (let at = 0; at < data.length; ) at += writeSync(fd, data, at);
    if (modified) futimesSync(fd, new Date(), modified);
  } finally {
    closeSync(fd);
  }
  renameSync(nativePath(temp), nativePath(target));
}
