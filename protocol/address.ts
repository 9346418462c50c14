import { isIP, isIPv4, isIPv6 } from 'node:net';
import { InvalidArgumentError, ProtocolError } from '../common/errors.js';

/** Where a data connection goes: a host (IPv4 or IPv6 literal) and a port. */
export interface HostPort {
  host: string;
  port: number;
}

function checkPort(port: number, what: string, fail: (m: string) => Error): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw fail(`${what}: port ${port} is outside 1-65535`);
  return port;
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is `10.0.0.1` on the wire. */
export function unmapIPv4(host: string): string {
  return host.toLowerCase().startsWith('::ffff:') && isIPv4(host.slice(7)) ? host.slice(7) : host;
}

const SIX_NUMBERS = /(\d{1,3}) *, *(\d{1,3}) *, *(\d{1,3}) *, *(\d{1,3}) *, *(\d{1,3}) *, *(\d{1,3})/;

function fromSixNumbers(text: string, what: string, fail: (m: string) => Error): HostPort {
  const m = SIX_NUMBERS.exec(text);
  if (!m) throw fail(`${what}: no h1,h2,h3,h4,p1,p2 in ${JSON.stringify(text)}`);
  const n = m.slice(1, 7).map(Number);
  if (n.some((x) => x > 255)) throw fail(`${what}: a number is above 255 in ${JSON.stringify(text)}`);
  const [h1, h2, h3, h4, p1, p2] = n as [number, number, number, number, number, number];
  return { host: `${h1}.${h2}.${h3}.${h4}`, port: checkPort(p1 * 256 + p2, what, fail) };
}

function toSixNumbers({ host, port }: HostPort, what: string): string {
  const v4 = unmapIPv4(host);
  if (!isIPv4(v4)) throw new InvalidArgumentError(`${what} needs an IPv4 address, not ${JSON.stringify(host)}`);
  checkPort(port, what, (m) => new InvalidArgumentError(m));
  return `${v4.replace(/\./g, ',')},${port >> 8},${port & 255}`;
}

const protocolError = (m: string): Error => new ProtocolError(m);
const argumentError = (m: string): Error => new InvalidArgumentError(m);

/** The address in a `227` reply: `Entering Passive Mode (h1,h2,h3,h4,p1,p2)`, brackets optional. */
export function parsePasvReply(message: string): HostPort {
  return fromSixNumbers(message, 'PASV reply', protocolError);
}

/** The text of a `227` reply for an address. */
export function formatPasvReply(address: HostPort): string {
  return `Entering Passive Mode (${toSixNumbers(address, 'PASV')}).`;
}

/** The port in a `229` reply: `Entering Extended Passive Mode (|||port|)` (RFC 2428 §3). */
export function parseEpsvReply(message: string): number {
  const m = /\(([!-~])\1\1(\d{1,5})\1\)/.exec(message);
  if (!m) throw new ProtocolError(`EPSV reply: no (|||port|) in ${JSON.stringify(message)}`);
  return checkPort(Number(m[2]), 'EPSV reply', protocolError);
}

export function formatEpsvReply(port: number): string {
  checkPort(port, 'EPSV', argumentError);
  return `Entering Extended Passive Mode (|||${port}|)`;
}

/** A PORT argument, `h1,h2,h3,h4,p1,p2` (RFC 959 §4.1.2). Throws `InvalidArgumentError`. */
export function parsePortArgument(arg: string): HostPort {
  if (!/^\s*\d{1,3}(\s*,\s*\d{1,3}){5}\s*$/.test(arg)) {
    throw new InvalidArgumentError(`PORT: expected h1,h2,h3,h4,p1,p2, got ${JSON.stringify(arg)}`);
  }
  return fromSixNumbers(arg, 'PORT', argumentError);
}

export function formatPortArgument(address: HostPort): string {
  return toSixNumbers(address, 'PORT');
}

/** An EPRT argument, `|1|132.235.1.2|6275|` or `|2|::1|6275|` (RFC 2428 §2). */
export function parseEprtArgument(arg: string): HostPort {
  const d = arg[0];
  const fail = (why: string): never => {
    throw new InvalidArgumentError(`EPRT: ${why} in ${JSON.stringify(arg)}`);
  };
  if (d === undefined || d < '!' || d > '~' || (d >= '0' && d <= '9')) fail('no delimiter');
  const parts = arg.split(d!);
  if (parts.length !== 5 || parts[0] !== '' || parts[4] !== '') fail('expected |af|address|port|');
  const [, af, host = '', port = ''] = parts;
  if (af === '1' ? !isIPv4(host) : af === '2' ? !isIPv6(host) : fail(`address family ${af} is not 1 or 2`)) {
    fail(`${JSON.stringify(host)} is not an IPv${af === '1' ? 4 : 6} address`);
  }
  if (!/^\d{1,5}$/.test(port)) fail('bad port');
  return { host, port: checkPort(Number(port), 'EPRT', argumentError) };
}

export function formatEprtArgument({ host, port }: HostPort): string {
  const plain = unmapIPv4(host);
  const family = isIP(plain);
  if (family === 0) throw new InvalidArgumentError(`EPRT: ${JSON.stringify(host)} is not an IP address`);
  checkPort(port, 'EPRT', argumentError);
  return `|${family === 4 ? 1 : 2}|${plain}|${port}|`;
}

/**
 * True for addresses that cannot be reached from elsewhere: private (RFC 1918), loopback,
 * link-local, carrier-grade NAT, unspecified. A server behind NAT names such an address
 * in its 227 reply; the client then uses the control connection's address instead.
 */
export function isUnroutable(host: string): boolean {
  const v4 = unmapIPv4(host);
  if (isIPv4(v4)) {
    const [a = 0, b = 0] = v4.split('.').map(Number);
    return (
      a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)
    );
  }
  const h = v4.toLowerCase();
  return h === '::' || h === '::1' || h.startsWith('fe80:') || h.startsWith('fc') || h.startsWith('fd');
}
