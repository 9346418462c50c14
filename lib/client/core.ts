import { withAbort } from '../../common/abort.js';
import type { FtpConnection } from '../../protocol/connection.js';
import { FtpPyError, TimeoutError } from '../../common/errors.js';
import type { Features } from '../../protocol/features.js';
import type { Pool, ReleaseState } from '../../pool/pool.js';
import { withRetry } from '../../pool/retry.js';
import { callHook } from '../../common/hooks.js';
import type { Settings } from '../resolved-settings.js';
import { warnFailure } from '../../common/warnings.js';
import { resolveRemote } from './remote-path.js';
import { Throttle, TokenBucket } from '../../common/throttle.js';

/** One try of an operation: its number (0 first) and a way to lease connections. */
export interface Attempt {
  readonly n: number;
  /** Aborts when the operation must stop: the caller's signal or Timeout.pool; none when neither is set. */
  readonly signal: AbortSignal | undefined;
  /** Leases a connection for `fn` (a new one on a retry) and gives it back when `fn` settles. */
  use<T>(fn: (connection: FtpConnection) => Promise<T>): Promise<T>;
}

export interface OperationSpec<T> {
  /** The operation's name and the path(s) it works on, for the warning. */
  name: string;
  path: string;
  /** What the operation resolves to when it fails: false or null. */
  fallback: T;
  signal?: AbortSignal | undefined;
}

/** Byte counters across the client's life, for stats(). */
export interface Traffic {
  uploads: number;
  downloads: number;
  sent: number;
  received: number;
  failures: number;
}

/** Where a client starts: the directory it is placed in and what the server's FEAT listed, learnt by the first connection. */
export interface Start {
  cwd: string;
  features: Features | undefined;
}

/**
 * What every operation shares: the pool, the working directory, and `run`, the one place
 * that turns an operation body into the seed's contract. `run` bounds the whole operation
 * by Timeout.pool, retries on a fresh connection what the Retry policy allows, hands back
 * or evicts each leased connection according to how it ended, and turns the final failure
 * into false/null, an FtpPyWarning and the `error` hook. Only the caller's own abort
 * rejects: it is the caller's choice, not a failure. Its state (working directory,
 * traffic counters) changes only through its own methods.
 */
export class ClientCore {
  readonly settings: Settings;
  readonly pool: Pool<FtpConnection>;
  /** What the server's FEAT listed (read by the first connection). */
  readonly features: Features | undefined;
  readonly #traffic: Traffic = { uploads: 0, downloads: 0, sent: 0, received: 0, failures: 0 };
  /** Limits.rate: one bucket for every connection of the client. */
  readonly #bucket: TokenBucket | null;
  #cwd: string;
  #closed = false;

  constructor(settings: Settings, pool: Pool<FtpConnection>, start: Start) {
    this.settings = settings;
    this.#bucket = settings.limits.rate === null ? null : new TokenBucket(settings.limits.rate);
    this.pool = pool;
    this.#cwd = start.cwd;
    this.features = start.features;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The client's working directory: relative paths are resolved against it. */
  get cwd(): string {
    return this.#cwd;
  }

  /** `cd`: called once the server has confirmed that `dir` (absolute) exists. */
  changeDirectory(dir: string): void {
    this.#cwd = dir;
  }

  /** The counters so far, a copy. */
  get traffic(): Readonly<Traffic> {
    return { ...this.#traffic };
  }

  /** Bytes sent over a data connection. */
  countSent(bytes: number): void {
    this.#traffic.sent += bytes;
  }

  /** Bytes received over a data connection. */
  countReceived(bytes: number): void {
    this.#traffic.received += bytes;
  }

  /** A file upload (or a stream's) completed. */
  countUpload(): void {
    this.#traffic.uploads += 1;
  }

  /** A file download (or a stream's) completed. */
  countDownload(): void {
    this.#traffic.downloads += 1;
  }

  /** The limits one transfer obeys: the client's rate and its own `rate` (or its batch's), or null for none. */
  throttle(options: { rate?: number; rateBucket?: TokenBucket | null }): Throttle | null {
    return Throttle.of(this.#bucket, options.rateBucket ?? (options.rate === undefined ? null : new TokenBucket(options.rate)));
  }

  resolve(path: string): string {
    return resolveRemote(this.cwd, path);
  }

  async run<T>(spec: OperationSpec<T>, body: (attempt: Attempt) => Promise<T>): Promise<T> {
    if (this.#closed) throw new FtpPyError('FTPPY_ERR_CLOSED', `${spec.name} ${spec.path}: the client is closed`);
    spec.signal?.throwIfAborted();
    const seconds = this.settings.timeout.pool;
    const deadline = seconds === null ? undefined : performance.now() + seconds * 1000;
    // The operation's own signal, aborted by the caller's or by Timeout.pool. With neither,
    // nothing can end the operation and it has none: a Node AbortController per operation
    // was a tenth of a new process's CPU for 2,000 small files (bench/RESULTS.md, item 26).
    // (A caller's signal is not passed down as it is: a batch would then add a listener
    // to it per wait, not one per operation.)
    const controller = seconds === null && !spec.signal ? null : new AbortController();
    const timer = controller && seconds !== null ? setTimeout(() => {
      controller.abort(new TimeoutError(`${spec.name} ${spec.path}: not done within ${seconds}s (Timeout.pool)`));
    }, seconds * 1000) : undefined;
    const forward = (): void => controller?.abort(spec.signal?.reason);
    spec.signal?.addEventListener('abort', forward, { once: true });
    const signal = controller?.signal;
    try {
      const attempt = (n: number): Promise<T> => this.#attempt(n, signal, deadline, body);
      return await withRetry(this.settings.retry, attempt, { ...(signal ? { signal } : {}), ...(deadline === undefined ? {} : { deadline }) });
    } catch (error) {
      if (spec.signal?.aborted) throw spec.signal.reason;
      this.#traffic.failures += 1;
      warnFailure(spec.name, spec.path, error);
      await callHook(this.settings.hooks, 'error', error instanceof Error ? error : new Error(String(error)));
      return spec.fallback;
    } finally {
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', forward);
    }
  }

  async #attempt<T>(n: number, signal: AbortSignal | undefined, deadline: number | undefined, body: (attempt: Attempt) => Promise<T>): Promise<T> {
    const leased = new Set<FtpConnection>();
    const use = async <R>(fn: (connection: FtpConnection) => Promise<R>): Promise<R> => {
      const connection = await this.pool.acquire({ fresh: n > 0, ...(signal ? { signal } : {}), ...(deadline === undefined ? {} : { deadline }) });
      leased.add(connection);
      let state: ReleaseState = 'ok';
      try {
        return await fn(connection);
      } catch (error) {
        state = connection.closed ? 'broken' : 'suspect';
        throw error;
      } finally {
        leased.delete(connection);
        this.pool.release(connection, signal?.aborted ? 'broken' : state);
      }
    };
    const onAbort = (reason: unknown): void => {
      const error = reason instanceof Error ? reason : new FtpPyError('FTPPY_ERR_ABORTED', 'aborted');
      for (const connection of leased) connection.destroy(error);
    };
    return withAbort(signal, onAbort, () => body({ n, signal, use }));
  }

  /** Stops new operations and closes the pool once those in flight are done. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.pool.close();
  }
}
