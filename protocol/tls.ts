import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { ConnectionError } from '../common/errors.js';
import { socketFailure } from './socket-errors.js';

/** What both the control and the data connections are secured with: CA, client certificate, ciphers, verification. */
export type TlsOptions = Pick<ConnectionOptions, 'ca' | 'cert' | 'key' | 'ciphers' | 'rejectUnauthorized' | 'minVersion' | 'maxVersion'>;

export interface StartTlsOptions {
  /** An open socket to secure (AUTH TLS, a data connection); without it, a new connection to host:port (implicit FTPS). */
  socket?: Socket;
  host: string;
  port?: number;
  tls: TlsOptions;
  /** A session to resume: the control connection's, for a data connection. */
  session?: Buffer;
}

/** Starts TLS as the client (RFC 4217 makes the FTP client the TLS client on every connection) and waits for the handshake. */
export function startTls(options: StartTlsOptions): Promise<TLSSocket> {
  const { socket, host, port, session } = options;
  const secure = tlsConnect({
    ...options.tls,
    ...(socket ? { socket } : { port: port ?? 990 }),
    host,
    // SNI takes names only; for an IP literal the certificate is checked against `host`.
    ...(isIP(host) === 0 ? { servername: host } : {}),
    ...(session ? { session } : {}),
  });
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => {
      secure.off('secureConnect', done);
      secure.destroy();
      reject(socketFailure(error, 'TLS handshake'));
    };
    const closed = (): void => fail(new ConnectionError('connection closed during the TLS handshake'));
    const done = (): void => {
      secure.off('error', fail);
      secure.off('close', closed);
      resolve(secure);
    };
    secure.once('secureConnect', done);
    secure.once('error', fail);
    secure.once('close', closed);
  });
}

/**
 * Keeps the newest TLS session of a control connection. With TLS 1.3 the session ticket
 * arrives after the handshake, so `getSession()` taken right after it cannot be resumed;
 * the `session` event brings each ticket as it comes.
 */
export class SessionKeeper {
  #session: Buffer | undefined;
  #socket: TLSSocket | undefined;

  watch(socket: TLSSocket): void {
    this.#socket = socket;
    socket.on('session', (session: Buffer) => {
      this.#session = session;
    });
  }

  get session(): Buffer | undefined {
    return this.#session ?? this.#socket?.getSession();
  }
}
