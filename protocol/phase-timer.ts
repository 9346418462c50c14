/**
 * What a connection is waiting for. Each phase has its own limit (Timeout.connect for
 * `connect`, Timeout.read for `reply` and `read`, Timeout.write for `write`); `held` is
 * the one phase that never times out: our own side is holding the bytes back.
 */
export type Phase = 'idle' | 'connect' | 'reply' | 'read' | 'write' | 'held';

/**
 * One timer per connection, whatever it waits for: the connection moves it from phase to
 * phase instead of starting a timer per wait, so no wait can forget its bound and a
 * stale timer of a finished wait cannot fire later.
 *
 * Data flow does not re-arm the Node timer per chunk: `touch()` only notes the time, and
 * when the timer fires early for a phase that has seen activity it sleeps again for the
 * remainder. That keeps a 1 GiB transfer from rescheduling a timer a hundred thousand
 * times.
 */
export class PhaseTimer {
  #phase: Phase = 'idle';
  #limitMs = 0;
  #last = 0;
  #timer: NodeJS.Timeout | null = null;
  readonly #onTimeout: (phase: Phase, seconds: number) => void;

  constructor(onTimeout: (phase: Phase, seconds: number) => void) {
    this.#onTimeout = onTimeout;
  }

  get phase(): Phase {
    return this.#phase;
  }

  /** Enters `phase`, bounded by `seconds` from now. `idle` and `held` stop the clock. */
  enter(phase: Phase, seconds = 0): void {
    this.#phase = phase;
    this.#clear();
    if (phase === 'idle' || phase === 'held') return;
    this.#limitMs = seconds * 1000;
    this.#last = performance.now();
    this.#schedule(this.#limitMs);
  }

  /** Something happened in the current phase: its limit counts again from now. */
  touch(): void {
    this.#last = performance.now();
  }

  stop(): void {
    this.enter('idle');
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(this.#fire, Math.max(1, Math.ceil(ms)));
    this.#timer.unref?.();
  }

  readonly #fire = (): void => {
    this.#timer = null;
    const waited = performance.now() - this.#last;
    if (waited < this.#limitMs) return this.#schedule(this.#limitMs - waited);
    const phase = this.#phase;
    this.#phase = 'idle';
    this.#onTimeout(phase, this.#limitMs / 1000);
  };

  #clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
