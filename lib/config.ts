import { knownKeys, MAX_TIMER_SECONDS, nonNegative, optionsObject, timerSeconds, wholeNumber } from '../common/check.js';
import { checkRate, parseRate } from '../common/throttle.js';

// Every duration is in seconds, as in the seed.

export interface TimeoutOptions {
  /** TCP connect, TLS handshake and the 220 greeting together. Default 10. */
  connect?: number;
  /** Longest wait for a reply or for data to arrive. Default 30. On a server: the idle timeout (default 300 there). */
  read?: number;
  /** Longest wait for data to drain to the peer. Default 30. */
  write?: number;
  /** The whole operation, waiting for a pooled connection included. Default: no bound. */
  pool?: number | null;
}

export class Timeout {
  readonly connect: number;
  readonly read: number;
  readonly write: number;
  readonly pool: number | null;
  /** Which fields the caller set, so that a server can keep its own defaults for the rest. */
  readonly given: ReadonlySet<keyof TimeoutOptions>;

  constructor(options: TimeoutOptions = {}) {
    const o = optionsObject('Timeout', options);
    knownKeys('Timeout', o, ['connect', 'read', 'write', 'pool']);
    this.given = new Set(Object.keys(o).filter((k) => o[k] !== undefined) as (keyof TimeoutOptions)[]);
    // A Node timer holds 24.8 days at most; a longer wait would fire after 1 ms, over and over.
    this.connect = timerSeconds('Timeout.connect', o.connect ?? 10);
    this.read = timerSeconds('Timeout.read', o.read ?? 30);
    this.write = timerSeconds('Timeout.write', o.write ?? 30);
    this.pool = o.pool == null ? null : timerSeconds('Timeout.pool', o.pool);
  }
}

export interface RetryOptions {
  /** Retries after the first attempt. Default 3; 0 turns retrying off. */
  total?: number;
  /** Seconds; the delay before retry n (from 0) is backoff × 2^n. Default 0.5. */
  backoff?: number;
  /** Reply codes that are retried. Network errors and timeouts are always retried. */
  status?: number[];
}

export class Retry {
  readonly total: number;
  readonly backoff: number;
  readonly status: readonly number[];

  constructor(options: RetryOptions = {}) {
    const o = optionsObject('Retry', options);
    knownKeys('Retry', o, ['total', 'backoff', 'status']);
    this.total = wholeNumber('Retry.total', o.total ?? 3, 0, 100);
    this.backoff = nonNegative('Retry.backoff', o.backoff ?? 0.5);
    const status = o.status ?? [421, 425, 426, 450, 451];
    if (!Array.isArray(status)) throw new TypeError('Retry.status must be an array of reply codes');
    this.status = Object.freeze(status.map((code, i) => wholeNumber(`Retry.status[${i}]`, code, 100, 599)));
  }

  /** Seconds to wait before retry number `attempt` (0 for the first retry). */
  delay(attempt: number): number {
    // No longer than a Node timer holds: a longer wait would end after 1 ms (retry 23 and
    // on at the default backoff).
    return Math.min(this.backoff * 2 ** attempt, MAX_TIMER_SECONDS);
  }
}

export interface LimitsOptions {
  /** Most connections open at once. Default 10 for a client; a server caps its clients with it (default 100). */
  connections?: number;
  /** Idle connections kept open for reuse. Default 5 (at most `connections`). */
  keepalive?: number;
  /** Most connections to one host. Default: `connections`. On a server: clients per IP address (default 10). */
  host?: number;
  /**
   * Client only: bytes per second for the whole client, every connection sharing the one
   * limit (curl's `--limit-rate`, lftp's `net:limit-rate`); a string takes curl's
   * suffixes ('500k', '5M', '1G'). At least 4096. Default: none.
   */
  rate?: number | string | null;
}

export class Limits {
  readonly connections: number;
  readonly keepalive: number;
  readonly host: number;
  /** Bytes per second, or null for no limit. */
  readonly rate: number | null;
  /** Which fields the caller set, so that a server can keep its own defaults for the rest. */
  readonly given: ReadonlySet<keyof LimitsOptions>;

  constructor(options: LimitsOptions = {}) {
    const o = optionsObject('Limits', options);
    knownKeys('Limits', o, ['connections', 'keepalive', 'host', 'rate']);
    this.given = new Set(Object.keys(o).filter((k) => o[k] !== undefined) as (keyof LimitsOptions)[]);
    this.connections = wholeNumber('Limits.connections', o.connections ?? 10, 1, 100_000);
    this.keepalive = wholeNumber('Limits.keepalive', o.keepalive ?? Math.min(5, this.connections), 0, 100_000);
    this.host = wholeNumber('Limits.host', o.host ?? this.connections, 1, 100_000);
    this.rate = o.rate == null ? null : checkRate('Limits.rate', typeof o.rate === 'string' ? parseRate(o.rate) : o.rate);
  }
}
