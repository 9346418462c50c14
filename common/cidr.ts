import { isIPv4, isIPv6 } from 'node:net';

// Address ranges in CIDR notation (RFC 4632, RFC 4291 §2.3), IPv4 and IPv6 alike. Every
// address is held as the 16 bytes of IPv6, IPv4 as IPv4-mapped (::ffff:a.b.c.d, RFC 4291
// §2.5.5.2), so an IPv4 range matches a client that the dual-stack socket names
// `::ffff:127.0.0.2` as it matches `127.0.0.2`. Pure: strings in, answers out.

/** One range: its first address (16 bytes) and how many leading bits must match. */
export interface Cidr {
  readonly bytes: Uint8Array;
  readonly bits: number;
  /** As it was written, for messages. */
  readonly text: string;
}

// An IPv4 prefix of n bits is the mapped prefix ::ffff:0:0/96 plus n.
const MAPPED_PREFIX_BITS = 96;

/** The 16 bytes of an address (IPv4 mapped), or null when it is not an IP address. A zone (`%eth0`) is ignored. */
export function addressBytes(address: string): Uint8Array | null {
  const plain = address.replace(/%.*$/, '');
  if (isIPv4(plain)) {
    const bytes = new Uint8Array(16);
    bytes[10] = 0xff;
    bytes[11] = 0xff;
    plain.split('.').forEach((part, i) => (bytes[12 + i] = Number(part)));
    return bytes;
  }
  if (!isIPv6(plain)) return null;
  // Node has validated it: only the shapes of RFC 4291 §2.2 remain to be read. A dotted
  // IPv4 tail (::ffff:1.2.3.4) is the last two groups.
  const hex = plain.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a: string, b: string, c: string, d: string) =>
    `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`);
  const [head, rest] = hex.split('::') as [string, string | undefined];
  const parse = (part: string | undefined): number[] => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const front = parse(head);
  const back = parse(rest);
  const words = rest === undefined ? front : [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  if (words.length !== 8) return null;
  const bytes = new Uint8Array(16);
  words.forEach((word, i) => {
    bytes[2 * i] = word >> 8;
    bytes[2 * i + 1] = word & 0xff;
  });
  return bytes;
}

/**
 * One range: `10.0.0.0/8`, `2001:db8::/32`, or a single address (`/32` or `/128`
 * implied). A prefix with bits set past its length (`10.0.0.1/8`) is refused: it is
 * usually a typo for a single address, and taking it as the whole /8 would open more
 * than meant.
 */
export function parseCidr(field: string, value: unknown): Cidr {
  if (typeof value !== 'string') throw new TypeError(`${field} must be a string in CIDR notation (like 10.0.0.0/8 or 2001:db8::/32), got ${typeof value}`);
  const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(value.trim());
  const address = m?.[1] ?? '';
  if (!m || address.includes('%')) throw new TypeError(`${field}: ${JSON.stringify(value)} is not an address range (like 10.0.0.0/8 or 2001:db8::/32)`);
  const v4 = isIPv4(address);
  const bytes = addressBytes(address);
  if (!bytes) throw new TypeError(`${field}: ${JSON.stringify(address)} is not an IPv4 or IPv6 address`);
  const max = v4 ? 32 : 128;
  const given = m[2] === undefined ? max : Number(m[2]);
  if (given > max) throw new RangeError(`${field}: the prefix of ${JSON.stringify(value)} is longer than ${max} bits`);
  const bits = v4 ? MAPPED_PREFIX_BITS + given : given;
  for (let bit = bits; bit < 128; bit++) {
    if (bytes[bit >> 3]! & (0x80 >> (bit & 7))) {
      throw new RangeError(`${field}: ${JSON.stringify(value)} has bits set past its /${given} prefix (the range starts at ${rangeStart(bytes, bits, v4)}/${given})`);
    }
  }
  return { bytes, bits, text: value.trim() };
}

/** A list of ranges, each checked (`field[i]` names a bad one). */
export function parseCidrList(field: string, value: unknown): Cidr[] {
  if (!Array.isArray(value)) throw new TypeError(`${field} must be an array of address ranges (like ['10.0.0.0/8', '2001:db8::/32'])`);
  return value.map((item, i) => parseCidr(`${field}[${i}]`, item));
}

/** True when `address` (IPv4, IPv6 or IPv4-mapped IPv6) lies in the range; false for anything that is not an address. */
export function cidrContains(range: Cidr, address: string): boolean {
  const bytes = addressBytes(address);
  if (!bytes) return false;
  const whole = range.bits >> 3;
  for (let i = 0; i < whole; i++) if (bytes[i] !== range.bytes[i]) return false;
  const rest = range.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (bytes[whole]! & mask) === range.bytes[whole];
}

/** True when `address` lies in any of the ranges. */
export function anyCidrContains(ranges: readonly Cidr[], address: string): boolean {
  return ranges.some((range) => cidrContains(range, address));
}

function rangeStart(bytes: Uint8Array, bits: number, v4: boolean): string {
  const masked = bytes.map((byte, i) => (i < bits >> 3 ? byte : i === bits >> 3 ? byte & ((0xff << (8 - (bits & 7))) & 0xff) : 0));
  if (v4) return [...masked.subarray(12)].join('.');
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((masked[i]! << 8) | masked[i + 1]!).toString(16));
  return words.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}
