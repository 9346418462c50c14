import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatEprtArgument, formatEpsvReply, formatPasvReply, formatPortArgument, isUnroutable,
  parseEprtArgument, parseEpsvReply, parsePasvReply, parsePortArgument, unmapIPv4,
} from '../../protocol/address.js';
import { InvalidArgumentError, ProtocolError } from '../../common/errors.js';

describe('PASV replies', () => {
  const good: [string, string, number][] = [
    ['Entering Passive Mode (127,0,0,1,168,27).', '127.0.0.1', 43035],
    ['Entering Passive Mode (192,168,1,2,0,21)', '192.168.1.2', 21],
    ['=10,0,0,5,255,255', '10.0.0.5', 65535], // no brackets (RFC 1123 §4.1.2.6)
    ['Entering Passive Mode 10, 0, 0, 5, 4, 1', '10.0.0.5', 1025],
  ];
  for (const [text, host, port] of good) {
    it(`parses ${JSON.stringify(text)}`, () => assert.deepEqual(parsePasvReply(text), { host, port }));
  }
  for (const text of ['Entering Passive Mode', '(256,0,0,1,4,1)', '(1,2,3,4,0,0)', '(1,2,3,4,5)']) {
    it(`refuses ${JSON.stringify(text)}`, () => assert.throws(() => parsePasvReply(text), ProtocolError));
  }
  it('formats what it parses', () => {
    const text = formatPasvReply({ host: '::ffff:127.0.0.1', port: 50000 });
    assert.equal(text, 'Entering Passive Mode (127,0,0,1,195,80).');
    assert.deepEqual(parsePasvReply(text), { host: '127.0.0.1', port: 50000 });
    assert.throws(() => formatPasvReply({ host: '::1', port: 50000 }), InvalidArgumentError);
  });
});

describe('EPSV replies', () => {
  it('parses (|||port|) with any delimiter', () => {
    assert.equal(parseEpsvReply('Entering Extended Passive Mode (|||6446|)'), 6446);
    assert.equal(parseEpsvReply('Entering Extended Passive Mode (!!!1!)'), 1);
  });
  for (const text of ['Entering Extended Passive Mode', '(|||0|)', '(|||65536|)', '(||6446|)', '(|1|6446|)']) {
    it(`refuses ${JSON.stringify(text)}`, () => assert.throws(() => parseEpsvReply(text), ProtocolError));
  }
  it('formats what it parses', () => assert.equal(parseEpsvReply(formatEpsvReply(2121)), 2121));
});

describe('PORT arguments', () => {
  it('parses and formats', () => {
    assert.deepEqual(parsePortArgument('127,0,0,1,4,1'), { host: '127.0.0.1', port: 1025 });
    assert.equal(formatPortArgument({ host: '127.0.0.1', port: 1025 }), '127,0,0,1,4,1');
  });
  for (const arg of ['', '127,0,0,1,4', '127,0,0,1,4,1,1', '127,0,0,256,4,1', '127,0,0,1,0,0', 'a,b,c,d,e,f', '127,0,0,1,4,1; DELE x']) {
    it(`refuses ${JSON.stringify(arg)}`, () => assert.throws(() => parsePortArgument(arg), InvalidArgumentError));
  }
});

describe('EPRT arguments', () => {
  it('parses IPv4 and IPv6 (RFC 2428 §2 examples)', () => {
    assert.deepEqual(parseEprtArgument('|1|132.235.1.2|6275|'), { host: '132.235.1.2', port: 6275 });
    assert.deepEqual(parseEprtArgument('|2|1080::8:800:200C:417A|5282|'), { host: '1080::8:800:200C:417A', port: 5282 });
    assert.deepEqual(parseEprtArgument('!1!10.0.0.1!21!'), { host: '10.0.0.1', port: 21 });
  });
  for (const arg of ['', '|1|132.235.1.2|6275', '|3|1.2.3.4|21|', '|1|::1|21|', '|2|1.2.3.4|21|', '|1|1.2.3.4|0|', '|1|1.2.3.4|70000|', '1|1.2.3.4|21|1', '|1|1.2.3.4|2a|']) {
    it(`refuses ${JSON.stringify(arg)}`, () => assert.throws(() => parseEprtArgument(arg), InvalidArgumentError));
  }
  it('formats what it parses', () => {
    for (const address of [{ host: '127.0.0.1', port: 40000 }, { host: '::1', port: 40001 }]) {
      assert.deepEqual(parseEprtArgument(formatEprtArgument(address)), address);
    }
    assert.equal(formatEprtArgument({ host: '::ffff:10.1.2.3', port: 2000 }), '|1|10.1.2.3|2000|');
    assert.throws(() => formatEprtArgument({ host: 'example.com', port: 21 }), InvalidArgumentError);
  });
});

describe('addresses', () => {
  it('knows which cannot be reached from outside', () => {
    for (const host of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.0.1', '127.0.0.1', '0.0.0.0', '169.254.1.1', '100.64.0.1', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:192.168.1.1']) {
      assert.equal(isUnroutable(host), true, host);
    }
    for (const host of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:db8::1', '193.168.0.1']) assert.equal(isUnroutable(host), false, host);
    assert.equal(unmapIPv4('::FFFF:1.2.3.4'), '1.2.3.4');
    assert.equal(unmapIPv4('::1'), '::1');
  });
});
