// The web API's bounds on connections and on slow clients: a cap per address (and in
// all), a deadline for the request headers, and a bound on how long an upload's body may
// stay silent. Slow uploads must not pile up sockets and temporary files, and the FTP
// port keeps answering meanwhile.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { RawFtp } from '../helpers/raw-ftp.js';
import { until, within } from '../helpers/wait.js';
import { ALICE, leftovers, startWeb } from './support/web.js';

const PER_ADDRESS = 3;
const BODY_S = 1;

interface RawHttp {
  socket: Socket;
  /** Everything the server sent, once it has closed the connection. */
  answer: Promise<string>;
}

async function rawHttp(port: number, head: string, body: Buffer = Buffer.alloc(0)): Promise<RawHttp> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const answer = once(socket, 'close').then(() => Buffer.concat(chunks).toString('latin1'));
  socket.write(head);
  if (body.length > 0) socket.write(body);
  return { socket, answer };
}

function slowPut(port: number, name: string): Promise<RawHttp> {
  const auth = Buffer.from(ALICE).toString('base64');
  // A tenth of the declared body, and then nothing.
  const head = `PUT /files/upload/${name} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic ${auth}\r\nContent-Length: 100000\r\n\r\n`;
  return rawHttp(port, head, Buffer.alloc(10_000, 7));
}

describe('web API connection bounds', () => {
  it('refuses connections beyond the per-address cap, cuts silent uploads and removes their temporary files, while FTP answers', { timeout: 20_000 }, async () => {
    const w = await startWeb({ limits: { perAddress: PER_ADDRESS }, bodyTimeout: BODY_S });
    try {
      const slow: RawHttp[] = [];
      for (let i = 0; i < PER_ADDRESS; i++) slow.push(await slowPut(w.port, `slow${i}.bin`));
      await until(() => leftovers(w.root).length === PER_ADDRESS, 'a temporary file for each slow upload');
      const started = performance.now();

      const extra = await slowPut(w.port, 'extra.bin');
      const refused = await within(extra.answer, 'the extra connection to be refused', 5000);
      assert.ok(refused.startsWith('HTTP/1.1 503'), `extra connection answered ${JSON.stringify(refused.slice(0, 60))}`);
      assert.equal(leftovers(w.root).length, PER_ADDRESS, 'the refused upload opened no file');

      const ftp = await RawFtp.connect(w.ftp.port);
      assert.equal((await ftp.cmd('NOOP')).code, 200);
      ftp.close();

      await within(Promise.all(slow.map((s) => s.answer)), 'the silent uploads to be cut', (BODY_S + 5) * 1000);
      assert.ok(performance.now() - started < (BODY_S + 5) * 1000);
      await until(() => leftovers(w.root).length === 0, 'the temporary files to be removed', 5000);

      // The cap counts open connections: with the slow ones gone, a new one is served.
      const again = await rawHttp(w.port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
      assert.match(await within(again.answer, 'an answer once the slow uploads are gone', 5000), /^HTTP\/1\.1 200/);
    } finally {
      await w.close();
    }
  });

  it('closes a connection whose request headers do not arrive within the header timeout', { timeout: 20_000 }, async () => {
    const w = await startWeb({ headerTimeout: 1 });
    try {
      const partial = await rawHttp(w.port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      const answer = await within(partial.answer, 'the server to close a connection with unfinished headers', 6000);
      assert.ok(answer === '' || answer.startsWith('HTTP/1.1 408'), `answered ${JSON.stringify(answer.slice(0, 60))}`);
    } finally {
      await w.close();
    }
  });

  it('refuses connections beyond the total cap', { timeout: 20_000 }, async () => {
    const w = await startWeb({ limits: { connections: 2 } });
    try {
      const held = [await rawHttp(w.port, 'GET / HTTP/1.1\r\nHost: a\r\n'), await rawHttp(w.port, 'GET / HTTP/1.1\r\nHost: a\r\n')];
      const extra = await rawHttp(w.port, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
      const refused = await within(extra.answer, 'the extra connection to be refused', 5000);
      assert.ok(refused.startsWith('HTTP/1.1 503'), `extra connection answered ${JSON.stringify(refused.slice(0, 60))}`);
      for (const h of held) h.socket.destroy();
    } finally {
      await w.close();
    }
  });
});
