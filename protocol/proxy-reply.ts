import { isIPv4, isIPv6 } from 'node:net';
import { ConnectionError, InvalidArgumentError, ProtocolError } from '../common/errors.js';

// What a client says to a proxy and reads back, as pure functions: SOCKS5 (RFC 1928) with
// its user/password login (RFC 1929), and HTTP CONNECT (RFC 9110 §9.3.6). Each parser
// takes the bytes read so far and returns null while they are not a whole reply yet, or
// the value and how many bytes it used: what follows (a server's greeting sent right
// after the tunnel opened) belongs to whoever reads the tunnel next.

export interface Parsed<T> {
  value: T;
  used: number;
}

export interface HostPort {
  host: string;
  port: number;
}

const SOCKS_VERSION = 0x05;
export const SOCKS_NO_AUTH = 0x00;
export const SOCKS_USER_PASS = 0x02;
const SOCKS_NO_METHOD = 0xff;

/** The greeting: the methods we can log in with (RFC 1928 §3). */
export function socksGreeting(withLogin: boolean): Buffer {
  return withLogin ? Buffer.of(SOCKS_VERSION, 2, SOCKS_NO_AUTH, SOCKS_USER_PASS) : Buffer.of(SOCKS_VERSION, 1, SOCKS_NO_AUTH);
}

/** The method the proxy chose (RFC 1928 §3); none acceptable is a ConnectionError. */
export function parseSocksChoice(buf: Buffer): Parsed<number> | null {
  if (buf.length < 2) return null;
  if (buf[0] !== SOCKS_VERSION) throw new ProtocolError(`the proxy does not speak SOCKS5 (its first byte is 0x${buf[0]!.toString(16)})`);
  if (buf[1] === SOCKS_NO_METHOD) throw new ConnectionError('the SOCKS5 proxy accepts none of our login methods (no login, user/password)');
  return { value: buf[1]!, used: 2 };
}

/** RFC 1929 §2: version 1, the user name and the password, each at most 255 bytes. */
export function socksLogin(user: string, password: string): Buffer {
  const u = Buffer.from(user, 'utf8');
  const p = Buffer.from(password, 'utf8');
  if (u.length > 255 || p.length > 255) throw new InvalidArgumentError('a SOCKS5 user name or password is longer than 255 bytes');
  return Buffer.concat([Buffer.of(0x01, u.length), u, Buffer.of(p.length), p]);
}

/** RFC 1929 §2: status 0 is success; anything else a refused login. */
export function parseSocksLoginReply(buf: Buffer): Parsed<true> | null {
  if (buf.length < 2) return null;
  if (buf[1] !== 0x00) throw new ConnectionError(`the SOCKS5 proxy refused the login (status ${buf[1]})`);
  return { value: true, used: 2 };
}

/**
 * CONNECT to `host:port` (RFC 1928 §4): an IP address as such, a name as a domain name for
 * the proxy to resolve (socks5h; socks5 resolves it here first and passes the address).
 */
export function socksConnect(host: string, port: number): Buffer {
  const head = Buffer.of(SOCKS_VERSION, 0x01, 0x00);
  const portBytes = Buffer.of(port >> 8, port & 0xff);
  if (isIPv4(host)) return Buffer.concat([head, Buffer.of(0x01, ...host.split('.').map(Number)), portBytes]);
  if (isIPv6(host)) return Buffer.concat([head, Buffer.of(0x04), ipv6Bytes(host), portBytes]);
  const name = Buffer.from(host, 'utf8');
  if (name.length === 0 || name.length > 255) throw new InvalidArgumentError(`a host name for SOCKS5 must be 1-255 bytes: ${JSON.stringify(host)}`);
  return Buffer.concat([head, Buffer.of(0x03, name.length), name, portBytes]);
}

function ipv6Bytes(host: string): Buffer {
  const [left = '', right = ''] = host.split('::') as [string?, string?];
  const groups = (text: string): number[] => (text === '' ? [] : text.split(':').map((g) => Number.parseInt(g, 16)));
  const l = groups(left);
  const r = host.includes('::') ? groups(right) : [];
  const all = [...l, ...new Array<number>(8 - l.length - r.length).fill(0), ...r];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

const SOCKS_FAILURES: Record<number, string> = {
  1: 'general SOCKS server failure',
  2: 'connection not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

/** The reply to CONNECT (RFC 1928 §6): the address the proxy connected from; a failure code is a ConnectionError. */
export function parseSocksConnectReply(buf: Buffer): Parsed<HostPort> | null {
  if (buf.length < 5) return null;
  if (buf[0] !== SOCKS_VERSION) throw new ProtocolError(`the SOCKS5 proxy answered CONNECT with version ${buf[0]}`);
  const status = buf[1]!;
  if (status !== 0x00) throw new ConnectionError(`the SOCKS5 proxy could not connect: ${SOCKS_FAILURES[status] ?? `error ${status}`}`);
  const type = buf[3];
  const addressLength = type === 0x01 ? 4 : type === 0x04 ? 16 : type === 0x03 ? 1 + buf[4]! : -1;
  if (addressLength < 0) throw new ProtocolError(`the SOCKS5 proxy answered with address type ${type}`);
  const used = 4 + addressLength + 2;
  if (buf.length < used) return null;
  const address = buf.subarray(4, 4 + addressLength);
  const host = type === 0x01 ? [...address].join('.') : type === 0x03 ? address.subarray(1).toString('utf8') : (address.toString('hex').match(/.{4}/g) ?? []).join(':');
  return { value: { host, port: buf.readUInt16BE(4 + addressLength) }, used };
}

/** `CONNECT host:port` with a Basic login when the proxy URL has one (RFC 9110 §9.3.6, RFC 7617). */
export function httpConnect(host: string, port: number, login?: { user: string; password: string }): Buffer {
  const authority = `${isIPv6(host) ? `[${host}]` : host}:${port}`;
  const auth = login ? `Proxy-Authorization: Basic ${Buffer.from(`${login.user}:${login.password}`, 'utf8').toString('base64')}\r\n` : '';
  return Buffer.from(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth}\r\n`, 'latin1');
}

const MAX_HTTP_HEAD = 16 * 1024;

/**
 * The proxy's response head, up to the blank line. A 2xx status opens the tunnel; any
 * other is a ConnectionError naming it (407: the proxy wants a login). A head longer
 * than 16 KiB is a ProtocolError (FTPPY_ERR_TOO_LARGE).
 */
export function parseHttpConnectReply(buf: Buffer): Parsed<{ status: number; reason: string }> | null {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) {
    if (buf.length > MAX_HTTP_HEAD) throw new ProtocolError(`the HTTP proxy's response head passed ${MAX_HTTP_HEAD} bytes`, 'FTPPY_ERR_TOO_LARGE');
    return null;
  }
  const statusLine = buf.toString('latin1', 0, buf.indexOf('\r\n'));
  const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!m) throw new ProtocolError(`the HTTP proxy answered CONNECT with ${JSON.stringify(statusLine.slice(0, 80))}`);
  const status = Number(m[1]);
  const reason = m[2] ?? '';
  if (status < 200 || status > 299) throw new ConnectionError(`the HTTP proxy refused CONNECT: ${status} ${reason}`.trimEnd());
  return { value: { status, reason }, used: end + 4 };
}
