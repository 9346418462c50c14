import type { Socket } from 'node:net';
import { unmapIPv4 } from '../protocol/address.js';

// The web API's bounds on open connections, in all and per client address, as the FTP
// side has for control connections: slow or idle clients from one address cannot hold
// every socket (and, uploading, a temporary file each).

export interface ConnectionCaps {
  connections: number;
  perAddress: number;
}

export class ConnectionGate {
  readonly #caps: ConnectionCaps;
  readonly #perAddress = new Map<string, number>();
  #open = 0;
  // Over the cap: kept only long enough to be told so (503), and counted while they live.
  readonly #refused = new WeakSet<Socket>();
  #refusing = 0;

  constructor(caps: ConnectionCaps) {
    this.#caps = caps;
  }

  /** Counts a new connection until it closes; false when it is one too many. `address`: the client's, when a PROXY header named it. */
  admit(socket: Socket, address = unmapIPv4(socket.remoteAddress ?? '')): boolean {
    const from = this.#perAddress.get(address) ?? 0;
    if (this.#open >= this.#caps.connections || from >= this.#caps.perAddress) {
      this.#refused.add(socket);
      this.#refusing++;
      socket.once('close', () => this.#refusing--);
      return false;
    }
    this.#open++;
    this.#perAddress.set(address, from + 1);
    socket.once('close', () => {
      this.#open--;
      const left = (this.#perAddress.get(address) ?? 1) - 1;
      if (left === 0) this.#perAddress.delete(address);
      else this.#perAddress.set(address, left);
    });
    return true;
  }

  /**
   * Whether so many refused connections are still closing that one more should be cut
   * without a word: answering them is bounded like serving them.
   */
  get tooManyRefusing(): boolean {
    return this.#refusing > this.#caps.connections;
  }

  /** This request came on a connection over the cap. */
  refused(socket: Socket): boolean {
    return this.#refused.has(socket);
  }
}
