import { setImmediate as turn } from 'node:timers/promises';

/**
 * Long synchronous work cut into slices of about `ms`, with the event loop let run between
 * them: other sessions keep answering while a huge folder is listed, and work that ends
 * within one slice (a folder of a few thousand entries) never waits for a turn of the loop.
 * Slices go by the clock, not by a count of items, so a slow disk or a busy machine gets
 * shorter batches rather than longer stalls.
 */
export class TimeSlice {
  readonly #ms: number;
  #start = performance.now();
  #count = 0;

  constructor(ms: number) {
    this.#ms = ms;
  }

  /** Call once per item: true once the slice has run out (then `await pause()`). */
  due(): boolean {
    // The clock is read every 32 items: reading it costs more than an lstat of a cached entry.
    return (++this.#count & 31) === 0 && performance.now() - this.#start >= this.#ms;
  }

  /** Lets the event loop run, then starts a new slice. */
  async pause(): Promise<void> {
    await turn();
    this.#start = performance.now();
  }
}
