// Segmented downloads: `download(remote, local, { segments: n })` reads n ranges at once,
// each with REST on a pooled connection of its own, each connection closed at its range's
// end (the server's 426/451 for that is expected), into one part file, then renamed.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Basic, FtpPy, Guest } from '../../lib/index.js';
import { ftppy } from '../cli/support/cli.js';
import { pseudoRandom, tempDir } from '../helpers/files.js';
import { peer, skipUnlessUp } from '../helpers/peers.js';
import { FtpProxy } from '../helpers/proxy.js';
import { startScriptServer } from '../helpers/script-server.js';
import { PASSWORD, startServer, USER } from '../helpers/test-server.js';

const local = tempDir('ftppy-segments-');
after(() => local.remove());
const BIG = pseudoRandom(3 * 1024 * 1024 + 7, 33);
const rests = (proxy: FtpProxy): number[] => proxy.commands.filter((c) => /^REST \d+$/.test(c)).map((c) => Number(c.slice(5))).sort((a, b) => a - b);
const retrs = (proxy: FtpProxy): number => proxy.commands.filter((c) => c.startsWith('RETR ')).length;
const starts = (size: number, n: number): number[] => Array.from({ length: n - 1 }, (_, i) => (i + 1) * Math.ceil(size / n));

describe('segmented download', { timeout: 30_000 }, () => {
  it('our server: 4 ranges on 4 connections at once, one intact file', async () => {
    await using t = await startServer();
    writeFileSync(join(t.root, 'pub/big.bin'), BIG);
    // a per-connection rate, so that the ranges overlap in time whatever the machine's speed
    const proxy = await FtpProxy.start({ host: '127.0.0.1', port: t.port }, { rate: 8 * 1024 * 1024 });
    try {
      const ftp = new FtpPy(`ftp://127.0.0.1:${proxy.port}`, { auth: new Basic(USER, PASSWORD), retry: { total: 0 } });
      let last = 0;
      const ok = await ftp.client((c) => c.download('/pub/big.bin', join(local.dir, 'own.bin'), { segments: 4, progress: (bytes) => (last = bytes) }));
      assert.equal(ok, true);
      assert.deepEqual(readFileSync(join(local.dir, 'own.bin')), BIG);
      assert.deepEqual(rests(proxy), starts(BIG.length, 4));
      assert.equal(retrs(proxy), 4);
      assert.equal(proxy.counts.peak, 4);
      assert.equal(last, BIG.length);
      assert.deepEqual(readdirSync(local.dir).filter((name) => name.includes('ftppy')), []);
    } finally {
      await proxy.close();
    }
  });

  for (const name of ['vsftpd', 'pyftpdlib']) {
    it(`${name}: 4 ranges, the early closes coped with, one intact file`, { skip: skipUnlessUp(name) }, async () => {
      const p = peer(name);
      const proxy = await FtpProxy.start({ host: p.host, port: p.port });
      try {
        const auth = p.user === 'anonymous' ? new Guest(p.password) : new Basic(p.user, p.password);
        const ftp = new FtpPy(`ftp://127.0.0.1:${proxy.port}`, { auth, retry: { total: 0 } });
        const ok = await ftp.client((c) => c.download(`${p.pub_dir}/data-1m.bin`, join(local.dir, `${name}.bin`), { segments: 4 }));
        assert.equal(ok, true);
        assert.deepEqual(readFileSync(join(local.dir, `${name}.bin`)), readFileSync(join(p.root, 'pub/data-1m.bin')));
        assert.deepEqual(rests(proxy), starts(1048576, 4));
        assert.equal(retrs(proxy), 4);
      } finally {
        await proxy.close();
      }
    });
  }

  it('a server that answers 426 or 451 to each early close, and sends past the range end', async () => {
    const server = await startScriptServer();
    try {
      server.files.set('/big.bin', BIG);
      server.on('RETR', async (s, arg) => {
        const body = server.files.get(arg)!;
        const data = await s.data();
        s.reply('150 Opening BINARY mode data connection');
        const from = s.restart;
        s.restart = 0;
        data.on('error', () => {});
        // read, so that the client's close is seen; every range ends in a failure reply
        data.resume().once('close', () => s.reply(s.index % 2 ? '426 Connection closed; transfer aborted' : '451 Transfer aborted: connection closed'));
        data.end(body.subarray(from));
        return true;
      });
      const ftp = new FtpPy(`ftp://127.0.0.1:${server.port}`, { auth: new Basic('u', 'p'), retry: { total: 0 } });
      const ok = await ftp.client((c) => c.download('/big.bin', join(local.dir, 'scripted.bin'), { segments: 3 }));
      assert.equal(ok, true);
      assert.deepEqual(readFileSync(join(local.dir, 'scripted.bin')), BIG);
      assert.equal(server.log.flat().filter((line) => line.startsWith('RETR')).length, 3);
    } finally {
      await server.close();
    }
  });

  it('a file too small to split, or a server without REST STREAM, is read whole', async () => {
    const server = await startScriptServer();
    try {
      server.files.set('/small.bin', BIG.subarray(0, 300_000));
      server.files.set('/big.bin', BIG);
      const ftp = new FtpPy(`ftp://127.0.0.1:${server.port}`, { auth: new Basic('u', 'p'), retry: { total: 0 } });
      assert.equal(await ftp.client((c) => c.download('/small.bin', join(local.dir, 'small.bin'), { segments: 4 })), true);
      assert.equal(server.log.flat().filter((line) => line.startsWith('RETR')).length, 1);
      server.features = ['EPSV', 'SIZE'];
      assert.equal(await ftp.client((c) => c.download('/big.bin', join(local.dir, 'norest.bin'), { segments: 4 })), true);
      assert.equal(server.log.flat().filter((line) => line.startsWith('RETR')).length, 2);
      assert.deepEqual(readFileSync(join(local.dir, 'norest.bin')), BIG);
    } finally {
      await server.close();
    }
  });

  it('ftppy get --segments 4', async () => {
    await using t = await startServer();
    writeFileSync(join(t.root, 'pub/big.bin'), BIG);
    const proxy = await FtpProxy.start({ host: '127.0.0.1', port: t.port });
    try {
      const got = await ftppy(['get', '--segments', '4', `ftp://${USER}:${PASSWORD}@127.0.0.1:${proxy.port}/pub/big.bin`, join(local.dir, 'cli.bin')]);
      assert.equal(got.code, 0, got.stderr);
      assert.deepEqual(readFileSync(join(local.dir, 'cli.bin')), BIG);
      assert.deepEqual(rests(proxy), starts(BIG.length, 4));
      assert.match((await ftppy(['get', '--help'])).stdout, /--segments N/);
    } finally {
      await proxy.close();
    }
  });
});
