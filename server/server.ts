import { lookup } from 'node:dns/promises';
import { EventEmitter } from 'node:events';
import { createServer as createNetServer, isIP, isIPv4, type AddressInfo, type Server, type Socket } from 'node:net';
import { atMostTimer, nonNegative } from '../common/check.js';
import { unmapIPv4 } from '../protocol/address.js';
import type { ServerEvents, ServerStats } from './events.js';
import { DiskStorage } from './fs/disk.js';
import type { Storage } from './fs/storage.js';
import { UsageBook } from './fs/usage.js';
import { UserFileSystem } from './fs/user-fs.js';
import { resolveOptions, type ResolvedOptions, type ServerOptions } from './options.js';
import type { ServerContext } from './server-context.js';
import { directOrigin, ProxyTrust, type ConnectionOrigin } from './proxy.js';
import { Session } from './session.js';
import { ServerCounters } from './stats.js';
import { SessionTls } from './tls.js';
import { TicketOwners } from './tls-owners.js';
import { UserDirectory, type Account } from './users.js';
import { Authentication, type LoginRequest } from './authentication.js';
import { BanList } from './ban-list.js';

async function passiveAddress(name: string): Promise<string> {
  try {
    return (await lookup(name, { family: 4 })).address;
  } catch (error) {
    throw new Error(`pasv.address: ${name} does not resolve to an IPv4 address (${(error as Error).message})`, { cause: error });
  }
}

/** Starts an FTP server and resolves once it listens. */
export async function createServer(options: ServerOptions = {}): Promise<FtpServer> {
  const server = new FtpServer(options);
  await server.listen();
  return server;
}

/**
 * The FTP/FTPS server: listeners, the sessions they accept, the limits on both, and the
 * users and storage the sessions share. The web API reuses `authenticate` and
 * `filesystem` so that it serves the same users, rights and root.
 */
export class FtpServer extends EventEmitter<ServerEvents> {
  readonly options: ResolvedOptions;
  readonly users: UserDirectory;
  readonly storage: Storage;
  readonly #counters = new ServerCounters();
  readonly #listeners: Server[] = [];
  readonly #sessions = new Set<Session>();
  readonly #perAddress = new Map<string, number>();
  readonly #context: ServerContext;
  readonly #authentication: Authentication;
  /** What each home with a quota holds, shared by every session and the web API. */
  readonly #usage: UsageBook;
  readonly #proxy: ProxyTrust | null;
  // Connections whose PROXY header is still being read: close() cuts them.
  readonly #unannounced = new Set<Socket>();
  #closing: Promise<void> | null = null;

  constructor(options: ServerOptions = {}) {
    super();
    this.options = resolveOptions(options);
    this.users = new UserDirectory(this.options.users, this.options.anonymous, this.options.rate);
    this.storage = this.options.storage ?? new DiskStorage(this.options.root);
    const tls = this.options.tls;
    const ticketOwners = new TicketOwners<SessionTls>();
    const bans = this.options.ban ? new BanList(this.options.ban) : null;
    this.#authentication = new Authentication(this.options, this.users, bans, {
      error: (error, request) => this.emit('authenticate-error', { address: request.address, user: request.name, error }),
      banned: (address, failures, seconds) => this.emit('ban', { address, failures, seconds }),
    });
    this.#usage = new UsageBook(this.storage);
    const proxy = this.options.proxyProtocol;
    this.#proxy = proxy
      ? new ProxyTrust(proxy, (address, reason) => {
          this.#counters.proxyRefused();
          this.emit('proxy-refused', { address, reason });
        })
      : null;
    this.#context = {
      options: this.options,
      authentication: this.#authentication,
      storage: this.storage,
      counters: this.#counters,
      filesystem: (account) => this.filesystem(account),
      proxy: this.#proxy,
      sessionTls: () => (tls ? new SessionTls(tls, ticketOwners) : null),
      emit: (event, ...args) => {
        (this.emit as (event: string, ...args: unknown[]) => boolean)(event, ...args);
      },
    };
  }

  /** Listens on every address the host resolves to, all on the same port. */
  async listen(): Promise<void> {
    if (this.#listeners.length > 0) throw new Error('The server is already listening');
    const { host, port, pasv } = this.options;
    // A fleet's nodes name their own public address: resolved once, here, not per PASV.
    if (pasv.address !== null && !isIPv4(pasv.address)) pasv.address = await passiveAddress(pasv.address);
    const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
    let bound = port;
    try {
      for (const address of addresses) {
        const listener = createNetServer((socket) => this.#accept(socket));
        await new Promise<void>((resolve, reject) => {
          listener.once('error', reject);
          listener.listen({ host: address, port: bound }, () => {
            listener.removeListener('error', reject);
            resolve();
          });
        });
        listener.on('error', () => {}); // after listening, errors are per connection
        this.#listeners.push(listener);
        bound = (listener.address() as AddressInfo).port;
      }
    } catch (error) {
      for (const listener of this.#listeners.splice(0)) listener.close();
      throw error;
    }
  }

  /** Where the server listens. */
  get addresses(): AddressInfo[] {
    return this.#listeners.map((l) => l.address() as AddressInfo);
  }

  /** The port it listens on (the one picked, when it was asked for port 0). */
  get port(): number {
    return this.addresses[0]?.port ?? 0;
  }

  /** A snapshot of the counters. */
  stats(): ServerStats {
    return { ...this.#counters.snapshot(), bannedAddresses: this.#authentication.banned };
  }

  /** True from `close()` on: the server takes no new connection and lets the running ones end. */
  get draining(): boolean {
    return this.#closing !== null;
  }

  /**
   * The account for these credentials, or null: the same decision as PASS makes (the
   * users list, the authenticator, the account's address and certificate rules, the ban
   * list). Without `from`, the login is taken as local (127.0.0.1, no TLS).
   */
  authenticate(name: string, password: string | null, from: Partial<Omit<LoginRequest, 'name' | 'password'>> = {}, signal?: AbortSignal): Promise<Account | null> {
    return this.#authentication.login({ name, password, address: from.address ?? '127.0.0.1', secure: from.secure ?? false, certificate: from.certificate ?? null }, signal);
  }

  /** Seconds left of `address`'s ban (too many failed logins); 0 when it is not banned. */
  bannedFor(address: string): number {
    return this.#authentication.bannedFor(unmapIPv4(address));
  }

  /** The filesystem an account sees: its root, its rights, its quota. */
  filesystem(account: Account): Promise<UserFileSystem> {
    return UserFileSystem.open(this.storage, account.home, account.rights, { book: this.#usage, limits: account.quota ?? null });
  }

  /**
   * Who a new connection is from: its peer, or behind a trusted proxy the client its
   * PROXY header names. Rejects (the refusal counted) when a trusted proxy's connection
   * has no valid header. The web API shares it.
   */
  connectionOrigin(socket: Socket): Promise<ConnectionOrigin> {
    return this.#proxy ? this.#proxy.origin(socket) : Promise.resolve(directOrigin(socket));
  }

  /** Whether connections from this socket's peer must start with a PROXY header. */
  expectsProxyHeader(socket: Socket): boolean {
    return this.#proxy?.trusts(socket) ?? false;
  }

  #accept(socket: Socket): void {
    socket.on('error', () => {});
    if (!this.#proxy?.trusts(socket)) {
      this.#admit(socket, directOrigin(socket));
      return;
    }
    this.#unannounced.add(socket);
    this.#proxy.origin(socket).then(
      (origin) => {
        this.#unannounced.delete(socket);
        this.#admit(socket, origin);
      },
      () => {
        this.#unannounced.delete(socket);
        socket.destroy();
      },
    );
  }

  #admit(socket: Socket, origin: ConnectionOrigin): void {
    const { address } = origin;
    const { limits } = this.options;
    const fromAddress = this.#perAddress.get(address) ?? 0;
    const banned = this.#authentication.bannedFor(address);
    if (banned > 0 && !this.#closing) {
      this.#counters.refusedBanned();
      this.#refuse(socket, `Too many failed logins from your address: try again in ${banned} s`);
      return;
    }
    if (this.#closing || this.#sessions.size >= limits.connections || fromAddress >= limits.perAddress) {
      this.#counters.refused();
      if (this.#closing) socket.destroy();
      else this.#refuse(socket, `${this.#sessions.size >= limits.connections ? 'Too many connections' : 'Too many connections from your address'}: try again later`);
      return;
    }
    const session = new Session(this.#context, socket, origin);
    this.#sessions.add(session);
    this.#perAddress.set(address, fromAddress + 1);
    this.#counters.sessionOpened();
    this.emit('session', { session: session.id, address });
    void session.closed.then(() => {
      this.#sessions.delete(session);
      const left = (this.#perAddress.get(address) ?? 1) - 1;
      if (left === 0) this.#perAddress.delete(address);
      else this.#perAddress.set(address, left);
      this.#counters.sessionClosed();
      this.emit('session-end', { session: session.id, address });
    });
    void session.start();
  }

  /** Turns a connection away with 421 `text`. */
  #refuse(socket: Socket, text: string): void {
    // Implicit FTPS cannot say anything before a handshake worth refusing: just close.
    if (this.options.tls?.implicit) {
      socket.destroy();
      return;
    }
    // Whatever the client sent must be read and dropped, or its end never arrives.
    socket.resume();
    socket.end(`421 ${text}\r\n`);
    socket.setTimeout(5000, () => socket.destroy());
  }

  /**
   * Stops accepting, closes idle sessions (421), lets running transfers finish within the
   * grace period (`grace` seconds, default `timeouts.grace`), then cuts what is left: a cut
   * upload is discarded like any failed one. Resolves once every connection and listener
   * is closed. A second call returns the first one's promise.
   */
  close(options: { grace?: number } = {}): Promise<void> {
    const graceMs = options.grace === undefined ? this.options.ms.grace : atMostTimer('close grace', nonNegative('close grace', options.grace)) * 1000;
    this.#closing ??= (async () => {
      const listening = this.#listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve())));
      for (const socket of this.#unannounced) socket.destroy();
      for (const session of this.#sessions) session.shutdown(graceMs);
      await Promise.all([...this.#sessions].map((s) => s.settled()));
      await Promise.all(listening);
    })();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
