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
 * Neither a phase nor data re-arms the Node timer. `enter()` and `touch()` only note the
 * phase, its limit and the time; the timer, once armed, wakes at least as often as the
 * shortest limit seen, and when it wakes before the current phase is due it sleeps again
 * for what is left (at most that shortest limit). A phase can be due before the timer
 * wakes only when its limit is a new shortest, and only then is the timer armed anew; a
 * small file's five phases cost no timer at all, where a timer per phase was five
 * `setTimeout` and `clearTimeout` per file. A timer that wakes while nothing is awaited
 * is not armed again until the next phase.
 */
export class PhaseTimer {
  #phase: Phase = 'idle';
  #limitMs = 0;
  #last = 0;
  /** The shortest limit entered so far: no sleep of the timer is longer. */
  #tickMs = Infinity;
  #timer: NodeJS.Timeout | null = null;
  /** When the armed timer wakes (performance.now() time). */
  #wakesAt = 0;
  #disposed = false;
  readonly #onTimeout: (phase: Phase, seconds: number) => void;

  constructor(onTimeout: (phase: Phase, seconds: number) => void) {
    this.#onTimeout = onTimeout;
  }

  get phase(): Phase {
    return this.#phase;
  }

  /** Enters `phase`, bounded by `seconds` from now. `idle` and `held` stop the clock. */
  enter(phase: Phase, seconds = 0): void {
    if (this.#disposed) return;
    this.#phase = phase;
    if (phase === 'idle' || phase === 'held') return;
    const now = performance.now();
    this.#limitMs = seconds * 1000;
    this.#last = now;
    if (this.#limitMs < this.#tickMs) this.#tickMs = this.#limitMs;
    // Every sleep is at most the shortest limit seen, so a timer armed for later than this
    // phase is due only when this limit is a new shortest.
    if (this.#timer === null || this.#wakesAt > now + this.#limitMs) this.#arm(now, this.#tickMs);
  }

  /** Something happened in the current phase: its limit counts again from now. */
  touch(): void {
    this.#last = performance.now();
  }

  /** Between waits: nothing is awaited, and a timer that wakes now is not armed again. */
  stop(): void {
    this.enter('idle');
  }

  /** The connection has ended: the timer goes at once (it would hold the connection until it woke), and is not armed again. */
  dispose(): void {
    this.#disposed = true;
    this.#phase = 'idle';
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(now: number, ms: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    const delay = Math.max(1, Math.ceil(ms));
    this.#wakesAt = now + delay;
    this.#timer = setTimeout(this.#fire, delay);
    this.#timer.unref?.();
  }

  readonly #fire = (): void => {
    this.#timer = null;
    if (this.#phase === 'idle' || this.#phase === 'held') return;
    const now = performance.now();
    const left = this.#limitMs - (now - this.#last);
    if (left > 0) return this.#arm(now, Math.min(left, this.#tickMs));
    const phase = this.#phase;
    this.#phase = 'idle';
    this.#onTimeout(phase, this.#limitMs / 1000);
  };
}
