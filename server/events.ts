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
  /** The transfers and bytes above, by direction. */
  byDirection: Record<TransferDirection, DirectionStats>;
  /** Passive ports open now: listening for their data connection, or carrying its transfer. */
  passivePorts: number;
  /** Client addresses banned now (too many failed logins). */
  bannedAddresses: number;
  /** Connections refused because their address was banned (FTP; the web API counts its own refusals in `requests`). */
  bannedRefused: number;
}

export type TransferDirection = 'download' | 'upload' | 'list';

export interface DirectionStats {
  /** Completed. */
  transfers: number;
  /** Failed or aborted. */
  failed: number;
  /** Moved over the data connection, failed transfers' bytes included. */
  bytes: number;
}

export function emptyStats(): ServerStats {
  const direction = (): DirectionStats => ({ transfers: 0, failed: 0, bytes: 0 });
  return {
    connections: 0, sessions: 0, refused: 0, proxyRefused: 0, logins: 0, failedLogins: 0, transfers: 0, failedTransfers: 0, bytesIn: 0, bytesOut: 0,
    byDirection: { download: direction(), upload: direction(), list: direction() },
    passivePorts: 0,
    bannedAddresses: 0,
    bannedRefused: 0,
  };
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
  /** The user logged in anonymously. */
  anonymous: boolean;
  direction: TransferDirection;
  /** TYPE A (ascii) or TYPE I (binary) when the transfer ran. */
  type: 'ascii' | 'binary';
  /** The data connection was protected by TLS (PROT P). */
  secure: boolean;
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
  /** The `authenticate` function threw, timed out or returned no account; that login failed (530, or 401 on the web). */
  'authenticate-error': [{ address: string; user: string; error: unknown }];
  /** An address passed `ban.failures` failed logins within `ban.window`: refused for `seconds`. */
  ban: [{ address: string; failures: number; seconds: number }];
  /** A connection from a trusted proxy without a valid PROXY header, closed: `address` is the proxy's. */
  'proxy-refused': [{ address: string; reason: string }];
  /** A command failed in a way no client should be able to cause (a bug, or a broken storage). */
  'session-error': [SessionEvent & { error: unknown }];
}
