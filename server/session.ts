import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { CommandParser, type Command } from '../protocol/command.js';
import { unmapIPv4 } from '../protocol/address.js';
import { encodeRaw } from '../protocol/text.js';
import { findCommand } from './commands/index.js';
import { UrgentDataRepair } from './control-input.js';
import { handshake, openDataConnection, type DataSetup } from './data/channel.js';
import { DataConnectionError } from './data/errors.js';
import type { ServerEvents, ServerStats } from './events.js';
import { describeCode, FileSystemError, type FileSystemErrorCode } from './fs/errors.js';
import type { Storage } from './fs/storage.js';
import type { UserFileSystem } from './fs/user-fs.js';
import type { HashAlgorithm } from '../common/hash.js';
import type { ResolvedOptions } from './options.js';
import { formatReply } from './reply-format.js';
import { admit, type LoginState } from './session-state.js';
import type { SessionTls } from './tls.js';
import type { ActiveTransfer } from './transfer.js';
import type { Account, UserDirectory } from './users.js';

/** What a session needs from its server. */
export interface ServerContext {
  readonly options: ResolvedOptions;
  readonly users: UserDirectory;
  readonly storage: Storage;
  readonly stats: ServerStats;
  /** A fresh TLS context for a new session, or null when TLS is not configured. */
  sessionTls(): SessionTls | null;
  emit<K extends keyof ServerEvents>(event: K, ...args: ServerEvents[K]): void;
}

const FS_REPLY_CODES: Partial<Record<FileSystemErrorCode, number>> = { EINVAL: 553, ENOSPC: 452, ERANGE: 554 };

// Commands answered at once while a transfer runs (RFC 959 §4.1.3); the others wait.
const DURING_TRANSFER = new Set(['ABOR', 'STAT', 'QUIT']);
// Commands read ahead of the one running before the control connection stops being read.
const QUEUE_PAUSE = 32;

let sessions = 0;

/**
 * One control connection: it reads commands line by line, runs them one at a time
 * through the handlers in `commands/`, and holds the state they share. The login state
 * machine is in `session-state.ts`; the transfers in `transfer.ts`.
 */
export class Session {
  readonly id = ++sessions;
  readonly server: ServerContext;
  /** The client's address, IPv4 unmapped. */
  readonly remoteAddress: string;
  readonly localAddress: string;

  state: LoginState = 'connecting';
  /** The name given by USER, waiting for PASS. */
  pendingUser: string | null = null;
  account: Account | null = null;
  #fs: UserFileSystem | null = null;
  cwd = '/';
  type: 'A' | 'I' = 'A';
  /** REST offset for the next transfer. */
  restart = 0;
  /** RNFR's path, waiting for RNTO. */
  renameFrom: string | null = null;
  /** After EPSV ALL, only EPSV may set up data connections (RFC 2428 §4). */
  epsvAll = false;
  failedLogins = 0;
  /** MLST facts the client asked for (OPTS MLST). */
  mlstFacts: string[] | null = null;
  hashAlgorithm: HashAlgorithm = 'SHA-256';

  /** The control connection is protected by TLS. */
  secure = false;
  pbsz = false;
  protection: 'C' | 'P' = 'C';
  #tls: SessionTls | null | undefined;

  #raw: Socket;
  #socket: Socket | TLSSocket;
  #parser: CommandParser;
  readonly #repair = new UrgentDataRepair();
  #queue: Command[] = [];
  #running = false;
  #upgrading = false;
  #idle: NodeJS.Timeout | null = null;
  #data: DataSetup | null = null;
  readonly #lingering = new Set<Socket>();
  #transfer: ActiveTransfer | null = null;
  #quitAfterTransfer: { code: number; text: string } | null = null;
  #closing = false;
  // Bounds how long a closing connection may take (a client that never reads).
  #deadline: NodeJS.Timeout | null = null;
  readonly #closed: Promise<void>;
  /** Aborted when the session ends: cancels login delays, transfers, waits. */
  readonly lifetime = new AbortController();
  // Aborted as soon as the client ends or breaks the control connection, before the
  // session has finished closing: what tells a cut upload from a complete one.
  readonly #client = new AbortController();
  readonly #clientLeft = (): void => this.#client.abort(new Error('the client closed the control connection'));

  constructor(server: ServerContext, socket: Socket) {
    this.server = server;
    this.#raw = socket;
    this.#socket = socket;
    this.remoteAddress = unmapIPv4(socket.remoteAddress ?? '');
    this.localAddress = socket.localAddress ?? '';
    this.#parser = new CommandParser({ maxLineBytes: server.options.limits.lineBytes });
    socket.setNoDelay(true);
    socket.on('error', () => {
      this.#clientLeft();
      void this.close();
    });
    socket.once('end', this.#clientLeft).once('close', this.#clientLeft);
    this.#closed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.#closed.then(() => this.#ended());
  }

  /** Greets the client (after the TLS handshake, for implicit FTPS). */
  async start(): Promise<void> {
    const { options } = this.server;
    if (options.tls?.implicit) {
      try {
        this.#socket = await this.tls!.accept(this.#raw, options.ms.data);
      } catch {
        this.#raw.destroy();
        return;
      }
      this.secure = true;
    }
    this.#listen();
    this.state = 'need-user';
    this.reply(220, options.greeting);
    this.#armIdle();
  }

  /** The session's TLS context (made on first use: most plain sessions never need one), or null without TLS. */
  get tls(): SessionTls | null {
    if (this.#tls === undefined) this.#tls = this.server.sessionTls();
    return this.#tls;
  }

  get fs(): UserFileSystem {
    if (!this.#fs) throw new Error('no user is logged in');
    return this.#fs;
  }

  get transfer(): ActiveTransfer | null {
    return this.#transfer;
  }

  /** Aborted once the client has ended or broken the control connection (its FIN, a reset). */
  get clientGone(): AbortSignal {
    return this.#client.signal;
  }

  /** Resolves once the control connection has closed. */
  get closed(): Promise<void> {
    return this.#closed;
  }

  reply(code: number, text: string | readonly string[]): void {
    if (!this.#socket.writable) return;
    this.#socket.write(encodeRaw(formatReply(code, text))); // a name's raw bytes as they are on disk
  }

  /** Answers a filesystem failure the way RFC 959 does: 550 mostly, 553 for names, 452 when full, 554 for a bad REST (RFC 3659). */
  replyError(error: unknown, path: string): void {
    if (!(error instanceof FileSystemError)) throw error;
    const code = FS_REPLY_CODES[error.code] ?? 550;
    // These messages say more than the code's name; the others are just the name.
    const text = error.code === 'EACCES' || error.code === 'EINVAL' || error.code === 'ERANGE' ? error.message : `${path}: ${describeCode(error.code)}`;
    this.reply(code, text);
  }

  /** Logs a user in: from here on the session has a filesystem. */
  login(account: Account, fs: UserFileSystem): void {
    this.account = account;
    this.#fs = fs;
    this.cwd = '/';
    this.state = 'logged-in';
    this.pendingUser = null;
    if (this.#tls) this.#tls.sharingUser = account.anonymous ? null : account.name;
  }

  /** REIN: back to just connected, the TLS layer excepted (it cannot be taken off again). */
  reset(): void {
    this.account = null;
    if (this.#tls) this.#tls.sharingUser = null;
    this.#fs = null;
    this.pendingUser = null;
    this.state = 'need-user';
    this.cwd = '/';
    this.type = 'A';
    this.restart = 0;
    this.renameFrom = null;
    this.epsvAll = false;
    this.mlstFacts = null;
    this.hashAlgorithm = 'SHA-256';
    this.setData(null);
  }

  /** The path of a command argument, relative to the working directory. */
  resolve(arg: string): string {
    return this.fs.resolve(this.cwd, arg);
  }

  // ── Data connections ─────────────────────────────────────────────────────────────

  /** Replaces how the next data connection is made (a new PASV closes the old port). */
  setData(setup: DataSetup | null): void {
    if (this.#data?.mode === 'passive') this.#data.port.close();
    this.#data = setup;
  }

  /** Takes the data setup for one transfer: each PASV/PORT serves one connection. */
  takeData(): DataSetup | null {
    const setup = this.#data;
    this.#data = null;
    return setup;
  }

  get hasData(): boolean {
    return this.#data !== null;
  }

  openData(setup: DataSetup, signal: AbortSignal): Promise<Socket | TLSSocket> {
    const protect = this.protection === 'P' && this.tls !== null;
    return openDataConnection(setup, {
      timeoutMs: this.server.options.ms.data,
      signal,
      // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; an IPv4 connection must leave from a.b.c.d.
      localAddress: unmapIPv4(this.localAddress),
      tls: protect ? this.tls : null,
      requireReuse: this.server.options.tls?.reuse ?? false,
    });
  }

  /** A passive data connection just arrived: its TLS handshake starts now when data is protected. */
  async prepareData(socket: Socket): Promise<Socket> {
    if (this.protection !== 'P' || !this.tls) return socket;
    return handshake(socket, this.tls, { timeoutMs: this.server.options.ms.data, signal: this.lifetime.signal });
  }

  /** A data connection done with: it may finish closing on its own, within bounds. */
  linger(socket: Socket, ms: number): void {
    if (socket.destroyed) return;
    this.#lingering.add(socket);
    const timer = setTimeout(() => socket.destroy(), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      this.#lingering.delete(socket);
    });
    socket.resume(); // read whatever is left so the close is orderly
  }

  // ── Transfers ────────────────────────────────────────────────────────────────────

  beginTransfer(transfer: ActiveTransfer): void {
    this.#transfer = transfer;
    this.#stopIdle();
  }

  endTransfer(): void {
    this.#transfer = null;
    const quit = this.#quitAfterTransfer;
    if (quit) {
      this.reply(quit.code, quit.text);
      this.close();
      return;
    }
    this.#armIdle();
  }

  /** QUIT (or a server shutdown) during a transfer: answer and close once it has ended. */
  closeAfterTransfer(code: number, text: string): void {
    this.#quitAfterTransfer = { code, text };
    this.#queue = [];
  }

  // ── Control connection ───────────────────────────────────────────────────────────

  #listen(): void {
    this.#socket.on('data', this.#onData);
    if (this.#socket !== this.#raw) {
      this.#socket.on('error', () => {
        this.#clientLeft();
        void this.close();
      });
      this.#socket.once('end', this.#clientLeft);
    }
  }

  readonly #onData = (chunk: Buffer): void => {
    let commands: Command[];
    try {
      commands = this.#parser.push(this.#repair.push(chunk));
    } catch {
      this.reply(500, `Command line too long (the limit is ${this.server.options.limits.lineBytes} bytes)`);
      this.close();
      return;
    }
    const socket = this.#socket;
    for (const command of commands) {
      // After AUTH TLS, what came behind it in the same plain-text chunk is dropped.
      if (this.#socket !== socket || this.#upgrading) break;
      this.#received(command);
    }
  };

  #received(command: Command): void {
    if (this.#closing) return;
    this.#armIdle();
    if (this.#transfer && DURING_TRANSFER.has(command.verb)) {
      void this.#execute(command);
      return;
    }
    if (this.#quitAfterTransfer) return;
    this.#queue.push(command);
    if (this.#queue.length >= QUEUE_PAUSE) this.#socket.pause();
    if (!this.#running) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#running = true;
    this.#stopIdle(); // a long command (HASH of a large file, a login delay) is not idleness
    while (this.#queue.length > 0 && !this.#closing) {
      const command = this.#queue.shift()!;
      if (this.#queue.length < QUEUE_PAUSE / 2 && this.#socket.isPaused()) this.#socket.resume();
      await this.#execute(command);
      // A client that does not read its replies must not make the server buffer them.
      if (this.#socket.writableNeedDrain) await this.#drained();
    }
    this.#running = false;
    this.#armIdle();
  }

  /**
   * Waits until the client has read the replies written so far. A client that reads
   * nothing for the idle timeout is as idle as one that sends nothing: without this
   * bound it would hold the session for ever by sending commands and never reading.
   */
  #drained(): Promise<void> {
    const ms = this.server.options.ms.idle;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#socket.removeListener('drain', done);
        this.#socket.removeListener('close', done);
        resolve();
      };
      // No reply can reach a client that does not read: the connection is just dropped.
      const timer = setTimeout(() => {
        done();
        this.#closing = true;
        this.#raw.destroy();
      }, ms);
      this.#socket.once('drain', done);
      this.#socket.once('close', done);
    });
  }

  async #execute({ verb, arg }: Command): Promise<void> {
    if (verb !== 'RNTO') this.renameFrom = null;
    const handler = findCommand(verb);
    if (!handler) {
      this.reply(502, `${verb.slice(0, 16)}: command not implemented`);
      return;
    }
    const refusal = admit(verb, handler.access, {
      state: this.state,
      secure: this.secure,
      tlsRequired: this.server.options.tls?.requireLogin === true && !this.server.options.tls.implicit,
    });
    if (refusal) {
      this.reply(refusal.code, refusal.text);
      return;
    }
    if (handler.arg === 'required' && arg.trim() === '') {
      this.reply(501, `${verb} needs an argument`);
      return;
    }
    if (handler.arg === 'none' && arg.trim() !== '') {
      this.reply(501, `${verb} takes no argument`);
      return;
    }
    try {
      await handler.run(this, arg);
    } catch (error) {
      if (error instanceof FileSystemError) {
        this.replyError(error, error.path);
      } else if (error instanceof DataConnectionError) {
        this.reply(error.reply, error.message);
      } else if (!this.#closing) {
        this.server.emit('session-error', { session: this.id, address: this.remoteAddress, error });
        this.reply(451, 'Local error in processing');
      }
    }
  }

  /**
   * AUTH TLS: the reply inviting the handshake goes out in the same tick as the socket
   * is handed to TLS, so no byte of the client's hello is read as a command; anything
   * the client pipelined after AUTH in plain text is dropped rather than run as if it
   * had been protected (the STARTTLS command-injection hole).
   */
  async upgradeToTls(): Promise<void> {
    this.#upgrading = true;
    this.#queue = [];
    this.#parser = new CommandParser({ maxLineBytes: this.server.options.limits.lineBytes });
    this.#raw.removeListener('data', this.#onData);
    this.reply(234, 'AUTH TLS successful');
    try {
      this.#socket = await this.tls!.accept(this.#raw, this.server.options.ms.data);
    } catch {
      this.close();
      return;
    }
    this.secure = true;
    this.#upgrading = false;
    this.#listen();
  }

  // ── Timers and closing ──────────────────────────────────────────────────────────

  #armIdle(): void {
    this.#stopIdle();
    if (this.#transfer || this.#running || this.#closing) return;
    const ms = this.server.options.ms.idle;
    this.#idle = setTimeout(() => {
      this.reply(421, `Idle for ${ms / 1000} s: closing the control connection`);
      this.close();
    }, ms);
  }

  #stopIdle(): void {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = null;
  }

  /** Server shutdown: idle sessions are closed now, a running transfer may finish within `graceMs`. */
  shutdown(graceMs: number): void {
    if (this.#closing) return;
    if (this.state === 'connecting') {
      this.#raw.destroy(); // an implicit-TLS handshake still running: nothing can be said yet
      return;
    }
    const text = 'Server shutting down';
    if (!this.#transfer) {
      this.reply(421, text);
      this.close();
      return;
    }
    this.closeAfterTransfer(421, text);
    this.#deadline ??= setTimeout(() => this.#raw.destroy(), graceMs);
  }

  /** Ends the session: pending replies are flushed, then the connection is closed. */
  close(): Promise<void> {
    if (!this.#closing) {
      this.#closing = true;
      this.#stopIdle();
      this.lifetime.abort(new Error('session closed'));
      this.setData(null);
      this.#socket.end();
      if (this.#deadline) clearTimeout(this.#deadline);
      this.#deadline = setTimeout(() => this.#raw.destroy(), 2000);
    }
    return this.#closed;
  }

  #ended(): void {
    this.#closing = true;
    this.#stopIdle();
    if (this.#deadline) clearTimeout(this.#deadline);
    this.lifetime.abort(new Error('session closed'));
    this.setData(null);
    for (const socket of this.#lingering) socket.destroy();
    if (this.#socket !== this.#raw) this.#socket.destroy();
    this.#tls?.dispose();
  }
}
