import { randomInt } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { unmapIPv4 } from '../../protocol/address.js';
import { DataConnectionError } from './errors.js';

export interface PassivePortOptions {
  /** The local address to listen on: the control connection's own. */
  host: string;
  /** The port range; 0 and 0 let the system pick. */
  min: number;
  max: number;
  /** The control connection's peer: the only address a data connection may come from. */
  peer: string;
  /**
   * Runs on the data connection as soon as it arrives: the TLS handshake, when data is
   * protected. Clients start it right after connecting, and some wait for it to finish
   * before they send the transfer command, so it cannot wait for that command.
   */
  prepare?: (socket: Socket) => Promise<Socket>;
  /** Told when the port opens and when it is done with: the server's count of ports in use. */
  tally?: PassivePortTally;
  /**
   * Behind a PROXY-protocol proxy: the client a connection stands for (its header read
   * first), or a rejection when a trusted connection has no valid header. Default: the
   * socket's peer.
   */
  origin?: (socket: Socket) => Promise<string>;
}

export interface PassivePortTally {
  passiveOpened(): void;
  passiveClosed(): void;
}

// Random picks before giving up on a crowded range.
const ATTEMPTS = 64;

function listen(server: Server, host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.removeListener('listening', onListening);
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(false);
      else reject(error);
    };
    const onListening = (): void => {
      server.removeListener('error', onError);
      resolve(true);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port, exclusive: true, backlog: 4 });
  });
}

/**
 * The listening side of one PASV/EPSV: a port picked at random in the range, open for a
 * single data connection from the control connection's peer. A connection from any
 * other address is dropped and fails the transfer (425): someone else found the port,
 * and the session's data must not go to them. The first good connection closes the
 * listener, so each PASV serves exactly one data connection.
 */
export class PassivePort {
  readonly port: number;
  readonly #server: Server;
  readonly #peer: string;
  readonly #prepare: (socket: Socket) => Promise<Socket>;
  readonly #tally: PassivePortTally | undefined;
  readonly #origin: ((socket: Socket) => Promise<string>) | null;
  // A connection's PROXY header is being read: it is the one judged, later ones are dropped.
  #judging = false;
  #socket: Promise<Socket> | null = null;
  #raw: Socket | null = null;
  #failure: DataConnectionError | null = null;
  #wake: (() => void) | null = null;
  #handedOut = false;
  #closed = false;

  private constructor(server: Server, port: number, options: PassivePortOptions) {
    this.#server = server;
    this.port = port;
    this.#peer = unmapIPv4(options.peer);
    this.#prepare = options.prepare ?? ((socket) => Promise.resolve(socket));
    this.#tally = options.tally;
    this.#tally?.passiveOpened();
    this.#origin = options.origin ?? null;
    server.on('connection', (socket) => this.#arrived(socket));
  }

  static async open(options: PassivePortOptions): Promise<PassivePort> {
    // Paused: nothing is read before a TLS handshake (when data is protected) takes the socket over.
    const server = createServer({ pauseOnConnect: true });
    server.on('error', () => {}); // a listener error after listening only ends this port
    if (options.min === 0) {
      if (!(await listen(server, options.host, 0))) throw new DataConnectionError(425, 'Cannot open a passive port');
    } else {
      const size = options.max - options.min + 1;
      let ok = false;
      for (let i = 0; i < Math.min(ATTEMPTS, size * 2) && !ok; i++) {
        ok = await listen(server, options.host, options.min + randomInt(size));
      }
      if (!ok) throw new DataConnectionError(425, `No free passive port in ${options.min}-${options.max}`);
    }
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    return new PassivePort(server, port, options);
  }

  #arrived(socket: Socket): void {
    socket.on('error', () => {}); // a reset before the transfer uses it shows up there
    if (this.#judging || this.#socket || this.#failure || this.#handedOut) {
      socket.destroy();
      return;
    }
    if (!this.#origin) {
      this.#judge(socket, unmapIPv4(socket.remoteAddress ?? ''));
      return;
    }
    this.#judging = true;
    this.#origin(socket).then(
      (from) => this.#judge(socket, from),
      (error: Error) => this.#judge(socket, null, `Data connection refused: ${error.message}`),
    );
  }

  /** The first connection decides: the client's (kept), or anyone else's (dropped, and the transfer fails). */
  #judge(socket: Socket, from: string | null, why?: string): void {
    this.#judging = false;
    if (this.#closed) {
      socket.destroy();
      return;
    }
    if (from !== this.#peer) {
      socket.destroy();
      this.#failure = new DataConnectionError(425, why ?? `Data connection from ${from} refused: only the control connection's address may connect`);
    } else {
      this.#raw = socket;
      this.#socket = this.#prepare(socket);
      this.#socket.catch(() => {}); // a failed handshake is reported to the transfer, if one comes
    }
    this.#server.close();
    this.#wake?.();
  }

  /**
   * The data connection, once it has arrived (it may already have). Rejects with a
   * `DataConnectionError` (425) on a foreign connection, after `timeoutMs`, or when
   * `signal` aborts.
   */
  accept(timeoutMs: number, signal: AbortSignal): Promise<Socket> {
    return this.#wait(timeoutMs, signal, true) as Promise<Socket>;
  }

  /**
   * Resolves once a connection from the peer has arrived, its TLS handshake (if any)
   * perhaps still running; rejects as accept() does. A transfer waits for this before its
   * 150, as vsftpd does, so that a refused connection is answered 425 alone.
   */
  async arrived(timeoutMs: number, signal: AbortSignal): Promise<void> {
    await this.#wait(timeoutMs, signal, false);
  }

  #wait(timeoutMs: number, signal: AbortSignal, take: boolean): Promise<Socket | undefined> {
    return new Promise((resolve, reject) => {
      const settle = (): boolean => {
        if (this.#socket && !take) resolve(undefined);
        else if (this.#socket) {
          const socket = this.#socket;
          this.#socket = null;
          this.#raw = null;
          this.#handedOut = true;
          resolve(socket);
        } else if (this.#failure) reject(this.#failure);
        else if (this.#closed) reject(new DataConnectionError(425, 'The passive port was closed'));
        else if (signal.aborted) reject(signal.reason);
        else return false;
        return true;
      };
      if (settle()) return;
      const finish = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', finish);
        this.#wake = null;
        settle();
      };
      const timer = setTimeout(() => {
        this.#failure = new DataConnectionError(425, `No data connection within ${timeoutMs / 1000} s`);
        this.close();
        finish();
      }, timeoutMs);
      this.#wake = finish;
      signal.addEventListener('abort', finish);
    });
  }

  /** Stops listening and drops a connection that was never handed out. */
  close(): void {
    // Every transfer ends here: the error for a later accept() is made only if one comes.
    if (!this.#closed) this.#tally?.passiveClosed();
    this.#closed = true;
    this.#server.close();
    this.#raw?.destroy();
    this.#raw = null;
    this.#socket = null;
    this.#wake?.();
  }
}
