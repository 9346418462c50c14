// batch/fetch of 500 files with limit 10: never more connections than Limits allows,
// counted where the connections arrive (our server's session events; a proxy in front of
// vsftpd), and every file intact both ways.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Basic, FtpPy, Guest } from '../../lib/index.js';
import { pseudoRandom, tempDir } from '../helpers/files.js';
import { peer, uniqueName } from '../helpers/peers.js';
import { FtpProxy } from '../helpers/proxy.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';

const COUNT = 500;
const local = tempDir();
const files = Array.from({ length: COUNT }, (_, i) => {
  const path = join(local.dir, 'out', `f${i}.bin`);
  return { path, data: pseudoRandom(512 + ((i * 7919) % 6000), i + 1) };
});
mkdirSync(join(local.dir, 'out'));
mkdirSync(join(local.dir, 'back'));
for (const { path, data } of files) writeFileSync(path, data);
after(() => local.remove());

/** Uploads all files to `dir` and fetches them back, checking every byte. */
async function roundTrip(ftp: FtpPy, dir: string, tag: string): Promise<void> {
  await ftp.client(async (client) => {
    const up = await client.batch(files.map(({ path }, i) => [path, `${dir}/f${i}.bin`] as const), { limit: 10, dirs: true });
    assert.equal(Object.values(up).filter(Boolean).length, COUNT);
    const down = await client.fetch(files.map((_, i) => [`${dir}/f${i}.bin`, join(local.dir, 'back', `${tag}${i}.bin`)] as const), 10);
    assert.equal(Object.values(down).filter(Boolean).length, COUNT);
    // With keepalive covering them all, connections were reused, never reopened (keepalive
    // trims only when nobody waits, so a smaller one reopens only between batch and fetch).
    const { created } = await client.stats();
    if (ftp.limits.keepalive >= ftp.limits.connections) assert.ok(created <= ftp.limits.connections, `${created} opened`);
    else assert.ok(created <= 2 * ftp.limits.connections - ftp.limits.keepalive, `${created} opened`);
    await client.rmdir(dir, { recursive: true });
  });
  files.forEach(({ data }, i) => assert.ok(readFileSync(join(local.dir, 'back', `${tag}${i}.bin`)).equals(data), `file ${i}`));
}

describe(`batch and fetch of ${COUNT} files with limit 10`, () => {
  let ours: TestServer;
  before(async () => {
    ours = await startServer();
  });
  after(() => ours.close());

  it('never open more connections than Limits.connections on our server (counted by the server)', async () => {
    let open = 0;
    let peak = 0;
    ours.server.on('session', () => (peak = Math.max(peak, ++open)));
    ours.server.on('session-end', () => void open--);
    await roundTrip(new FtpPy(`ftp://127.0.0.1:${ours.port}`, { auth: new Basic(USER, PASSWORD), limits: { connections: 4 } }), '/upload/many', 'ours');
    assert.ok(peak >= 2 && peak <= 4, `peak ${peak}`);
    assert.equal(ours.server.stats().sessions, peak); // idle connections were reused, not reopened
  });

  it('never open more connections than Limits.connections on vsftpd (counted at a proxy)', async () => {
    const p = peer('vsftpd');
    const proxy = await FtpProxy.start({ host: p.host, port: p.port });
    try {
      const auth = p.user === 'anonymous' ? new Guest(p.password) : new Basic(p.user, p.password);
      await roundTrip(new FtpPy(`ftp://127.0.0.1:${proxy.port}`, { auth, limits: { connections: 6, keepalive: 2 } }), `${p.writable_dir}/${uniqueName('many')}`, 'vsftpd');
      assert.ok(proxy.counts.peak >= 2 && proxy.counts.peak <= 6, `peak ${proxy.counts.peak}`);
    } finally {
      await proxy.close();
    }
  });
});
