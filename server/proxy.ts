import type { Socket } from 'node:net';
import { anyCidrContains, type Cidr } from '../common/cidr.js';
import { unmapIPv4 } from '../protocol/address.js';
import { readProxyHeader } from '../protocol/proxy-socket.js';

/** Who a connection is from, as every address check, limit, log and event sees it. */
export interface ConnectionOrigin {
  /** The client's address (IPv4 unmapped): the socket's peer, or the client a PROXY header names. */
  address: string;
  /** The address the client connected to, when a PROXY header named it (the proxy's frontend). */
  destination: string | null;
  /** The proxy the connection came through, or null for a direct one. */
  proxy: string | null;
}

/** A connection taken as it is: its peer is the client. */
export function directOrigin(socket: Socket): ConnectionOrigin {
  return { address: unmapIPv4(socket.remoteAddress ?? ''), destination: null, proxy: null };
}

/**
 * The PROXY protocol trust of one server (control, passive and web connections alike):
 * a connection from a trusted proxy must start with a valid header, and the client it
 * names is the connection's origin; any other connection is direct. A trusted connection
 * without a valid header (garbled, truncated, never finished within `ms`) is refused:
 * `refused` hears of it, and the caller closes it.
 */
export class ProxyTrust {
  readonly #trusted: readonly Cidr[];
  readonly #ms: number;
  readonly #refused: (proxy: string, reason: string) => void;

  constructor(options: { trusted: readonly Cidr[]; ms: number }, refused: (proxy: string, reason: string) => void) {
    this.#trusted = options.trusted;
    this.#ms = options.ms;
    this.#refused = refused;
  }

  /** The connection comes from a trusted proxy, so it must start with a header. */
  trusts(socket: Socket): boolean {
    return anyCidrContains(this.#trusted, socket.remoteAddress ?? '');
  }

  /**
   * The origin of a freshly accepted connection; for a trusted one, once its header is
   * read (the socket is left paused, the bytes after the header put back). Rejects when a
   * trusted connection has no valid header.
   */
  async origin(socket: Socket): Promise<ConnectionOrigin> {
    const direct = directOrigin(socket);
    if (!this.trusts(socket)) return direct;
    let header;
    try {
      header = await readProxyHeader(socket, { timeoutMs: this.#ms });
    } catch (error) {
      this.#refused(direct.address, (error as Error).message);
      throw error;
    }
    // LOCAL (a health check), UNKNOWN, UNSPEC: the proxy's own connection.
    if (header.command === 'local' || !header.source) return { ...direct, proxy: direct.address };
    return { address: unmapIPv4(header.source.address), destination: header.destination ? unmapIPv4(header.destination.address) : null, proxy: direct.address };
  }
}
