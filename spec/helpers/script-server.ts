// A small scriptable FTP server for the cases no real server produces on demand: refused
// EPSV, a 0.0.0.0 PASV address, replies that never come, a 421 out of the blue, a 426
// after half a file. Files live in memory; any command can be overridden per test.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { CommandParser } from '../../protocol/command.js';

export interface Session {
  readonly socket: Socket;
  readonly index: number;
  reply(line: string): void;
  /** The data socket the client connected (passive), waiting for it if needed. */
  data(): Promise<Socket>;
  /** Opens the passive listener `data()` then waits on (what PASV/EPSV do); resolves its port on 127.0.0.1. */
  listen(): Promise<number>;
  restart: number;
}

/** Returns true when it handled the command; false falls through to the default. */
export type Handler = (session: Session, arg: string) => boolean | Promise<boolean>;

export interface ScriptServer {
  port: number;
  files: Map<string, Buffer>;
  dirs: Set<string>;
  /** Every command received, `VERB arg`, by session index. */
  log: string[][];
  sessions: Session[];
  /** Sessions open now, and the most there ever were at once. */
  open: number;
  peak: number;
  greeting: string;
  features: string[];
  pasvHost: string;
  /** When above 0, replies go out one byte at a time, this many ms apart (read at each reply). */
  drip: number;
  on(verb: string, handler: Handler): void;
  close(): Promise<void>;
}

export async function startScriptServer(): Promise<ScriptServer> {
  const handlers = new Map<string, Handler>();
  const sockets = new Set<Socket>();
  const servers = new Set<Server>();
  const state: ScriptServer = {
    port: 0,
    files: new Map(),
    dirs: new Set(['/']),
    log: [],
    sessions: [],
    open: 0,
    peak: 0,
    greeting: '220 script server ready',
    features: ['EPSV', 'REST STREAM', 'SIZE', 'UTF8'],
    pasvHost: '127.0.0.1',
    drip: 0,
    on: (verb, handler) => void handlers.set(verb.toUpperCase(), handler),
    close: async () => {
      for (const s of sockets) s.destroy();
      for (const s of servers) s.close();
      await new Promise<void>((resolve) => control.close(() => resolve()));
    },
  };

  const control = createServer((socket) => {
    sockets.add(socket);
    state.open += 1;
    state.peak = Math.max(state.peak, state.open);
    const log: string[] = [];
    state.log.push(log);
    let pending: Promise<Socket> | null = null;
    let renameFrom = '';
    // Dripped replies queue behind each other, so that they still arrive in order.
    let dripping = Promise.resolve();
    const reply = (line: string): void => {
      const bytes = Buffer.from(`${line}\r\n`);
      const drip = state.drip;
      if (drip <= 0) return void (socket.writable && socket.write(bytes));
      socket.setNoDelay(true); // one byte, one segment
      dripping = dripping.then(async () => {
        for (const byte of bytes) {
          if (!socket.writable) return;
          socket.write(Buffer.of(byte));
          await new Promise((resolve) => setTimeout(resolve, drip));
        }
      });
    };
    const session: Session = {
      socket,
      index: state.log.length - 1,
      restart: 0,
      reply,
      data: () => pending ?? Promise.reject(new Error('no PASV/EPSV before the transfer')),
      listen: () => listen(),
    };
    state.sessions.push(session);
    const listen = (): Promise<number> =>
      new Promise((resolve) => {
        const server = createServer({ pauseOnConnect: true });
        servers.add(server);
        pending = new Promise((accepted) => server.once('connection', (s) => {
          sockets.add(s);
          s.on('error', () => {});
          server.close();
          accepted(s);
        }));
        server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
      });
    const send = async (bytes: Buffer): Promise<void> => {
      const data = await session.data();
      session.reply('150 Opening BINARY mode data connection');
      data.end(bytes.subarray(session.restart), () => session.reply('226 Transfer complete'));
      session.restart = 0;
    };
    const defaults: Record<string, (arg: string) => unknown> = {
      USER: () => session.reply('331 Password please'),
      PASS: () => session.reply('230 Logged in'),
      FEAT: () => session.reply(['211-Features:', ...state.features.map((f) => ` ${f}`), '211 End'].join('\r\n')),
      OPTS: () => session.reply('200 OK'),
      TYPE: () => session.reply('200 Binary'),
      PWD: () => session.reply('257 "/" is the current directory'),
      CWD: (arg) => session.reply(state.dirs.has(arg) ? '250 OK' : '550 No such directory'),
      NOOP: () => session.reply('200 NOOP ok'),
      QUIT: () => {
        session.reply('221 Bye');
        socket.end();
      },
      EPSV: async () => session.reply(`229 Entering Extended Passive Mode (|||${await listen()}|)`),
      PASV: async () => {
        const port = await listen();
        session.reply(`227 Entering Passive Mode (${state.pasvHost.replace(/\./g, ',')},${port >> 8},${port & 255})`);
      },
      REST: (arg) => {
        session.restart = Number(arg);
        session.reply(`350 Restarting at ${arg}`);
      },
      SIZE: (arg) => {
        const file = state.files.get(arg);
        session.reply(file ? `213 ${file.length}` : '550 No such file');
      },
      RETR: async (arg) => {
        const file = state.files.get(arg);
        if (!file) return session.reply('550 No such file');
        await send(file);
      },
      LIST: async (arg) => {
        const prefix = arg.endsWith('/') ? arg : `${arg}/`;
        const lines = [...state.files].filter(([p]) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
          .map(([p, b]) => `-rw-r--r--    1 0        0        ${String(b.length).padStart(8)} Jan 01  2024 ${p.slice(prefix.length)}\r\n`);
        await send(Buffer.from(lines.join('')));
      },
      STOR: async (arg) => {
        const data = await session.data();
        session.reply('150 Ok to send data');
        const chunks: Buffer[] = [];
        const start = session.restart;
        session.restart = 0;
        data.on('data', (chunk: Buffer) => chunks.push(chunk)).resume();
        data.on('end', () => {
          const old = state.files.get(arg) ?? Buffer.alloc(0);
          state.files.set(arg, Buffer.concat([start > 0 ? old.subarray(0, start) : Buffer.alloc(0), ...chunks]));
          session.reply('226 Transfer complete');
        });
      },
      DELE: (arg) => session.reply(state.files.delete(arg) ? '250 Deleted' : '550 No such file'),
      MKD: (arg) => {
        state.dirs.add(arg);
        session.reply(`257 "${arg}" created`);
      },
      RNFR: (arg) => {
        renameFrom = arg;
        session.reply(state.files.has(arg) ? '350 Ready' : '550 No such file');
      },
      RNTO: (arg) => {
        state.files.set(arg, state.files.get(renameFrom)!);
        state.files.delete(renameFrom);
        session.reply('250 Renamed');
      },
    };
    const parser = new CommandParser();
    let queue = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      for (const { verb, arg } of parser.push(chunk)) {
        queue = queue.then(async () => {
          log.push(arg ? `${verb} ${arg}` : verb);
          const custom = handlers.get(verb);
          if (custom && (await custom(session, arg))) return;
          const fallback = defaults[verb];
          if (fallback) await fallback(arg);
          else session.reply('502 Not implemented');
        });
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      state.open -= 1;
      sockets.delete(socket);
    });
    const greet = handlers.get('GREETING');
    void Promise.resolve(greet ? greet(session, '') : false).then((done) => done || session.reply(state.greeting));
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  state.port = (control.address() as AddressInfo).port;
  return state;
}
