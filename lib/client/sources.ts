import { Readable } from 'node:stream';
import { InvalidArgumentError } from '../../common/errors.js';
import { readableChunks } from './readable-chunks.js';

export type UploadSource = Buffer | Uint8Array | string | Readable | AsyncIterable<Buffer | Uint8Array | string>;

/**
 * What `uploadFrom` sends, readable across retries. Bytes in memory can be sent again
 * from any offset; a stream cannot be rewound, so it can be retried only while none of
 * it has been taken. Each attempt iterates `chunks()`, a new view on the one underlying
 * iterator, so that ending an attempt does not end the stream.
 */
export class UploadBody {
  readonly size: number | null;
  readonly #bytes: Buffer | null;
  readonly #stream: AsyncIterator<Buffer | Uint8Array | string> | null;
  readonly #readable: Readable | null;
  #taken = 0;

  constructor(source: UploadSource) {
    if (typeof source === 'string' || source instanceof Uint8Array) {
      this.#bytes = typeof source === 'string' ? Buffer.from(source, 'utf8') : Buffer.from(source.buffer, source.byteOffset, source.byteLength);
      this.size = this.#bytes.length;
      this.#stream = null;
      this.#readable = null;
    } else if (source !== null && typeof source === 'object' && Symbol.asyncIterator in source) {
      this.#bytes = null;
      this.size = null;
      this.#readable = source instanceof Readable ? source : null;
      this.#stream = this.#readable ? readableChunks(this.#readable) : source[Symbol.asyncIterator]();
    } else {
      throw new InvalidArgumentError('uploadFrom takes a Buffer, a string, a Readable or an async iterable of chunks');
    }
  }

  /** Bytes taken from a stream so far (0 for bytes in memory, which can always be sent again). */
  get taken(): number {
    return this.#taken;
  }

  get rewindable(): boolean {
    return this.#bytes !== null;
  }

  /** The bytes from `offset` on. For a stream only offset 0 exists, and only before anything was taken. */
  chunks(offset = 0): AsyncIterable<Buffer> {
    if (this.#bytes) return once(this.#bytes.subarray(offset));
    const stream = this.#stream!;
    return {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<Buffer>> => {
          const step = await stream.next();
          if (step.done) return { done: true, value: undefined };
          const chunk = typeof step.value === 'string' ? Buffer.from(step.value, 'utf8') : Buffer.from(step.value.buffer, step.value.byteOffset, step.value.byteLength);
          this.#taken += chunk.length;
          return { done: false, value: chunk };
        },
      }),
    };
  }

  /** Lets go of a stream the upload gave up on. */
  discard(): void {
    this.#readable?.destroy();
  }
}

async function* once(chunk: Buffer): AsyncIterable<Buffer> {
  yield chunk;
}
