import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { HostPort } from '../../protocol/address.js';
import type { SessionTls } from '../tls.js';
import { connectActive } from './active.js';
import { DataConnectionError } from './errors.js';
import type { PassivePort } from './passive.js';

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
}

/** The data connection of one transfer: accepted or connected, then TLS when PROT P is in force. */
export async function openDataConnection(setup: DataSetup, options: OpenDataOptions): Promise<Socket | TLSSocket> {
  const { timeoutMs, signal } = options;
  const raw = setup.mode === 'passive'
    ? await setup.port.accept(timeoutMs, signal)
    : await connectActive(setup.target, options.localAddress, timeoutMs, signal);
  if (!options.tls) return raw;
  const abort = (): void => {
    raw.destroy();
  };
  signal.addEventListener('abort', abort);
  let secure: TLSSocket;
  try {
    secure = await options.tls.accept(raw, timeoutMs);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new DataConnectionError(425, `TLS handshake on the data connection failed: ${(error as Error).message}`, { cause: error });
  } finally {
    signal.removeEventListener('abort', abort);
  }
  secure.on('error', () => {}); // errors from here on surface in the transfer
  if (options.requireReuse && !secure.isSessionReused()) {
    secure.destroy();
    throw new DataConnectionError(522, "TLS session reuse required: the data connection must resume the control connection's TLS session");
  }
  return secure;
}
