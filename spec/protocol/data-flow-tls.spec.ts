// An upload over TLS ends with close_notify before its FIN, even an empty one. Node's TLS
// socket drops the close_notify of an end() made while its own last handshake record (the
// client Finished) is being written, which lasts until the next turn of the event loop:
// an empty upload whose 150 is read in the same turn as the server's last handshake
// flight (pyftpdlib sends both at once) ends with a bare FIN, which is what makes
// pyftpdlib spin in CLOSE-WAIT (spec/client/tls-close.spec.ts). A relay forwards the
// server's flight and at once pokes a second socket that stands for the control
// connection; the upload starts on that poke. It also reads what the client sent: in
// TLS 1.3 every record after the handshake is encrypted, and close_notify is the one of
// 19 bytes (a two-byte alert, its content type and a 16-byte tag).
import assert from 'node:assert/strict';
import { connect, createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { send } from '../../protocol/data-flow.js';
import { PhaseTimer } from '../../protocol/phase-timer.js';
import { tlsMaterial } from '../helpers/tls-material.js';
import { within } from '../helpers/wait.js';

const APPLICATION_DATA = 23;
const CLOSE_NOTIFY_LENGTH = 19;

/** The TLS records in a byte stream, as [content type, length]. */
function records(stream: Buffer): [number, number][] {
  const found: [number, number][] = [];
  for (let at = 0; at + 5 <= stream.length; at += 5 + stream.readUInt16BE(at + 3)) found.push([stream[at]!, stream.readUInt16BE(at + 3)]);
  return found;
}

describe('send() over TLS 1.3', () => {
  let tls: Server;
  let relay: Server;
  let pokes: Server;
  /** The relay's end and the client's end of the socket that stands for the control connection. */
  let poker: Socket;
  let poked: Socket;
  /** What the client of each connection sent, complete once the client's FIN has come. */
  const sent: Promise<Buffer>[] = [];
  const sockets = new Set<Socket>();
  const listen = (server: Server): Promise<number> =>
    new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

  before(async () => {
    const { cert, key } = tlsMaterial();
    // The server ends its side once the client has ended: send() waits for that close.
    tls = createTlsServer({ cert, key, minVersion: 'TLSv1.3' }, (socket: TLSSocket) => {
      socket.on('error', () => {}).on('end', () => socket.end()).resume();
    });
    const tlsPort = await listen(tls);
    relay = createNetServer((client) => {
      const upstream = connect(tlsPort, '127.0.0.1');
      for (const s of [client, upstream]) sockets.add(s.on('error', () => {}));
      const chunks: Buffer[] = [];
      sent.push(new Promise((resolve) => client.on('end', () => resolve(Buffer.concat(chunks)))));
      client.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        upstream.write(chunk);
      });
      client.on('end', () => upstream.end());
      upstream.on('data', (chunk: Buffer) => {
        client.write(chunk);
        poker.write('.');
      });
      upstream.on('end', () => client.end());
    });
    await listen(relay);
    const accepted = new Promise<Socket>((resolve) => (pokes = createNetServer(resolve)));
    poked = connect(await listen(pokes), '127.0.0.1');
    poker = await accepted;
    for (const s of [poker, poked]) sockets.add(s.on('error', () => {}));
  });
  after(() => {
    for (const s of sockets) s.destroy();
    for (const server of [tls, relay, pokes]) server.close();
  });

  /** Connects through the relay and sends `source` on the first poke after the handshake. */
  async function upload(source: AsyncIterable<Buffer>): Promise<[number, number][]> {
    const plain = connect((relay.address() as AddressInfo).port, '127.0.0.1');
    await new Promise((resolve) => plain.once('connect', resolve));
    const secure = tlsConnect({ socket: plain, servername: 'localhost', ca: tlsMaterial().cert, maxVersion: 'TLSv1.3' });
    secure.on('error', () => {});
    let secured = false;
    secure.once('secureConnect', () => (secured = true));
    const timer = new PhaseTimer(() => secure.destroy(new Error('timed out')));
    const ended = new Promise<void>((resolve, reject) => {
      const onPoke = (): void => {
        if (!secured) return;
        poked.off('data', onPoke);
        send(source, secure, timer, { read: 5, write: 5 }, () => {}).then(resolve, reject);
      };
      poked.on('data', onPoke);
    });
    await within(ended, 'the upload to end');
    timer.stop();
    return records(await within(sent.at(-1)!, "the client's FIN at the relay"));
  }

  it('ends an empty upload started in the turn that ends the handshake with close_notify before the FIN', { timeout: 20_000 }, async () => {
    for (let i = 0; i < 5; i++) {
      const seen = await upload((async function* () {})());
      assert.deepEqual(seen.at(-1), [APPLICATION_DATA, CLOSE_NOTIFY_LENGTH], `upload ${i}: the client's last records were ${JSON.stringify(seen.slice(-3))}`);
    }
  });

  it('ends an upload with data with close_notify after the data', { timeout: 20_000 }, async () => {
    const seen = await upload((async function* () {
      yield Buffer.from('hello\n');
    })());
    assert.deepEqual(seen.at(-1), [APPLICATION_DATA, CLOSE_NOTIFY_LENGTH]);
    assert.ok(seen.at(-2)![1] > CLOSE_NOTIFY_LENGTH, 'the data record comes before it');
  });
});
