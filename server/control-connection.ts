import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { unmapIPv4 } from '../protocol/address.js';
import { CommandParser, type Command } from '../protocol/command.js';
import { encodeRaw, hasRawBytes } from '../protocol/text.js';
import { UrgentDataRepair } from './control-input.js';
import { formatReply } from './reply-format.js';
import type { SessionTls } from './tls.js';
import { verifiedCertificate, type ClientCertificate } from './client-certificate.js';

const clientLeft = (): Error => new Error('the client closed the control connection');

/** What the control connection tells its session. */
export interface ControlEvents {
  /** One command line, in the order they came. */
  command(command: Command): void;
  /** The connection broke, or the client sent a line over the limit (answered 500): the session should close. */
  failed(): void;
}

/**
 * The control connection's socket: command lines in (TLS or not, urgent data repaired),
 * replies out, and when the client has gone. It knows nothing of what the commands mean.
 */
export class ControlConnection {
  /** The client's address, IPv4 unmapped. */
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly #raw: Socket;
  #socket: Socket | TLSSocket;
  readonly #lineBytes: number;
  #parser: CommandParser;
  readonly #repair = new UrgentDataRepair();
  readonly #events: ControlEvents;
  #upgrading = false;
  #secure = false;
  #certificate: ClientCertificate | null = null;
  readonly #closed: Promise<void>;
  // Aborted as soon as the client ends or breaks the control connection, before the
  // session has finished closing: what tells a cut upload from a complete one. Made when
  // an upload first asks (most sessions never do): an AbortController, its Error and its
  // abort event cost a login storm more than the login itself.
  #client: AbortController | null = null;
  #left = false;
  readonly #clientLeft = (): void => {
    if (this.#left) return;
    this.#left = true;
    this.#client?.abort(clientLeft());
  };

  /** `client`: the client's address when a PROXY header named it (else the socket's peer). */
  constructor(socket: Socket, lineBytes: number, events: ControlEvents, client?: string) {
    this.#raw = socket;
    this.#socket = socket;
    this.#lineBytes = lineBytes;
    this.#events = events;
    this.remoteAddress = client ?? unmapIPv4(socket.remoteAddress ?? '');
    this.localAddress = socket.localAddress ?? '';
    this.#parser = new CommandParser({ maxLineBytes: lineBytes });
    socket.setNoDelay(true);
    socket.on('error', () => {
      this.#clientLeft();
      events.failed();
    });
    socket.once('end', this.#clientLeft).once('close', this.#clientLeft);
    this.#closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** The connection is protected by TLS. */
  get secure(): boolean {
    return this.#secure;
  }

  /** The client's certificate, when it sent one that the server's CA bundle vouches for. */
  get certificate(): ClientCertificate | null {
    return this.#certificate;
  }

  /** Aborted once the client has ended or broken the connection (its FIN, a reset). */
  get clientGone(): AbortSignal {
    if (!this.#client) {
      this.#client = new AbortController();
      if (this.#left) this.#client.abort(clientLeft());
    }
    return this.#client.signal;
  }

  /** Resolves once the connection has closed. */
  get closed(): Promise<void> {
    return this.#closed;
  }

  reply(code: number, text: string | readonly string[]): void {
    if (!this.#socket.writable) return;
    const reply = formatReply(code, text);
    // A name's raw bytes go out as they are on disk; any other reply as a string, which
    // the socket writes without a Buffer made for it first.
    if (hasRawBytes(reply)) this.#socket.write(encodeRaw(reply));
    else this.#socket.write(reply, 'utf8');
  }

  /** Implicit FTPS: the TLS handshake before anything is said. False (and the connection cut) when it fails. */
  async acceptTls(tls: SessionTls, timeoutMs: number): Promise<boolean> {
    try {
      this.#socket = await tls.accept(this.#raw, timeoutMs);
    } catch {
      this.#raw.destroy();
      return false;
    }
    this.#secured();
    return true;
  }

  /**
   * AUTH TLS: the reply inviting the handshake (`code text`) goes out in the same tick
   * as the socket is handed to TLS, so no byte of the client's hello is read as a
   * command; what the client pipelined after AUTH in plain text is dropped. False when
   * the handshake failed.
   */
  async upgrade(tls: SessionTls, timeoutMs: number, code: number, text: string): Promise<boolean> {
    this.#upgrading = true;
    this.#parser = new CommandParser({ maxLineBytes: this.#lineBytes });
    this.#raw.removeListener('data', this.#onData);
    this.reply(code, text);
    try {
      this.#socket = await tls.accept(this.#raw, timeoutMs);
    } catch {
      return false;
    }
    this.#secured();
    this.#upgrading = false;
    this.listen();
    return true;
  }

  #secured(): void {
    this.#secure = true;
    this.#certificate = verifiedCertificate(this.#socket as TLSSocket);
  }

  /** Starts reading commands (again, after a TLS handshake). */
  listen(): void {
    this.#socket.on('data', this.#onData);
    // A socket whose PROXY header was read was left paused, with what followed put back.
    if (this.#socket.isPaused()) this.#socket.resume();
    if (this.#socket !== this.#raw) {
      this.#socket.on('error', () => {
        this.#clientLeft();
        this.#events.failed();
      });
      this.#socket.once('end', this.#clientLeft);
    }
  }

  readonly #onData = (chunk: Buffer): void => {
    let commands: Command[];
    try {
      commands = this.#parser.push(this.#repair.push(chunk));
    } catch {
      this.reply(500, `Command line too long (the limit is ${this.#lineBytes} bytes)`);
      this.#events.failed();
      return;
    }
    const socket = this.#socket;
    for (const command of commands) {
      // After AUTH TLS, what came behind it in the same plain-text chunk is dropped.
      if (this.#socket !== socket || this.#upgrading) break;
      this.#events.command(command);
    }
  };

  /** Stops reading: the commands read ahead are enough. */
  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    if (this.#socket.isPaused()) this.#socket.resume();
  }

  /** The client has not read the replies written so far. */
  get needsDrain(): boolean {
    return this.#socket.writableNeedDrain;
  }

  /**
   * Waits until the client has read the replies written so far, or the connection
   * closed. After `ms` without that, `stuck` is called and the connection is cut: no
   * reply can reach a client that does not read.
   */
  drained(ms: number, stuck: () => void): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#socket.removeListener('drain', done);
        this.#socket.removeListener('close', done);
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        stuck();
        this.#raw.destroy();
      }, ms);
      this.#socket.once('drain', done);
      this.#socket.once('close', done);
    });
  }

  /** Flushes the replies, then closes. */
  end(): void {
    this.#socket.end();
  }

  /** Cuts the connection now. */
  destroy(): void {
    this.#raw.destroy();
  }

  /** The connection has closed: a TLS layer over it goes too. */
  dispose(): void {
    if (this.#socket !== this.#raw) this.#socket.destroy();
  }
}
