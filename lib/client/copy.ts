import { PassThrough } from 'node:stream';
import { FtpPyError } from '../../common/errors.js';
import type { ClientCore } from './core.js';
import { meter, type TransferOptions } from './options.js';
import { ensureRemoteDir, remoteExists } from './remote-listing.js';
import { remoteParent } from './remote-path.js';

/**
 * Copies hold two connections at once. If every connection were held by a copy waiting
 * for its second, none would ever get one; at most half the pool copying at a time
 * leaves a second connection for each of them.
 */
class CopySlots {
  #free: number;
  readonly #queue: (() => void)[] = [];

  constructor(connections: number) {
    this.#free = Math.floor(connections / 2);
  }

  async take(): Promise<() => void> {
    if (this.#free > 0) this.#free -= 1;
    else await new Promise<void>((resolve) => this.#queue.push(resolve));
    return () => {
      const next = this.#queue.shift();
      if (next) next();
      else this.#free += 1;
    };
  }
}

const slots = new WeakMap<ClientCore, CopySlots>();

/**
 * `copy(from, to)` on the server: RETR on one pooled connection streamed straight into
 * STOR on another, through a small buffer, with no temporary file. Backpressure carries
 * across: when the upload's server reads slowly, the download's socket is paused (and
 * its read timeout held), so memory stays flat whatever the size.
 */
export async function copy(core: ClientCore, from: string, to: string, options: TransferOptions): Promise<boolean> {
  const source = core.resolve(from);
  const target = core.resolve(to);
  let copySlots = slots.get(core);
  if (!copySlots) slots.set(core, (copySlots = new CopySlots(core.settings.limits.connections)));
  const gate = copySlots;
  return core.run({ name: 'copy', path: `${source} -> ${target}`, fallback: false, signal: options.signal }, async (attempt) => {
    if (core.settings.limits.connections < 2) throw new FtpPyError('FTPPY_ERR_INVALID_ARGUMENT', 'copy needs two connections at once (Limits.connections ≥ 2)');
    const release = await gate.take();
    try {
      return await attempt.use((reader) =>
        attempt.use(async (writer) => {
          if (options.replace === false && (await remoteExists(writer, target))) return true;
          if (options.dirs) await ensureRemoteDir(writer, remoteParent(target));
          const pipe = new PassThrough({ highWaterMark: 256 * 1024 });
          let flowing = (): void => {};
          const firstBytes = new Promise<void>((resolve) => (flowing = resolve));
          const onBytes = meter(options.progress, null, 0, (n) => {
            core.countReceived(n);
            flowing();
          });
          // Whichever side fails first takes the other down with it, rather than leaving it waiting.
          const cut = (error: unknown): never => {
            pipe.destroy(error instanceof Error ? error : new Error(String(error)));
            throw error;
          };
          const down = reader.receive('RETR', source, pipe, { onBytes, throttle: core.throttle(options) }).then(() => void pipe.end()).catch(cut);
          // STOR only once RETR delivers (or ends): a source that cannot be read must not leave an empty target.
          await Promise.race([firstBytes, down]);
          const up = writer.send('STOR', target, pipe, { onBytes: (n) => core.countSent(n) }).catch(cut);
          await Promise.all([down, up]);
          return true;
        }),
      );
    } finally {
      release();
    }
  });
}
