import { randomBytes } from 'node:crypto';
import { Server as NetServer, type Socket } from 'node:net';
import { TLSSocket, createSecureContext, type SecureContext } from 'node:tls';

export interface TlsMaterial {
  cert: Buffer | string;
  key: Buffer | string;
  ca?: Buffer | string;
  ciphers?: string;
}

// How many TLS sessions one FTP session remembers for resumption: the control
// connection's, plus a few renegotiated or re-issued ones.
const SESSIONS_KEPT = 8;

/**
 * The TLS side of one FTP session: its own ticket keys and its own session-ID cache.
 * A data connection can resume only a TLS session of the same FTP session's control
 * connection, so passing the reuse check proves the data connection comes from the
 * client that holds the control connection, and not from another client with a valid
 * TLS session of its own.
 */
export class SessionTls {
  readonly #context: SecureContext;
  // TLS 1.2 clients that turn tickets off (curl does) resume by session ID, which Node
  // serves only through these two events of a server object: a private, never-listening
  // one per FTP session keeps each cache to its own session.
  readonly #hub = new NetServer();
  readonly #sessions = new Map<string, Buffer>();

  constructor(material: TlsMaterial) {
    const options: Parameters<typeof createSecureContext>[0] = {
      cert: material.cert,
      key: material.key,
      ticketKeys: randomBytes(48),
      sessionTimeout: 3600,
    };
    if (material.ca !== undefined) options.ca = material.ca;
    if (material.ciphers !== undefined) options.ciphers = material.ciphers;
    this.#context = createSecureContext(options);
    this.#hub.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
      if (this.#sessions.size >= SESSIONS_KEPT) this.#sessions.delete(this.#sessions.keys().next().value!);
      this.#sessions.set(id.toString('hex'), data);
      done();
    });
    this.#hub.on('resumeSession', (id: Buffer, done: (error: Error | null, data: Buffer | null) => void) => {
      done(null, this.#sessions.get(id.toString('hex')) ?? null);
    });
  }

  /**
   * Runs the server side of a TLS handshake over `socket` and resolves once it is done.
   * Call it in the same tick as the reply that invites the handshake (234) is written,
   * so that no byte of the client's hello can be read as plain text first.
   */
  accept(socket: Socket, timeoutMs: number): Promise<TLSSocket> {
    const secure = new TLSSocket(socket, { isServer: true, secureContext: this.#context, server: this.#hub });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`TLS handshake took longer than ${timeoutMs / 1000} s`)), timeoutMs);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        secure.removeListener('secure', done);
        secure.destroy();
        socket.destroy();
        reject(error);
      };
      const done = (): void => {
        clearTimeout(timer);
        secure.removeListener('error', fail);
        secure.removeListener('close', closed);
        resolve(secure);
      };
      const closed = (): void => fail(new Error('Connection closed during the TLS handshake'));
      secure.once('secure', done);
      secure.once('error', fail);
      secure.once('close', closed);
    });
  }
}
