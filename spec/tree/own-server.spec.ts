// Tree operations against our own server, behind the fault-injecting proxy; transfers are
// counted by the server's own `transfer` events.
import { join } from 'node:path';
import { Basic, FtpPy } from '../../lib/index.js';
import { uniqueName } from '../helpers/peers.js';
import { FtpProxy } from '../helpers/proxy.js';
import { PASSWORD, startServer, USER } from '../helpers/test-server.js';
import { treeSuite } from '../helpers/tree-suite.js';

treeSuite('our server', async () => {
  // Two clients of 10 connections at once (the interrupted sync's beside the suite's), all from the proxy's address.
  const server = await startServer({ limits: { perAddress: 40 } });
  const proxy = await FtpProxy.start({ host: '127.0.0.1', port: server.port });
  let transfers = 0;
  server.server.on('transfer', (event) => {
    if (event.direction !== 'list') transfers += 1;
  });
  const base = `/upload/${uniqueName('tree')}`;
  return {
    factory: (options = {}) => new FtpPy(`ftp://127.0.0.1:${proxy.port}`, {
      auth: new Basic(USER, PASSWORD),
      timeout: { connect: 5, read: 10, write: 10 },
      retry: { total: 2, backoff: 0.05 },
      ...options,
    }),
    proxy,
    base,
    disk: join(server.root, base),
    transfers: () => transfers,
    hashes: true,
    async close() {
      await proxy.close();
      await server.close();
    },
  };
});
