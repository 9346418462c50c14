import { isIP } from 'node:net';
import { Basic, Guest, type Auth } from './auth.js';
import { optionsObject, trueOrFalse } from '../common/check.js';
import { Limits, Retry, Timeout, type LimitsOptions, type RetryOptions, type TimeoutOptions } from './config.js';
import { parseEndpoint, type Endpoint } from './endpoint.js';
import { checkHooks, type Hooks } from '../common/hooks.js';
import { SSL, type SSLOptions } from './settings.js';
import { openClient, type Client } from './client.js';
import type { Settings } from './resolved-settings.js';
import type { ServeOptions, RunningServer } from './serve.js';
import { NAME_ENCODINGS, type NameEncoding } from '../protocol/text.js';
import type { ProxyConfig } from '../protocol/proxy.js';
import { parseProxy, proxyFromEnv } from './proxy-settings.js';

export interface FtpPyOptions {
  /** `ftp://[user[:pass]@]host[:port][/path]` or `ftps://…`. */
  endpoint?: string;
  /** `Basic` (an account), `Guest` (anonymous with an identifier), or none: anonymous. */
  auth?: Auth;
  timeout?: Timeout | TimeoutOptions;
  retry?: Retry | RetryOptions;
  limits?: Limits | LimitsOptions;
  ssl?: SSL | SSLOptions;
  hooks?: Hooks;
  /** Passive mode (EPSV, then PASV). false: active mode (EPRT/PORT). Default true. */
  passive?: boolean;
  /**
   * Connect to the address a PASV reply (227) names. Default false: the server's port, at
   * the control connection's address, for a 227 is the server's word on where to connect
   * and a hostile one could name any host (CVE-2020-8284). For setups where data really
   * comes from another host (FXP-like).
   */
  trustPasvAddress?: boolean;
  /**
   * The local IP address control and data connections leave from (and active-mode
   * listeners listen on): one interface of several, or one source address of many (a
   * test of per-address limits). Default: the system's choice.
   */
  localAddress?: string;
  /**
   * How names are read and written on the wire. 'utf8' (default): UTF-8, and bytes that
   * are not (a Latin-1 server's é) are kept raw and sent back as they came. 'latin1': the
   * server's names are Latin-1 text (lftp's ftp:charset), so `café.txt` is read, typed and
   * stored locally as such; a name Latin-1 cannot write is refused.
   */
  encoding?: NameEncoding;
  /**
   * A proxy for the control connection and every passive data connection:
   * `socks5://[user:pass@]host[:port]` (names resolved here), `socks5h://…` (resolved by the
   * proxy) or `http://[user:pass@]host[:port]` (CONNECT). Not given: from the environment
   * as curl reads it (`ftp_proxy`/`ftps_proxy`, `ALL_PROXY`, `NO_PROXY`); `false`: none.
   */
  proxy?: string | false;
}

const optionKeys = ['endpoint', 'auth', 'timeout', 'retry', 'limits', 'ssl', 'hooks', 'passive', 'trustPasvAddress', 'localAddress', 'encoding', 'proxy'];

/**
 * The factory of the seed: one endpoint and its options, from which come clients
 * (`client()`) and servers (`server()`). It holds no connection itself.
 */
export class FtpPy implements Settings {
  readonly endpoint: Endpoint;
  readonly auth: Auth | undefined;
  readonly timeout: Timeout;
  readonly retry: Retry;
  readonly limits: Limits;
  readonly ssl: SSL | undefined;
  readonly hooks: Hooks;
  readonly passive: boolean;
  readonly trustPasvAddress: boolean;
  readonly localAddress: string | undefined;
  readonly encoding: NameEncoding;
  /** The proxy in use, undefined for none (a client's; the server ignores it). */
  readonly proxy: ProxyConfig | undefined;
  /** What clients and servers are made from: these fields, frozen as they were made. */
  readonly #settings: Settings;

  constructor(endpoint: string | FtpPyOptions, options: FtpPyOptions = {}) {
    const o = typeof endpoint === 'string' ? { ...optionsObject('FtpPy', options), endpoint } : optionsObject('FtpPy', endpoint);
    for (const key of Object.keys(o)) {
      if (!optionKeys.includes(key)) throw new TypeError(`FtpPy: unknown option ${JSON.stringify(key)} (known: ${optionKeys.join(', ')})`);
    }
    this.ssl = o.ssl === undefined ? undefined : o.ssl instanceof SSL ? o.ssl : new SSL(o.ssl as SSLOptions);
    this.endpoint = parseEndpoint(o.endpoint, this.ssl?.implicit ?? false);
    if (o.auth !== undefined && !(o.auth instanceof Basic) && !(o.auth instanceof Guest)) {
      throw new TypeError('auth must be new Basic(user, password), new Guest(identifier) or undefined');
    }
    const { user, password } = this.endpoint;
    this.auth = (o.auth as Auth | undefined) ?? (user !== undefined ? new Basic(user, password ?? '') : undefined);
    this.timeout = o.timeout instanceof Timeout ? o.timeout : new Timeout(o.timeout as TimeoutOptions);
    this.retry = o.retry instanceof Retry ? o.retry : new Retry(o.retry as RetryOptions);
    this.limits = o.limits instanceof Limits ? o.limits : new Limits(o.limits as LimitsOptions);
    this.hooks = checkHooks(o.hooks);
    this.passive = o.passive === undefined ? true : trueOrFalse('passive', o.passive);
    this.trustPasvAddress = o.trustPasvAddress === undefined ? false : trueOrFalse('trustPasvAddress', o.trustPasvAddress);
    if (o.localAddress !== undefined && !isIP(String(o.localAddress))) throw new TypeError(`localAddress must be an IP address, got ${String(o.localAddress)}`);
    this.localAddress = o.localAddress as string | undefined;
    this.encoding = encodingOption(o.encoding);
    this.proxy = proxyOption(o.proxy, this.endpoint);
    const { auth, timeout, retry, limits, ssl, hooks, passive, trustPasvAddress, localAddress, encoding, proxy } = this;
    this.#settings = Object.freeze({ endpoint: Object.freeze({ ...this.endpoint }), auth, timeout, retry, limits, ssl, hooks, passive, trustPasvAddress, localAddress, encoding, proxy });
  }

  /** A connected, logged-in client. Throws `ConnectionError` when that cannot be had. */
  client(): Promise<Client>;
  /** Runs `fn` with a client and closes it when `fn` settles. */
  client<T>(fn: (client: Client) => Promise<T>): Promise<T>;
  async client<T>(fn?: (client: Client) => Promise<T>): Promise<Client | T> {
    if (this.endpoint.port === 0) throw new RangeError('endpoint port 0 means "any free port" to a server; a client needs the real port');
    const client = await openClient(this.#settings);
    if (!fn) return client;
    try {
      return await fn(client);
    } finally {
      await client.close();
    }
  }

  /**
   * An FTP server on this endpoint (and the web API on port + 1), listening. The server
   * and the web API are loaded on the first call: a program that only uses clients
   * never loads them.
   */
  async server(options: ServeOptions = {}): Promise<RunningServer> {
    const { startServer } = await import('./serve.js');
    return startServer(this.#settings, options);
  }
}

function encodingOption(value: unknown): NameEncoding {
  if (value === undefined) return 'utf8';
  if (!NAME_ENCODINGS.includes(value as NameEncoding)) throw new TypeError(`encoding must be ${NAME_ENCODINGS.map((e) => `'${e}'`).join(' or ')}, got ${JSON.stringify(value)}`);
  return value as NameEncoding;
}

function proxyOption(value: unknown, endpoint: Endpoint): ProxyConfig | undefined {
  if (value === false || value === '') return undefined;
  if (value === undefined) return proxyFromEnv(endpoint.scheme, endpoint.host);
  if (typeof value !== 'string') throw new TypeError(`proxy must be a URL string or false, got ${typeof value}`);
  return parseProxy(value);
}
