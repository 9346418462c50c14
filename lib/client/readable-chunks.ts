import type { Readable } from 'node:stream';

/**
 * A Readable's chunks one at a time, as they were pushed. Its own async iterator calls
 * read(), which returns everything buffered joined into one new buffer: a source that
 * pushes 1 MiB chunks came out as fresh 2 MiB copies, and uploading 1 GiB from memory
 * cost 3× basic-ftp's page faults (a 2 MiB allocation is an mmap, faulted in page by
 * page). In flowing mode a Readable hands out each chunk as it is; it is paused after
 * each one and resumed when the next is asked for, so it holds no more than before.
 */
export function readableChunks(readable: Readable): AsyncIterator<Buffer | string> {
  const queue: (Buffer | string)[] = [];
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  let listening = false;
  const poke = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const onData = (chunk: Buffer | string): void => {
    queue.push(chunk);
    readable.pause();
    poke();
  };
  const onEnd = (): void => {
    ended = true;
    poke();
  };
  const onError = (error: Error): void => {
    failure ??= error;
    poke();
  };
  const onClose = (): void => {
    if (!ended) failure ??= Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
    poke();
  };
  const stop = (): void => {
    readable.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
  };
  return {
    async next(): Promise<IteratorResult<Buffer | string>> {
      if (!listening) {
        listening = true;
        if (readable.errored) failure = readable.errored;
        else if (readable.readableEnded) ended = true;
        else if (readable.destroyed) onClose();
        readable.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
      }
      for (;;) {
        const chunk = queue.shift();
        if (chunk !== undefined) return { done: false, value: chunk };
        if (failure) {
          stop();
          throw failure;
        }
        if (ended) {
          stop();
          return { done: true, value: undefined };
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          readable.resume();
        });
      }
    },
    async return(): Promise<IteratorResult<Buffer | string>> {
      stop();
      readable.destroy();
      return { done: true, value: undefined };
    },
  };
}
