// A bare FTP control connection for server specs: it sends exactly the bytes a test
// scripts and hands back the replies one by one, with no client logic in between, so
// state-machine and security cases can be driven the way no polite client would.
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { parseEpsvReply } from '../../protocol/address.js';
import { ReplyParser, type Reply } from '../../protocol/reply.js';

export class RawFtp {
  socket: Socket | TLSSocket;
  greeting!: Reply;
  #parser = new ReplyParser();
  #replies: Reply[] = [];
  #wake: (() => void) | null = null;
  #ended = false;
  readonly #closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    this.#closed = new Promise((resolve) => socket.once('close', () => resolve()));
    this.#read(socket);
  }

  /** Connects and waits for the 220 greeting (or whatever the server says first). */
  static async connect(port: number, options: { host?: string; localAddress?: string; tls?: ConnectionOptions; preface?: Buffer } = {}): Promise<RawFtp> {
    const host = options.host ?? '127.0.0.1';
    const socket: Socket = options.tls
      ? tlsConnect({ host, port, ...options.tls })
      : connect({ host, port, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
    socket.on('error', () => {});
    if (options.preface) socket.write(options.preface); // a PROXY header, as a proxy sends it
    const raw = new RawFtp(socket);
    raw.greeting = await raw.reply();
    return raw;
  }

  #read(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.#replies.push(...this.#parser.push(chunk));
      this.#wake?.();
    });
    socket.on('end', () => {
      this.#ended = true;
      this.#wake?.();
    });
    socket.on('close', () => {
      this.#ended = true;
      this.#wake?.();
    });
  }

  /** Writes bytes as they are. */
  send(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /**
   * The next reply; rejects after `timeoutMs` or when the connection ends first. The
   * bound is for a hang, not a speed target: the server runs in this process, so a busy
   * machine slows its answer and this wait alike.
   */
  async reply(timeoutMs = 20_000): Promise<Reply> {
    const deadline = performance.now() + timeoutMs;
    while (this.#replies.length === 0) {
      if (this.#ended) throw new Error('connection closed while waiting for a reply');
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no reply within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          this.#wake = null;
          resolve();
        };
      });
    }
    return this.#replies.shift()!;
  }

  /** Sends one command line (CRLF added) and waits for its reply. */
  async cmd(line: string, timeoutMs?: number): Promise<Reply> {
    this.send(`${line}\r\n`);
    return this.reply(timeoutMs);
  }

  async login(user: string, password: string): Promise<Reply> {
    const first = await this.cmd(`USER ${user}`);
    if (first.code !== 331) return first;
    return this.cmd(`PASS ${password}`);
  }

  /** EPSV, and the data port it names. */
  async epsv(): Promise<number> {
    const r = await this.cmd('EPSV');
    if (r.code !== 229) throw new Error(`EPSV: ${r.code} ${r.message}`);
    return parseEpsvReply(r.message);
  }

  /** AUTH TLS, then the TLS handshake over the control connection. */
  async startTls(options: ConnectionOptions): Promise<TLSSocket> {
    const r = await this.cmd('AUTH TLS');
    if (r.code !== 234) throw new Error(`AUTH TLS: ${r.code} ${r.message}`);
    return this.upgrade(options);
  }

  /** The TLS handshake over the control connection (after a 234 the test read itself). */
  async upgrade(options: ConnectionOptions): Promise<TLSSocket> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    const secure = tlsConnect({ socket: plain, ...options });
    secure.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket = secure;
    this.#parser = new ReplyParser();
    this.#read(secure);
    return secure;
  }

  /** Resolves once the server has closed the connection. */
  closed(): Promise<void> {
    return this.#closed;
  }

  get ended(): boolean {
    return this.#ended;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A data connection to a passive port. */
export function connectData(port: number, options: { host?: string; localAddress?: string; preface?: Buffer } = {}): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: options.host ?? '127.0.0.1', port, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
    if (options.preface) socket.write(options.preface);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything a socket delivers until it ends (errors end it too). */
export function readAll(socket: Socket): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => {});
    socket.once('close', () => resolve(Buffer.concat(chunks)));
  });
}

/** Writes `data` and ends the socket; resolves once it has closed. */
export function writeAll(socket: Socket, data: Buffer | string): Promise<void> {
  return new Promise((resolve) => {
    socket.on('error', () => {});
    socket.once('close', () => resolve());
    socket.end(data);
  });
}
