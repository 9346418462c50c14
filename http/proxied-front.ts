import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { Server } from 'node:http';
import { unmapIPv4 } from '../protocol/address.js';

/** What the web side needs of the FTP server's PROXY protocol trust (an `FtpServer` is one). */
export interface ProxyOrigins {
  /** Whether the socket's peer is a trusted proxy, whose connections start with a PROXY header. */
  expectsProxyHeader(socket: Socket): boolean;
  /** Reads the header (the refusal counted by the FTP server when there is none). */
  connectionOrigin(socket: Socket): Promise<{ address: string }>;
}

/**
 * The web port behind PROXY-protocol proxies: a plain listener reads each trusted
 * connection's header, then hands the socket to the HTTP(S) server as if it had accepted
 * it, the bytes after the header put back for its parser or TLS handshake. node:http
 * cannot be told to wait before it reads, hence the listener in front.
 */
export class ProxiedFront {
  readonly #origins: ProxyOrigins;
  readonly #clients = new WeakMap<Socket, string>();
  readonly #pending = new Set<Socket>();

  constructor(origins: ProxyOrigins) {
    this.#origins = origins;
  }

  /** A listener (not yet listening) that feeds `server`, an HTTP or HTTPS server that itself never listens. */
  listener(server: Server, tls: boolean): NetServer {
    // node:http starts tracking connections (idle close, the header deadline) on 'listening'.
    server.emit('listening');
    const handOver = (socket: Socket): void => {
      server.emit('connection', socket);
      // node:http reads with a 'data' listener, which a socket paused by hand does not start; TLS takes the socket as it is.
      if (!tls) socket.resume();
    };
    return createNetServer({ pauseOnConnect: true }, (socket) => {
      socket.on('error', () => {});
      if (!this.#origins.expectsProxyHeader(socket)) {
        handOver(socket);
        return;
      }
      this.#pending.add(socket);
      this.#origins.connectionOrigin(socket).then(
        (origin) => {
          this.#pending.delete(socket);
          this.#clients.set(socket, origin.address);
          handOver(socket);
        },
        () => {
          this.#pending.delete(socket);
          socket.destroy();
        },
      );
    });
  }

  /** The client a connection stands for: the one its PROXY header named, or its peer. */
  address(socket: Socket): string {
    return this.#clients.get(socket) ?? unmapIPv4(socket.remoteAddress ?? '');
  }

  /** Closing: connections still sending their header are cut. */
  cutPending(): void {
    for (const socket of this.#pending) socket.destroy();
  }
}
