import type { Socket } from 'node:net';
import { encodeCommand } from './command.js';
import { ConnectionError, FtpPyError } from '../common/errors.js';
import { ReplyParser, type Reply } from './reply.js';
import { socketFailure } from './socket-errors.js';
import type { NameEncoding } from './text.js';

interface Waiter {
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

/**
 * The control connection's socket seen as commands out and replies in. Replies are queued
 * as they are parsed, so a 150 and its 226 arriving in one segment are both kept, and each
 * `next()` takes the oldest. It knows nothing of timeouts or of what a reply means; the
 * connection above it does.
 *
 * A reply nobody asked for (commands sent minus final replies received is 0) means the
 * server is talking on its own, usually `421` before it hangs up: `onUnsolicited` hears it.
 */
export class ControlChannel {
  #socket: Socket;
  readonly #parser: ReplyParser;
  readonly #replies: Reply[] = [];
  readonly #waiters: Waiter[] = [];
  #expected = 0;
  readonly #encoding: NameEncoding;
  #error: Error | null = null;
  /** Called once with the reason when the channel fails or is closed. */
  onFail: (error: Error) => void = () => {};
  onUnsolicited: (reply: Reply) => void = () => {};

  constructor(socket: Socket, options: { maxReplyBytes?: number; expectGreeting?: boolean; encoding?: NameEncoding } = {}) {
    this.#socket = socket;
    this.#encoding = options.encoding ?? 'utf8';
    this.#parser = new ReplyParser({ encoding: this.#encoding, ...(options.maxReplyBytes === undefined ? {} : { maxReplyBytes: options.maxReplyBytes }) });
    if (options.expectGreeting !== false) this.#expected = 1;
    this.#attach(socket);
  }

  get socket(): Socket {
    return this.#socket;
  }

  get failed(): Error | null {
    return this.#error;
  }

  /** Writes one command. A verb or argument that cannot be sent throws before anything is written. */
  send(verb: string, arg?: string): void {
    const line = encodeCommand(verb, arg, this.#encoding);
    if (this.#error) throw this.#error;
    this.#expected += 1;
    this.#socket.write(line);
  }

  /** The next reply, preliminary (1yz) ones included. */
  next(): Promise<Reply> {
    const queued = this.#replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#error) return Promise.reject(this.#error);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /**
   * Hands the channel over to a new socket wrapping the old one (TLS after AUTH TLS).
   * The old socket's listeners go first, or its ciphertext would reach the reply parser.
   */
  async replaceSocket(wrap: (plain: Socket) => Promise<Socket>): Promise<void> {
    const plain = this.#socket;
    this.#detach(plain);
    plain.on('error', () => {}); // the wrapper reports errors from here on
    try {
      this.#socket = await wrap(plain);
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    this.#attach(this.#socket);
    this.#socket.resume(); // a proxy's tunnel comes back neither flowing nor paused
    if (this.#error) this.#socket.destroy();
  }

  /** Fails every waiting `next()` with `error` and destroys the socket. Idempotent. */
  fail(error: Error): void {
    if (this.#error) return;
    this.#error = error;
    this.#socket.destroy();
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
    this.onFail(error);
  }

  /** Ends the connection politely (the socket ended, not destroyed); resolves once it has closed. */
  end(): Promise<void> {
    const socket = this.#socket;
    const closed = socket.closed ? Promise.resolve() : new Promise<void>((resolve) => socket.once('close', () => resolve()));
    if (!this.#error) this.#error = new FtpPyError('FTPPY_ERR_CLOSED', 'connection closed');
    for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#error);
    socket.end();
    this.onFail(this.#error);
    return closed;
  }

  readonly #onData = (chunk: Buffer): void => {
    let replies: Reply[];
    try {
      replies = this.#parser.push(chunk);
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    for (const reply of replies) this.#deliver(reply);
  };

  #deliver(reply: Reply): void {
    if (reply.code >= 200) {
      if (this.#expected === 0) return this.onUnsolicited(reply);
      this.#expected -= 1;
    }
    const waiter = this.#waiters.shift();
    if (waiter) waiter.resolve(reply);
    else this.#replies.push(reply);
  }

  readonly #onError = (error: Error): void => {
    this.fail(socketFailure(error, 'control connection'));
  };

  readonly #onClose = (): void => {
    this.fail(new ConnectionError('control connection closed by the server'));
  };

  #attach(socket: Socket): void {
    socket.on('data', this.#onData);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
  }

  #detach(socket: Socket): void {
    socket.off('data', this.#onData);
    socket.off('error', this.#onError);
    socket.off('close', this.#onClose);
  }
}
