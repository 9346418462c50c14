// Whether a file's bytes may be read or written synchronously right now. From the page
// cache a 256 KiB read took 16 µs here (median; 58 µs at the 99th percentile, 0.9 ms at
// most over 1 GiB), a write of 64 KiB a few tens: less than a trip through the thread
// pool, which costs two thread wake-ups and leaves the event loop idle in between. A call
// slower than `slowMs` says a disk is behind it (a seek, a network file system, writeback
// throttling): every file then goes through the thread pool for `poolForMs`, so a slow
// disk holds the event loop for one call, at most once in that time. (At 1 ms, a read
// descheduled on a busy two-core machine was enough to send transfers to the pool.)
export const diskPacing = { slowMs: 4, poolForMs: 1000, poolUntil: 0 };

/** performance.now() when a synchronous call may be made now, else null. */
export function syncStart(): number | null {
  const now = performance.now();
  return now >= diskPacing.poolUntil ? now : null;
}

/** Records that a synchronous call begun at `started` is over: a slow one sends calls to the pool for a while. */
export function syncDone(started: number): void {
  const now = performance.now();
  if (now - started > diskPacing.slowMs) diskPacing.poolUntil = now + diskPacing.poolForMs;
}
