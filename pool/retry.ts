import { setTimeout as sleep } from 'node:timers/promises';
import { FtpPyError } from '../common/errors.js';

/** The retry settings the runner needs (lib/config.ts `Retry` is one). */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly total: number;
  /** Reply codes worth another try. */
  readonly status: readonly number[];
  /** Seconds before retry `attempt` (0 for the first retry): backoff × 2^attempt. */
  delay(attempt: number): number;
}

export interface RetryOptions {
  signal?: AbortSignal;
  /** `performance.now()` time after which no new attempt starts (Timeout.pool). */
  deadline?: number;
  /** Told before each retry, with the error that caused it and the retry's number (from 0). */
  onRetry?: (error: unknown, attempt: number) => void;
  /** How to wait `ms` milliseconds (default: a timer). Specs pass one that records the delays. */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<unknown>;
}

const wait = (ms: number, signal: AbortSignal | undefined): Promise<unknown> => sleep(ms, undefined, signal ? { signal } : {});

// Node's own network error codes, for errors that did not pass through FtpPyError.
const network = /^(ECONNRESET|ECONNREFUSED|ECONNABORTED|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENETDOWN|EAI_AGAIN)$/;

/**
 * Whether another attempt may succeed: a reply whose code the policy lists (the reply
 * decides even when it ended a connection: 421 yes, 530 no), a lost connection, a
 * timeout, a checked transfer whose digest did not match. A certificate that fails, a
 * protocol violation or a local error will fail the same way again.
 */
export function isRetryable(error: unknown, policy: RetryPolicy): boolean {
  if (FtpPyError.is(error)) {
    if (error.reply) return policy.status.includes(error.reply.code);
    // A checksum mismatch is bytes spoilt on the way: another transfer may well carry them whole.
    return error.code === 'FTPPY_ERR_CONNECTION' || error.code === 'FTPPY_ERR_TIMEOUT' || error.code === 'FTPPY_ERR_CHECKSUM';
  }
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && network.test(code);
}

/**
 * Runs `attempt(0)`, and on a retryable failure waits backoff × 2^n and runs
 * `attempt(n + 1)`, up to `policy.total` retries. The attempt number lets the caller
 * take a fresh connection and resume rather than restart.
 */
export async function withRetry<T>(policy: RetryPolicy, attempt: (n: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= policy.total || options.signal?.aborted || !isRetryable(error, policy)) throw error;
      const ms = policy.delay(n) * 1000;
      if (options.deadline !== undefined && performance.now() + ms >= options.deadline) throw error;
      options.onRetry?.(error, n);
      if (ms > 0) await (options.sleep ?? wait)(ms, options.signal);
    }
  }
}
