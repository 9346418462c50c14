// HAProxy's PROXY protocol header (v1 text, v2 binary), parsed incrementally: every good
// header in every split, every bad one refused as soon as the bad byte is there, and a
// seeded fuzz where the only outcomes are "more", a header, or a ProtocolError.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError } from '../../common/errors.js';
import { parseProxyHeader, ProxyHeaderReader, V1_MAX_BYTES, type ProxyParse } from '../../protocol/proxy-header.js';
import { mutate, randomBytes, randomChunks, seeded, splits } from '../helpers/chunks.js';
import { proxyV1, proxyV2, proxyV2Local, V2_SIGNATURE } from '../helpers/proxy-header.js';

type Fed = ReturnType<ProxyHeaderReader['push']> & { after?: Buffer };

/** Feeds the chunks until the reader decides; `after`: the relayed stream that follows a header. */
function feed(chunks: Buffer[], reader = new ProxyHeaderReader()): Fed {
  let result: ReturnType<ProxyHeaderReader['push']> = { state: 'more' };
  for (const [i, chunk] of chunks.entries()) {
    result = reader.push(chunk);
    if (result.state === 'header') return { ...result, after: Buffer.concat([result.rest, ...chunks.slice(i + 1)]) };
    if (result.state !== 'more') return result;
  }
  return result;
}

const payload = Buffer.from('USER anonymous\r\n');

describe('PROXY header: good headers, in every split', () => {
  const cases: [string, Buffer, object][] = [
    ['v1 TCP4', proxyV1('192.0.2.10', 56324, '198.51.100.1', 21), { version: 1, command: 'proxy', family: 'tcp4', source: { address: '192.0.2.10', port: 56324 }, destination: { address: '198.51.100.1', port: 21 } }],
    ['v1 TCP6', proxyV1('2001:db8::1', 65535, '2001:db8::2', 0), { version: 1, command: 'proxy', family: 'tcp6', source: { address: '2001:db8::1', port: 65535 }, destination: { address: '2001:db8::2', port: 0 } }],
    ['v1 UNKNOWN', Buffer.from('PROXY UNKNOWN whatever follows\r\n'), { version: 1, command: 'local', family: 'unspec', source: null, destination: null }],
    ['v2 TCP4', proxyV2('127.0.0.11', 40000, '127.0.0.1', 2121), { version: 2, command: 'proxy', family: 'tcp4', source: { address: '127.0.0.11', port: 40000 }, destination: { address: '127.0.0.1', port: 2121 } }],
    ['v2 TCP6', proxyV2('2001:db8::1:0:0:1', 1, '::1', 21), { version: 2, command: 'proxy', family: 'tcp6', source: { address: '2001:db8::1:0:0:1', port: 1 }, destination: { address: '::1', port: 21 } }],
    ['v2 TCP4 with TLVs', proxyV2('10.1.2.3', 5, '10.0.0.1', 21, { tlvs: Buffer.from([0x04, 0x00, 0x02, 0xab, 0xcd]) }), { version: 2, family: 'tcp4', source: { address: '10.1.2.3', port: 5 } }],
    ['v2 LOCAL', proxyV2Local(), { version: 2, command: 'local', family: 'unspec', source: null, destination: null }],
    ['v2 LOCAL with an address block', proxyV2('10.0.0.1', 1, '10.0.0.2', 2, { command: 0 }), { version: 2, command: 'local', source: null }],
    ['v2 PROXY with the UNSPEC family', proxyV2('10.0.0.1', 1, '10.0.0.2', 2, { family: 0, transport: 0 }), { command: 'local', family: 'unspec' }],
  ];
  for (const [name, header, expected] of cases) {
    it(name, () => {
      const wire = Buffer.concat([header, payload]);
      for (const chunks of splits(wire)) {
        const result = feed(chunks);
        assert.equal(result.state, 'header', `${name} in ${chunks.length} chunks: ${result.state === 'error' ? result.error.message : result.state}`);
        if (result.state !== 'header') continue;
        for (const [key, value] of Object.entries(expected)) assert.deepEqual(result.header[key as keyof typeof result.header], value, key);
        // What follows the header is the relayed stream, untouched.
        assert.deepEqual(result.after, payload);
      }
    });
  }

  it('a header cut anywhere before its end is "more", never an error', () => {
    for (const header of [proxyV1('10.0.0.1', 1), proxyV2('10.0.0.1', 1), proxyV2('::1', 1, '::1', 2)]) {
      for (let n = 0; n < header.length; n++) assert.equal(parseProxyHeader(header.subarray(0, n)).state, 'more', `${n} bytes`);
    }
  });

  it('a v1 line of exactly 107 bytes passes', () => {
    const head = 'PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n';
    assert.equal(head.length, 104); // the spec's worst case for a real header
    const unknown = Buffer.from(`PROXY UNKNOWN ${'x'.repeat(V1_MAX_BYTES - 16)}\r\n`);
    assert.equal(unknown.length, V1_MAX_BYTES);
    assert.equal(parseProxyHeader(unknown).state, 'header');
    assert.equal(parseProxyHeader(Buffer.from(head)).state, 'header');
  });
});

describe('PROXY header: bad headers are errors', () => {
  const bad: [string, Buffer][] = [
    ['no header at all (a direct FTP client)', Buffer.from('USER anonymous\r\n')],
    ['a TLS hello', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5])],
    ['lower-case v1', Buffer.from('proxy TCP4 1.2.3.4 1.2.3.4 1 2\r\n')],
    ['v1 with an unknown protocol', Buffer.from('PROXY UDP4 1.2.3.4 1.2.3.4 1 2\r\n')],
    ['v1 with a missing field', Buffer.from('PROXY TCP4 1.2.3.4 1.2.3.4 1\r\n')],
    ['v1 with two spaces', Buffer.from('PROXY TCP4  1.2.3.4 1.2.3.4 1 2\r\n')],
    ['v1 TCP4 with an IPv6 address', Buffer.from('PROXY TCP4 ::1 1.2.3.4 1 2\r\n')],
    ['v1 TCP6 with an IPv4 address', Buffer.from('PROXY TCP6 1.2.3.4 ::1 1 2\r\n')],
    ['v1 with a zone id', Buffer.from('PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n')],
    ['v1 with a port over 65535', Buffer.from('PROXY TCP4 1.2.3.4 1.2.3.4 65536 2\r\n')],
    ['v1 with a leading-zero port', Buffer.from('PROXY TCP4 1.2.3.4 1.2.3.4 021 2\r\n')],
    ['v1 with a bare LF', Buffer.from('PROXY TCP4 1.2.3.4 1.2.3.4 1 2\n')],
    ['v1 with CR without LF', Buffer.from('PROXY TCP4 1.2.3.4 1.2.3.4 1 2\rX')],
    ['v1 line over 107 bytes', Buffer.from(`PROXY UNKNOWN ${'x'.repeat(V1_MAX_BYTES)}\r\n`)],
    ['v1 that never ends within 107 bytes', Buffer.from(`PROXY TCP4 ${'1'.repeat(200)}`)],
    ['v1 with a NUL byte', Buffer.from('PROXY TCP4 1.2.3.4\x00')],
    ['v2 with a wrong signature byte', Buffer.concat([V2_SIGNATURE.subarray(0, 11), Buffer.from([0x0b])])],
    ['v2 version 1', proxyV2('1.2.3.4', 1, '1.2.3.4', 2, { version: 1 })],
    ['v2 version 3', proxyV2('1.2.3.4', 1, '1.2.3.4', 2, { version: 3 })],
    ['v2 command 2', proxyV2('1.2.3.4', 1, '1.2.3.4', 2, { command: 2 })],
    ['v2 unknown family 4', proxyV2('1.2.3.4', 1, '1.2.3.4', 2, { family: 4 })],
    ['v2 unknown family 15', proxyV2('1.2.3.4', 1, '1.2.3.4', 2, { family: 15 })],
    ['v2 unknown transport', proxyV2('1.2.3.4', 1, '1.2.3.4', 2, { transport: 3 })],
    ['v2 UNIX family', proxyV2('1.2.3.4', 1, '1.2.3.4', 2, { family: 3 })],
    ['v2 DGRAM', proxyV2('1.2.3.4', 1, '1.2.3.4', 2, { transport: 2 })],
    ['v2 TCP4 with a short address block', proxyV2('1.2.3.4', 1, '1.2.3.4', 2, { length: 8 }).subarray(0, 24)],
    ['v2 TCP6 with a short address block', proxyV2('::1', 1, '::1', 2, { length: 20 }).subarray(0, 36)],
    ['v2 over the bound (64 KiB announced)', Buffer.concat([proxyV2('1.2.3.4', 1, '1.2.3.4', 2, { length: 65535 })])],
  ];
  for (const [name, bytes] of bad) {
    it(name, () => {
      for (const chunks of splits(bytes)) {
        const result = feed(chunks);
        assert.equal(result.state, 'error', `${name} in ${chunks.length} chunks gave ${result.state}`);
        if (result.state === 'error') {
          assert.ok(result.error instanceof ProtocolError);
          assert.match(result.error.message, /^PROXY header: /);
          assert.equal(result.error.code, 'FTPPY_ERR_PROTOCOL');
        }
      }
    });
  }

  it('a wrong first byte is an error at once, not after 107 bytes', () => {
    assert.equal(parseProxyHeader(Buffer.from('U')).state, 'error');
    assert.equal(parseProxyHeader(Buffer.from('PROXX')).state, 'error');
    assert.equal(parseProxyHeader(Buffer.from([0x0d, 0x0a, 0x0d, 0x0b])).state, 'error');
  });

  it('the v2 bound can be set, and is checked once the length field is in', () => {
    const header = proxyV2('1.2.3.4', 1, '1.2.3.4', 2, { tlvs: Buffer.alloc(100) });
    assert.equal(parseProxyHeader(header, { maxBytes: 64 }).state, 'error');
    assert.equal(parseProxyHeader(header.subarray(0, 16), { maxBytes: 64 }).state, 'error');
    assert.equal(parseProxyHeader(header, { maxBytes: 200 }).state, 'header');
  });
});

describe('PROXY header: seeded fuzz', () => {
  const seeds = [proxyV1('10.0.0.1', 1234, '10.0.0.2', 21), proxyV1('2001:db8::7', 9, '::1', 21), proxyV2('127.0.0.11', 40000), proxyV2('fe80::1', 2, '::1', 3), proxyV2Local(), Buffer.from('PROXY UNKNOWN\r\n')];

  function check(result: ProxyParse, input: Buffer, where: string): void {
    if (result.state === 'error') {
      assert.ok(result.error instanceof ProtocolError, `${where}: ${String(result.error)}`);
    } else if (result.state === 'header') {
      assert.ok(result.length > 0 && result.length <= input.length, `${where}: length ${result.length}`);
      const { source } = result.header;
      if (source) assert.ok(Number.isInteger(source.port) && source.port >= 0 && source.port <= 65535, `${where}: port`);
    } else {
      // "more" only while the input is shorter than any bound could allow.
      assert.ok(input.length < 4096, `${where}: still "more" after ${input.length} bytes`);
    }
  }

  it('random bytes and mutated headers, whole and in random chunks, agree and never throw', { timeout: 20_000 }, () => {
    const random = seeded(16);
    for (let n = 0; n < 4000; n++) {
      const base = seeds[n % seeds.length]!;
      const input = n % 3 === 0 ? randomBytes(random, 1 + Math.floor(random() * 120)) : Buffer.concat([mutate(base, random), payload]);
      if (n % 5 === 0) input[0] = n % 2 ? 0x50 : 0x0d; // many inputs start like a header
      const where = `case ${n} (${input.toString('hex')})`;
      const whole = parseProxyHeader(input);
      check(whole, input, where);
      const incremental = feed(randomChunks(input, random, 8));
      assert.equal(incremental.state, whole.state, `${where}: incremental ${incremental.state}, whole ${whole.state}`);
      if (whole.state === 'header' && incremental.state === 'header') {
        assert.deepEqual(incremental.header, whole.header, where);
        assert.deepEqual(incremental.after, input.subarray(whole.length), where);
      }
    }
  });

  it('an endless stream without a CRLF or end is an error within the bound', () => {
    const random = seeded(7);
    const reader = new ProxyHeaderReader();
    let fed = 0;
    let result: Fed = reader.push(Buffer.from('PROXY '));
    while (result.state === 'more' && fed < 10_000) {
      const chunk = Buffer.from(Array.from({ length: 3 }, () => 0x41 + Math.floor(random() * 26)));
      fed += chunk.length;
      result = reader.push(chunk);
    }
    assert.equal(result.state, 'error');
    assert.ok(fed <= V1_MAX_BYTES, `read ${fed} bytes before giving up`);
  });
});
