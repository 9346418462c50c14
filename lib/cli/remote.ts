import { decodeRaw } from '../../protocol/text.js';
import { UsageError } from './args.js';
import { findNetrc, type NetrcEntry } from './netrc.js';

/**
 * A URL argument of the command line: which server, as whom, and which path on it.
 *
 * The path is read as curl and lftp read it: relative to the login directory
 * (`ftp://host/pub/a.txt` is `pub/a.txt` there), absolute when it starts with `%2F`
 * (`ftp://host/%2Fetc/motd` is `/etc/motd`). On servers that put every user at `/`,
 * ours among them, the two are the same.
 */
export interface RemoteArg {
  /** `ftp://host:port` or `ftps://host:port`: what the FtpPy factory connects to. */
  server: string;
  scheme: 'ftp' | 'ftps';
  /** The host as written in the URL (IPv6 literals in brackets) and its port, if any. */
  host: string;
  user: string | undefined;
  password: string | undefined;
  /** The remote path for the client: relative to the login directory, or absolute. '.' for none. */
  path: string;
  /** The URL named a folder: no path at all, or one ending in `/`. */
  folder: boolean;
}

export function isUrl(arg: string): boolean {
  return /^ftps?:\/\//i.test(arg);
}

/**
 * A path segment of a URL as the name it stands for: percent-escapes are bytes (RFC 3986
 * §2.1), and bytes that are not UTF-8 (`caf%E9`, a Latin-1 name, as curl takes it) stay
 * those bytes (decodeRaw) where decodeURIComponent would throw.
 */
function percentDecoded(segment: string): string {
  if (!segment.includes('%')) return segment;
  const bytes: number[] = [];
  for (let i = 0; i < segment.length; i++) {
    const hex = segment[i] === '%' ? segment.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      const point = segment.codePointAt(i)!;
      if (point > 0xffff) i += 1;
      bytes.push(...Buffer.from(String.fromCodePoint(point), 'utf8'));
    }
  }
  return decodeRaw(Buffer.from(bytes));
}

export function parseRemote(arg: string): RemoteArg {
  if (!isUrl(arg)) throw new UsageError(`wants an ftp:// or ftps:// URL, got ${JSON.stringify(arg)}`);
  let url: URL;
  try {
    url = new URL(arg);
  } catch {
    throw new UsageError(`not a valid URL: ${JSON.stringify(arg)}`);
  }
  if (url.hostname === '') throw new UsageError(`the URL has no host: ${JSON.stringify(arg)}`);
  const scheme = url.protocol === 'ftps:' ? 'ftps' : 'ftp';
  let raw = url.pathname.replace(/^\//, '');
  const absolute = /^%2f/i.test(raw);
  if (absolute) raw = raw.slice(3);
  const decoded = raw.split('/').map(percentDecoded).join('/');
  const path = absolute ? `/${decoded}` : decoded === '' ? '.' : decoded;
  return {
    server: `${scheme}://${url.host}`,
    scheme,
    host: url.host,
    user: url.username === '' ? undefined : decodeURIComponent(url.username),
    password: url.password === '' ? undefined : decodeURIComponent(url.password),
    path,
    folder: raw === '' || raw.endsWith('/'),
  };
}

/** Every URL of one command must name one server and one login: the command runs over one client. */
/** `LOCAL... URL`, as put and backup take them: the local paths, and the URL they go to. */
export function localsThenUrl(positionals: readonly string[], usage: string): { locals: string[]; remote: RemoteArg } {
  if (positionals.length < 2) throw new UsageError(usage);
  return { locals: positionals.slice(0, -1), remote: parseRemote(positionals.at(-1)!) };
}

export function sameServer(remotes: readonly RemoteArg[]): RemoteArg {
  const [first, ...rest] = remotes;
  if (!first) throw new UsageError('wants an ftp:// or ftps:// URL');
  for (const other of rest) {
    if (other.server !== first.server || (other.user ?? first.user) !== first.user) {
      throw new UsageError(`every URL of one command must be on one server as one user: ${first.server} and ${other.server}`);
    }
  }
  return first;
}

export interface Credentials {
  user: string;
  password: string;
}

/**
 * Who logs in: the URL's user and password first, then FTPPY_USER and FTPPY_PASSWORD,
 * then the .netrc entry for the host (or its `default`); null means anonymous.
 */
export function credentialsFor(remote: RemoteArg, env: NodeJS.ProcessEnv, netrc: readonly NetrcEntry[]): Credentials | null {
  const user = remote.user ?? (env.FTPPY_USER || undefined);
  const hostname = remote.host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  const entry = findNetrc(netrc, hostname, user);
  const login = user ?? entry?.login;
  if (login === undefined) return null;
  // FTPPY_PASSWORD is the password of FTPPY_USER when that is set, of whoever logs in when it is not
  const fromEnv = env.FTPPY_USER === undefined || env.FTPPY_USER === '' || env.FTPPY_USER === login ? env.FTPPY_PASSWORD : undefined;
  const password = remote.password ?? fromEnv ?? entry?.password ?? '';
  return { user: login, password };
}
