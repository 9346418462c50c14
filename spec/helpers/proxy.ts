// A fault-injecting TCP proxy for plain FTP. It forwards the control connection,
// rewrites 227/229 replies so that data connections pass through it too, and counts
// connections (how many at once, at most). A fault armed with `fail()` strikes the next
// data connection once that many bytes have crossed it: the data connection or the
// control connection is cut (RST), or the data falls into a black hole until one side
// gives up, when the other sees the connection reset. With `latency`, every chunk, and
// every end, is passed on that many milliseconds late, each way: a network further away
// than loopback (backpressure is not passed on then; the benchmarks' files are small).
// With `rate`, each data connection carries at most that many bytes per second each way
// (a server or middlebox that throttles per connection).
//
// FTPS hides the 227/229 replies from it, so `startOpaque()` relays TLS instead: the
// control bytes pass untouched, and the data connections reach it because the server
// (on another loopback address, 127.0.0.2) names passive ports from a fixed range that
// the proxy also listens on, on 127.0.0.1, where the client connects (to its control
// peer, at the port the server named). The faults strike those data connections alike.
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export type FaultKind = 'drop-data' | 'drop-control' | 'stall-data';

interface Fault {
  kind: FaultKind;
  afterBytes: number;
}

interface ControlPair {
  client: Socket;
  server: Socket;
  /** Called when the control connection goes: a stalled data connection then goes too. */
  onEnd: (() => void)[];
}

export interface ProxyCounts {
  /** Control connections opened in all, open now, and open at once at most. */
  controls: number;
  open: number;
  peak: number;
  data: number;
  faults: number;
}

export class FtpProxy {
  readonly counts: ProxyCounts = { controls: 0, open: 0, peak: 0, data: 0, faults: 0 };
  /** Every command line the clients sent, in order. */
  readonly commands: string[] = [];
  readonly #faults: Fault[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #servers = new Set<Server>();
  readonly #listener: Server;
  readonly #target: { host: string; port: number };
  readonly #latency: number;
  readonly #rate: number;
  /** Opaque (TLS) mode: control bytes are not read, so data connections belong to the latest control connection. */
  #opaque = false;
  #lastPair: ControlPair | null = null;

  private constructor(target: { host: string; port: number }, latency: number, rate: number) {
    this.#target = target;
    this.#latency = latency;
    this.#rate = rate;
    this.#listener = createServer((client) => this.#control(client));
  }

  static async start(target: { host: string; port: number }, { latency = 0, rate = 0 } = {}): Promise<FtpProxy> {
    const proxy = new FtpProxy(target, latency, rate);
    await new Promise<void>((resolve) => proxy.#listener.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /**
   * A proxy for explicit or implicit FTPS: `target` on 127.0.0.2 serving passive ports in
   * `dataPorts`, each of which this proxy listens on at 127.0.0.1 and relays (with the
   * armed faults) to the same port on the target.
   */
  static async startOpaque(target: { host: string; port: number }, dataPorts: { min: number; max: number }): Promise<FtpProxy> {
    const proxy = new FtpProxy(target, 0, 0);
    proxy.#opaque = true;
    await new Promise<void>((resolve) => proxy.#listener.listen(0, '127.0.0.1', resolve));
    for (let port = dataPorts.min; port <= dataPorts.max; port++) {
      const listener = createServer({ pauseOnConnect: true, allowHalfOpen: true }, (client) => {
        if (proxy.#lastPair) proxy.#relayConnection(client, target.host, port, proxy.#lastPair);
        else client.destroy();
      });
      proxy.#servers.add(listener);
      try {
        await new Promise<void>((resolve, reject) => listener.once('error', reject).listen(port, '127.0.0.1', resolve));
      } catch (error) {
        // A port of the range is taken: what was opened goes, or it would keep the spec's process alive.
        await proxy.close();
        throw error;
      }
    }
    return proxy;
  }

  get port(): number {
    return (this.#listener.address() as AddressInfo).port;
  }

  /** Arms a fault for the next data connection that carries more than `afterBytes`. */
  fail(kind: FaultKind, afterBytes: number): void {
    this.#faults.push({ kind, afterBytes });
  }

  get armed(): number {
    return this.#faults.length;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    for (const server of this.#servers) server.close();
    await new Promise<void>((resolve) => this.#listener.close(() => resolve()));
  }

  /** Runs `pass` now, or `latency` ms from now (timers of one delay keep their order). */
  #later(pass: () => void): void {
    if (this.#latency > 0) setTimeout(pass, this.#latency);
    else pass();
  }

  #track(socket: Socket): Socket {
    this.#sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => this.#sockets.delete(socket));
    return socket;
  }

  #control(client: Socket): void {
    const server = this.#track(connect(this.#target));
    this.#track(client);
    const pair: ControlPair = { client, server, onEnd: [] };
    this.counts.controls += 1;
    this.counts.open += 1;
    this.counts.peak = Math.max(this.counts.peak, this.counts.open);
    let closed = false;
    const end = (): void => {
      if (closed) return;
      closed = true;
      this.counts.open -= 1;
      client.destroy();
      server.destroy();
      for (const hook of pair.onEnd) hook();
    };
    client.on('close', end);
    server.on('close', end);
    if (this.#opaque) {
      this.#lastPair = pair;
      client.pipe(server);
      server.pipe(client);
      return;
    }
    let upstream = '';
    client.on('data', (chunk: Buffer) => {
      upstream += chunk.toString('latin1');
      for (let lf = upstream.indexOf('\n'); lf !== -1; lf = upstream.indexOf('\n')) {
        this.commands.push(upstream.slice(0, lf).replace(/\r$/, ''));
        upstream = upstream.slice(lf + 1);
      }
      this.#later(() => server.write(chunk));
    });
    // Replies are forwarded line by line, so that a 227/229 can be rewritten whole.
    let pending = Buffer.alloc(0);
    let queue = Promise.resolve();
    server.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      const lf = pending.lastIndexOf(0x0a);
      if (lf === -1) return;
      const lines = pending.subarray(0, lf + 1).toString('latin1');
      pending = pending.subarray(lf + 1);
      queue = queue.then(async () => {
        const text = await this.#rewrite(lines, pair);
        this.#later(() => client.write(Buffer.from(text, 'latin1')));
      });
    });
  }

  async #rewrite(lines: string, pair: ControlPair): Promise<string> {
    const epsv = /^229 (.*)\(\|\|\|(\d+)\|\)/m.exec(lines);
    if (epsv) return lines.replace(`|||${epsv[2]}|`, `|||${await this.#relay(this.#target.host, Number(epsv[2]), pair)}|`);
    const pasv = /^227 .*?(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)/m.exec(lines);
    if (pasv) {
      const [h1, h2, h3, h4, p1, p2] = pasv.slice(1).map(Number) as [number, number, number, number, number, number];
      const port = await this.#relay(`${h1}.${h2}.${h3}.${h4}`, p1 * 256 + p2, pair);
      return lines.replace(pasv.slice(1).join(','), `127,0,0,1,${port >> 8},${port & 255}`);
    }
    return lines;
  }

  /** A one-shot listener that relays one data connection to host:port, with the armed fault. */
  async #relay(host: string, port: number, pair: ControlPair): Promise<number> {
    // Half-open allowed, so that an end is passed on (or, in a stall, not) rather than answered.
    const listener = createServer({ pauseOnConnect: true, allowHalfOpen: true }, (client) => {
      listener.close();
      this.#relayConnection(client, host, port, pair);
    });
    this.#servers.add(listener);
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    return (listener.address() as AddressInfo).port;
  }

  /** Relays one data connection to host:port, with the armed fault. */
  #relayConnection(client: Socket, host: string, port: number, pair: ControlPair): void {
    this.counts.data += 1;
    this.#track(client);
    const server = this.#track(connect({ host, port, allowHalfOpen: true }));
    const fault = this.#faults[0];
    let bytes = 0;
    let stalled = false;
    const pass = (from: Socket, to: Socket): void => {
      from.on('data', (chunk: Buffer) => {
        if (stalled) return;
        bytes += chunk.length;
        if (fault && this.#faults[0] === fault && bytes > fault.afterBytes) {
          this.#faults.shift();
          this.counts.faults += 1;
          if (fault.kind === 'stall-data') {
            stalled = true; // a black hole: bytes still read (and lost), so a close is still seen
            return;
          }
          client.resetAndDestroy();
          server.resetAndDestroy();
          if (fault.kind === 'drop-control') {
            pair.client.resetAndDestroy();
            pair.server.resetAndDestroy();
          }
          return;
        }
        if (this.#latency > 0) return this.#later(() => to.write(chunk));
        if (this.#rate > 0) {
          // Paused for as long as the chunk takes at the rate: at most `rate` bytes a second.
          to.write(chunk);
          from.pause();
          setTimeout(() => !stalled && from.resume(), (chunk.length / this.#rate) * 1000);
          return;
        }
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => !stalled && from.resume());
        }
      });
      from.on('end', () => !stalled && this.#later(() => to.end()));
      from.on('close', (hadError) => hadError && !stalled && to.resetAndDestroy());
    };
    // A stall lasts until the client gives up its session; the server then sees the data
    // connection reset, as behind a real middlebox (else vsftpd would keep the upload's file
    // locked for minutes and every retry would wait for it).
    pair.onEnd.push(() => {
      if (stalled) server.resetAndDestroy();
    });
    server.once('connect', () => {
      pass(client, server);
      pass(server, client);
      client.resume();
    });
  }
}
