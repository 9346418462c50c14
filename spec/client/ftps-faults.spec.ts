// Explicit FTPS under faults (issue 15 item 11): the fault proxy relays TLS it cannot
// read (FtpProxy.startOpaque) and cuts or stalls a data connection mid-transfer, or cuts
// the control connection; the client's retries (a new connection, a new TLS session,
// REST where the file was cut) end in intact files both ways.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Basic, FtpPy, SSL } from '../../lib/index.js';
import { tempDir } from '../helpers/files.js';
import { FtpProxy, type FaultKind } from '../helpers/proxy.js';
import { BINARY, PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';
import { tlsMaterial } from '../helpers/tls-material.js';

const material = tlsMaterial();
const folder = tempDir('ftppy-ftps-faults-');
let t: TestServer;
let proxy: FtpProxy;

/** A passive port range free on 127.0.0.1 for the proxy (the server uses the same ports on 127.0.0.2). */
async function opaqueProxy(): Promise<{ proxy: FtpProxy; server: TestServer }> {
  for (let attempt = 0; ; attempt++) {
    const min = 20_000 + Math.floor(Math.random() * 12_000); // below the ephemeral ports, as ports.ts
    const range = { min, max: min + 7 };
    const server = await startServer({ host: '127.0.0.2', tls: { cert: material.cert, key: material.key }, pasv: range });
    try {
      return { proxy: await FtpProxy.startOpaque({ host: '127.0.0.2', port: server.port }, range), server };
    } catch (error) {
      await server.close();
      if (attempt >= 5) throw error;
    }
  }
}

before(async () => {
  ({ proxy, server: t } = await opaqueProxy());
});
after(async () => {
  await proxy?.close();
  await t?.close();
  folder.remove();
});

const ftp = (): FtpPy =>
  new FtpPy(`ftps://127.0.0.1:${proxy.port}`, {
    auth: new Basic(USER, PASSWORD),
    ssl: new SSL({ bundle: material.certPath }),
    retry: { total: 3, backoff: 0.05 },
    timeout: { connect: 10, read: 2, write: 2 }, // a stall is given up after 2 s
  });

describe('explicit FTPS through the fault proxy', { timeout: 60_000 }, () => {
  for (const kind of ['drop-data', 'stall-data', 'drop-control'] as FaultKind[]) {
    it(`${kind} mid-download: the retry ends in the intact file`, async () => {
      const faults = proxy.counts.faults;
      proxy.fail(kind, 300_000);
      const local = join(folder.dir, `down-${kind}.bin`);
      assert.equal(await ftp().client((client) => client.download('/pub/data.bin', local)), true);
      assert.equal(proxy.counts.faults, faults + 1, 'the fault struck');
      assert.ok(readFileSync(local).equals(BINARY), 'intact');
    });

    it(`${kind} mid-upload: the retry ends in the intact file on the server`, async () => {
      const faults = proxy.counts.faults;
      proxy.fail(kind, 300_000);
      assert.equal(await ftp().client((client) => client.uploadFrom(BINARY, `/upload/up-${kind}.bin`)), true);
      assert.equal(proxy.counts.faults, faults + 1, 'the fault struck');
      assert.ok(readFileSync(join(t.root, 'upload', `up-${kind}.bin`)).equals(BINARY), 'intact');
    });
  }
});
