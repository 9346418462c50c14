import { FtpPyError, TimeoutError } from '../common/errors.js';

/** What the pool needs of the things it pools (FtpConnection, or a fake in tests). */
export interface Poolable {
  readonly closed: boolean;
  onClose(listener: (error: Error) => void): void;
}

export interface PoolOptions<T extends Poolable> {
  /** Opens a new resource for `key` (a host). */
  create(key: string, signal?: AbortSignal): Promise<T>;
  /** Whether a resource is still usable (a NOOP); a false or a throw drops it. */
  check(resource: T): Promise<boolean>;
  /** Closes politely (QUIT); the pool does not wait for it. */
  close(resource: T): Promise<void>;
  /** Ends at once. */
  destroy(resource: T): void;
  /** Most resources open at once, all keys together. */
  connections: number;
  /** Idle resources kept for reuse; more are closed on release. */
  keepalive: number;
  /** Most resources open for one key. Default: `connections`. */
  host?: number;
  /** A resource idle longer than this (ms) is checked before reuse. Default 15 s. */
  checkIdleAfter?: number;
  /**
   * How long (ms) idle resources beyond `keepalive` linger before they are closed.
   * Default 1 s: a burst of work that ends and another that starts (a tree walk, then its
   * transfers) reuses its connections instead of logging in again. 0 closes at once.
   */
  trimAfter?: number;
  /**
   * Whether a failed `create` was the host refusing one connection more than it allows
   * (FTP's 421 at connect). Such a refusal while other resources of the key are open
   * lowers the key's limit to those, and the waiter waits for one of them instead of failing.
   */
  refusedForCap?(error: unknown): boolean;
  /** Told each time a key's limit is lowered so: the limit now, and the refusal. */
  onCapLearnt?(key: string, limit: number, error: unknown): void;
}

export interface AcquireOptions {
  key?: string;
  signal?: AbortSignal;
  /** `performance.now()` time by which a resource must be had, else a TimeoutError. */
  deadline?: number;
  /** A new resource, not an idle one (a retry after a failure). */
  fresh?: boolean;
}

/** How a resource comes back: fine, worth a check before its next use (it saw an error), or to be dropped. */
export type ReleaseState = 'ok' | 'suspect' | 'broken';

interface Waiter<T> {
  key: string;
  fresh: boolean;
  signal: AbortSignal | undefined;
  deadline: number | undefined;
  resolve: (resource: T) => void;
  reject: (error: unknown) => void;
  cleanup: () => void;
}

interface Idle<T> {
  resource: T;
  key: string;
  since: number;
  suspect: boolean;
}

export interface PoolStats {
  /** Resources open or being opened. */
  open: number;
  idle: number;
  /** Leased to an operation. */
  active: number;
  /** Operations waiting for a resource. */
  waiting: number;
  /** Resources opened since the pool began. */
  created: number;
}

/**
 * A pool of single-connection resources with the shape undici's Pool made familiar:
 *
 *     acquire ─▶ idle one for this key? ─yes─▶ (check it if suspect or idle long) ─▶ lease
 *                    │ no
 *                    ▼
 *              under both limits? ─yes─▶ create ─▶ lease
 *                    │ no
 *                    ▼
 *              FIFO waiters ◀── every release, close or failed creation dispatches again
 *
 * A released resource goes to the oldest waiter that can take it; with none, it idles
 * (beyond `keepalive` only for `trimAfter`, then it is closed). A resource that fails its check is replaced without
 * the waiter noticing.
 */
export class Pool<T extends Poolable> {
  readonly #options: PoolOptions<T>;
  readonly #idle: Idle<T>[] = [];
  readonly #waiters: Waiter<T>[] = [];
  readonly #perKey = new Map<string, number>();
  readonly #keys = new Map<T, string>();
  /** Limits learnt per key from refusals (refusedForCap), below `host`. */
  readonly #caps = new Map<string, number>();
  #open = 0;
  #active = 0;
  #created = 0;
  #closed: Error | null = null;
  #drained: (() => void) | null = null;
  #drainedPromise: Promise<void> | null = null;
  readonly #closing = new Set<Promise<void>>();
  #trimTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: PoolOptions<T>) {
    this.#options = options;
  }

  get closed(): boolean {
    return this.#closed !== null;
  }

  stats(): PoolStats {
    return { open: this.#open, idle: this.#idle.length, active: this.#active, waiting: this.#waiters.length, created: this.#created };
  }

  acquire(options: AcquireOptions = {}): Promise<T> {
    if (this.#closed) return Promise.reject(this.#closed);
    const { key = '', signal, deadline, fresh = false } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => this.#enqueue({ key, fresh, signal, deadline, resolve, reject, cleanup: () => {} }, false));
  }

  /** Puts a waiter in line, its deadline and abort armed: at the back, or at the front when a refusal sent it back. */
  #enqueue(waiter: Waiter<T>, front: boolean): void {
    const { signal, deadline } = waiter;
    if (this.#closed) return waiter.reject(this.#closed);
    if (signal?.aborted) return waiter.reject(signal.reason);
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => this.#drop(waiter, signal?.reason);
    waiter.cleanup = () => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    if (deadline !== undefined) {
      const ms = Math.max(0, deadline - performance.now());
      timer = setTimeout(() => this.#drop(waiter, new TimeoutError(`no connection free within ${(ms / 1000).toFixed(1)}s (Timeout.pool)`)), ms);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    if (front) this.#waiters.unshift(waiter);
    else this.#waiters.push(waiter);
    this.#dispatch();
  }

  /**
   * A refusal for a cap while `key` has other resources open (or opening): the key's limit
   * becomes their number, as lftp learns a server's limit. Each further refusal lowers it
   * to the resources then left, so a burst of refusals settles on what the host accepted.
   */
  #learnCap(key: string, error: unknown): boolean {
    if (this.#closed || !this.#options.refusedForCap?.(error)) return false;
    const others = this.#perKey.get(key) ?? 0;
    if (others === 0) return false;
    if (others < this.#hostLimit(key)) {
      this.#caps.set(key, others);
      this.#options.onCapLearnt?.(key, others, error);
    }
    return true;
  }

  #hostLimit(key: string): number {
    return Math.min(this.#options.host ?? this.#options.connections, this.#caps.get(key) ?? Infinity);
  }

  /** Gives a leased resource back. */
  release(resource: T, state: ReleaseState = 'ok'): void {
    this.#active -= 1;
    const key = this.#keys.get(resource) ?? '';
    if (state === 'broken' || resource.closed || this.#closed) {
      this.#retire(resource, state === 'broken' || resource.closed);
    } else {
      this.#idle.push({ resource, key, since: performance.now(), suspect: state === 'suspect' });
    }
    this.#dispatch(); // a waiter takes it before keepalive trims it
    this.#trim();
    this.#checkDrained();
  }

  /** Stops lending: waiters fail, idle resources close, leased ones close when released. Resolves when all are. */
  async close(reason: Error = new FtpPyError('FTPPY_ERR_CLOSED', 'the client is closed')): Promise<void> {
    if (!this.#closed) {
      this.#closed = reason;
      for (const waiter of this.#waiters.splice(0)) {
        waiter.cleanup();
        waiter.reject(reason);
      }
      for (const idle of this.#idle.splice(0)) this.#retire(idle.resource, false);
      if (this.#trimTimer) clearTimeout(this.#trimTimer);
    }
    // Closing resources count as open, so this waits for the QUITs too: no socket left behind.
    // Every caller waits on the one promise: a second close() must not replace the first's.
    if (this.#open > 0) this.#drainedPromise ??= new Promise<void>((resolve) => (this.#drained = resolve));
    await this.#drainedPromise;
  }

  #dispatch(): void {
    // Waiters that closes in flight will make room for, so that one idle resource is
    // closed per waiter, not one per waiter per dispatch.
    let promised = 0;
    for (let i = 0; i < this.#waiters.length && !this.#closed; ) {
      const waiter = this.#waiters[i]!;
      const idle = waiter.fresh ? -1 : this.#lastIdle(waiter.key);
      if (idle !== -1) {
        const [entry] = this.#idle.splice(idle, 1);
        this.#serve(waiter, i, entry!);
        continue;
      }
      if (this.#hasRoom(waiter.key)) {
        this.#serve(waiter, i, null);
        continue;
      }
      if (promised < this.#closing.size || this.#closeIdleFor(waiter.key)) promised += 1;
      i += 1;
    }
  }

  #hasRoom(key: string): boolean {
    return this.#open < this.#options.connections && (this.#perKey.get(key) ?? 0) < this.#hostLimit(key);
  }

  /**
   * At a limit with idle resources about: closes one (of `key` when the per-host limit is
   * the one reached). Its place is free once it has closed, which dispatches again; a
   * resource still saying goodbye is still open, so it still counts.
   */
  #closeIdleFor(key: string): boolean {
    const perHost = (this.#perKey.get(key) ?? 0) >= this.#hostLimit(key);
    const at = perHost ? this.#idle.findIndex((idle) => idle.key === key) : 0;
    if (at === -1 || at >= this.#idle.length) return false;
    this.#retire(this.#idle.splice(at, 1)[0]!.resource, false);
    return true;
  }

  #lastIdle(key: string): number {
    for (let i = this.#idle.length - 1; i >= 0; i--) if (this.#idle[i]!.key === key) return i;
    return -1;
  }

  /** Hands `waiter` an idle resource (checked first when needed) or a new one. */
  #serve(waiter: Waiter<T>, index: number, idle: Idle<T> | null): void {
    this.#waiters.splice(index, 1);
    waiter.cleanup();
    this.#active += 1;
    if (!idle) this.#count(waiter.key, +1);
    void this.#obtain(waiter, idle).then(
      (resource) => {
        if (this.#closed && !resource.closed) {
          this.#active -= 1;
          this.#retire(resource, false);
          this.#checkDrained();
          return waiter.reject(this.#closed);
        }
        waiter.resolve(resource);
      },
      (error) => {
        this.#active -= 1;
        this.#count(waiter.key, -1);
        if (this.#learnCap(waiter.key, error)) this.#enqueue(waiter, true);
        else waiter.reject(error);
        this.#dispatch();
        this.#checkDrained();
      },
    );
  }

  async #obtain(waiter: Waiter<T>, idle: Idle<T> | null): Promise<T> {
    if (idle) {
      const stale = performance.now() - idle.since > (this.#options.checkIdleAfter ?? 15_000);
      if (!idle.suspect && !stale) return idle.resource;
      if (await this.#options.check(idle.resource).catch(() => false)) return idle.resource;
      this.#retire(idle.resource, true);
      this.#count(waiter.key, +1);
    }
    const resource = await this.#options.create(waiter.key, waiter.signal);
    this.#created += 1;
    this.#keys.set(resource, waiter.key);
    resource.onClose(() => this.#lost(resource));
    return resource;
  }

  /** A resource closed by itself (the server hung up): an idle one leaves the pool now. */
  #lost(resource: T): void {
    const at = this.#idle.findIndex((idle) => idle.resource === resource);
    if (at === -1) return; // leased: its release will count it out
    this.#idle.splice(at, 1);
    this.#retire(resource, true);
    this.#dispatch();
    this.#checkDrained();
  }

  /** Closes the idle resources beyond `keepalive`, the longest idle first, once they have lingered `trimAfter`. */
  #trim(): void {
    if (this.#idle.length <= this.#options.keepalive || this.#trimTimer) return;
    const after = this.#options.trimAfter ?? 1000;
    const trim = (): void => {
      this.#trimTimer = null;
      while (this.#idle.length > this.#options.keepalive) this.#retire(this.#idle.shift()!.resource, false);
      this.#checkDrained();
    };
    if (after <= 0) return trim();
    this.#trimTimer = setTimeout(trim, after);
    this.#trimTimer.unref(); // lingering connections never keep a process alive
  }

  #retire(resource: T, destroy: boolean): void {
    const key = this.#keys.get(resource);
    if (key === undefined) return; // already counted out
    this.#keys.delete(resource);
    if (destroy || resource.closed) {
      this.#options.destroy(resource);
      this.#count(key, -1);
      return;
    }
    const closing = this.#options.close(resource).catch(() => this.#options.destroy(resource));
    this.#closing.add(closing);
    void closing.finally(() => {
      this.#closing.delete(closing);
      this.#count(key, -1);
      this.#dispatch();
      this.#checkDrained();
    });
  }

  #count(key: string, delta: number): void {
    this.#open += delta;
    const n = (this.#perKey.get(key) ?? 0) + delta;
    if (n === 0) this.#perKey.delete(key);
    else this.#perKey.set(key, n);
  }

  #drop(waiter: Waiter<T>, reason: unknown): void {
    const at = this.#waiters.indexOf(waiter);
    if (at === -1) return;
    this.#waiters.splice(at, 1);
    waiter.cleanup();
    waiter.reject(reason);
  }

  #checkDrained(): void {
    if (this.#closed && this.#open === 0 && this.#drained) {
      this.#drained();
      this.#drained = null;
    }
  }
}
