// The proxy handshakes as pure functions (issue 15 item 10): SOCKS5 (RFC 1928) with its
// login (RFC 1929) and HTTP CONNECT. Each reply fed a byte at a time is incomplete (null)
// until its last byte, and says how much it used, so a greeting that follows is kept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  httpConnect, parseHttpConnectReply, parseSocksChoice, parseSocksConnectReply, parseSocksLoginReply, socksConnect, socksGreeting, socksLogin,
  type Parsed,
} from '../../protocol/proxy-reply.js';

/** null for every proper prefix of `reply`, then the value, with `used` = its length. */
function wholeOnlyAtTheEnd<T>(parse: (buf: Buffer) => Parsed<T> | null, reply: Buffer, after = Buffer.from('220 ready\r\n')): T {
  for (let n = 0; n < reply.length; n++) assert.equal(parse(reply.subarray(0, n)), null, `${n} bytes`);
  const parsed = parse(Buffer.concat([reply, after]));
  assert.ok(parsed);
  assert.equal(parsed.used, reply.length);
  return parsed.value;
}

describe('SOCKS5', () => {
  it('offers no login, or no login and user/password', () => {
    assert.deepEqual(socksGreeting(false), Buffer.of(5, 1, 0));
    assert.deepEqual(socksGreeting(true), Buffer.of(5, 2, 0, 2));
    assert.equal(wholeOnlyAtTheEnd(parseSocksChoice, Buffer.of(5, 2)), 2);
    assert.throws(() => parseSocksChoice(Buffer.of(5, 0xff)), { code: 'FTPPY_ERR_CONNECTION', message: /none of our login methods/ });
    assert.throws(() => parseSocksChoice(Buffer.of(4, 0)), { code: 'FTPPY_ERR_PROTOCOL' });
  });

  it('logs in with RFC 1929', () => {
    assert.deepEqual(socksLogin('ann', 'pw'), Buffer.from([1, 3, ...Buffer.from('ann'), 2, ...Buffer.from('pw')]));
    assert.equal(wholeOnlyAtTheEnd(parseSocksLoginReply, Buffer.of(1, 0)), true);
    assert.throws(() => parseSocksLoginReply(Buffer.of(1, 1)), /refused the login/);
    assert.throws(() => socksLogin('x'.repeat(256), ''), { code: 'FTPPY_ERR_INVALID_ARGUMENT' });
  });

  it('asks for an IPv4, IPv6 or named target', () => {
    assert.deepEqual(socksConnect('127.0.0.1', 2121), Buffer.of(5, 1, 0, 1, 127, 0, 0, 1, 0x08, 0x49));
    assert.deepEqual(socksConnect('::1', 21), Buffer.of(5, 1, 0, 4, ...new Array(15).fill(0), 1, 0, 21));
    assert.deepEqual(socksConnect('ftp.example', 21), Buffer.concat([Buffer.of(5, 1, 0, 3, 11), Buffer.from('ftp.example'), Buffer.of(0, 21)]));
  });

  it('reads the CONNECT reply of each address type, and names a failure', () => {
    assert.deepEqual(wholeOnlyAtTheEnd(parseSocksConnectReply, Buffer.of(5, 0, 0, 1, 10, 0, 0, 2, 0x1f, 0x90)), { host: '10.0.0.2', port: 8080 });
    assert.deepEqual(wholeOnlyAtTheEnd(parseSocksConnectReply, Buffer.concat([Buffer.of(5, 0, 0, 3, 4), Buffer.from('prox'), Buffer.of(0, 80)])), { host: 'prox', port: 80 });
    assert.equal(wholeOnlyAtTheEnd(parseSocksConnectReply, Buffer.of(5, 0, 0, 4, ...new Array(16).fill(0), 0, 1)).port, 1);
    assert.throws(() => parseSocksConnectReply(Buffer.of(5, 5, 0, 1, 0, 0, 0, 0, 0, 0)), { code: 'FTPPY_ERR_CONNECTION', message: /connection refused/ });
    assert.throws(() => parseSocksConnectReply(Buffer.of(5, 2, 0, 1, 0, 0, 0, 0, 0, 0)), /not allowed by ruleset/);
  });
});

describe('HTTP CONNECT', () => {
  it('asks with the authority, and a Basic login when given', () => {
    assert.equal(httpConnect('ftp.example', 21).toString(), 'CONNECT ftp.example:21 HTTP/1.1\r\nHost: ftp.example:21\r\n\r\n');
    assert.match(httpConnect('::1', 21, { user: 'a', password: 'b' }).toString(), /^CONNECT \[::1\]:21 HTTP\/1\.1\r\n.*Proxy-Authorization: Basic YTpi\r\n\r\n$/s);
  });

  it('opens on 2xx, whatever the headers, and keeps what follows the blank line', () => {
    const reply = Buffer.from('HTTP/1.1 200 Connection established\r\nProxy-Agent: tinyproxy/1.11\r\n\r\n');
    assert.deepEqual(wholeOnlyAtTheEnd(parseHttpConnectReply, reply), { status: 200, reason: 'Connection established' });
  });

  it('names a refusal, and bounds the head', () => {
    assert.throws(() => parseHttpConnectReply(Buffer.from('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n')), { code: 'FTPPY_ERR_CONNECTION', message: /407 Proxy Authentication Required/ });
    assert.throws(() => parseHttpConnectReply(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')), { code: 'FTPPY_ERR_PROTOCOL' });
    assert.throws(() => parseHttpConnectReply(Buffer.alloc(17 * 1024, 0x61)), { code: 'FTPPY_ERR_TOO_LARGE' });
  });
});
