import { lookup } from 'node:dns/promises';
import { isIP, type Socket } from 'node:net';
import { ConnectionError, FtpPyError } from '../common/errors.js';
import {
  httpConnect, parseHttpConnectReply, parseSocksChoice, parseSocksConnectReply, parseSocksLoginReply, socksConnect, socksGreeting, socksLogin,
  SOCKS_USER_PASS, type HostPort, type Parsed,
} from './proxy-reply.js';

/** A proxy every connection goes through: control and passive data alike. */
export interface ProxyConfig {
  /** socks5: names resolved here; socks5h: by the proxy; http: CONNECT. */
  kind: 'socks5' | 'socks5h' | 'http';
  host: string;
  port: number;
  user?: string;
  password?: string;
}

/**
 * Makes `socket`, connected (or connecting) to the proxy, a tunnel to `target`: the
 * proxy's handshake, then the same socket, carrying the target's bytes from here on.
 * Bytes the target sent along with the proxy's last reply are put back into the socket
 * (unshift) for whoever reads it next. The handshake is read without a 'data' listener,
 * so the socket is left neither flowing nor paused: the next 'data' listener starts it.
 */
export async function openTunnel(socket: Socket, proxy: ProxyConfig, target: HostPort): Promise<Socket> {
  const reader = new HandshakeReader(socket, proxy);
  try {
    if (proxy.kind === 'http') {
      socket.write(httpConnect(target.host, target.port, proxy.user !== undefined ? { user: proxy.user, password: proxy.password ?? '' } : undefined));
      await reader.read(parseHttpConnectReply);
    } else {
      const login = proxy.user !== undefined;
      socket.write(socksGreeting(login));
      const method = await reader.read(parseSocksChoice);
      if (method === SOCKS_USER_PASS) {
        if (!login) throw new ConnectionError('the SOCKS5 proxy wants a login, and the proxy URL has none');
        socket.write(socksLogin(proxy.user!, proxy.password ?? ''));
        await reader.read(parseSocksLoginReply);
      } else if (method !== 0x00) {
        throw new ConnectionError(`the SOCKS5 proxy chose login method ${method}, which was not offered`);
      }
      const host = proxy.kind === 'socks5' && isIP(target.host) === 0 ? (await lookup(target.host)).address : target.host;
      socket.write(socksConnect(host, target.port));
      await reader.read(parseSocksConnectReply);
    }
  } catch (error) {
    socket.destroy();
    if (error instanceof FtpPyError) throw error;
    throw new ConnectionError(`proxy ${proxy.host}:${proxy.port}: ${(error as Error).message}`, { cause: error });
  }
  reader.finish();
  return socket;
}

/** Reads the proxy's replies one after the other, keeping what each did not use. */
class HandshakeReader {
  #held: Buffer = Buffer.alloc(0);
  readonly #socket: Socket;
  readonly #proxy: ProxyConfig;

  constructor(socket: Socket, proxy: ProxyConfig) {
    this.#socket = socket;
    this.#proxy = proxy;
  }

  async read<T>(parse: (buf: Buffer) => Parsed<T> | null): Promise<T> {
    for (;;) {
      const parsed = parse(this.#held);
      if (parsed) {
        this.#held = this.#held.subarray(parsed.used);
        return parsed.value;
      }
      this.#held = Buffer.concat([this.#held, await this.#more()]);
    }
  }

  /** Gives back what followed the last reply. */
  finish(): void {
    if (this.#held.length > 0) this.#socket.unshift(this.#held);
  }

  #more(): Promise<Buffer> {
    const socket = this.#socket;
    const where = `proxy ${this.#proxy.host}:${this.#proxy.port}`;
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        socket.off('readable', onReadable).off('end', onEnd).off('close', onEnd).off('error', onError);
      };
      const onReadable = (): void => {
        const chunk = socket.read() as Buffer | null;
        if (chunk === null) return;
        cleanup();
        resolve(chunk);
      };
      const onEnd = (): void => {
        cleanup();
        reject(new ConnectionError(`${where} closed the connection during its handshake`));
      };
      const onError = (error: Error): void => {
        cleanup();
        reject(new ConnectionError(`${where}: ${error.message}`, { cause: error }));
      };
      socket.on('readable', onReadable).once('end', onEnd).once('close', onEnd).once('error', onError);
    });
  }
}
