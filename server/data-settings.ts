import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { unmapIPv4 } from '../protocol/address.js';
import { directReadsOf } from '../protocol/direct-reads.js';
import { handshake, openDataConnection, type DataSetup } from './data/channel.js';
import type { ResolvedOptions } from './options.js';
import type { SessionTls } from './tls.js';

/** What the data settings need of their session. */
export interface DataSettingsContext {
  readonly options: ResolvedOptions;
  /** The control connection's local address. */
  readonly localAddress: string;
  /** The session's TLS context, or null without TLS. */
  tls(): SessionTls | null;
  /** Aborted when the session ends (made on first use). */
  lifetime(): AbortSignal;
}

/**
 * How a session's next data connection is made and what goes over it: the setup of
 * PASV/EPSV/PORT/EPRT (one per transfer), EPSV ALL, TYPE, REST, and the protection of
 * PBSZ/PROT; and the data connections done with, left to close on their own.
 */
export class DataSettings {
  readonly #context: DataSettingsContext;
  #type: 'A' | 'I' = 'A';
  #restart = 0;
  #epsvAll = false;
  #pbsz = false;
  #protection: 'C' | 'P' = 'C';
  #setup: DataSetup | null = null;
  readonly #lingering = new Set<Socket>();

  constructor(context: DataSettingsContext) {
    this.#context = context;
  }

  get type(): 'A' | 'I' {
    return this.#type;
  }

  get epsvAll(): boolean {
    return this.#epsvAll;
  }

  get pbsz(): boolean {
    return this.#pbsz;
  }

  get protection(): 'C' | 'P' {
    return this.#protection;
  }

  get hasData(): boolean {
    return this.#setup !== null;
  }

  setType(type: 'A' | 'I'): void {
    this.#type = type;
  }

  setRestart(offset: number): void {
    this.#restart = offset;
  }

  takeRestart(): number {
    const offset = this.#restart;
    this.#restart = 0;
    return offset;
  }

  enableEpsvAll(): void {
    this.#epsvAll = true;
  }

  setPbsz(): void {
    this.#pbsz = true;
  }

  setProtection(level: 'C' | 'P'): void {
    this.#protection = level;
  }

  /** Replaces how the next data connection is made (a new PASV closes the old port). */
  setData(setup: DataSetup | null): void {
    if (this.#setup?.mode === 'passive') this.#setup.port.close();
    this.#setup = setup;
  }

  /** Takes the data setup for one transfer: each PASV/PORT serves one connection. */
  takeData(): DataSetup | null {
    const setup = this.#setup;
    this.#setup = null;
    return setup;
  }

  /** `upload`: a plain connection is read into buffers of ours (readDirectly). */
  openData(setup: DataSetup, signal: AbortSignal, upload = false): Promise<Socket | TLSSocket> {
    const { options, localAddress } = this.#context;
    const tls = this.#context.tls();
    const protect = this.#protection === 'P' && tls !== null;
    return openDataConnection(setup, {
      timeoutMs: options.ms.data,
      signal,
      // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; an IPv4 connection must leave from a.b.c.d.
      localAddress: unmapIPv4(localAddress),
      tls: protect ? tls : null,
      requireReuse: options.tls?.reuse ?? false,
      readDirectly: upload,
    });
  }

  /** A passive data connection just arrived: its TLS handshake starts now when data is protected. */
  async prepareData(socket: Socket): Promise<Socket> {
    if (this.#protection !== 'P') return socket;
    const tls = this.#context.tls();
    if (!tls) return socket;
    return handshake(socket, tls, { timeoutMs: this.#context.options.ms.data, signal: this.#context.lifetime() });
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
    // Read whatever is left so the close is orderly, and drop it.
    directReadsOf(socket)?.discard();
    socket.resume();
  }

  /** REIN: the defaults again, the protection excepted (it belongs to the TLS layer, which stays). */
  reset(): void {
    this.#type = 'A';
    this.#restart = 0;
    this.#epsvAll = false;
    this.setData(null);
  }

  /** The session has ended: every data connection goes. */
  dispose(): void {
    this.setData(null);
    for (const socket of this.#lingering) socket.destroy();
  }
}
