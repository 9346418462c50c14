import { isIPv4, isIPv6 } from 'node:net';
import { InvalidArgumentError } from './errors.js';

// Address ranges in CIDR notation (RFC 4632, RFC 4291 §2.3), for allow lists: the
// proxies whose PROXY headers are believed, the addresses an account may log in from.
// An IPv4 client seen on a dual-stack socket (::ffff:10.0.0.1) matches IPv4 ranges.

/** One range: the network's bytes (4 for IPv4, 16 for IPv6) and the prefix length. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
  readonly prefix: number;
  /** As given, for messages. */
  readonly text: string;
}

function ipv4Bytes(address: string): Uint8Array {
  return Uint8Array.from(address.split('.').map(Number));
}

function ipv6Bytes(address: string): Uint8Array {
  const bytes = new Uint8Array(16);
  let text = address;
  // A dotted IPv4 tail (::ffff:10.0.0.1) is the last two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  let tail: number[] = [];
  if (dotted) {
    const v4 = ipv4Bytes(dotted[1]!);
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    text = text.slice(0, -dotted[1]!.length) + '0:0';
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const groups = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  if (tail.length) all.splice(6, 2, ...tail);
  all.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 255;
  });
  return bytes;
}

/** The bytes of an IP address, IPv4-mapped IPv6 ones as IPv4; null when it is not an address. */
export function addressBytes(address: string): { family: 4 | 6; bytes: Uint8Array } | null {
  if (isIPv4(address)) return { family: 4, bytes: ipv4Bytes(address) };
  if (!isIPv6(address) || address.includes('%')) return null;
  const bytes = ipv6Bytes(address);
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255;
  return mapped ? { family: 4, bytes: bytes.slice(12) } : { family: 6, bytes };
}

/**
 * `10.0.0.0/8`, `2001:db8::/32`, or a bare address (one host: /32, /128). Throws an
 * InvalidArgumentError naming `field` for anything else, including host bits set past
 * the prefix (`10.0.0.1/8`): a range written so is a typo more often than not.
 */
export function parseCidr(text: string, field = 'CIDR range'): Cidr {
  if (typeof text !== 'string') throw new InvalidArgumentError(`${field} must be a string like 10.0.0.0/8, got ${String(text)}`);
  const slash = text.indexOf('/');
  const address = slash === -1 ? text.trim() : text.slice(0, slash).trim();
  const parsed = addressBytes(address);
  if (!parsed) throw new InvalidArgumentError(`${field}: ${JSON.stringify(text)} is not an IPv4 or IPv6 address or range`);
  const bits = parsed.bytes.length * 8;
  const prefixText = slash === -1 ? String(bits) : text.slice(slash + 1).trim();
  // An IPv4-mapped range (::ffff:10.0.0.0/104) is the IPv4 range (10.0.0.0/8).
  const mappedShift = parsed.family === 4 && isIPv6(address) && slash !== -1 ? 96 : 0;
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) - mappedShift : NaN;
  if (!(prefix >= 0 && prefix <= bits)) throw new InvalidArgumentError(`${field}: ${JSON.stringify(text)} has a prefix length outside 0-${bits}`);
  if (!inPrefix(parsed.bytes, parsed.bytes, prefix, true)) {
    throw new InvalidArgumentError(`${field}: ${JSON.stringify(text)} has bits set past its /${prefix} prefix`);
  }
  return { family: parsed.family, bytes: parsed.bytes, prefix, text };
}

/** Parses a list of ranges (`field[i]` in messages). */
export function parseCidrs(texts: readonly string[], field = 'CIDR ranges'): Cidr[] {
  if (!Array.isArray(texts)) throw new InvalidArgumentError(`${field} must be an array of ranges like 10.0.0.0/8`);
  return texts.map((t, i) => parseCidr(t, `${field}[${i}]`));
}

// With `zeroTail`, checks that `a` has no bit set after the prefix; else that a and b agree on it.
function inPrefix(a: Uint8Array, b: Uint8Array, prefix: number, zeroTail = false): boolean {
  for (let i = 0; i < a.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    const mask = (0xff << (8 - keep)) & 0xff;
    if (zeroTail ? (a[i]! & ~mask & 0xff) !== 0 : (a[i]! & mask) !== (b[i]! & mask)) return false;
  }
  return true;
}

/** Whether `address` (an IP literal, IPv4-mapped or not) lies in one of the ranges. Not an address: false. */
export function addressInCidrs(address: string, cidrs: readonly Cidr[]): boolean {
  const parsed = addressBytes(address);
  if (!parsed) return false;
  return cidrs.some((c) => c.family === parsed.family && inPrefix(parsed.bytes, c.bytes, c.prefix));
}
