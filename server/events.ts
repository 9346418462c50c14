// What a running server reports: counters for `stats()`, and events for monitoring.
// There is deliberately no 'error' event: a client's mistake is answered on its own
// connection, and an EventEmitter would throw an unheard 'error' at the server.

export interface ServerStats {
  /** Control connections open now. */
  connections: number;
  /** Control connections accepted since the start. */
  sessions: number;
  /** Connections turned away by the limits (total or per address). */
  refused: number;
  /** Connections from a trusted proxy closed for want of a valid PROXY header (control, data and web). */
  proxyRefused: number;
  logins: number;
  failedLogins: number;
  /** Transfers (downloads, uploads, listings) completed. */
  transfers: number;
  /** Transfers that failed or were aborted. */
  failedTransfers: number;
  /** Bytes received on data connections (uploads). */
  bytesIn: number;
  /** Bytes sent on data connections (downloads and listings). */
  bytesOut: number;
}

export function emptyStats(): ServerStats {
  return { connections: 0, sessions: 0, refused: 0, proxyRefused: 0, logins: 0, failedLogins: 0, transfers: 0, failedTransfers: 0, bytesIn: 0, bytesOut: 0 };
}

export interface SessionEvent {
  /** The session's number, unique within the server. */
  session: number;
  /** The client's address. */
  address: string;
}

export interface LoginEvent extends SessionEvent {
  user: string;
  anonymous: boolean;
}

export interface TransferEvent extends SessionEvent {
  user: string;
  direction: 'download' | 'upload' | 'list';
  /** The virtual path (as the user sees it). */
  path: string;
  bytes: number;
  ok: boolean;
  /** Why it failed, when it did. */
  reason?: string;
  seconds: number;
}

export interface ServerEvents {
  session: [SessionEvent];
  login: [LoginEvent];
  'login-failed': [SessionEvent & { user: string }];
  transfer: [TransferEvent];
  'session-end': [SessionEvent];
  /** A connection from a trusted proxy without a valid PROXY header, closed: `address` is the proxy's. */
  'proxy-refused': [{ address: string; reason: string }];
  /** A command failed in a way no client should be able to cause (a bug, or a broken storage). */
  'session-error': [SessionEvent & { error: unknown }];
}
