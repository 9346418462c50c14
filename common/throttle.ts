import { Readable } from 'node:stream';

// Bandwidth limits, for the client (`Limits({ rate })`, a transfer's `rate`) and the
// server (an account's `rate`) alike: a token bucket per limit, and two adapters that
// pace a copy with it: `PacedSource` for a Readable copied by hand ('data' events, pause
// and resume), `paced()` for an async iterable. The bucket is pure arithmetic on an
// injected clock, so its pace is tested without waiting (spec/common/throttle.spec.ts).

/** Milliseconds, from any fixed origin. */
export type Clock = () => number;

const systemClock: Clock = () => performance.now();

/** The smallest rate a limit takes, bytes per second: one network read (up to 64 KiB) then waits 16 s at most, well inside every stall timeout. */
export const MIN_RATE = 4096;

/**
 * `rate` bytes per second. The bucket holds a quarter second of the rate, so that a
 * transfer that paused cannot burst for long afterwards: over any second, at most 1.25×
 * the rate plus one chunk goes through. `take` lets a chunk through at once and runs into
 * debt; the debt is the wait before the next one.
 */
export class TokenBucket {
  readonly rate: number;
  readonly capacity: number;
  readonly #clock: Clock;
  #tokens: number;
  #at: number;

  constructor(rate: number, clock: Clock = systemClock) {
    this.rate = rate;
    this.capacity = Math.max(1, Math.floor(rate / 4));
    this.#clock = clock;
    this.#tokens = this.capacity;
    this.#at = clock();
  }

  /** Counts `bytes` as sent; returns how many milliseconds to wait before sending more. */
  take(bytes: number): number {
    const now = this.#clock();
    this.#tokens = Math.min(this.capacity, this.#tokens + ((now - this.#at) * this.rate) / 1000);
    this.#at = now;
    this.#tokens -= bytes;
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens * 1000) / this.rate);
  }
}

/**
 * The limits one transfer obeys: the client's shared bucket and the operation's own, or
 * an account's bucket on the server. Every bucket is charged; the slowest sets the pace.
 */
export class Throttle {
  readonly #buckets: readonly TokenBucket[];

  constructor(buckets: readonly TokenBucket[]) {
    this.#buckets = buckets;
  }

  /** A throttle over the buckets given, or null when there is none (no limit). */
  static of(...buckets: (TokenBucket | null | undefined)[]): Throttle | null {
    const real = buckets.filter((b): b is TokenBucket => b != null);
    return real.length === 0 ? null : new Throttle(real);
  }

  take(bytes: number): number {
    let wait = 0;
    for (const bucket of this.#buckets) wait = Math.max(wait, bucket.take(bytes));
    return wait;
  }

  /** The largest piece `paced()` sends at once: a quarter of the slowest bucket, so bytes keep moving. */
  get piece(): number {
    return Math.max(1024, Math.min(...this.#buckets.map((b) => b.capacity)));
  }
}

/**
 * Paces a Readable that a copy loop reads by hand ('data' events): after each chunk the
 * source is paused for as long as the throttle says. The loop's own pause (the sink is
 * full) is told here too, so that the source resumes only when neither holds it.
 * `onHold` hears when the source stops and starts for either reason (a timer on hold).
 */
export class PacedSource {
  readonly #source: Readable;
  readonly #throttle: Throttle | null;
  readonly #onHold: ((held: boolean) => void) | undefined;
  #sinkFull = false;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(source: Readable, throttle: Throttle | null, onHold?: (held: boolean) => void) {
    this.#source = source;
    this.#throttle = throttle;
    this.#onHold = onHold;
  }

  /** After a chunk of `bytes` went on: waits, when the throttle says so. */
  passed(bytes: number): void {
    const wait = this.#throttle?.take(bytes) ?? 0;
    if (wait <= 0 || this.#timer || this.#stopped) return;
    this.#hold();
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#release();
    }, wait);
  }

  sinkFull(): void {
    this.#sinkFull = true;
    this.#hold();
  }

  /** Whether the source is held now, by the sink or by the limit. */
  get held(): boolean {
    return this.#sinkFull || this.#timer !== null;
  }

  drained(): void {
    this.#sinkFull = false;
    this.#release();
  }

  /** The copy is over (ended or failed): no resume after this. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #hold(): void {
    this.#source.pause();
    this.#onHold?.(true);
  }

  #release(): void {
    if (this.#stopped || this.#sinkFull || this.#timer) return;
    this.#onHold?.(false);
    this.#source.resume();
  }
}

/** Waits `ms`, or less when `signal` aborts (the copy is over: the caller sees that itself). */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * The chunks of `source` at the throttle's pace, large ones cut into pieces of at most
 * `throttle.piece` bytes so that a slow rate sends a little often rather than a lot then
 * nothing (which would also look like a stalled connection).
 */
export async function* paced(source: AsyncIterable<Buffer | string>, throttle: Throttle, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const piece = throttle.piece;
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let at = 0; at < bytes.length; at += piece) {
      const part = bytes.subarray(at, at + piece);
      yield part;
      const wait = throttle.take(part.length);
      if (wait > 0) await pause(wait, signal);
    }
  }
}

/**
 * A file's bytes for a download (RETR, the web API's GET) at the throttle's pace, or the
 * stream itself when there is no limit. Through `paced()`, not PacedSource: a large
 * file's reads are 256 KiB, which PacedSource would send at once and then wait for
 * (64 s at MIN_RATE, past a client's stall timeout), and it owes nothing for the last
 * chunk, so a file of one read went out unthrottled, however many were fetched.
 */
export function pacedDownload(source: Readable, throttle: Throttle | null, signal?: AbortSignal): Readable {
  return throttle ? Readable.from(paced(source, throttle, signal), { objectMode: false }) : source;
}

const SUFFIX: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** A rate as curl's `--limit-rate` writes it: bytes per second, or with k, M or G (powers of 1024). */
export function parseRate(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kmg]?)$/i.exec(text.trim());
  const rate = match ? Math.floor(Number(match[1]) * SUFFIX[match[2]!.toLowerCase()]!) : Number.NaN;
  if (!(rate >= 1)) throw new RangeError(`not a rate: ${JSON.stringify(text)} (bytes per second, or with a suffix: 100k, 5M, 1G)`);
  return rate;
}

/** Checks a rate option: a whole number of bytes per second, at least MIN_RATE. */
export function checkRate(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_RATE || value > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`${field} must be a whole number of bytes per second, at least ${MIN_RATE}, got ${String(value)}`);
  }
  return value;
}
