// Writes PROXY protocol headers as HAProxy does (proxy-protocol.txt), for specs that play
// the proxy: v1 lines and v2 binary headers, with TLVs or odd fields when asked.
import { isIPv4 } from 'node:net';

export const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

export function proxyV1(source: string, sourcePort: number, destination = '127.0.0.1', destinationPort = 21): Buffer {
  return Buffer.from(`PROXY ${isIPv4(source) ? 'TCP4' : 'TCP6'} ${source} ${destination} ${sourcePort} ${destinationPort}\r\n`, 'latin1');
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail] = address.split('::') as [string, string | undefined];
  const groups = (s: string | undefined): number[] => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = groups(head);
  const right = groups(tail);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(g, 2 * i));
  return out;
}

export interface V2Fields {
  command?: number; // 0 LOCAL, 1 PROXY
  version?: number;
  family?: number; // 0 UNSPEC, 1 INET, 2 INET6, 3 UNIX
  transport?: number; // 1 STREAM
  tlvs?: Buffer;
  /** Overrides the length field. */
  length?: number;
}

export function proxyV2(source: string, sourcePort: number, destination = '127.0.0.1', destinationPort = 21, fields: V2Fields = {}): Buffer {
  const v4 = isIPv4(source);
  const addresses = v4
    ? Buffer.concat([Buffer.from(source.split('.').map(Number)), Buffer.from(destination.split('.').map(Number)), Buffer.alloc(4)])
    : Buffer.concat([ipv6Bytes(source), ipv6Bytes(destination), Buffer.alloc(4)]);
  addresses.writeUInt16BE(sourcePort, addresses.length - 4);
  addresses.writeUInt16BE(destinationPort, addresses.length - 2);
  const block = Buffer.concat([addresses, fields.tlvs ?? Buffer.alloc(0)]);
  const head = Buffer.alloc(4);
  head[0] = ((fields.version ?? 2) << 4) | (fields.command ?? 1);
  head[1] = ((fields.family ?? (v4 ? 1 : 2)) << 4) | (fields.transport ?? 1);
  head.writeUInt16BE(fields.length ?? block.length, 2);
  return Buffer.concat([V2_SIGNATURE, head, block]);
}

/** A v2 LOCAL header (HAProxy's health checks): no addresses. */
export function proxyV2Local(): Buffer {
  return Buffer.concat([V2_SIGNATURE, Buffer.from([0x20, 0x00, 0x00, 0x00])]);
}
