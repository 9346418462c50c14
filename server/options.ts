import { isIPv4 } from 'node:net';
import { type Cidr } from '../common/cidr.js';
import { positiveSeconds, text, timerSeconds, trueOrFalse, wholeNumber } from '../common/check.js';
import { resolveQuota, resolveRate, type Quota, type QuotaOptions, type Rate, type RateOptions } from './account-policy.js';
import type { Storage } from './fs/storage.js';
import { parseCidrList } from '../common/cidr.js';
import { parseCertificateRule, type CertificateRule, type ClientCertificate } from './client-certificate.js';

// The server's own option types. They are plain data, independent of lib/ (which maps
// the FtpPy factory onto them), so that the server can be used and tested on its own.
// All durations are seconds, as everywhere in FtpPy.

/** What a user may do. Reading includes listing; navigating (CWD) is always allowed. */
export interface Rights {
  read: boolean;
  /** Upload (STOR/APPE/STOU), resume, set times (MFMT) and modes (SITE CHMOD). */
  write: boolean;
  /** Delete files and folders; also needed, with write, to replace an existing file. */
  delete: boolean;
  mkdir: boolean;
  rename: boolean;
}

export interface UserAccountOptions {
  name: string;
  /** Optional with a `certificate`: without one, the certificate alone logs the account in. */
  password?: string;
  /** The user's root, a path inside the server's root (default `/`). Created at first login. */
  home?: string;
  /** Default: every right. */
  rights?: Partial<Rights>;
  /** Client addresses the account may log in from (CIDR, IPv4 and IPv6). Default: any. */
  addresses?: string[];
  /** The client certificate the account must present (mutual TLS; the server needs a CA bundle). */
  certificate?: CertificateRule;
  /** Bytes per second for each transfer (FTP and web); a direction left out takes the server's `rate`, `null` is none. */
  rate?: RateOptions;
  /** Limits on what the home holds (default none): past them, an upload gets 552 (web: 507). */
  quota?: QuotaOptions | null;
}

/** What an authenticator returns for a login it accepts: a `users` entry without the password (the name defaults to the one given). */
export type AuthenticatedAccount = Partial<Omit<UserAccountOptions, 'password'>>;

/** What an authenticator is told about the login besides the name and password. */
export interface LoginContext {
  /** The client's address (IPv4-mapped addresses unmapped). */
  address: string;
  /** The login came over TLS (FTPS, or the web API over HTTPS). */
  secure: boolean;
  /** The client's certificate, when it sent one that chains to the server's CA bundle. */
  certificate: ClientCertificate | null;
  /** Aborted when the answer is no longer awaited (`timeouts.authenticate` passed, the client left). */
  signal: AbortSignal;
}

/**
 * Decides logins the `users` list does not know, for FTP and the web API alike: the
 * account, or null to refuse. `password` is null for a login by client certificate
 * alone (USER after AUTH TLS): only an account whose `certificate` matches is accepted then.
 */
export type Authenticator = (name: string, password: string | null, context: LoginContext) => Promise<AuthenticatedAccount | null> | AuthenticatedAccount | null;

/** The ban list: addresses with too many failed logins are refused for a while. */
export interface BanOptions {
  /** Failed logins from one address that ban it (default 10). */
  failures?: number;
  /** Seconds within which they must fall (default 600). */
  window?: number;
  /** Seconds the address stays banned (default 600). */
  duration?: number;
  /** Addresses tracked at most (default 10000): past it, the least recently seen unbanned ones are forgotten. */
  capacity?: number;
}

export interface AnonymousOptions {
  /** Login names that mean anonymous (default `anonymous` and `ftp`); any password is accepted. */
  names?: string[];
  home?: string;
  /** Default: read only. */
  rights?: Partial<Rights>;
  /** As for a user: defaults to the server's `rate`. */
  rate?: RateOptions;
  quota?: QuotaOptions | null;
}

export interface ServerTlsOptions {
  cert: Buffer | string;
  key: Buffer | string;
  /** CA certificates: with them, control connections ask for a client certificate (never require one) and trust those these issued. */
  ca?: Buffer | string;
  ciphers?: string;
  /** TLS from the first byte (implicit FTPS) instead of `AUTH TLS` (explicit). Default false. */
  implicit?: boolean;
  /** Refuse USER/PASS before `AUTH TLS`. Default true. */
  requireLogin?: boolean;
  /** Refuse transfers without `PROT P`. Default true. */
  requireData?: boolean;
  /**
   * A protected data connection must resume the control connection's TLS session
   * (as vsftpd's `require_ssl_reuse`); one that does not gets 522. Default true.
   */
  reuse?: boolean;
}

export interface PassiveOptions {
  /** Lowest and highest port handed out by PASV/EPSV. Default: any port the system picks. */
  min?: number;
  max?: number;
  /**
   * The IPv4 address named in 227 replies (a server behind NAT or a proxy), or a host name
   * resolved (IPv4) once when the server starts. Default: the address the client
   * connected to (the control connection's local address, or the one a PROXY header names).
   */
  address?: string;
}

export interface ProxyProtocolOptions {
  /**
   * The proxies (addresses or CIDR ranges, IPv4 and IPv6) whose connections start with a
   * PROXY header (v1 or v2), as HAProxy's `send-proxy`/`send-proxy-v2` writes it. Their
   * connections without a valid header are closed; connections from elsewhere are direct.
   */
  trusted: string[];
  /** Seconds for the header to arrive (default 5). */
  timeout?: number;
}

export interface ServerLimits {
  /** Clients connected at once (default 100); the next one gets 421. */
  connections?: number;
  /** Clients from one IP address at once (default 10). */
  perAddress?: number;
  /** Longest command line in bytes (default 4096). */
  lineBytes?: number;
  /** Failed logins before the connection is closed (default 3). */
  loginAttempts?: number;
  /** Seconds added to the delay before answering each failed login (default 1: 1 s, 2 s, …), counted from the login's start. */
  loginDelay?: number;
}

export interface ServerTimeouts {
  /** A control connection with no command for this long gets 421 and is closed (default 300). */
  idle?: number;
  /** Longest wait for a data connection to be set up, TLS handshake included (default 30). */
  data?: number;
  /** A transfer whose data connection moves no byte for this long is aborted (default 60). */
  stall?: number;
  /** How long `close()` lets running transfers finish before cutting them (default 10). */
  grace?: number;
  /**
   * How long an upload, once its data connection has ended, waits for the control
   * connection to end too before it takes the file as complete: a client killed mid-upload
   * closes both at once, and its cut file must not replace the good one (default 0.01; 0: no wait).
   */
  uploadSettle?: number;
  /** Longest wait for the `authenticate` function; then the login fails (default 10). */
  authenticate?: number;
}

export interface ServerOptions {
  /** Host name or address to listen on (default 127.0.0.1). A name listens on every address it resolves to. */
  host?: string;
  /** Port to listen on; 0 picks a free one (default 21). */
  port?: number;
  /** The directory served (default: the working directory). Ignored when `storage` is given. */
  root?: string;
  /** A storage backend instead of the disk under `root`. */
  storage?: Storage;
  users?: UserAccountOptions[];
  /** Decides logins of names the `users` list does not know. */
  authenticate?: Authenticator;
  /** The ban list (default on: 10 failures within 600 s ban an address for 600 s); false turns it off. */
  ban?: BanOptions | false;
  /** Anonymous logins: false (default), true (read only), or their options. */
  anonymous?: boolean | AnonymousOptions;
  tls?: ServerTlsOptions;
  pasv?: PassiveOptions;
  limits?: ServerLimits;
  timeouts?: ServerTimeouts;
  /** The text of the 220 greeting. */
  greeting?: string;
  /** Default bandwidth limits of every account, bytes per second per transfer (default none). */
  rate?: RateOptions;
  /** Behind HAProxy (or any proxy speaking the PROXY protocol): who is trusted to name clients. */
  proxyProtocol?: ProxyProtocolOptions;
}

export interface ResolvedOptions {
  host: string;
  port: number;
  root: string;
  storage: Storage | undefined;
  users: UserAccountOptions[];
  authenticate: Authenticator | null;
  ban: Required<BanOptions> | null;
  anonymous: AnonymousOptions | null;
  tls: (ServerTlsOptions & { implicit: boolean; requireLogin: boolean; requireData: boolean; reuse: boolean }) | null;
  /** `address`: an IPv4 address once the server listens (a host name given is resolved then). */
  pasv: { min: number; max: number; address: string | null };
  limits: Required<Omit<ServerLimits, 'loginDelay'>>;
  /** The durations, in milliseconds. */
  ms: Required<ServerTimeouts> & { loginDelay: number };
  greeting: string;
  rate: Rate;
  /** The trusted proxies, and how long their header may take in ms; null: every connection is direct. */
  proxyProtocol: { trusted: Cidr[]; ms: number } | null;
}

// RFC 1123 §2.1 labels: letters, digits, hyphens, dots between.
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

const ALL_RIGHTS: Rights = { read: true, write: true, delete: true, mkdir: true, rename: true };
const READ_ONLY: Rights = { read: true, write: false, delete: false, mkdir: false, rename: false };

export function resolveRights(field: string, given: Partial<Rights> | undefined, fallback: 'all' | 'read'): Rights {
  const rights = { ...(fallback === 'all' ? ALL_RIGHTS : READ_ONLY) };
  if (given === undefined) return rights;
  if (typeof given !== 'object' || given === null) throw new TypeError(`${field} must be an object of booleans`);
  for (const [key, value] of Object.entries(given)) {
    if (!Object.hasOwn(rights, key)) throw new TypeError(`${field}: unknown right ${JSON.stringify(key)} (known: ${Object.keys(rights).join(', ')})`);
    rights[key as keyof Rights] = trueOrFalse(`${field}.${key}`, value);
  }
  return rights;
}

// The common validators, with the server's defaults for what is not given.
const whole = (field: string, value: unknown, fallback: number, min: number, max: number): number =>
  value === undefined ? fallback : wholeNumber(field, value, min, max);
const seconds = (field: string, value: unknown, fallback: number): number => (value === undefined ? fallback : timerSeconds(field, value)) * 1000;
const flag = (field: string, value: unknown, fallback: boolean): boolean => (value === undefined ? fallback : trueOrFalse(field, value));

// A fallback whose directions stay undefined: a partial rate, merged later with the default.
const UNSET = {} as Rate;

/** An account's options checked: the same for a `users` entry and for what an authenticator returns. */
export function resolveAccount(field: string, u: AuthenticatedAccount & { password?: string }, name: string): UserAccountOptions & { rights: Rights } {
  if (typeof u !== 'object' || u === null) throw new TypeError(`${field} must be an object like { name, home, rights }`);
  const account: UserAccountOptions & { rights: Rights } = { name, rights: resolveRights(`${field}.rights`, u.rights, 'all') };
  if (u.password !== undefined) account.password = text(`${field}.password`, u.password);
  if (u.home !== undefined) account.home = text(`${field}.home`, u.home);
  if (u.addresses !== undefined) account.addresses = parseCidrList(`${field}.addresses`, u.addresses).map((range) => range.text);
  if (u.certificate !== undefined) account.certificate = parseCertificateRule(`${field}.certificate`, u.certificate);
  // Checked here, merged with the server's default per account (users.ts accountFrom).
  if (u.rate !== undefined) account.rate = resolveRate(`${field}.rate`, u.rate, UNSET);
  const quota = resolveQuota(`${field}.quota`, u.quota);
  if (quota) account.quota = quota;
  return account;
}

function resolveUsers(users: unknown): UserAccountOptions[] {
  if (users === undefined) return [];
  if (!Array.isArray(users)) throw new TypeError('users must be an array of { name, password, home?, rights?, addresses?, certificate? }');
  const seen = new Set<string>();
  return users.map((u: UserAccountOptions, i) => {
    const name = text(`users[${i}].name`, u?.name);
    if (name === '' || seen.has(name)) throw new TypeError(`users[${i}].name is empty or repeated`);
    seen.add(name);
    if (u.password === undefined && u.certificate === undefined) throw new TypeError(`users[${i}] needs a password, a certificate, or both`);
    return resolveAccount(`users[${i}]`, u, name);
  });
}

function resolveBan(value: unknown): Required<BanOptions> | null {
  if (value === false) return null;
  const o = (value ?? {}) as BanOptions;
  if (typeof o !== 'object' || o === null) throw new TypeError('ban must be false or { failures, window, duration, capacity }');
  return {
    failures: whole('ban.failures', o.failures, 10, 1, 1_000_000),
    window: o.window === undefined ? 600 : positiveSeconds('ban.window', o.window),
    duration: o.duration === undefined ? 600 : positiveSeconds('ban.duration', o.duration),
    capacity: whole('ban.capacity', o.capacity, 10_000, 1, 10_000_000),
  };
}

function resolveAnonymous(value: unknown): AnonymousOptions | null {
  if (value === undefined || value === false) return null;
  const o: AnonymousOptions = value === true ? {} : (value as AnonymousOptions);
  if (typeof o !== 'object' || o === null) throw new TypeError('anonymous must be true, false or { names, home, rights }');
  const names = o.names ?? ['anonymous', 'ftp'];
  if (!Array.isArray(names) || names.length === 0) throw new TypeError('anonymous.names must be a non-empty array');
  const resolved: AnonymousOptions = {
    names: names.map((n, i) => text(`anonymous.names[${i}]`, n).toLowerCase()),
    rights: resolveRights('anonymous.rights', o.rights, 'read'),
  };
  if (o.home !== undefined) resolved.home = text('anonymous.home', o.home);
  if (o.rate !== undefined) resolved.rate = resolveRate('anonymous.rate', o.rate, UNSET);
  const quota = resolveQuota('anonymous.quota', o.quota);
  if (quota) resolved.quota = quota;
  return resolved;
}

function resolveAuthenticator(value: unknown): Authenticator | null {
  if (value === undefined) return null;
  if (typeof value !== 'function') throw new TypeError(`authenticate must be a function (name, password, context) => account | null, got ${typeof value}`);
  return value as Authenticator;
}

function resolveProxyProtocol(value: ProxyProtocolOptions | undefined): ResolvedOptions['proxyProtocol'] {
  if (value === undefined) return null;
  if (typeof value !== 'object' || value === null) throw new TypeError('proxyProtocol must be { trusted: [addresses or CIDR ranges], timeout? }');
  if (value.trusted === undefined) throw new TypeError('proxyProtocol.trusted is missing: the addresses of the proxies that send PROXY headers');
  return { trusted: parseCidrList('proxyProtocol.trusted', value.trusted), ms: seconds('proxyProtocol.timeout', value.timeout, 5) };
}

export function resolveOptions(options: ServerOptions = {}): ResolvedOptions {
  const o = options;
  const limits = o.limits ?? {};
  const timeouts = o.timeouts ?? {};
  const pasv = o.pasv ?? {};
  const min = whole('pasv.min', pasv.min, 0, 0, 65535);
  const max = whole('pasv.max', pasv.max, min === 0 ? 0 : 65535, 0, 65535);
  if ((min === 0) !== (max === 0) || max < min) throw new RangeError(`pasv: min ${min} and max ${max} are not a port range`);
  if (pasv.address !== undefined && !isIPv4(pasv.address) && !HOST_NAME.test(String(pasv.address))) {
    throw new TypeError(`pasv.address must be an IPv4 address or a host name, got ${String(pasv.address)}`);
  }
  let tls: ResolvedOptions['tls'] = null;
  if (o.tls !== undefined) {
    if (!o.tls.cert || !o.tls.key) throw new TypeError('tls needs cert and key');
    tls = {
      ...o.tls,
      implicit: flag('tls.implicit', o.tls.implicit, false),
      requireLogin: flag('tls.requireLogin', o.tls.requireLogin, true),
      requireData: flag('tls.requireData', o.tls.requireData, true),
      reuse: flag('tls.reuse', o.tls.reuse, true),
    };
  }
  return {
    host: o.host === undefined ? '127.0.0.1' : text('host', o.host),
    port: whole('port', o.port, 21, 0, 65535),
    root: o.root === undefined ? process.cwd() : text('root', o.root),
    storage: o.storage,
    users: resolveUsers(o.users),
    authenticate: resolveAuthenticator(o.authenticate),
    ban: resolveBan(o.ban),
    anonymous: resolveAnonymous(o.anonymous),
    tls,
    pasv: { min, max, address: pasv.address ?? null },
    limits: {
      connections: whole('limits.connections', limits.connections, 100, 1, 1_000_000),
      perAddress: whole('limits.perAddress', limits.perAddress, 10, 1, 1_000_000),
      lineBytes: whole('limits.lineBytes', limits.lineBytes, 4096, 64, 1 << 20),
      loginAttempts: whole('limits.loginAttempts', limits.loginAttempts, 3, 1, 1000),
    },
    ms: {
      loginDelay: limits.loginDelay === 0 ? 0 : seconds('limits.loginDelay', limits.loginDelay, 1),
      idle: seconds('timeouts.idle', timeouts.idle, 300),
      data: seconds('timeouts.data', timeouts.data, 30),
      stall: seconds('timeouts.stall', timeouts.stall, 60),
      grace: seconds('timeouts.grace', timeouts.grace, 10),
      uploadSettle: timeouts.uploadSettle === 0 ? 0 : seconds('timeouts.uploadSettle', timeouts.uploadSettle, 0.010),
      authenticate: seconds('timeouts.authenticate', timeouts.authenticate, 10),
    },
    greeting: o.greeting === undefined ? 'FtpPy server ready' : text('greeting', o.greeting),
    rate: resolveRate('rate', o.rate),
    proxyProtocol: resolveProxyProtocol(o.proxyProtocol),
  };
}
