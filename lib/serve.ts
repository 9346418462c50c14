import { startWebServer, type WebServer } from '../http/index.js';
import { FtpServer, type AnonymousOptions, type PassiveOptions, type Storage, type UserAccountOptions } from '../server/index.js';
import type { ProxyProtocolOptions, ServerOptions, ServerTlsOptions } from '../server/index.js';
import { Basic } from './auth.js';
import { knownKeys, optionsObject, wholeNumber } from '../common/check.js';
import type { Settings } from './resolved-settings.js';
import { loadTlsMaterial } from './tls-material.js';
import { VERSION } from '../common/version.js';

export interface ServeOptions {
  /** The directory served (default: the working directory). */
  root?: string;
  /** Accounts, each with its own home and rights, besides the one of `auth: Basic`. */
  users?: UserAccountOptions[];
  /**
   * Anonymous logins: true (read only), false, or `{ home, rights, names }`. Default: on
   * when `auth` is `Guest` or absent, off when it is `Basic`.
   */
  anonymous?: boolean | AnonymousOptions;
  /** Passive ports (`min`, `max`) and the address named in 227 replies (`address`, behind NAT). */
  pasv?: PassiveOptions;
  /** The web API's port: the FTP port + 1 by default; false turns it off. */
  web?: number | false;
  /**
   * With TLS: refuse logins before AUTH TLS (`login`) and transfers without PROT P
   * (`data`). Default true for `ftps://`; `ftp://` with `ssl` certificates offers TLS
   * without requiring it.
   */
  requireTls?: boolean | { login?: boolean; data?: boolean };
  /** Failed logins before the connection is closed (default 3), and the delay step in seconds (default 1). */
  login?: { attempts?: number; delay?: number };
  /** A storage backend instead of the disk under `root`. */
  storage?: Storage;
  /** The text of the 220 greeting. */
  greeting?: string;
  /** Behind HAProxy: the proxies (addresses, CIDR ranges) whose PROXY headers name the clients. */
  proxyProtocol?: ProxyProtocolOptions;
}

const serveKeys = ['root', 'users', 'anonymous', 'pasv', 'web', 'requireTls', 'login', 'storage', 'greeting', 'proxyProtocol'];

/** What `ftp.server()` resolves to: the FTP server, listening, and its web API. */
export class RunningServer extends FtpServer {
  /** The web API, or null when it is off (`web: false`). */
  web: WebServer | null = null;

  override async close(): Promise<void> {
    await Promise.all([this.web?.close(), super.close()]);
  }
}

async function tlsOptions(ftp: Settings, options: ServeOptions): Promise<ServerTlsOptions | undefined> {
  const { security } = ftp.endpoint;
  const ssl = ftp.ssl;
  if (!ssl?.cert || !ssl.key) {
    if (security !== 'none') throw new TypeError(`${ftp.endpoint.scheme}:// serving needs ssl: new SSL({ cert, key })`);
    return undefined;
  }
  const material = await loadTlsMaterial(ssl);
  const required = options.requireTls ?? security !== 'none';
  const tls: ServerTlsOptions = {
    cert: material.cert!,
    key: material.key!,
    implicit: security === 'implicit',
    requireLogin: typeof required === 'boolean' ? required : (required.login ?? true),
    requireData: typeof required === 'boolean' ? required : (required.data ?? true),
    reuse: ssl.reuse,
  };
  if (material.ca) tls.ca = material.ca;
  if (material.ciphers) tls.ciphers = material.ciphers;
  return tls;
}

/** The server options an FtpPy factory and `ftp.server(options)` stand for. */
export async function serverOptions(ftp: Settings, options: ServeOptions = {}): Promise<ServerOptions> {
  const o = optionsObject('server', options) as ServeOptions;
  knownKeys('server', o, serveKeys);
  const users = [...(o.users ?? [])];
  if (ftp.auth instanceof Basic) users.unshift({ name: ftp.auth.username, password: ftp.auth.password });
  const { limits, timeout } = ftp;
  const result: ServerOptions = {
    host: ftp.endpoint.host,
    port: ftp.endpoint.port,
    root: o.root ?? process.cwd(),
    users,
    anonymous: o.anonymous ?? !(ftp.auth instanceof Basic),
    limits: {
      // A client's Limits defaults (10 connections) are too few for a server: keep the server's unless set.
      ...(limits.given.has('connections') ? { connections: limits.connections } : {}),
      ...(limits.given.has('host') ? { perAddress: limits.host } : {}),
      ...(o.login?.attempts !== undefined ? { loginAttempts: o.login.attempts } : {}),
      ...(o.login?.delay !== undefined ? { loginDelay: o.login.delay } : {}),
    },
    // The client's 30 s read default would make a server drop idle clients ten times
    // sooner than vsftpd's 300 s: the server keeps its own defaults unless they are set.
    timeouts: {
      ...(timeout.given.has('read') ? { idle: timeout.read, stall: timeout.read } : {}),
      ...(timeout.given.has('connect') ? { data: timeout.connect } : {}),
    },
  };
  const tls = await tlsOptions(ftp, o);
  if (tls) result.tls = tls;
  if (o.pasv) result.pasv = o.pasv;
  if (o.storage) result.storage = o.storage;
  if (o.greeting !== undefined) result.greeting = o.greeting;
  if (o.proxyProtocol !== undefined) result.proxyProtocol = o.proxyProtocol;
  return result;
}

/** The web API's port for these options, or null when it is off. */
export function webPort(ftp: Settings, options: ServeOptions): number | null {
  if (options.web === false) return null;
  if (options.web === undefined) {
    const { port } = ftp.endpoint;
    return port === 0 ? 0 : port < 65535 ? port + 1 : null; // beside "any free port" goes any free port
  }
  return wholeNumber('server web port', options.web, 0, 65535);
}

/**
 * The web API (GET /, GET/POST/PUT/DELETE /files/…, http/) beside the FTP server: the
 * same users, rights and files, with the factory's `request` hook. Plain HTTP as the
 * seed has it, but HTTPS with the server's certificate when it has one: a server that
 * protects FTP logins must not take the same passwords in clear through Basic auth.
 */
function startWeb(server: RunningServer, port: number, ftp: Settings): Promise<WebServer> {
  const tls = server.options.tls;
  return startWebServer({
    server,
    port,
    hooks: { request: ftp.hooks.request },
    tls: tls ? { cert: tls.cert, key: tls.key, ca: tls.ca } : null,
    version: VERSION,
    ...(ftp.timeout.given.has('read') ? { timeout: ftp.timeout.read } : {}),
  });
}

export async function startServer(ftp: Settings, options: ServeOptions): Promise<RunningServer> {
  const port = webPort(ftp, options);
  const server = new RunningServer(await serverOptions(ftp, options));
  await server.listen();
  if (port !== null) {
    try {
      server.web = await startWeb(server, port, ftp);
    } catch (error) {
      await server.close();
      throw error;
    }
  }
  return server;
}
