// The client against our own server (server/), plain, explicit and implicit FTPS (which,
// like vsftpd, requires data connections to resume the control connection's session).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { Basic, FtpPy, SSL } from '../../lib/index.js';
import { clientSuite } from '../helpers/client-suite.js';
import { pseudoRandom } from '../helpers/files.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';
import { tlsMaterial } from '../helpers/tls-material.js';

const modes = ['plain', 'explicit', 'implicit'] as const;
const servers = new Map<(typeof modes)[number], TestServer>();

before(async () => {
  const { cert, key } = tlsMaterial();
  for (const mode of modes) {
    const server = await startServer(mode === 'plain' ? {} : { tls: { cert, key, implicit: mode === 'implicit' } });
    // the published files the suite downloads, beside the ones the server specs use
    writeFileSync(join(server.root, 'pub/data-1m.bin'), pseudoRandom(1 << 20, 5));
    writeFileSync(join(server.root, 'pub/empty.txt'), '');
    writeFileSync(join(server.root, 'pub/crlf.txt'), 'one\r\ntwo\r\n');
    servers.set(mode, server);
  }
});
after(async () => {
  for (const server of servers.values()) await server.close();
});

for (const mode of modes) {
  clientSuite({
    name: `our server (${mode === 'plain' ? 'plain' : `${mode} FTPS`})`,
    factory: (extra = {}) => {
      const { port } = servers.get(mode)!;
      const ssl = new SSL({ bundle: tlsMaterial().certPath, implicit: mode === 'implicit' });
      return new FtpPy(`${mode === 'plain' ? 'ftp' : 'ftps'}://127.0.0.1:${port}`, {
        auth: new Basic(USER, PASSWORD),
        timeout: { connect: 5, read: 10, write: 10 },
        retry: { total: 1, backoff: 0.05 },
        ...(mode === 'plain' ? {} : { ssl }),
        ...extra,
      });
    },
    get root() {
      return servers.get(mode)!.root;
    },
    pub: '/pub',
    writable: '/upload',
    secure: mode !== 'plain',
    chmod: true,
  });
}
