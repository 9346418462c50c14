// The server behind a proxy that speaks HAProxy's PROXY protocol: a connection from a
// trusted address starts with a header naming the client, and that client's address is
// the one every check, limit and event uses; a trusted connection without a valid header
// is closed and counted; other addresses are direct clients.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SessionEvent } from '../../server/index.js';
import { connectData, RawFtp, readAll } from '../helpers/raw-ftp.js';
import { proxyV1, proxyV2, proxyV2Local } from '../helpers/proxy-header.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';
import { within } from '../helpers/wait.js';
import { connect as tlsConnect } from 'node:tls';
import { tlsMaterial } from '../helpers/tls-material.js';

const T = { timeout: 20_000 };

function sessions(t: TestServer): SessionEvent[] {
  const seen: SessionEvent[] = [];
  t.server.on('session', (e) => seen.push(e));
  return seen;
}

async function login(ftp: RawFtp): Promise<void> {
  assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
  assert.equal((await ftp.cmd('TYPE I')).code, 200);
}

describe('PROXY protocol on the control port', () => {
  let t: TestServer;
  before(async () => (t = await startServer({ proxyProtocol: { trusted: ['127.0.0.1', '10.0.0.0/8'], timeout: 0.5 }, limits: { perAddress: 2 } })));
  after(() => t.close());

  for (const [version, header] of [['v1', proxyV1('192.0.2.7', 40001)], ['v2', proxyV2('192.0.2.7', 40002)]] as const) {
    it(`a ${version} header from a trusted proxy names the client: events and STAT show it`, T, async () => {
      const seen = sessions(t);
      const ftp = await RawFtp.connect(t.port, { preface: header });
      assert.equal(ftp.greeting.code, 220);
      assert.equal(seen.at(-1)?.address, '192.0.2.7');
      await login(ftp);
      assert.match((await ftp.cmd('STAT')).message, /Connected from 192\.0\.2\.7/);
      ftp.close();
    });
  }

  it('the header and the first command in one segment, or the header one byte at a time', T, async () => {
    const seen = sessions(t);
    const both = await RawFtp.connect(t.port, { preface: Buffer.concat([proxyV2('192.0.2.20', 1), Buffer.from('NOOP\r\n')]) });
    assert.equal((await both.reply()).code, 200);
    both.close();
    const header = proxyV1('192.0.2.21', 2);
    const socket = await connectData(t.port);
    const replies = readAll(socket);
    for (const byte of header) {
      socket.write(Buffer.from([byte]));
      await sleep(1);
    }
    socket.end('QUIT\r\n');
    assert.match((await within(replies, 'the replies')).toString(), /^220 .*\r\n221 /s);
    assert.deepEqual(seen.map((e) => e.address), ['192.0.2.20', '192.0.2.21']);
  });

  it('a trusted connection without a valid header is closed and counted', T, async () => {
    const refused: unknown[] = [];
    t.server.on('proxy-refused', (e) => refused.push(e));
    const before = t.server.stats().proxyRefused;
    for (const bytes of ['USER anonymous\r\n', 'PROXY TCP4 1.2.3.4\r\n', Buffer.concat([proxyV2('1.2.3.4', 1, '1.2.3.4', 2, { family: 9 } as never)])]) {
      const socket = await connectData(t.port);
      const got = readAll(socket);
      socket.write(bytes);
      assert.equal((await within(got, 'the close')).length, 0, 'not even a greeting');
    }
    assert.equal(t.server.stats().proxyRefused, before + 3);
    assert.equal(refused.length, 3);
    assert.match(String((refused[0] as { reason: string }).reason), /PROXY header/);
  });

  it('a header that never ends is cut by the timeout', T, async () => {
    const before = t.server.stats().proxyRefused;
    const socket = await connectData(t.port);
    socket.write('PROXY TCP4 192.0.2.1 ');
    assert.equal((await within(readAll(socket), 'the cut', 5000)).length, 0);
    assert.equal(t.server.stats().proxyRefused, before + 1);
  });

  it('a v2 LOCAL header (a health check) is the proxy itself', T, async () => {
    const seen = sessions(t);
    const ftp = await RawFtp.connect(t.port, { preface: proxyV2Local() });
    assert.equal(ftp.greeting.code, 220);
    assert.equal(seen.at(-1)?.address, '127.0.0.1');
    ftp.close();
  });

  it('an untrusted address is a direct client: its header bytes are a bad command', T, async () => {
    const seen = sessions(t);
    const ftp = await RawFtp.connect(t.port, { localAddress: '127.0.0.2' });
    assert.equal(seen.at(-1)?.address, '127.0.0.2');
    ftp.socket.write(proxyV1('192.0.2.7', 1));
    assert.ok((await ftp.reply()).code >= 500);
    ftp.close();
  });

  it('the per-address limit counts the client the header names, not the proxy', T, async () => {
    const open = [];
    for (let i = 0; i < 2; i++) open.push(await RawFtp.connect(t.port, { preface: proxyV2('198.51.100.5', 1000 + i) }));
    const third = await RawFtp.connect(t.port, { preface: proxyV2('198.51.100.5', 1002) });
    assert.equal(third.greeting.code, 421);
    const other = await RawFtp.connect(t.port, { preface: proxyV2('198.51.100.6', 1003) });
    assert.equal(other.greeting.code, 220);
    for (const ftp of [...open, third, other]) ftp.close();
  });
});

describe('PROXY protocol on data connections', () => {
  let t: TestServer;
  before(async () => (t = await startServer({ proxyProtocol: { trusted: ['127.0.0.1'], timeout: 0.5 }, pasv: { min: 41000, max: 41100 } })));
  after(() => t.close());

  it('PASV names the address the client connected to (the header\'s destination)', T, async () => {
    const ftp = await RawFtp.connect(t.port, { preface: proxyV2('192.0.2.7', 5, '127.0.0.9', 2121) });
    await login(ftp);
    assert.match((await ftp.cmd('PASV')).message, /\(127,0,0,9,/);
    ftp.close();
  });

  it('a passive connection through the proxy is the client\'s when its header names the same client', T, async () => {
    const ftp = await RawFtp.connect(t.port, { preface: proxyV2('192.0.2.7', 5) });
    await login(ftp);
    const data = await connectData(await ftp.epsv(), { preface: proxyV2('192.0.2.7', 6) });
    const received = readAll(data);
    assert.equal((await ftp.cmd('RETR pub/hello.txt')).code, 150);
    assert.equal((await ftp.reply()).code, 226);
    assert.equal((await received).toString(), 'hello world\n');
    ftp.close();
  });

  it('a passive connection naming another client, or without a header, gets 425', T, async () => {
    const ftp = await RawFtp.connect(t.port, { preface: proxyV2('192.0.2.7', 5) });
    await login(ftp);
    for (const preface of [proxyV2('192.0.2.8', 6), Buffer.from('hello')]) {
      const thief = await connectData(await ftp.epsv(), { preface });
      const stolen = readAll(thief);
      assert.equal((await ftp.cmd('RETR pub/hello.txt')).code, 425);
      assert.equal((await stolen).length, 0);
    }
    ftp.close();
  });

  it('active mode goes to the client the header names, and only there', T, async () => {
    const ftp = await RawFtp.connect(t.port, { preface: proxyV2('127.0.0.3', 5) });
    await login(ftp);
    assert.equal((await ftp.cmd('PORT 127,0,0,1,39,16')).code, 504);
    const listener = createNetServer();
    listener.listen(0, '127.0.0.3');
    await once(listener, 'listening');
    const { port } = listener.address() as AddressInfo;
    const arrived = once(listener, 'connection') as Promise<[Socket]>;
    assert.equal((await ftp.cmd(`EPRT |1|127.0.0.3|${port}|`)).code, 200);
    assert.equal((await ftp.cmd('RETR pub/hello.txt')).code, 150);
    const [socket] = await arrived;
    assert.equal((await readAll(socket)).toString(), 'hello world\n');
    assert.equal((await ftp.reply()).code, 226);
    listener.close();
    ftp.close();
  });
});

describe('PROXY protocol and implicit FTPS', () => {
  it('the header comes in clear before the TLS handshake, which then greets as usual', T, async () => {
    const { cert, key } = tlsMaterial();
    await using t = await startServer({ tls: { cert, key, implicit: true }, proxyProtocol: { trusted: ['127.0.0.1'] } });
    const seen = sessions(t);
    const raw = await connectData(t.port, { preface: proxyV2('192.0.2.30', 7) });
    const secure = tlsConnect({ socket: raw, rejectUnauthorized: false });
    secure.on('error', () => {});
    const [greeting] = (await within(once(secure, 'data'), 'the greeting')) as [Buffer];
    assert.match(greeting.toString(), /^220 /);
    assert.equal(seen.at(-1)?.address, '192.0.2.30');
    secure.destroy();
  });
});

describe('PROXY protocol options', () => {
  it('refuses a malformed trusted range, naming it', async () => {
    await assert.rejects(startServer({ proxyProtocol: { trusted: ['10.0.0.0/33'] } }), /proxyProtocol\.trusted\[0\]/);
    await assert.rejects(startServer({ proxyProtocol: {} as never }), /proxyProtocol\.trusted/);
  });
});
