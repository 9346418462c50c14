import type { EventEmitter } from 'node:events';
import type { ServerEvents, TransferDirection } from './events.js';

// The server's events as log records: one flat object per event, with the time, ready
// for JSON lines (`ftppy serve --log json`) or any shipper. A transfer record carries
// every field of vsftpd's xferlog (the README maps them one by one).

interface RecordBase {
  /** When it happened (ISO 8601, UTC, milliseconds): xferlog's current-time. */
  time: string;
  session: number;
  /** The client's address: xferlog's remote-host. */
  address: string;
}

export type LogRecord =
  | (RecordBase & SessionRecord)
  // Not of one session: the login policy's own events.
  | { time: string; event: 'authenticate-error'; address: string; user: string; message: string }
  | { time: string; event: 'ban'; address: string; failures: number; seconds: number };

type SessionRecord =
  (
    | { event: 'connect' }
    | { event: 'login'; user: string; anonymous: boolean }
    | { event: 'login-failed'; user: string }
    | {
        event: 'transfer';
        user: string;
        anonymous: boolean;
        direction: TransferDirection;
        path: string;
        bytes: number;
        seconds: number;
        type: 'ascii' | 'binary';
        secure: boolean;
        result: 'ok' | 'failed';
        reason?: string;
      }
    | { event: 'disconnect' }
    | { event: 'error'; message: string }
  );

/**
 * Calls `write` with a record for each event of `server` from now on; returns the
 * function that stops it. `write` is the caller's: what it throws is its own bug, and
 * would otherwise surface inside the session that emitted the event.
 */
export function followEvents(server: EventEmitter<ServerEvents>, write: (record: LogRecord) => void): () => void {
  const time = (): string => new Date().toISOString();
  const safely = (record: LogRecord): void => {
    try {
      write(record);
    } catch {
      // a broken log must not break the server
    }
  };
  const listeners: { [K in keyof ServerEvents]?: (...args: ServerEvents[K]) => void } = {
    session: (e) => safely({ time: time(), event: 'connect', session: e.session, address: e.address }),
    login: (e) => safely({ time: time(), event: 'login', session: e.session, address: e.address, user: e.user, anonymous: e.anonymous }),
    'login-failed': (e) => safely({ time: time(), event: 'login-failed', session: e.session, address: e.address, user: e.user }),
    transfer: (e) => {
      const { ok, reason, ...fields } = e;
      safely({ time: time(), event: 'transfer', ...fields, result: ok ? 'ok' : 'failed', ...(reason === undefined ? {} : { reason }) });
    },
    'session-end': (e) => safely({ time: time(), event: 'disconnect', session: e.session, address: e.address }),
    'session-error': (e) => safely({ time: time(), event: 'error', session: e.session, address: e.address, message: e.error instanceof Error ? e.error.message : String(e.error) }),
    'authenticate-error': (e) => safely({ time: time(), event: 'authenticate-error', address: e.address, user: e.user, message: e.error instanceof Error ? e.error.message : String(e.error) }),
    ban: (e) => safely({ time: time(), event: 'ban', address: e.address, failures: e.failures, seconds: e.seconds }),
  };
  const entries = Object.entries(listeners) as [keyof ServerEvents, (...args: unknown[]) => void][];
  for (const [event, listener] of entries) (server.on as (e: string, l: (...args: unknown[]) => void) => void)(event, listener);
  return () => {
    for (const [event, listener] of entries) (server.off as (e: string, l: (...args: unknown[]) => void) => void)(event, listener);
  };
}
