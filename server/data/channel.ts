import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { HostPort } from '../../protocol/address.js';
import { readDirectly } from '../../protocol/direct-reads.js';
import type { SessionTls } from '../tls.js';
import { connectActive } from './active.js';
import { DataConnectionError } from './errors.js';
import type { PassivePort } from './passive.js';
import { watchForReset } from './reset.js';

/** How the next data connection is made: set by PASV/EPSV or PORT/EPRT, used by one transfer. */
export type DataSetup = { mode: 'passive'; port: PassivePort } | { mode: 'active'; target: HostPort };

export interface OpenDataOptions {
  /** Longest wait for the connection and its TLS handshake. */
  timeoutMs: number;
  signal: AbortSignal;
  /** The control connection's local address: active connections leave from it. */
  localAddress: string;
  /** Set when the data is protected (PROT P): the data connection is a TLS server socket. */
  tls: SessionTls | null;
  /** Refuse a protected data connection that does not resume the control connection's TLS session. */
  requireReuse: boolean;
  /**
   * A plain connection is moved to a socket that reads into buffers of ours (readDirectly):
   * for an upload only. Moving every connection, downloads and listings that read nothing
   * included, cost the server-load mix 15% more CPU per transfer (a second Socket each).
   */
  readDirectly?: boolean;
}

/**
 * The data connection of one transfer: accepted or connected, then TLS when PROT P is in
 * force (a passive connection has usually done its handshake on arrival already), and
 * refused with 522 when it had to resume the control connection's TLS session and did not.
 */
export async function openDataConnection(setup: DataSetup, options: OpenDataOptions): Promise<Socket | TLSSocket> {
  const { timeoutMs, signal } = options;
  const socket = setup.mode === 'passive'
    ? await setup.port.accept(timeoutMs, signal)
    : await connectActive(setup.target, options.localAddress, timeoutMs, signal);
  const secure = socket instanceof TLSSocket;
  if (!options.tls) {
    if (!secure) return options.readDirectly ? readDirectly(socket) : socket;
    socket.destroy();
    throw new DataConnectionError(425, 'The data connection is protected, but PROT C asks for clear text');
  }
  const data = secure ? socket : await handshake(socket, options.tls, options);
  if (options.requireReuse && !data.isSessionReused()) {
    data.destroy();
    throw new DataConnectionError(522, "TLS session reuse required: the data connection must resume the control connection's TLS session");
  }
  // The TLS 1.3 session tickets went out as the handshake ended. Data and close_notify
  // right behind them, in the client's same read, make Python's ssl fail its unwrap()
  // with SHUTDOWN_WHILE_IN_INIT (a listing read from a warm directory is that fast):
  // one turn of the event loop lets the tickets go first, as a file read always did.
  await new Promise((resolve) => setImmediate(resolve));
  watchForReset(data);
  return data;
}

/** The TLS handshake over a data connection, as the TLS server (RFC 4217 §7). */
export async function handshake(raw: Socket, tls: SessionTls, options: { timeoutMs: number; signal: AbortSignal }): Promise<TLSSocket> {
  const { signal } = options;
  const abort = (): void => {
    raw.destroy();
  };
  signal.addEventListener('abort', abort);
  try {
    const secure = await tls.acceptData(raw, options.timeoutMs);
    secure.on('error', () => {}); // errors from here on surface in the transfer
    return secure;
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new DataConnectionError(425, `TLS handshake on the data connection failed: ${(error as Error).message}`, { cause: error });
  } finally {
    signal.removeEventListener('abort', abort);
  }
}
