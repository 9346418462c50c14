// Waiting for a state or an event instead of sleeping and hoping. The bounds here only
// turn a hang into a failure with a name: they are not speed targets (those live in
// bench/), so they are far beyond anything a busy machine makes of a working wait.
import { setTimeout as sleep } from 'node:timers/promises';

/** Long enough that only a hang reaches it. */
export const HANG_MS = 30_000;

/** Resolves once `condition()` holds, checked every 10 ms; rejects after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = HANG_MS): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`still waiting after ${timeoutMs} ms for ${what}`);
    await sleep(10);
  }
}

/** `promise`, or a rejection naming `what` when it has not settled after `timeoutMs`. */
export function within<T>(promise: Promise<T>, what: string, timeoutMs = HANG_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${timeoutMs} ms for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

/** Like `until`, for a condition that must ask something (a server, a file) to be known. */
export async function untilAsync(condition: () => Promise<boolean>, what: string, timeoutMs = HANG_MS): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`still waiting after ${timeoutMs} ms for ${what}`);
    await sleep(10);
  }
}

/**
 * One turn of the event loop: every callback and promise already due has run. For a
 * check that something did NOT happen in code that waits on no timer and no I/O (a
 * pool of fakes, say), this is exact, where a sleep only hopes.
 */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
