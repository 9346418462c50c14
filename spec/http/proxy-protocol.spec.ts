// The web port behind a PROXY-protocol proxy (the FTP server's `proxyProtocol` applies to
// it too): a trusted connection's header names the client, whose address the connection
// caps count; a trusted connection without a header is closed and counted.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { proxyV1, proxyV2 } from '../helpers/proxy-header.js';
import { tlsMaterial } from '../helpers/tls-material.js';
import { within } from '../helpers/wait.js';
import { startWeb } from './support/web.js';

const T = { timeout: 20_000 };
const GET = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

/** A connection that sends `bytes` and collects what comes back until the first answer's end or the close. */
async function send(port: number, bytes: Buffer | string, localAddress?: string): Promise<{ socket: Socket; first: Promise<string> }> {
  const socket = connect({ host: '127.0.0.1', port, ...(localAddress ? { localAddress } : {}) });
  socket.on('error', () => {});
  await once(socket, 'connect');
  let text = '';
  const first = new Promise<string>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (/\r\n\r\n/.test(text)) resolve(text);
    });
    socket.once('close', () => resolve(text));
  });
  socket.write(bytes);
  return { socket, first };
}

describe('PROXY protocol on the web port', () => {
  it('a header from a trusted proxy is read first; the request behind it is served', T, async () => {
    const w = await startWeb({}, { proxyProtocol: { trusted: ['127.0.0.1'] } });
    try {
      for (const header of [proxyV1('192.0.2.7', 1), proxyV2('192.0.2.7', 2)]) {
        const { socket, first } = await send(w.port, Buffer.concat([header, Buffer.from(GET)]));
        assert.match(await within(first, 'the answer'), /^HTTP\/1\.1 200 /);
        socket.destroy();
      }
      // Direct clients (not trusted) send no header.
      const direct = await send(w.port, GET, '127.0.0.2');
      assert.match(await within(direct.first, 'the answer'), /^HTTP\/1\.1 200 /);
      direct.socket.destroy();
    } finally {
      await w.close();
    }
  });

  it('a trusted connection without a header is closed, unanswered, and counted', T, async () => {
    const w = await startWeb({}, { proxyProtocol: { trusted: ['127.0.0.1'], timeout: 0.5 } });
    try {
      const before = w.ftp.server.stats().proxyRefused;
      const bare = await send(w.port, GET);
      assert.equal(await within(bare.first, 'the close'), '');
      const endless = await send(w.port, 'PROXY TCP4 192.0.2.1');
      assert.equal(await within(endless.first, 'the close'), '');
      assert.equal(w.ftp.server.stats().proxyRefused, before + 2);
    } finally {
      await w.close();
    }
  });

  it('the per-address cap counts the client the header names', T, async () => {
    const w = await startWeb({ limits: { perAddress: 1 } }, { proxyProtocol: { trusted: ['127.0.0.1'] } });
    try {
      const held = await send(w.port, Buffer.concat([proxyV2('192.0.2.7', 1), Buffer.from(GET)]));
      assert.match(await within(held.first, 'the first answer'), /^HTTP\/1\.1 200 /);
      const same = await send(w.port, Buffer.concat([proxyV2('192.0.2.7', 2), Buffer.from(GET)]));
      assert.match(await within(same.first, 'the refusal'), /^HTTP\/1\.1 503 /);
      const other = await send(w.port, Buffer.concat([proxyV2('192.0.2.8', 3), Buffer.from(GET)]));
      assert.match(await within(other.first, 'the other answer'), /^HTTP\/1\.1 200 /);
      for (const s of [held, same, other]) s.socket.destroy();
    } finally {
      await w.close();
    }
  });

  it('over HTTPS: the header in clear, then the TLS handshake', T, async () => {
    const { cert, key } = tlsMaterial();
    const w = await startWeb({ tls: { cert, key } }, { proxyProtocol: { trusted: ['127.0.0.1'] } });
    try {
      const raw = connect({ host: '127.0.0.1', port: w.port });
      raw.on('error', () => {});
      await once(raw, 'connect');
      raw.write(proxyV2('192.0.2.7', 1));
      const secure = tlsConnect({ socket: raw, rejectUnauthorized: false });
      await once(secure, 'secureConnect');
      let text = '';
      secure.on('data', (c: Buffer) => (text += c.toString('latin1')));
      secure.end('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
      await within(once(secure, 'close'), 'the answer');
      assert.match(text, /^HTTP\/1\.1 200 /);
    } finally {
      await w.close();
    }
  });

  it("bans and allow lists judge the address the header names, not the proxy's", T, async () => {
    const w = await startWeb({}, {
      proxyProtocol: { trusted: ['127.0.0.1'] },
      ban: { failures: 1, window: 60, duration: 60 },
      limits: { loginDelay: 0 },
      users: [{ name: 'inside', password: 'pw', addresses: ['192.0.2.0/24'] }],
    });
    const basic = (name: string, password: string): string => `Authorization: Basic ${Buffer.from(`${name}:${password}`).toString('base64')}\r\n`;
    const request = (auth: string): string => `GET /files/ HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}Connection: close\r\n\r\n`;
    const ask = async (from: string, auth: string): Promise<string> => {
      const { socket, first } = await send(w.port, Buffer.concat([proxyV2(from, 3), Buffer.from(request(auth))]));
      const answer = await within(first, 'the answer');
      socket.destroy();
      return answer;
    };
    try {
      // The account's range holds 192.0.2.9, not 198.51.100.9, though both come through 127.0.0.1.
      assert.match(await ask('192.0.2.9', basic('inside', 'pw')), /^HTTP\/1\.1 200 /);
      assert.match(await ask('198.51.100.9', basic('inside', 'pw')), /^HTTP\/1\.1 401 /);
      // That failure banned 198.51.100.9 alone: the proxy and the other client go on.
      assert.match(await ask('198.51.100.9', basic('inside', 'pw')), /^HTTP\/1\.1 429 /);
      assert.match(await ask('192.0.2.9', basic('inside', 'pw')), /^HTTP\/1\.1 200 /);
    } finally {
      await w.close();
    }
  });
});
