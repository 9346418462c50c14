import { startWebServer, type WebServer } from '../http/index.js';
import { followEvents, FtpServer, type AnonymousOptions, type LogRecord, type PassiveOptions, type RateOptions, type ServerLimits, type ServerTimeouts, type Storage, type UserAccountOptions } from '../server/index.js';
import type { Authenticator, BanOptions, ProxyProtocolOptions, ServerOptions, ServerTlsOptions } from '../server/index.js';
export type { AuthenticatedAccount, Authenticator, BanOptions, ClientCertificate, LoginContext, UserAccountOptions } from '../server/index.js';
import { Basic } from './auth.js';
import { knownKeys, optionsObject, trueOrFalse, wholeNumber } from '../common/check.js';
import type { Settings } from './resolved-settings.js';
import { loadTlsMaterial } from './tls-material.js';
import { VERSION } from '../common/version.js';

export interface ServeOptions {
  /** The directory served (default: the working directory). */
  root?: string;
  /** Accounts, each with its own home and rights (and `addresses`, `certificate`), besides the one of `auth: Basic`. */
  users?: UserAccountOptions[];
  /**
   * Decides logins of names `users` does not know: `(name, password, { address, secure,
   * certificate, signal }) => account | null`; or the path of a module whose default
   * export is that function (what a config file can name).
   */
  authenticate?: Authenticator | string;
  /** The ban list: `{ failures, window, duration }` (default 10 failed logins within 600 s ban the address for 600 s); false turns it off. */
  ban?: BanOptions | false;
  /**
   * Anonymous logins: true (read only), false, or `{ home, rights, names }`. Default: on
   * when `auth` is `Guest` or absent, off when it is `Basic`.
   */
  anonymous?: boolean | AnonymousOptions;
  /** Passive ports (`min`, `max`) and the address named in 227 replies (`address`, behind NAT). */
  pasv?: PassiveOptions;
  /**
   * The web API: its port (the FTP port + 1 by default), false to turn it off, or
   * `{ port, metrics, health }` where `metrics: false` / `health: false` turn off
   * `GET /metrics` and `GET /healthz` (both on by default).
   */
  web?: number | false | WebOptions;
  /**
   * With TLS: refuse logins before AUTH TLS (`login`) and transfers without PROT P
   * (`data`). Default true for `ftps://`; `ftp://` with `ssl` certificates offers TLS
   * without requiring it.
   */
  requireTls?: boolean | { login?: boolean; data?: boolean };
  /**
   * Failed logins before the connection is closed (default 3), the delay step in seconds
   * (default 1), and how long `authenticate` may take in seconds (default 10).
   */
  login?: { attempts?: number; delay?: number; timeout?: number };
  /** A storage backend instead of the disk under `root`. */
  storage?: Storage;
  /** The text of the 220 greeting. */
  greeting?: string;
  /** The server's limits (ServerLimits), over those the factory's `Limits` and `login` give. */
  limits?: ServerLimits;
  /** The server's timeouts in seconds (ServerTimeouts), over those the factory's `Timeout` gives. */
  timeouts?: ServerTimeouts;
  /** Called with a record per event (connect, login, login-failed, transfer, disconnect, error). */
  log?: (record: LogRecord) => void;
  /** Default bandwidth limits of every account, bytes per second per transfer: `{ download, upload }` (default none). */
  rate?: RateOptions;
  /** Behind HAProxy: the proxies (addresses, CIDR ranges) whose PROXY headers name the clients. */
  proxyProtocol?: ProxyProtocolOptions;
}

export interface WebOptions {
  /** Default: the FTP port + 1. */
  port?: number;
  /** Serve `GET /metrics`, Prometheus text format, without login. Default true. */
  metrics?: boolean;
  /** Serve `GET /healthz`, 200 serving and 503 draining, without login. Default true. */
  health?: boolean;
}

const webKeys = ['port', 'metrics', 'health'];
const limitKeys = ['connections', 'perAddress', 'lineBytes', 'loginAttempts', 'loginDelay'];
const timeoutKeys = ['idle', 'data', 'stall', 'grace', 'uploadSettle'];

const serveKeys = ['root', 'users', 'anonymous', 'pasv', 'web', 'requireTls', 'login', 'storage', 'greeting', 'limits', 'timeouts', 'log', 'authenticate', 'ban', 'rate', 'proxyProtocol'];

/** What `ftp.server()` resolves to: the FTP server, listening, and its web API. */
export class RunningServer extends FtpServer {
  /** The web API, or null when it is off (`web: false`). */
  web: WebServer | null = null;

  /**
   * Drains the FTP server (see FtpServer.close) while the web API goes on answering, so
   * that `GET /healthz` says 503 through the drain; then closes the web API.
   */
  override async close(options: { grace?: number } = {}): Promise<void> {
    try {
      await super.close(options);
    } finally {
      await this.web?.close();
    }
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
  if (o.limits !== undefined) knownKeys('server limits', optionsObject('server limits', o.limits), limitKeys);
  if (o.timeouts !== undefined) knownKeys('server timeouts', optionsObject('server timeouts', o.timeouts), timeoutKeys);
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
      ...o.limits,
    },
    // The client's 30 s read default would make a server drop idle clients ten times
    // sooner than vsftpd's 300 s: the server keeps its own defaults unless they are set.
    timeouts: {
      ...(timeout.given.has('read') ? { idle: timeout.read, stall: timeout.read } : {}),
      ...(timeout.given.has('connect') ? { data: timeout.connect } : {}),
      ...(o.login?.timeout !== undefined ? { authenticate: o.login.timeout } : {}),
      ...o.timeouts,
    },
  };
  if (o.authenticate !== undefined) result.authenticate = typeof o.authenticate === 'string' ? await loadAuthenticator(o.authenticate) : o.authenticate;
  if (o.ban !== undefined) result.ban = o.ban;
  const tls = await tlsOptions(ftp, o);
  if (tls) result.tls = tls;
  if (o.pasv) result.pasv = o.pasv;
  if (o.storage) result.storage = o.storage;
  if (o.greeting !== undefined) result.greeting = o.greeting;
  if (o.rate !== undefined) result.rate = o.rate;
  if (o.proxyProtocol !== undefined) result.proxyProtocol = o.proxyProtocol;
  return result;
}

/** The default export of the module at `path` (relative to the working directory), which must be an authenticator. */
async function loadAuthenticator(path: string): Promise<Authenticator> {
  const [{ resolve }, { pathToFileURL }] = await Promise.all([import('node:path'), import('node:url')]);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(resolve(path)).href)) as { default?: unknown };
  } catch (error) {
    throw new TypeError(`authenticate: cannot load ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (typeof module.default !== 'function') throw new TypeError(`authenticate: ${path} must export a function as its default export`);
  return module.default as Authenticator;
}

/** The web API's port for these options, or null when it is off. */
export function webPort(ftp: Settings, options: ServeOptions): number | null {
  const web = options.web;
  if (web === false) return null;
  const port = typeof web === 'object' && web !== null ? web.port : web;
  if (port === undefined) {
    const { port: ftpPort } = ftp.endpoint;
    return ftpPort === 0 ? 0 : ftpPort < 65535 ? ftpPort + 1 : null; // beside "any free port" goes any free port
  }
  return wholeNumber('server web port', port, 0, 65535);
}

/** Which of the unauthenticated endpoints the web API serves. */
function webEndpoints(options: ServeOptions): { metrics: boolean; health: boolean } {
  const web = options.web;
  if (typeof web !== 'object' || web === null) return { metrics: true, health: true };
  knownKeys('server web', web, webKeys);
  return {
    metrics: web.metrics === undefined ? true : trueOrFalse('server web.metrics', web.metrics),
    health: web.health === undefined ? true : trueOrFalse('server web.health', web.health),
  };
}

/**
 * The web API (GET /, GET/POST/PUT/DELETE /files/…, http/) beside the FTP server: the
 * same users, rights and files, with the factory's `request` hook. Plain HTTP as the
 * seed has it, but HTTPS with the server's certificate when it has one: a server that
 * protects FTP logins must not take the same passwords in clear through Basic auth.
 */
function startWeb(server: RunningServer, port: number, ftp: Settings, options: ServeOptions): Promise<WebServer> {
  const tls = server.options.tls;
  return startWebServer({
    server,
    port,
    ...webEndpoints(options),
    hooks: { request: ftp.hooks.request },
    tls: tls ? { cert: tls.cert, key: tls.key, ca: tls.ca } : null,
    version: VERSION,
    ...(ftp.timeout.given.has('read') ? { timeout: ftp.timeout.read } : {}),
  });
}

export async function startServer(ftp: Settings, options: ServeOptions): Promise<RunningServer> {
  const port = webPort(ftp, options);
  webEndpoints(options); // a mistake there fails before anything listens
  if (options.log !== undefined && typeof options.log !== 'function') throw new TypeError('server log must be a function (record) => void');
  const server = new RunningServer(await serverOptions(ftp, options));
  if (options.log) followEvents(server, options.log);
  await server.listen();
  if (port !== null) {
    try {
      server.web = await startWeb(server, port, ftp, options);
    } catch (error) {
      await server.close();
      throw error;
    }
  }
  return server;
}
