// WebDAV dead properties kept beside the files (server/fs/dead-properties.ts): stored,
// read back, following the file on rename and delete, copied on request, and the hidden
// folder that holds them neither listed nor reachable, over FTP as over the filesystem.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DiskStorage, FileSystemError, MemoryStorage, UserFileSystem, type Rights, type Storage } from '../../server/index.js';
import { tempDir } from '../helpers/files.js';
import { connectData, RawFtp, readAll } from '../helpers/raw-ftp.js';
import { PASSWORD, startServer, USER } from '../helpers/test-server.js';

const ALL: Rights = { read: true, write: true, delete: true, mkdir: true, rename: true };
const folder = tempDir('ftppy-props-');
after(() => folder.remove());
const code = (c: string) => (e: unknown) => e instanceof FileSystemError && e.code === c;
const P = (value: string): Record<string, string> => ({ '{urn:x}p': `<p xmlns="urn:x">${value}</p>` });

async function names(fs: UserFileSystem, path: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of fs.list(path)) found.push(entry.name);
  return found;
}

for (const [name, make] of [
  ['memory', (): Storage => new MemoryStorage({ '/a/f.txt': 'f', '/a/sub/g.txt': 'g' })],
  ['disk', (): Storage => {
    const root = join(folder.dir, `disk-${Math.random().toString(36).slice(2)}`);
    mkdirSync(root);
    return new DiskStorage(root);
  }],
] as const) {
  describe(`dead properties over ${name} storage`, { timeout: 20_000 }, () => {
    it('are stored, read back, follow a rename of the file and of its folder, and go with a delete', async () => {
      const storage = make();
      const fs = await UserFileSystem.open(storage, '/', ALL);
      if (name === 'disk') {
        await fs.mkdir('/a');
        await fs.mkdir('/a/sub');
        for (const [path, text] of [['/a/f.txt', 'f'], ['/a/sub/g.txt', 'g']] as const) {
          const up = await fs.upload(path);
          up.stream.end(text);
          await new Promise((r) => up.stream.once('finish', r));
          await up.commit();
        }
      }
      assert.deepEqual(await fs.properties('/a/f.txt'), {});
      await fs.setProperties('/a/f.txt', P('one'));
      await fs.setProperties('/a/sub/g.txt', P('two'));
      await fs.setProperties('/', P('root'));
      assert.deepEqual(await fs.properties('/a/f.txt'), P('one'));
      assert.deepEqual(await fs.properties('/'), P('root'));
      await fs.rename('/a/f.txt', '/a/h.txt');
      assert.deepEqual(await fs.properties('/a/h.txt'), P('one'));
      await fs.rename('/a', '/b');
      assert.deepEqual(await fs.properties('/b/h.txt'), P('one'));
      assert.deepEqual(await fs.properties('/b/sub/g.txt'), P('two'));
      await fs.copyProperties('/b/h.txt', '/b/sub', false);
      assert.deepEqual(await fs.properties('/b/sub'), P('one'));
      await fs.remove('/b/h.txt');
      const up = await fs.upload('/b/h.txt');
      up.stream.end('again');
      await new Promise((r) => up.stream.once('finish', r));
      await up.commit();
      assert.deepEqual(await fs.properties('/b/h.txt'), {}, 'a new file under an old name starts bare');
      await fs.setProperties('/b/h.txt', {});
      assert.deepEqual(await fs.properties('/b/h.txt'), {});
    });

    it('live in a folder no user lists or reaches', async () => {
      const fs = await UserFileSystem.open(make(), '/', ALL);
      await fs.setProperties('/', P('root'));
      assert.ok(!(await names(fs, '/')).includes('.ftppy-dav'));
      await assert.rejects(fs.stat('/.ftppy-dav'), code('EACCES'));
      await assert.rejects(fs.list('/.ftppy-dav')[Symbol.asyncIterator]().next(), code('EACCES'));
      await assert.rejects(fs.upload('/.ftppy-dav/=x'), code('EACCES'));
      await assert.rejects(fs.mkdir('/.ftppy-dav/y'), code('EACCES'));
      await assert.rejects(fs.remove('/.ftppy-dav/='), code('EACCES'));
      await assert.rejects(fs.rename('/.ftppy-dav', '/stolen'), code('EACCES'));
    });
  });
}

describe('the properties folder over FTP', { timeout: 20_000 }, () => {
  it('is not listed by LIST -a, NLST or MLSD, and CWD, RETR, RNFR refuse it', async () => {
    const t = await startServer();
    try {
      const fs = await UserFileSystem.open(new DiskStorage(t.root), '/', ALL);
      await fs.setProperties('/pub/hello.txt', P('kept'));
      assert.ok(existsSync(join(t.root, '.ftppy-dav')), 'the folder is made on disk');
      assert.ok(readdirSync(t.root).includes('.ftppy-dav'));
      const ftp = await RawFtp.connect(t.port);
      try {
        assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
        for (const listing of ['LIST -a /', 'NLST /', 'MLSD /']) {
          const data = await connectData(await ftp.epsv());
          const read = readAll(data);
          assert.equal((await ftp.cmd(listing)).code, 150, listing);
          const text = (await read).toString();
          assert.equal((await ftp.reply()).code, 226);
          assert.ok(text.includes('pub'), `${listing}: ${text}`);
          assert.ok(!text.includes('.ftppy-dav'), `${listing} shows the properties folder: ${text}`);
        }
        assert.equal((await ftp.cmd('CWD /.ftppy-dav')).code, 550);
        assert.equal((await ftp.cmd('RNFR /.ftppy-dav')).code, 550);
        assert.equal((await ftp.cmd('MKD /.ftppy-dav/x')).code, 550);
      } finally {
        ftp.close();
      }
    } finally {
      await t.close();
    }
  });
});
