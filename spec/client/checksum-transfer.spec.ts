// Checked transfers: upload/download(…, { checksum: true }) compare the server's digest
// (HASH, else XSHA256/XSHA1/XMD5/XCRC) with the local file's after the transfer; a
// mismatch fails with FTPPY_ERR_CHECKSUM and is retried; a server that cannot hash is
// said so once (FTPPY_WARN_NO_HASH) and the size is compared instead.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { Basic, FtpPy } from '../../lib/index.js';
import { ftppy } from '../cli/support/cli.js';
import { pseudoRandom, tempDir } from '../helpers/files.js';
import { factoryFor, peer, skipUnlessUp, uniqueName } from '../helpers/peers.js';
import { FtpProxy } from '../helpers/proxy.js';
import { startScriptServer, type ScriptServer } from '../helpers/script-server.js';
import { PASSWORD, startServer, USER } from '../helpers/test-server.js';
import { captureWarnings, settled } from '../helpers/warnings.js';

const local = tempDir('ftppy-checked-');
after(() => local.remove());
const DATA = pseudoRandom(300_000, 21);
const source = join(local.dir, 'source.bin');
writeFileSync(source, DATA);
const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

let warnings: ReturnType<typeof captureWarnings>;
beforeEach(() => (warnings = captureWarnings()));
afterEach(() => warnings.stop());

describe('checked transfers', { timeout: 30_000 }, () => {
  it('our server (HASH): upload and download compare digests, and pass', async () => {
    await using t = await startServer();
    const proxy = await FtpProxy.start({ host: '127.0.0.1', port: t.port });
    try {
      const ftp = new FtpPy(`ftp://127.0.0.1:${proxy.port}`, { auth: new Basic(USER, PASSWORD), retry: { total: 0 } });
      await ftp.client(async (c) => {
        assert.equal(await c.upload(source, '/upload/s.bin', { checksum: true }), true);
        assert.equal(await c.download('/upload/s.bin', join(local.dir, 'own.bin'), { checksum: true }), true);
        assert.equal(await c.download('/pub/hello.txt', join(local.dir, 'hello.txt'), { checksum: true }), true);
      });
      assert.deepEqual(proxy.commands.filter((line) => line.startsWith('HASH')), ['HASH /upload/s.bin', 'HASH /upload/s.bin', 'HASH /pub/hello.txt']);
      assert.deepEqual(readFileSync(join(local.dir, 'own.bin')), DATA);
      await settled();
      assert.deepEqual(warnings.list, []);
    } finally {
      await proxy.close();
    }
  });

  for (const name of ['pyftpdlib', 'vsftpd']) {
    it(`${name} (no hash command): said once, the size compared, the transfers pass`, { skip: skipUnlessUp(name) }, async () => {
      const p = peer(name);
      const remote = `${p.writable_dir}/${uniqueName('checked')}.bin`;
      const ok = await factoryFor(p).client(async (c) => [
        await c.upload(source, remote, { checksum: true }),
        await c.download(remote, join(local.dir, `${name}.bin`), { checksum: true }),
        await c.download(`${p.pub_dir}/hello.txt`, join(local.dir, `${name}.txt`), { checksum: true }),
      ]);
      assert.deepEqual(ok, [true, true, true]);
      assert.deepEqual(readFileSync(join(local.dir, `${name}.bin`)), DATA);
      await settled();
      assert.deepEqual(warnings.list.map((w) => w.code), ['FTPPY_WARN_NO_HASH']);
      assert.match(warnings.list[0]!.message, /size/);
    });
  }

  describe('a scripted server whose HASH lies', () => {
    let server: ScriptServer;
    let lies: number;
    beforeEach(async () => {
      server = await startScriptServer();
      server.features = ['EPSV', 'REST STREAM', 'SIZE', 'UTF8', 'HASH SHA-256*;MD5'];
      server.files.set('/f.bin', DATA);
      lies = 0;
      server.on('HASH', (s, arg) => {
        const file = server.files.get(arg);
        if (!file) return (s.reply('550 No such file'), true);
        const digest = lies > 0 ? sha(Buffer.from('something else')) : sha(file);
        lies -= 1;
        s.reply(`213 SHA-256 0-${file.length} ${digest} ${arg}`);
        return true;
      });
    });
    afterEach(() => server.close());

    const ftp = (total: number): FtpPy => new FtpPy(`ftp://127.0.0.1:${server.port}`, { auth: new Basic('u', 'p'), retry: { total, backoff: 0.01 } });
    const count = (verb: string): number => server.log.flat().filter((line) => line.startsWith(`${verb} `)).length;

    it('download: one lie is a mismatch, retried from the start, and the file arrives', async () => {
      lies = 1;
      assert.equal(await ftp(2).client((c) => c.download('/f.bin', join(local.dir, 'retried.bin'), { checksum: true })), true);
      assert.equal(count('RETR'), 2);
      assert.equal(count('REST'), 0, 'a file that did not match is not resumed');
      assert.deepEqual(readFileSync(join(local.dir, 'retried.bin')), DATA);
    });

    it('download: a server that always lies fails with FTPPY_ERR_CHECKSUM and leaves no file', async () => {
      lies = 100;
      const dir = tempDir('ftppy-checked-lies-');
      assert.equal(await ftp(1).client((c) => c.download('/f.bin', join(dir.dir, 'never.bin'), { checksum: true })), false);
      assert.equal(count('RETR'), 2);
      assert.equal(existsSync(join(dir.dir, 'never.bin')), false);
      assert.deepEqual(readdirSync(dir.dir), []);
      await settled();
      assert.deepEqual(warnings.list.map((w) => w.code), ['FTPPY_ERR_CHECKSUM']);
      assert.match(warnings.list[0]!.message, /SHA-256/);
      dir.remove();
    });

    it('upload: one lie is retried from the start; always lying fails with FTPPY_ERR_CHECKSUM', async () => {
      lies = 1;
      assert.equal(await ftp(2).client((c) => c.upload(source, '/up.bin', { checksum: true })), true);
      assert.equal(count('STOR'), 2);
      assert.equal(count('REST'), 0);
      assert.deepEqual(server.files.get('/up.bin'), DATA);
      lies = 100;
      assert.equal(await ftp(1).client((c) => c.upload(source, '/up2.bin', { checksum: true })), false);
      await settled();
      assert.deepEqual(warnings.list.map((w) => w.code), ['FTPPY_ERR_CHECKSUM']);
    });

    it('without checksum: true no HASH is asked', async () => {
      lies = 100;
      assert.equal(await ftp(0).client((c) => c.download('/f.bin', join(local.dir, 'plain.bin'))), true);
      assert.equal(count('HASH'), 0);
    });
  });
});

describe('ftppy get/put --checksum', { timeout: 30_000 }, () => {
  it('asks the server\'s HASH after each transfer', async () => {
    await using t = await startServer();
    const proxy = await FtpProxy.start({ host: '127.0.0.1', port: t.port });
    try {
      const url = `ftp://${USER}:${PASSWORD}@127.0.0.1:${proxy.port}/upload/cli.bin`;
      const put = await ftppy(['put', '--checksum', source, url]);
      assert.equal(put.code, 0, put.stderr);
      const got = await ftppy(['get', '--checksum', url, join(local.dir, 'cli.bin')]);
      assert.equal(got.code, 0, got.stderr);
      assert.deepEqual(proxy.commands.filter((line) => line.startsWith('HASH')), ['HASH /upload/cli.bin', 'HASH /upload/cli.bin']);
      assert.deepEqual(readFileSync(join(local.dir, 'cli.bin')), DATA);
      assert.match((await ftppy(['get', '--help'])).stdout, /--checksum/);
      assert.match((await ftppy(['put', '--help'])).stdout, /--checksum/);
    } finally {
      await proxy.close();
    }
  });
});
