// A deliberately small FTP session over raw sockets for the load generator: it must not
// be our client (whose speed is not what the load benchmark measures) and it must cost
// the same against every server. Passive mode (EPSV), binary type, one transfer at a
// time; any unexpected reply or socket failure rejects, and the caller starts over on a
// new session.
import { connect, type Socket } from 'node:net';

export interface Reply {
  code: number;
  text: string;
}

export class FtpFailure extends Error {}

/** Reads replies off a control socket: a multi-line reply ends with "ddd " (RFC 959 §4.2). */
class ReplyReader {
  #pending = '';
  #lines: string[] = [];
  #first: string | null = null;
  readonly #ready: Reply[] = [];
  #waiter: { resolve: (r: Reply) => void; reject: (e: Error) => void } | null = null;
  #failure: Error | null = null;

  push(chunk: Buffer): void {
    this.#pending += chunk.toString('latin1');
    for (let end = this.#pending.indexOf('\n'); end !== -1; end = this.#pending.indexOf('\n')) {
      const line = this.#pending.slice(0, end).replace(/\r$/, '');
      this.#pending = this.#pending.slice(end + 1);
      this.#line(line);
    }
  }

  #line(line: string): void {
    this.#lines.push(line);
    this.#first ??= line.slice(0, 3);
    if (line.length >= 4 && line.startsWith(this.#first) && line[3] === ' ') {
      const reply = { code: Number(this.#first), text: this.#lines.join('\n') };
      this.#lines = [];
      this.#first = null;
      if (this.#waiter) {
        this.#waiter.resolve(reply);
        this.#waiter = null;
      } else this.#ready.push(reply);
    }
  }

  fail(error: Error): void {
    this.#failure ??= error;
    this.#waiter?.reject(error);
    this.#waiter = null;
  }

  next(): Promise<Reply> {
    const ready = this.#ready.shift();
    if (ready) return Promise.resolve(ready);
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => (this.#waiter = { resolve, reject }));
  }
}

function connected(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

export class RawFtpSession {
  readonly #socket: Socket;
  readonly #replies = new ReplyReader();
  readonly #host: string;

  private constructor(socket: Socket, host: string) {
    this.#socket = socket;
    this.#host = host;
    socket.on('data', (chunk: Buffer) => this.#replies.push(chunk));
    socket.on('error', (error) => this.#replies.fail(error));
    socket.on('close', () => this.#replies.fail(new FtpFailure('control connection closed')));
  }

  /** Connected, logged in, binary. */
  static async open(host: string, port: number, user: string, password: string): Promise<RawFtpSession> {
    const session = new RawFtpSession(await connected(host, port), host);
    try {
      await session.#expect(null, 220);
      const userReply = await session.#command(`USER ${user}`);
      if (userReply.code === 331) await session.#expect(`PASS ${password}`, 230);
      else if (userReply.code !== 230) throw new FtpFailure(`USER: ${userReply.text}`);
      await session.#expect('TYPE I', 200);
    } catch (error) {
      session.destroy();
      throw error;
    }
    return session;
  }

  async #command(line: string | null): Promise<Reply> {
    if (line !== null) this.#socket.write(`${line}\r\n`);
    return this.#replies.next();
  }

  async #expect(line: string | null, code: number): Promise<Reply> {
    const reply = await this.#command(line);
    if (reply.code !== code) throw new FtpFailure(`${line ?? 'greeting'}: ${reply.text}`);
    return reply;
  }

  /**
   * One transfer: EPSV, the data connection, the command, the bytes, the final reply.
   * `upload` is sent and the connection closed; otherwise what arrives is counted.
   * Resolves with the bytes received (or sent) once the data connection has closed and
   * the final reply has come.
   */
  async transfer(command: string, upload: Buffer | null): Promise<number> {
    const epsv = await this.#expect('EPSV', 229);
    const port = Number(/\|\|\|(\d+)\|/.exec(epsv.text)?.[1]);
    if (!port) throw new FtpFailure(`EPSV: no port in ${epsv.text}`);
    const data = await connected(this.#host, port);
    try {
      let bytes = 0;
      const done = new Promise<void>((resolve, reject) => {
        data.on('data', (chunk: Buffer) => (bytes += chunk.length));
        data.once('error', reject);
        data.once('close', () => resolve());
      });
      done.catch(() => {}); // awaited below; until then a reset must not count as unhandled
      const opening = await this.#command(command);
      if (opening.code !== 150 && opening.code !== 125) throw new FtpFailure(`${command}: ${opening.text}`);
      if (upload) {
        data.end(upload);
        bytes = upload.length;
      }
      await done;
      const final = await this.#replies.next();
      if (final.code !== 226 && final.code !== 250) throw new FtpFailure(`${command}: ${final.text}`);
      return bytes;
    } finally {
      data.destroy();
    }
  }

  async quit(): Promise<void> {
    await this.#command('QUIT').catch(() => null);
    this.#socket.end();
  }

  destroy(): void {
    this.#socket.destroy();
  }
}
