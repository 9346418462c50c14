// The web API's per-address cap bounds sockets, not only requests: a connection over it is
// answered 503 and closed within a fixed time from its connect, whatever it sends.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { startWeb } from './support/web.js';

describe('web API connections over the cap', () => {
  // Under an idle timeout, a client dripping its request line a byte a second kept an
  // over-cap connection up to the header timeout, so sockets from one address had no bound.
  it('answers 503 and closes a connection over the per-address cap within 3 s even while it drips bytes', { timeout: 30_000 }, async () => {
    const w = await startWeb({ limits: { perAddress: 1 } });
    const sockets: Socket[] = [];
    try {
      const open = async (): Promise<Socket> => {
        const socket = connect({ host: '127.0.0.1', port: w.port });
        socket.on('error', () => {});
        sockets.push(socket);
        await once(socket, 'connect');
        return socket;
      };
      await open(); // the one the cap allows, silent
      const over = await Promise.all(Array.from({ length: 5 }, open));
      const answers = over.map((socket) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        return once(socket, 'close').then(() => text);
      });
      const closedAt = over.map((socket) => once(socket, 'close').then(() => performance.now()));
      const start = performance.now();
      const line = 'GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
      let i = 0;
      const drip = setInterval(() => {
        for (const socket of over) if (!socket.destroyed) socket.write(line[i % line.length]!);
        i++;
      }, 1000);
      const deadline = new Promise<number>((resolve) => setTimeout(() => resolve(Infinity), 12_000));
      const times = await Promise.all(closedAt.map((at) => Promise.race([at, deadline])));
      clearInterval(drip);
      const late = times.filter((at) => at - start > 3000).length;
      assert.equal(late, 0, `${late} of 5 connections over the cap were still open after 3 s (a byte a second keeps them)`);
      for (const answer of await Promise.all(answers)) assert.match(answer, /^HTTP\/1\.1 503 /);
    } finally {
      for (const socket of sockets) socket.destroy();
      await w.close();
    }
  });
});
