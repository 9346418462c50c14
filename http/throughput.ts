// Bytes per second over the last minutes, from the servers' running byte totals: a
// sample every `stepMs`, kept for `windowMs`, so the status view can draw a small chart
// that already has a history when it is opened. Pure apart from the clock it is given.

export interface ThroughputPoint {
  /** ISO time of the end of the step. */
  at: string;
  /** Bytes per second received (uploads) and sent (downloads) during the step. */
  in: number;
  out: number;
}

export class Throughput {
  readonly #stepMs: number;
  readonly #keep: number;
  readonly #points: ThroughputPoint[] = [];
  #last: { time: number; in: number; out: number } | null = null;

  constructor(stepMs = 2000, windowMs = 5 * 60_000) {
    this.#stepMs = stepMs;
    this.#keep = Math.ceil(windowMs / stepMs);
  }

  get stepMs(): number {
    return this.#stepMs;
  }

  /** Records the totals at `time` (ms); the first call only sets the starting point. */
  sample(time: number, totalIn: number, totalOut: number): void {
    const last = this.#last;
    this.#last = { time, in: totalIn, out: totalOut };
    if (last === null || time <= last.time) return;
    const seconds = (time - last.time) / 1000;
    this.#points.push({ at: new Date(time).toISOString(), in: Math.max(0, totalIn - last.in) / seconds, out: Math.max(0, totalOut - last.out) / seconds });
    if (this.#points.length > this.#keep) this.#points.splice(0, this.#points.length - this.#keep);
  }

  points(): ThroughputPoint[] {
    return this.#points.map((p) => ({ ...p }));
  }
}
