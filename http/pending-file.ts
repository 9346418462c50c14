import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { FileSystemError, type Upload, type UserFileSystem } from '../server/index.js';
import { webEntry, type WebEntry } from './entry.js';
import { HttpError, toHttpError } from './errors.js';

// One file being received. It goes through the user's filesystem `upload`, which writes
// a temporary file beside the target and renames it over the target on `commit`: until
// then nothing appears under the target's name, so a body that is cut, malformed or too
// large leaves the old file (or no file) in place.

export class PendingFile {
  readonly path: string;
  /** True when nothing was at `path` before: the answer is 201 Created. */
  readonly created: boolean;
  readonly #fs: UserFileSystem;
  readonly #upload: Upload;
  #failure: FileSystemError | null = null;
  #settled = false;

  private constructor(fs: UserFileSystem, path: string, created: boolean, upload: Upload) {
    this.#fs = fs;
    this.path = path;
    this.created = created;
    this.#upload = upload;
    // A write stream can fail between our writes (a full disk); keep it for the next one
    // instead of letting an unheard 'error' take the process down.
    upload.stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof FileSystemError) return void (this.#failure ??= error); // the quota's, told as such
      const full = error.code === 'ENOSPC' || error.code === 'EDQUOT' || error.code === 'EFBIG';
      this.#failure ??= new FileSystemError(full ? 'ENOSPC' : 'EIO', path, undefined, { cause: error });
    });
  }

  static async open(fs: UserFileSystem, path: string): Promise<PendingFile> {
    const existing = await fs.stat(path).catch((error: unknown) => {
      if (error instanceof FileSystemError && error.code === 'ENOENT') return null;
      throw error;
    });
    if (existing?.kind === 'dir') throw new HttpError(409, `${path} is a folder`);
    try {
      return new PendingFile(fs, path, existing === null, await fs.upload(path));
    } catch (error) {
      if (error instanceof FileSystemError && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) {
        throw new HttpError(409, `No folder to hold ${path} (add ?dirs=1 to create it)`, {}, { cause: error });
      }
      throw error;
    }
  }

  /** Writes a chunk, waiting while the disk is slower than the network. */
  async write(chunk: Buffer): Promise<void> {
    if (this.#failure) throw toHttpError(this.#failure);
    if (this.#upload.stream.write(chunk)) return;
    await once(this.#upload.stream, 'drain').catch(() => {
      throw toHttpError(this.#failure);
    });
  }

  /** Every byte is on disk (still under the temporary name). */
  async finish(): Promise<void> {
    if (this.#failure) throw toHttpError(this.#failure);
    this.#upload.stream.end();
    await finished(this.#upload.stream).catch((error: unknown) => {
      throw toHttpError(this.#failure ?? error);
    });
  }

  /** Puts the file in place under its name, and says what is there now. */
  async commit(): Promise<WebEntry> {
    await this.#upload.commit();
    this.#settled = true;
    return webEntry(await this.#fs.stat(this.path));
  }

  /** Throws the temporary file away; the target is as it was. */
  async discard(): Promise<void> {
    if (this.#settled) return;
    this.#settled = true;
    this.#upload.stream.destroy();
    await this.#upload.discard();
  }
}
