import { connect as netConnect, type Server, type Socket } from 'node:net';
import type { Writable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { withAbort } from '../common/abort.js';
import { paced, type Throttle } from '../common/throttle.js';
import { ControlChannel } from './control-channel.js';
import { openActive, openPassive, type DataLink, type ServerTraits } from './data-channel.js';
import { receive, send } from './data-flow.js';
import { ConnectionError, FtpPyError, ReplyError, TimeoutError } from '../common/errors.js';
import { Features } from './features.js';
import { logIn } from './login.js';
import { PhaseTimer, type Phase } from './phase-timer.js';
import type { Reply } from './reply.js';
import { SessionKeeper, startTls, type TlsOptions } from './tls.js';
import type { NameEncoding } from './text.js';
import { openTunnel, type ProxyConfig } from './proxy.js';

export type Security = 'none' | 'explicit' | 'implicit';

export interface ConnectOptions {
  host: string;
  port: number;
  security: Security;
  /** Certificates and verification for every TLS connection (control and data). */
  tls?: TlsOptions;
  /** Resume the control connection's TLS session on data connections (default true). */
  reuseSession?: boolean;
  user: string;
  password: string;
  /** Seconds: `connect` bounds TCP, TLS and the greeting together. */
  timeouts: { connect: number; read: number; write: number };
  /** false: active mode, the server connects to us for data. */
  passive: boolean;
  /** Connect where a 227 says, not to the control connection's peer (default false). */
  trustPasvAddress?: boolean;
  /** The local address the control and data connections leave from (default: the system's choice). */
  localAddress?: string;
  /** Learnt about the server (FEAT, EPSV…), shared by the connections to it. */
  traits?: ServerTraits & { features?: Features };
  maxReplyBytes?: number;
  /** How names (command arguments, replies, listings) are written and read (default 'utf8'). */
  encoding?: NameEncoding;
  /** A SOCKS5 or HTTP proxy for the control connection and every (passive) data connection. */
  proxy?: ProxyConfig;
}

export interface TransferOptions {
  /** Restart the transfer at this byte (REST, RFC 3659 §5). */
  offset?: number;
  /** Called with the size of each chunk as it crosses the data connection. */
  onBytes?: (n: number) => void;
  /** The bandwidth limits the transfer obeys, if any. */
  throttle?: Throttle | null;
  /** Receive: stop after this many bytes (a range), closing the data connection early. */
  length?: number;
}

let ids = 0;

/**
 * One control connection and the data connections it opens, one at a time: connected,
 * logged in, FEAT read, binary mode. It holds state (TYPE, TLS, a transfer in flight),
 * so whoever uses it has it to itself until done (the pool leases it).
 *
 * Every failure goes through one path: the control channel fails, and that stops the
 * timer and destroys whatever data socket or listener is open, so every wait rejects
 * with the one error that caused it (a timeout, a reset, an abort).
 */
export class FtpConnection {
  readonly id = ++ids;
  readonly options: ConnectOptions;
  readonly traits: ServerTraits & { features?: Features };
  greeting = '';
  features = new Features();
  #channel: ControlChannel;
  readonly #timer: PhaseTimer;
  readonly #sessions = new SessionKeeper();
  readonly #tracked = new Set<Socket | Server>();
  #failure: Error | null = null;
  readonly #closeListeners: ((error: Error) => void)[] = [];

  private constructor(options: ConnectOptions) {
    this.options = options;
    this.traits = options.traits ?? {};
    this.#timer = new PhaseTimer((phase, seconds) => this.destroy(timeoutFor(phase, seconds, this)));
    // Implicit FTPS wraps this socket in TLS before the greeting (#establish).
    // Through a proxy, TCP goes to the proxy; #establish asks it for a tunnel to the server.
    const local = options.localAddress ? { localAddress: options.localAddress } : {};
    const socket = netConnect(options.proxy ? { host: options.proxy.host, port: options.proxy.port, ...local } : { host: options.host, port: options.port, ...local });
    this.#channel = new ControlChannel(socket, { ...(options.maxReplyBytes === undefined ? {} : { maxReplyBytes: options.maxReplyBytes }), ...(options.encoding ? { encoding: options.encoding } : {}) });
    this.#channel.onFail = (error) => this.#failed(error);
    this.#channel.onUnsolicited = (reply) => {
      this.destroy(new ConnectionError(`the server said, unasked: ${reply.code} ${reply.message}`, { reply }));
    };
  }

  /** Connects, secures, logs in, reads FEAT and sets binary mode. Rejects with an FtpPyError. */
  static async open(options: ConnectOptions, signal?: AbortSignal): Promise<FtpConnection> {
    signal?.throwIfAborted();
    const connection = new FtpConnection(options);
    const onAbort = (reason: unknown): void => {
      connection.destroy(reason instanceof Error ? reason : new FtpPyError('FTPPY_ERR_ABORTED', 'aborted'));
    };
    return withAbort(signal, onAbort, async () => {
      try {
        await connection.#establish();
        connection.features = await logIn(connection, options, connection.traits.features);
        connection.traits.features = connection.features; // the next connection to this server skips FEAT
        return connection;
      } catch (error) {
        connection.destroy(error instanceof Error ? error : new Error(String(error)));
        throw connection.#failure ?? error;
      }
    });
  }

  get secure(): boolean {
    return this.options.security !== 'none';
  }

  get closed(): boolean {
    return this.#failure !== null;
  }

  /** Why the connection ended, once it has. */
  get failure(): Error | null {
    return this.#failure;
  }

  /** The server's address; through a proxy, its name as given (the socket's peer is the proxy). */
  get remoteAddress(): string {
    if (this.options.proxy) return this.options.host;
    return this.#channel.socket.remoteAddress ?? this.options.host;
  }

  get localAddress(): string {
    return this.#channel.socket.localAddress ?? '0.0.0.0';
  }

  /** Called once when the connection ends, whoever ended it. */
  onClose(listener: (error: Error) => void): void {
    if (this.#failure) listener(this.#failure);
    else this.#closeListeners.push(listener);
  }

  /** Sends a command and waits (Timeout.read) for its final reply, whatever its code. */
  async request(verb: string, arg?: string): Promise<Reply> {
    this.#channel.send(verb, arg);
    this.#timer.enter('reply', this.options.timeouts.read);
    try {
      return await this.#final();
    } finally {
      if (this.#timer.phase === 'reply') this.#timer.stop();
    }
  }

  /** Like `request`, but a negative reply (4yz, 5yz) throws a `ReplyError`. */
  async command(verb: string, arg?: string): Promise<Reply> {
    const reply = await this.request(verb, arg);
    if (reply.code >= 400) throw new ReplyError(arg === undefined ? verb : `${verb} ${arg}`, reply);
    return reply;
  }

  /**
   * RETR, LIST, MLSD, NLST: the data connection's bytes go to `sink`, which is not ended.
   * `sink` may be chosen once the server has opened the transfer, from its opening reply
   * (which often names the size).
   */
  receive(verb: string, arg: string | undefined, sink: Writable | ((opening: Reply) => Writable), options: TransferOptions = {}): Promise<Reply> {
    const limits = this.options.timeouts;
    let cut = false;
    return this.#transfer(verb, arg, async (socket, opening) => {
      const into = typeof sink === 'function' ? sink(opening) : sink;
      cut = await receive(socket, into, this.#timer, limits, options.onBytes ?? noop, options.throttle ?? null, options.length);
    }, options.offset, () => cut);
  }

  /** STOR, APPE: `source` goes over the data connection, which is then closed cleanly. */
  send(verb: string, arg: string, source: AsyncIterable<Buffer | string>, options: TransferOptions = {}): Promise<Reply> {
    const limits = this.options.timeouts;
    const chunks = options.throttle ? paced(source, options.throttle) : source;
    return this.#transfer(verb, arg, (socket) => send(chunks, socket, this.#timer, limits, options.onBytes ?? noop), options.offset);
  }

  /**
   * QUIT and a polite close, resolved once the socket has closed (so that a pool counting
   * connections counts this one until the server has let it go). A server that does not
   * answer is cut off after the read timeout.
   */
  async close(): Promise<void> {
    if (this.#failure) return;
    try {
      await this.request('QUIT');
    } catch {
      // gone already, or too slow to say goodbye: either way it is closed below
    }
    if (this.#failure) return;
    const socket = this.#channel.socket;
    const cutOff = setTimeout(() => socket.destroy(), this.options.timeouts.read * 1000);
    await this.#channel.end();
    clearTimeout(cutOff);
  }

  /** Ends the connection at once with `error` as the reason every pending wait rejects with. */
  destroy(error: Error = new FtpPyError('FTPPY_ERR_CLOSED', 'connection destroyed')): void {
    this.#channel.fail(error);
  }

  toString(): string {
    return `ftp${this.secure ? 's' : ''}://${this.options.host}:${this.options.port} #${this.id}`;
  }

  /** TCP (and TLS) and the greeting, all within Timeout.connect; AUTH TLS too. */
  async #establish(): Promise<void> {
    const { host, port, security, tls = {} } = this.options;
    this.#timer.enter('connect', this.options.timeouts.connect);
    const proxy = this.options.proxy;
    if (proxy) await this.#channel.replaceSocket((plain) => openTunnel(plain, proxy, { host, port }));
    if (security === 'implicit') {
      await this.#channel.replaceSocket(async (plain) => this.#secured(await startTls({ socket: plain, host, tls })));
    }
    const greeting = await this.#final();
    if (greeting.code !== 220) throw new ConnectionError(`${host}:${port} greeted with ${greeting.code} ${greeting.message}`, { reply: greeting });
    this.greeting = greeting.message;
    if (security === 'explicit') {
      this.#channel.send('AUTH', 'TLS');
      const reply = await this.#final();
      if (reply.code !== 234) throw new FtpPyError('FTPPY_ERR_TLS', `the server refused AUTH TLS: ${reply.code} ${reply.message}`, { reply });
      await this.#channel.replaceSocket(async (plain) => this.#secured(await startTls({ socket: plain, host, tls })));
    }
    this.#timer.stop();
  }

  #secured(socket: TLSSocket): TLSSocket {
    this.#sessions.watch(socket);
    return socket;
  }

  async #final(): Promise<Reply> {
    for (;;) {
      const reply = await this.#channel.next();
      if (reply.code >= 200) return reply;
    }
  }

  /**
   * One transfer: a data connection, REST when resuming, the command, then the data and
   * the final reply. It resolves only once both the data has ended and the final reply
   * is positive; a negative final reply arriving while data still flows cuts the data
   * connection at once, and it is that reply the transfer fails with.
   */
  /**
   * `cutShort` tells, once `io` is done, whether we closed the data connection early (a
   * range read whole): the server's 426 or 451 for the close it saw is then no failure.
   */
  async #transfer(verb: string, arg: string | undefined, io: (socket: Socket, opening: Reply) => Promise<void>, offset = 0, cutShort = (): boolean => false): Promise<Reply> {
    const what = arg === undefined ? verb : `${verb} ${arg}`;
    if (!this.options.passive && this.options.proxy) {
      throw new FtpPyError('FTPPY_ERR_UNSUPPORTED', `${what}: active mode cannot work through a proxy (the server could not connect back): use passive mode`);
    }
    const link = this.#link();
    const pending = this.options.passive ? await openPassive(link) : await openActive(link);
    let socket: Socket | undefined;
    try {
      // REST goes right before its command (RFC 3659 §5.5): some servers forget it on PASV.
      if (offset > 0) {
        const reply = await this.request('REST', String(offset));
        if (reply.code !== 350) throw new ReplyError(`REST ${offset}`, reply);
      }
      // Passive TLS starts its handshake before the command: vsftpd finishes the handshake
      // before it sends 150, so waiting for the 150 first would wait for ever.
      const early = this.options.passive ? this.#secureData(await pending.socket()) : undefined;
      early?.catch(() => {});
      this.#channel.send(verb, arg);
      this.#timer.enter('reply', this.options.timeouts.read);
      const first = await this.#channel.next();
      if (first.code >= 400) throw new ReplyError(what, first);
      let last: Reply | undefined = first.code >= 200 ? first : undefined;
      const final = last ? Promise.resolve(last) : this.#final();
      final.then((reply) => {
        last = reply;
        if (reply.code >= 400) socket?.destroy();
      }, () => {});
      // The data connection races the final reply: an active-mode server that says 150,
      // then 425, never connects. A positive reply first (an empty file's 226 read before
      // its connection) leaves the wait to the connection, under the read timeout.
      const refused = final.then((reply) => (reply.code >= 400 ? Promise.reject(new ReplyError(what, reply)) : new Promise<never>(() => {})));
      refused.catch(() => {});
      socket = await Promise.race([early ?? pending.socket().then((s) => this.#secureData(s)), refused]);
      this.#track(socket);
      try {
        await io(socket, first);
      } catch (error) {
        if (last && last.code >= 400) throw new ReplyError(what, last);
        throw this.#failure ?? error;
      }
      this.#timer.enter('reply', this.options.timeouts.read);
      const reply = await final;
      this.#timer.stop();
      if (reply.code >= 400 && !(cutShort() && (reply.code === 426 || reply.code === 451))) throw new ReplyError(what, reply);
      return reply;
    } catch (error) {
      // Mid-transfer the two channels are out of step; only a fresh connection is sure.
      if (!(error instanceof ReplyError)) this.destroy(error as Error);
      throw this.#failure && !(error instanceof ReplyError) ? this.#failure : error;
    } finally {
      pending.discard();
      for (const resource of this.#tracked) destroyResource(resource);
      this.#tracked.clear();
    }
  }

  #secureData(socket: Socket): Promise<Socket> {
    if (!this.secure) return Promise.resolve(socket);
    const session = this.options.reuseSession === false ? undefined : this.#sessions.session;
    return startTls({ socket, host: this.options.host, tls: this.options.tls ?? {}, ...(session ? { session } : {}) }).then((secure) => {
      secure.on('error', () => {}); // until the transfer listens, an error must not crash the process
      return secure;
    });
  }

  #link(): DataLink {
    return {
      request: (verb, arg) => this.request(verb, arg),
      enter: (phase: Phase) => {
        const { connect, read } = this.options.timeouts;
        this.#timer.enter(phase, phase === 'connect' ? connect : read);
      },
      remoteAddress: this.remoteAddress,
      localAddress: this.localAddress,
      traits: this.traits,
      trustPasvAddress: this.options.trustPasvAddress === true,
      bindAddress: this.options.localAddress ?? null,
      directReads: !this.secure,
      track: (resource) => {
        if (resource) this.#track(resource);
      },
      ...(this.options.proxy ? { dial: (address: { host: string; port: number }) => this.#dialThroughProxy(address) } : {}),
    };
  }

  #dialThroughProxy(address: { host: string; port: number }): Promise<Socket> {
    const proxy = this.options.proxy!;
    const socket = netConnect({ host: proxy.host, port: proxy.port });
    this.#track(socket);
    return openTunnel(socket, proxy, address);
  }

  #track(resource: Socket | Server): void {
    if (this.#failure) destroyResource(resource);
    else this.#tracked.add(resource);
  }

  #failed(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#timer.dispose();
    for (const resource of this.#tracked) destroyResource(resource);
    this.#tracked.clear();
    for (const listener of this.#closeListeners.splice(0)) listener(error);
  }
}

function destroyResource(resource: Socket | Server): void {
  if ('destroy' in resource) resource.destroy();
  else resource.close();
}

function timeoutFor(phase: Phase, seconds: number, connection: FtpConnection): TimeoutError {
  const what = phase === 'connect' ? 'connecting' : phase === 'write' ? 'sending data' : phase === 'read' ? 'receiving data' : 'waiting for a reply';
  return new TimeoutError(`${connection}: timed out after ${seconds}s ${what}`);
}

const noop = (): void => {};
