// The ClientHello reader that says which FTP session's ticket key sealed the ticket a
// data connection offers: real hellos from Node's client (TLS 1.3 and 1.2, with and
// without a session to resume), cut at every length and split into records.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { connect, createServer as createTlsServer, type SecureVersion } from 'node:tls';
import { helloTicket } from '../../server/tls-hello.js';
import { tlsMaterial } from '../helpers/tls-material.js';

const material = tlsMaterial();

/** A session from a TLS server sealing its tickets with `ticketKeys`. */
async function sessionFrom(ticketKeys: Buffer, version: SecureVersion): Promise<Buffer> {
  const server = createTlsServer({ cert: material.cert, key: material.key, ticketKeys }, (socket) => socket.end('x'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const socket = connect({ port, host: '127.0.0.1', rejectUnauthorized: false, maxVersion: version, minVersion: version });
  socket.on('error', () => {});
  const [session] = (await once(socket, 'session')) as [Buffer];
  socket.destroy();
  server.close();
  return session;
}

/** The first bytes a client sends: its ClientHello (read by a plain server that never answers). */
async function helloBytes(options: { session?: Buffer; version: SecureVersion }): Promise<Buffer> {
  const server = createNetServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const arrived = once(server, 'connection');
  const client = connect({ port, host: '127.0.0.1', rejectUnauthorized: false, maxVersion: options.version, minVersion: options.version, ...(options.session ? { session: options.session } : {}) });
  client.on('error', () => {});
  const [socket] = (await arrived) as [Socket];
  const [bytes] = (await once(socket, 'data')) as [Buffer];
  client.destroy();
  socket.destroy();
  server.close();
  return bytes;
}

/** The same handshake message re-framed into records of at most `size` bytes each. */
function reframe(hello: Buffer, size: number): Buffer {
  const body = hello.subarray(5, 5 + hello.readUInt16BE(3));
  const records: Buffer[] = [];
  for (let at = 0; at < body.length; at += size) {
    const piece = body.subarray(at, at + size);
    const head = Buffer.from([22, 3, 1, 0, 0]);
    head.writeUInt16BE(piece.length, 3);
    records.push(head, piece);
  }
  return Buffer.concat(records);
}

describe('helloTicket', { timeout: 20_000 }, () => {
  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    it(`${version}: names the key of the offered ticket, and needs the whole hello first`, async () => {
      const keys = randomBytes(48);
      const hello = await helloBytes({ session: await sessionFrom(keys, version), version });
      assert.deepEqual(helloTicket(hello), { done: true, keyName: keys.subarray(0, 16) });
      for (let cut = 0; cut < hello.length; cut++) assert.deepEqual(helloTicket(hello.subarray(0, cut)), { done: false }, `cut at ${cut}`);
      assert.deepEqual(helloTicket(reframe(hello, 100)), { done: true, keyName: keys.subarray(0, 16) }, 'split over records');
    });

    it(`${version}: no ticket, no key name`, async () => {
      assert.deepEqual(helloTicket(await helloBytes({ version })), { done: true, keyName: null });
    });
  }

  it('what is not a ClientHello is left to OpenSSL', () => {
    assert.deepEqual(helloTicket(Buffer.from('USER anonymous\r\n')), { done: true, keyName: null });
    assert.deepEqual(helloTicket(Buffer.from([22, 3, 1, 0, 4, 2, 0, 0, 0])), { done: true, keyName: null }); // a ServerHello
    assert.deepEqual(helloTicket(Buffer.from([22, 3, 1, 0, 4, 1, 0, 0, 0])), { done: true, keyName: null }); // an empty, malformed hello
  });
});
