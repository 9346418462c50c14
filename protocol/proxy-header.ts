import { isIPv4, isIPv6 } from 'node:net';
import { ProtocolError } from '../common/errors.js';

// HAProxy's PROXY protocol (proxy-protocol.txt, versions 1 and 2): the header a proxy
// such as HAProxy (`send-proxy`, `send-proxy-v2`) writes first on each connection it
// makes to a server, naming the client it relays. Only the parser lives here: bytes in,
// one of "need more", a header and its length, or an error. The socket side is
// proxy-socket.ts.

/** One end of the relayed connection. */
export interface ProxyEndpoint {
  address: string;
  port: number;
}

export interface ProxyHeader {
  version: 1 | 2;
  /**
   * 'proxy': the connection is relayed for `source`. 'local': the proxy made it on its
   * own (a v2 LOCAL health check, a v1 UNKNOWN, a v2 UNSPEC family): the connection's own
   * endpoints stand, and `source` and `destination` are null.
   */
  command: 'proxy' | 'local';
  family: 'tcp4' | 'tcp6' | 'unspec';
  /** The client, as the proxy saw it. */
  source: ProxyEndpoint | null;
  /** The address and port the client connected to, on the proxy. */
  destination: ProxyEndpoint | null;
}

export type ProxyParse =
  | { state: 'more' }
  | { state: 'header'; header: ProxyHeader; /** Bytes the header took: what follows is the relayed stream. */ length: number }
  | { state: 'error'; error: ProtocolError };

/** The longest v1 line, CRLF included (spec §2.1). */
export const V1_MAX_BYTES = 107;
/**
 * The default bound on a whole v2 header. The spec allows 16 + 65535 bytes; HAProxy's
 * own headers, TLVs included, stay far below, and a receiver must not buffer 64 KiB for
 * every connection a peer opens.
 */
export const V2_DEFAULT_MAX_BYTES = 4096;

const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const MORE: ProxyParse = { state: 'more' };

const fail = (message: string): ProxyParse => ({ state: 'error', error: new ProtocolError(`PROXY header: ${message}`) });

/** Whether the bytes so far agree with `expected` (as far as they go). */
function startsLike(bytes: Buffer, expected: Buffer): boolean {
  const n = Math.min(bytes.length, expected.length);
  return bytes.subarray(0, n).equals(expected.subarray(0, n));
}

/**
 * Parses the PROXY header at the start of `bytes` (everything received so far). Never
 * throws: a wrong byte is an error as soon as it arrives, not after the bound.
 */
export function parseProxyHeader(bytes: Buffer, options: { maxBytes?: number } = {}): ProxyParse {
  if (bytes.length === 0) return MORE;
  if (bytes[0] === V1_PREFIX[0]) return parseV1(bytes);
  if (bytes[0] === V2_SIGNATURE[0]) return parseV2(bytes, options.maxBytes ?? V2_DEFAULT_MAX_BYTES);
  return fail(`the connection does not start with a PROXY header (first byte 0x${bytes[0]!.toString(16).padStart(2, '0')})`);
}

// ── Version 1: "PROXY TCP4 192.0.2.1 198.51.100.1 56324 443\r\n" ──

const PORT = /^(0|[1-9]\d{0,4})$/;

function parseV1(bytes: Buffer): ProxyParse {
  if (!startsLike(bytes, V1_PREFIX)) return fail('neither "PROXY " (v1) nor the v2 signature');
  const scan = Math.min(bytes.length, V1_MAX_BYTES);
  let end = -1;
  for (let i = 0; i < scan; i++) {
    const b = bytes[i]!;
    if (b === 0x0d) {
      if (i + 1 >= bytes.length) break; // the LF may be in the next segment
      if (bytes[i + 1] !== 0x0a) return fail('v1 line has a CR not followed by LF');
      end = i;
      break;
    }
    if (b < 0x20 || b > 0x7e) return fail(`v1 line has a byte 0x${b.toString(16).padStart(2, '0')} that is not printable text`);
  }
  if (end === -1) return bytes.length >= V1_MAX_BYTES ? fail(`v1 line has no CRLF within ${V1_MAX_BYTES} bytes`) : MORE;
  const length = end + 2;
  if (length > V1_MAX_BYTES) return fail(`v1 line is longer than ${V1_MAX_BYTES} bytes`);
  const words = bytes.toString('latin1', 0, end).split(' ');
  const protocol = words[1];
  // "UNKNOWN": the proxy cannot say (spec §2.1); whatever follows it is ignored.
  if (protocol === 'UNKNOWN') return { state: 'header', length, header: { version: 1, command: 'local', family: 'unspec', source: null, destination: null } };
  if (protocol !== 'TCP4' && protocol !== 'TCP6') return fail(`v1 protocol ${JSON.stringify(protocol ?? '')} is none of TCP4, TCP6, UNKNOWN`);
  if (words.length !== 6) return fail(`v1 ${protocol} line wants 4 fields separated by single spaces, got ${JSON.stringify(bytes.toString('latin1', 0, end))}`);
  const [, , source, destination, sourcePort, destinationPort] = words as [string, string, string, string, string, string];
  const isFamily = protocol === 'TCP4' ? isIPv4 : isIPv6;
  for (const address of [source, destination]) {
    // isIPv6 takes zone ids (fe80::1%eth0), which no proxy relays.
    if (!isFamily(address) || address.includes('%')) return fail(`v1 ${protocol} address ${JSON.stringify(address)} is not an ${protocol === 'TCP4' ? 'IPv4' : 'IPv6'} address`);
  }
  for (const port of [sourcePort, destinationPort]) {
    if (!PORT.test(port) || Number(port) > 65535) return fail(`v1 port ${JSON.stringify(port)} is not a port number`);
  }
  return {
    state: 'header',
    length,
    header: {
      version: 1,
      command: 'proxy',
      family: protocol === 'TCP4' ? 'tcp4' : 'tcp6',
      source: { address: source, port: Number(sourcePort) },
      destination: { address: destination, port: Number(destinationPort) },
    },
  };
}

// ── Version 2: 12-byte signature, version and command, family and transport, length ──

function ipv6Text(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  // The canonical short form (RFC 5952): the longest run of two or more zero groups is "::".
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  if (best === -1) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLength).join(':')}`;
}

function parseV2(bytes: Buffer, maxBytes: number): ProxyParse {
  if (!startsLike(bytes, V2_SIGNATURE)) return fail('neither "PROXY " (v1) nor the v2 signature');
  if (bytes.length < 13) return MORE;
  const versionCommand = bytes[12]!;
  if (versionCommand >> 4 !== 2) return fail(`v2 version ${versionCommand >> 4} is not 2`);
  const command = versionCommand & 0x0f;
  if (command > 1) return fail(`v2 command ${command} is neither LOCAL (0) nor PROXY (1)`);
  if (bytes.length < 14) return MORE;
  const family = bytes[13]! >> 4;
  const transport = bytes[13]! & 0x0f;
  if (family > 3) return fail(`v2 address family ${family} is unknown`);
  if (transport > 2) return fail(`v2 transport ${transport} is unknown`);
  if (bytes.length < 16) return MORE;
  const length = 16 + bytes.readUInt16BE(14);
  if (length > maxBytes) return fail(`v2 header of ${length} bytes is over the bound of ${maxBytes}`);
  if (bytes.length < length) return MORE;
  // LOCAL, and PROXY with the UNSPEC family: the proxy's own connection (spec §2.2).
  if (command === 0 || family === 0) return { state: 'header', length, header: { version: 2, command: 'local', family: 'unspec', source: null, destination: null } };
  if (family === 3) return fail('v2 names UNIX socket addresses, which an FTP server cannot use');
  if (transport !== 1) return fail(`v2 transport ${transport === 2 ? 'DGRAM' : 'UNSPEC'} is not a TCP stream`);
  const block = bytes.subarray(16, length);
  if (family === 1) {
    if (block.length < 12) return fail(`v2 TCP4 address block of ${block.length} bytes is shorter than 12`);
    return {
      state: 'header',
      length,
      header: {
        version: 2,
        command: 'proxy',
        family: 'tcp4',
        source: { address: Array.from(block.subarray(0, 4)).join('.'), port: block.readUInt16BE(8) },
        destination: { address: Array.from(block.subarray(4, 8)).join('.'), port: block.readUInt16BE(10) },
      },
    };
  }
  if (block.length < 36) return fail(`v2 TCP6 address block of ${block.length} bytes is shorter than 36`);
  return {
    state: 'header',
    length,
    header: {
      version: 2,
      command: 'proxy',
      family: 'tcp6',
      source: { address: ipv6Text(block.subarray(0, 16)), port: block.readUInt16BE(32) },
      destination: { address: ipv6Text(block.subarray(16, 32)), port: block.readUInt16BE(34) },
    },
  };
}

/**
 * The incremental form: feed each chunk as it arrives; once the header is complete, the
 * bytes after it (`rest`) belong to the relayed stream. After a header or an error it
 * keeps answering the same.
 */
export type ProxyRead = { state: 'more' } | { state: 'header'; header: ProxyHeader; rest: Buffer } | { state: 'error'; error: ProtocolError };

export class ProxyHeaderReader {
  readonly #maxBytes: number;
  #buffer: Buffer = Buffer.alloc(0);
  #done: ProxyRead | null = null;

  constructor(options: { maxBytes?: number } = {}) {
    this.#maxBytes = options.maxBytes ?? V2_DEFAULT_MAX_BYTES;
  }

  push(chunk: Buffer): ProxyRead {
    if (this.#done) return this.#done;
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const result = parseProxyHeader(this.#buffer, { maxBytes: this.#maxBytes });
    if (result.state === 'more') return result;
    if (result.state === 'error') return (this.#done = result);
    this.#done = { state: 'header', header: result.header, rest: this.#buffer.subarray(result.length) };
    this.#buffer = Buffer.alloc(0);
    return this.#done;
  }
}
