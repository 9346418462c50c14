import { randomBytes } from 'node:crypto';
import { Server as NetServer, type Socket } from 'node:net';
import { TLSSocket, createSecureContext, type SecureContext } from 'node:tls';
import { helloTicket, TICKET_KEY_NAME_BYTES } from './tls-hello.js';
import type { TicketOwner, TicketOwners } from './tls-owners.js';

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
 * TLS session of its own. A data connection may also resume a ticket of another FTP
 * session of the same logged-in user (tls-owners.ts).
 */
export class SessionTls implements TicketOwner {
  readonly #context: SecureContext;
  readonly #owners: TicketOwners<SessionTls>;
  readonly #keyName: Buffer;
  /**
   * The user logged in over this FTP session, when its data connections may resume
   * tickets of that user's other sessions (and theirs this one's); null for nobody, or
   * an anonymous login, which anyone can make.
   */
  #sharingUser: string | null = null;
  // TLS 1.2 clients that turn tickets off (curl does) resume by session ID, which Node
  // serves only through these two events of a server object: a private, never-listening
  // one per FTP session keeps each cache to its own session.
  readonly #hub = new NetServer();
  readonly #sessions = new Map<string, Buffer>();
  // With a CA bundle, the control connection asks for a client certificate (mutual TLS);
  // data connections do not: they are tied to the control connection's session already.
  readonly #requestCert: boolean;

  constructor(material: TlsMaterial, owners: TicketOwners<SessionTls>) {
    const ticketKeys = randomBytes(48);
    this.#keyName = ticketKeys.subarray(0, TICKET_KEY_NAME_BYTES);
    this.#owners = owners;
    owners.add(this.#keyName, this);
    const options: Parameters<typeof createSecureContext>[0] = {
      cert: material.cert,
      key: material.key,
      ticketKeys,
      sessionTimeout: 3600,
    };
    if (material.ca !== undefined) options.ca = material.ca;
    this.#requestCert = material.ca !== undefined;
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

  get sharingUser(): string | null {
    return this.#sharingUser;
  }

  /** A login (its user, or null for an anonymous one) or a REIN (null) changes who may share. */
  shareWith(user: string | null): void {
    this.#sharingUser = user;
  }

  /** The FTP session has ended: its tickets are honoured no more. */
  dispose(): void {
    this.#owners.remove(this.#keyName);
  }

  /**
   * Runs the server side of a TLS handshake over `socket` and resolves once it is done.
   * Call it in the same tick as the reply that invites the handshake (234) is written,
   * so that no byte of the client's hello can be read as plain text first.
   */
  accept(socket: Socket, timeoutMs: number): Promise<TLSSocket> {
    return this.#handshake(socket, this.#context, timeoutMs, this.#requestCert);
  }

  /**
   * The handshake of a data connection: its ClientHello is read first, so that a ticket
   * sealed by another FTP session of the same user is answered with that session's keys.
   */
  async acceptData(socket: Socket, timeoutMs: number): Promise<TLSSocket> {
    const started = performance.now();
    const hello = await readHello(socket, timeoutMs);
    const owner = this.#owners.sharedWith(this, hello.keyName);
    // Read ahead, given back: the TLS socket takes what its wrapped socket holds first.
    socket.unshift(hello.bytes);
    return this.#handshake(socket, owner ? owner.#context : this.#context, Math.max(1, timeoutMs - (performance.now() - started)));
  }

  #handshake(socket: Socket, context: SecureContext, timeoutMs: number, requestCert = false): Promise<TLSSocket> {
    // A client certificate is asked for, never required: the login decides what its absence means.
    const secure = new TLSSocket(socket, { isServer: true, secureContext: context, server: this.#hub, requestCert, rejectUnauthorized: false });
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

/** The first bytes of a connection, up to the end of its ClientHello, and the key name of the ticket it offers. */
function readHello(socket: Socket, timeoutMs: number): Promise<{ bytes: Buffer; keyName: Buffer | null }> {
  return new Promise((resolve, reject) => {
    let bytes = Buffer.alloc(0);
    const finish = (error: Error | null, keyName: Buffer | null = null): void => {
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('end', onEnd);
      socket.removeListener('close', onEnd);
      socket.pause();
      if (error) {
        socket.destroy();
        reject(error);
      } else {
        resolve({ bytes, keyName });
      }
    };
    const onData = (chunk: Buffer): void => {
      bytes = Buffer.concat([bytes, chunk]);
      const ticket = helloTicket(bytes);
      if (ticket.done) finish(null, ticket.keyName);
    };
    const onEnd = (): void => finish(new Error('Connection closed during the TLS handshake'));
    const timer = setTimeout(() => finish(new Error(`TLS handshake took longer than ${timeoutMs / 1000} s`)), timeoutMs);
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.resume();
  });
}
