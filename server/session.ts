import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Command } from '../protocol/command.js';
import type { CommandContext, TransferStatus } from './commands/context.js';
import { ControlConnection } from './control-connection.js';
import type { DataSetup } from './data/channel.js';
import type { PassivePortTally } from './data/passive.js';
import { DataSettings } from './data-settings.js';
import { dispatch } from './dispatch.js';
import type { TransferEvent } from './events.js';
import type { UserFileSystem } from './fs/user-fs.js';
import type { HashAlgorithm } from '../common/hash.js';
import type { ResolvedOptions } from './options.js';
import type { LoginState } from './session-state.js';
import type { ConnectionOrigin } from './proxy.js';
import type { ServerContext } from './server-context.js';
import type { SessionTls } from './tls.js';
import type { ActiveTransfer } from './transfer.js';
import { UserSession } from './user-session.js';
import type { Account } from './users.js';
import type { ClientCertificate } from './client-certificate.js';

// Commands answered at once while a transfer runs (RFC 959 §4.1.3); the others wait.
const DURING_TRANSFER = new Set(['ABOR', 'STAT', 'QUIT']);
// Commands read ahead of the one running before the control connection stops being read.
const QUEUE_PAUSE = 32;

let sessions = 0;

const sessionClosed = (): Error => new Error('session closed');

/**
 * One FTP session: it runs the commands read off its control connection one at a time
 * through the handlers in `commands/`, each given the session as its CommandContext, and
 * owns the transfer running and the session's life (idle timeout, shutdown, closing).
 * What it holds is owned by its parts: the socket by control-connection.ts, the login and
 * the user's choices by user-session.ts, the data connection setup by data-settings.ts;
 * the transfers run in transfer.ts.
 */
export class Session implements CommandContext {
  readonly id = ++sessions;
  readonly #server: ServerContext;
  readonly #control: ControlConnection;
  readonly #user = new UserSession();
  readonly #data: DataSettings;
  #tls: SessionTls | null | undefined;
  #queue: Command[] = [];
  #running = false;
  #idle: NodeJS.Timeout | null = null;
  #transfer: ActiveTransfer | null = null;
  #quitAfterTransfer: { code: number; text: string } | null = null;
  #closing = false;
  // Bounds how long a closing connection may take (a client that never reads).
  #deadline: NodeJS.Timeout | null = null;
  // Aborted when the session ends: cancels login delays, transfers, waits. Made on first
  // use (a session that logs in and quits needs none: see #endLifetime).
  #lifetime: AbortController | null = null;
  #over = false;

  readonly #origin: ConnectionOrigin | null;

  /** `origin`: who the connection is from, when a PROXY header said so. */
  constructor(server: ServerContext, socket: Socket, origin: ConnectionOrigin | null = null) {
    this.#server = server;
    this.#origin = origin?.proxy ? origin : null;
    this.#control = new ControlConnection(socket, server.options.limits.lineBytes, {
      command: (command) => this.#received(command),
      failed: () => void this.close(),
    }, this.#origin?.address);
    this.#data = new DataSettings({
      options: server.options,
      localAddress: this.#control.localAddress,
      tls: () => this.#sessionTls(),
      lifetime: () => this.lifetime,
    });
    void this.#control.closed.then(() => this.#ended());
  }

  /** Greets the client (after the TLS handshake, for implicit FTPS). */
  async start(): Promise<void> {
    const { options } = this.#server;
    if (options.tls?.implicit && !(await this.#control.acceptTls(this.#sessionTls()!, options.ms.data))) return;
    this.#control.listen();
    this.#user.greeted();
    this.reply(220, options.greeting);
    this.#armIdle();
  }

  // ── What commands read (CommandContext) ─────────────────────────────────────────

  get options(): ResolvedOptions { return this.#server.options; }
  get remoteAddress(): string { return this.#control.remoteAddress; }
  get localAddress(): string { return this.#control.localAddress; }
  get publicAddress(): string { return this.#origin?.destination ?? this.#control.localAddress; }

  /** Behind a proxy: the client a passive data connection stands for (its PROXY header read first). */
  get dataOrigin(): ((socket: Socket) => Promise<string>) | null {
    const proxy = this.#server.proxy;
    return proxy ? (socket) => proxy.origin(socket).then((o) => o.address) : null;
  }
  get lifetime(): AbortSignal {
    if (!this.#lifetime) {
      this.#lifetime = new AbortController();
      if (this.#over) this.#lifetime.abort(sessionClosed());
    }
    return this.#lifetime.signal;
  }
  get ended(): boolean { return this.#over; }
  /** Aborted once the client has ended or broken the control connection (its FIN, a reset). */
  get clientGone(): AbortSignal { return this.#control.clientGone; }
  /** Resolves once the control connection has closed. */
  get closed(): Promise<void> { return this.#control.closed; }
  /**
   * Resolves once the control connection has closed and the transfer it cut (if any) has
   * cleaned up: a server that closes waits for this, so no half-written upload outlives it.
   */
  async settled(): Promise<void> {
    await this.#control.closed;
    await this.#transfer?.done;
  }
  get secure(): boolean { return this.#control.secure; }
  get certificate(): ClientCertificate | null { return this.#control.certificate; }
  get tlsAvailable(): boolean { return this.#sessionTls() !== null; }

  get state(): LoginState { return this.#user.state; }
  get pendingUser(): string | null { return this.#user.pendingUser; }
  get account(): Readonly<Account> | null { return this.#user.account; }
  get fs(): UserFileSystem { return this.#user.fs; }
  get cwd(): string { return this.#user.cwd; }
  get mlstFacts(): readonly string[] | null { return this.#user.mlstFacts; }
  get hashAlgorithm(): HashAlgorithm { return this.#user.hashAlgorithm; }

  get type(): 'A' | 'I' { return this.#data.type; }
  get epsvAll(): boolean { return this.#data.epsvAll; }
  get pbsz(): boolean { return this.#data.pbsz; }
  get protection(): 'C' | 'P' { return this.#data.protection; }
  get hasData(): boolean { return this.#data.hasData; }
  get transfer(): TransferStatus | null { return this.#transfer; }

  // ── What commands do (CommandContext) ──────────────────────────────────────────

  reply(code: number, text: string | readonly string[]): void {
    this.#control.reply(code, text);
  }

  reportError(error: unknown): void {
    this.#server.emit('session-error', { session: this.id, address: this.remoteAddress, error });
  }

  expectPassword(name: string): void { this.#user.expectPassword(name); }
  authenticate(name: string, password: string | null): Promise<Account | null> {
    const request = { name, password, address: this.remoteAddress, secure: this.secure, certificate: this.certificate };
    // A signal only where the answer takes time (an authenticate function may be asked):
    // the users table answers at once, and a closing session runs no PASS.
    const { authentication } = this.#server;
    return authentication.login(request, authentication.asks(name) ? this.lifetime : undefined);
  }
  openFileSystem(account: Account): Promise<UserFileSystem> { return this.#server.filesystem(account); }
  cancelLogin(): void { this.#user.cancel(); }

  loginFailed(): number {
    const user = this.#user.pendingUser ?? '';
    const failures = this.#user.failed();
    this.#server.counters.loginFailed();
    this.#server.emit('login-failed', { session: this.id, address: this.remoteAddress, user });
    return failures;
  }

  /** Logs a user in: from here on the session has a filesystem. */
  login(account: Account, fs: UserFileSystem): void {
    this.#user.login(account, fs);
    this.#tls?.shareWith(account.anonymous ? null : account.name);
    this.#server.counters.loggedIn();
    this.#server.emit('login', { session: this.id, address: this.remoteAddress, user: account.name, anonymous: account.anonymous });
  }

  /** REIN: back to just connected, the TLS layer excepted (it cannot be taken off again). */
  reset(): void {
    this.#tls?.shareWith(null);
    this.#user.reset();
    this.#data.reset();
  }

  resolve(arg: string): string { return this.#user.resolve(arg); }
  changeDirectory(path: string): void { this.#user.changeDirectory(path); }
  setRenameFrom(path: string): void { this.#user.setRenameFrom(path); }
  takeRenameFrom(): string | null { return this.#user.takeRenameFrom(); }
  setMlstFacts(facts: string[]): void { this.#user.setMlstFacts(facts); }
  setHashAlgorithm(algorithm: HashAlgorithm): void { this.#user.setHashAlgorithm(algorithm); }

  setType(type: 'A' | 'I'): void { this.#data.setType(type); }
  setRestart(offset: number): void { this.#data.setRestart(offset); }
  takeRestart(): number { return this.#data.takeRestart(); }
  enableEpsvAll(): void { this.#data.enableEpsvAll(); }
  setPbsz(): void { this.#data.setPbsz(); }
  setProtection(level: 'C' | 'P'): void { this.#data.setProtection(level); }
  setData(setup: DataSetup | null): void { this.#data.setData(setup); }
  takeData(): DataSetup | null { return this.#data.takeData(); }
  openData(setup: DataSetup, signal: AbortSignal, upload?: boolean): Promise<Socket | TLSSocket> { return this.#data.openData(setup, signal, upload); }
  prepareData(socket: Socket): Promise<Socket> { return this.#data.prepareData(socket); }
  get passivePorts(): PassivePortTally { return this.#server.counters; }
  linger(socket: Socket, ms: number): void { this.#data.linger(socket, ms); }

  /** AUTH TLS: what the client pipelined behind it in plain text is dropped, not run as if protected. */
  async upgradeToTls(): Promise<void> {
    this.#queue = [];
    if (!(await this.#control.upgrade(this.#sessionTls()!, this.#server.options.ms.data, 234, 'AUTH TLS successful'))) this.close();
  }

  // ── Transfers ────────────────────────────────────────────────────────────────────

  beginTransfer(transfer: ActiveTransfer): void {
    this.#transfer = transfer;
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

  recordTransfer(event: TransferEvent): void {
    this.#server.counters.transferred(event.direction, event.bytes, event.ok);
    this.#server.emit('transfer', event);
  }

  /** QUIT (or a server shutdown) during a transfer: answer and close once it has ended. */
  closeAfterTransfer(code: number, text: string): void {
    this.#quitAfterTransfer = { code, text };
    this.#queue = [];
  }

  // ── Running commands ─────────────────────────────────────────────────────────────

  #received(command: Command): void {
    if (this.#closing) return;
    this.#armIdle();
    if (this.#transfer && DURING_TRANSFER.has(command.verb)) {
      void this.#execute(command);
      return;
    }
    if (this.#quitAfterTransfer) return;
    this.#queue.push(command);
    if (this.#queue.length >= QUEUE_PAUSE) this.#control.pause();
    if (!this.#running) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#running = true; // a long command (HASH of a large file, a login delay) is not idleness: see #armIdle
    while (this.#queue.length > 0 && !this.#closing) {
      const command = this.#queue.shift()!;
      if (this.#queue.length < QUEUE_PAUSE / 2) this.#control.resume();
      await this.#execute(command);
      // A client that does not read its replies must not make the server buffer them:
      // one that reads nothing for the idle timeout is as idle as one that sends nothing.
      if (this.#control.needsDrain) await this.#control.drained(this.#server.options.ms.idle, () => (this.#closing = true));
    }
    this.#running = false;
    this.#armIdle();
  }

  #execute(command: Command): Promise<void> {
    if (command.verb !== 'RNTO') this.#user.setRenameFrom(null); // RNTO must come right after RNFR
    return dispatch(this, command, () => this.#closing);
  }

  // ── Timers and closing ──────────────────────────────────────────────────────────

  /** The session's TLS context (made on first use: most plain sessions never need one), or null without TLS. */
  #sessionTls(): SessionTls | null {
    if (this.#tls === undefined) this.#tls = this.#server.sessionTls();
    return this.#tls;
  }

  // One idle timer per session, pushed back (refresh) as commands come: a new Timeout per
  // command cost a login storm two timers per command. While a transfer or a command runs
  // the session is not idle, and the timer, if it fires then, only starts over.
  #armIdle(): void {
    if (this.#closing) return;
    if (this.#idle) {
      this.#idle.refresh();
      return;
    }
    const ms = this.#server.options.ms.idle;
    this.#idle = setTimeout(() => {
      if (this.#closing) return;
      if (this.#transfer || this.#running) {
        this.#idle?.refresh();
        return;
      }
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
      this.#control.destroy(); // an implicit-TLS handshake still running: nothing can be said yet
      return;
    }
    const text = 'Server shutting down';
    if (!this.#transfer) {
      this.reply(421, text);
      this.close();
      return;
    }
    this.closeAfterTransfer(421, text);
    this.#deadline ??= setTimeout(() => this.#control.destroy(), graceMs);
  }

  /** Ends the session: pending replies are flushed, then the connection is closed. */
  close(): Promise<void> {
    if (!this.#closing) {
      this.#closing = true;
      this.#stopIdle();
      this.#endLifetime();
      this.#data.setData(null);
      this.#control.end();
      if (this.#deadline) clearTimeout(this.#deadline);
      this.#deadline = setTimeout(() => this.#control.destroy(), 2000);
    }
    return this.#control.closed;
  }

  /** Aborts the lifetime signal, if anything asked for it; one asked for later is born aborted. */
  #endLifetime(): void {
    if (this.#over) return;
    this.#over = true;
    this.#lifetime?.abort(sessionClosed());
  }

  #ended(): void {
    this.#closing = true;
    this.#stopIdle();
    if (this.#deadline) clearTimeout(this.#deadline);
    this.#endLifetime();
    this.#data.dispose();
    this.#control.dispose();
    this.#tls?.dispose();
  }
}
