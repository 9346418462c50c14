import { lookup } from 'node:dns/promises';
import { EventEmitter } from 'node:events';
import { createServer as createNetServer, isIP, isIPv4, type AddressInfo, type Server, type Socket } from 'node:net';
import type { ServerEvents, ServerStats } from './events.js';
import { DiskStorage } from './fs/disk.js';
import type { Storage } from './fs/storage.js';
import { UserFileSystem } from './fs/user-fs.js';
import { resolveOptions, type ResolvedOptions, type ServerOptions } from './options.js';
import type { ServerContext } from './server-context.js';
import { directOrigin, ProxyTrust, type ConnectionOrigin } from './proxy.js';
import { Session } from './session.js';
import { ServerCounters } from './stats.js';
import { SessionTls } from './tls.js';
import { TicketOwners } from './tls-owners.js';
import { UserDirectory, type Account } from './users.js';

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
  readonly #proxy: ProxyTrust | null;
  // Connections whose PROXY header is still being read: close() cuts them.
  readonly #unannounced = new Set<Socket>();
  #closing: Promise<void> | null = null;

  constructor(options: ServerOptions = {}) {
    super();
    this.options = resolveOptions(options);
    this.users = new UserDirectory(this.options.users, this.options.anonymous);
    this.storage = this.options.storage ?? new DiskStorage(this.options.root);
    const tls = this.options.tls;
    const ticketOwners = new TicketOwners<SessionTls>();
    const proxy = this.options.proxyProtocol;
    this.#proxy = proxy
      ? new ProxyTrust(proxy, (address, reason) => {
          this.#counters.proxyRefused();
          this.emit('proxy-refused', { address, reason });
        })
      : null;
    this.#context = {
      options: this.options,
      users: this.users,
      storage: this.storage,
      counters: this.#counters,
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
    return this.#counters.snapshot();
  }

  /** The account for these credentials, or null: the same decision as PASS makes. */
  authenticate(name: string, password: string): Account | null {
    return this.users.authenticate(name, password);
  }

  /** The filesystem an account sees: its root, its rights. */
  filesystem(account: Account): Promise<UserFileSystem> {
    return UserFileSystem.open(this.storage, account.home, account.rights);
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
    const { limits, tls } = this.options;
    const fromAddress = this.#perAddress.get(address) ?? 0;
    if (this.#closing || this.#sessions.size >= limits.connections || fromAddress >= limits.perAddress) {
      this.#counters.refused();
      // Implicit FTPS cannot say anything before a handshake worth refusing: just close.
      if (this.#closing || tls?.implicit) {
        socket.destroy();
        return;
      }
      const why = this.#sessions.size >= limits.connections ? 'Too many connections' : 'Too many connections from your address';
      // Whatever the client sent must be read and dropped, or its end never arrives.
      socket.resume();
      socket.end(`421 ${why}: try again later\r\n`);
      socket.setTimeout(5000, () => socket.destroy());
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

  /**
   * Stops accepting, closes idle sessions, lets running transfers finish within the grace
   * period (`timeouts.grace`), then cuts what is left. Resolves once every connection and
   * listener is closed.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const listening = this.#listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve())));
      for (const socket of this.#unannounced) socket.destroy();
      for (const session of this.#sessions) session.shutdown(this.options.ms.grace);
      await Promise.all([...this.#sessions].map((s) => s.closed));
      await Promise.all(listening);
    })();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
