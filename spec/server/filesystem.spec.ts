// The virtual filesystem without FTP in between: path resolution, the storages (disk and
// memory) behind one interface, and the user's view with its root, rights and uploads
// that appear only when complete. Also a whole server over the memory storage.
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, describe, it } from 'node:test';
import { createServer, DiskStorage, FileSystemError, MemoryStorage, UserFileSystem, type Rights, type Storage } from '../../server/index.js';
import { toFileSystemError } from '../../server/fs/errors.js';
import { resolveVirtual } from '../../server/fs/path.js';
import { tempDir } from '../helpers/files.js';
import { connectData, RawFtp, readAll } from '../helpers/raw-ftp.js';

const ALL: Rights = { read: true, write: true, delete: true, mkdir: true, rename: true };
const folder = tempDir('ftppy-fs-');
after(() => folder.remove());

const code = (c: string) => (e: unknown): boolean => e instanceof FileSystemError && e.code === c;

async function collect(iterable: AsyncIterable<{ name: string }>): Promise<string[]> {
  const names = [];
  for await (const entry of iterable) names.push(entry.name);
  return names.sort();
}

async function text(stream: Readable): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += chunk;
  return out;
}

describe('virtual paths', () => {
  const cases: [string, string, string][] = [
    ['/', 'a/b', '/a/b'],
    ['/a', 'b', '/a/b'],
    ['/a/b', '..', '/a'],
    ['/a', '../../../..', '/'],
    ['/a', '/x/./y//z/', '/x/y/z'],
    ['/a', '', '/a'],
    ['/a', '.', '/a'],
    ['/', '..\\..', '/..\\..'], // a backslash is a file name character on the server
  ];
  for (const [cwd, input, expected] of cases) {
    it(`${cwd} + ${JSON.stringify(input)} → ${expected}`, () => assert.equal(resolveVirtual(cwd, input), expected));
  }
  it('refuses NUL', () => assert.throws(() => resolveVirtual('/', 'a\0b'), code('EINVAL')));
});

for (const [name, make] of [
  ['memory', (): Storage => new MemoryStorage({ '/pub/a.txt': 'alpha', '/pub/sub/': null, '/home/bob/b.txt': 'bob' })],
  ['disk', (): Storage => {
    const root = join(folder.dir, 'disk');
    mkdirSync(join(root, 'pub/sub'), { recursive: true });
    mkdirSync(join(root, 'home/bob'), { recursive: true });
    writeFileSync(join(root, 'pub/a.txt'), 'alpha');
    writeFileSync(join(root, 'home/bob/b.txt'), 'bob');
    return new DiskStorage(root);
  }],
] as const) {
  describe(`UserFileSystem over ${name} storage`, () => {
    const storage = make();

    it('lists, stats and reads', async () => {
      const fs = await UserFileSystem.open(storage, '/', ALL);
      assert.deepEqual(await collect(fs.list('/pub')), ['a.txt', 'sub']);
      assert.deepEqual(await collect(fs.list('/pub/a.txt')), ['a.txt']);
      const info = await fs.stat('/pub/a.txt');
      assert.equal(info.kind, 'file');
      assert.equal(info.size, 5);
      assert.equal((await fs.stat('/')).name, '/');
      assert.equal(await text((await fs.read('/pub/a.txt', 2)).stream), 'pha');
      await assert.rejects(fs.read('/pub/sub'), code('EISDIR'));
      await assert.rejects(fs.read('/pub/a.txt', 6), code('ERANGE'));
      await assert.rejects(fs.stat('/missing'), code('ENOENT'));
    });

    it('an upload is invisible until committed, and leaves nothing when discarded', async () => {
      const fs = await UserFileSystem.open(storage, '/', ALL);
      const upload = await fs.upload('/pub/new.txt');
      await pipeline(Readable.from([Buffer.from('fresh')]), upload.stream);
      await assert.rejects(fs.stat('/pub/new.txt'), code('ENOENT'));
      await upload.commit();
      assert.equal(await text((await fs.read('/pub/new.txt')).stream), 'fresh');
      const replaced = await fs.upload('/pub/new.txt');
      replaced.stream.destroy();
      await replaced.discard();
      assert.equal(await text((await fs.read('/pub/new.txt')).stream), 'fresh');
      assert.deepEqual(await collect(fs.list('/pub')), ['a.txt', 'new.txt', 'sub']);
    });

    it('appends and resumes in place; picks unique names', async () => {
      const fs = await UserFileSystem.open(storage, '/', ALL);
      const append = await fs.upload('/pub/new.txt', { append: true });
      await pipeline(Readable.from([Buffer.from(' and more')]), append.stream);
      const resume = await fs.upload('/pub/new.txt', { start: 5 });
      await pipeline(Readable.from([Buffer.from('!')]), resume.stream);
      assert.equal(await text((await fs.read('/pub/new.txt')).stream), 'fresh!');
      await assert.rejects(fs.upload('/pub/new.txt', { start: 99 }), code('ERANGE'));
      const first = await fs.upload('/pub/unique', { unique: true });
      const second = await fs.upload('/pub/unique', { unique: true });
      await pipeline(Readable.from([Buffer.from('1')]), first.stream);
      await pipeline(Readable.from([Buffer.from('2')]), second.stream);
      assert.equal(first.path, '/pub/unique');
      assert.match(second.path, /^\/pub\/unique\.[0-9a-f]{8}$/);
    });

    it('makes, renames and removes, refusing what cannot be', async () => {
      const fs = await UserFileSystem.open(storage, '/', ALL);
      await fs.mkdir('/pub/dir');
      await assert.rejects(fs.mkdir('/pub/dir'), code('EEXIST'));
      await fs.rename('/pub/new.txt', '/pub/dir/moved.txt');
      await assert.rejects(fs.rename('/pub/dir', '/pub/dir/inside'), code('EINVAL'));
      await assert.rejects(fs.rmdir('/pub/dir'), code('ENOTEMPTY'));
      await assert.rejects(fs.remove('/pub/dir'), code('EISDIR'));
      await fs.remove('/pub/dir/moved.txt');
      await fs.rmdir('/pub/dir');
      await assert.rejects(fs.rmdir('/'), code('EACCES'));
      await assert.rejects(fs.rename('/', '/x'), code('EACCES'));
      await fs.setModified('/pub/a.txt', new Date('2020-01-02T03:04:05Z'));
      assert.equal((await fs.stat('/pub/a.txt')).modified.toISOString(), '2020-01-02T03:04:05.000Z');
      await fs.chmod('/pub/a.txt', 0o4755);
      assert.equal((await fs.stat('/pub/a.txt')).mode & 0o7777, 0o755); // no setuid from outside
    });

    it('keeps a user inside a home, which it creates when missing', async () => {
      const bob = await UserFileSystem.open(storage, '/home/bob', ALL);
      assert.deepEqual(await collect(bob.list('/')), ['b.txt']);
      assert.equal(bob.resolve('/', '../../pub/a.txt'), '/pub/a.txt');
      await assert.rejects(bob.stat('/pub/a.txt'), code('ENOENT'));
      const carol = await UserFileSystem.open(storage, '/home/carol/files', ALL);
      assert.deepEqual(await collect(carol.list('/')), []);
    });

    it('enforces rights', async () => {
      const none: Rights = { read: false, write: false, delete: false, mkdir: false, rename: false };
      const fs = await UserFileSystem.open(storage, '/', none);
      await assert.rejects(fs.list('/pub')[Symbol.asyncIterator]().next(), code('EACCES'));
      await assert.rejects(fs.read('/pub/a.txt'), code('EACCES'));
      await assert.rejects(fs.upload('/pub/x'), code('EACCES'));
      await assert.rejects(fs.mkdir('/pub/x'), code('EACCES'));
      await assert.rejects(fs.rmdir('/pub/sub'), code('EACCES'));
      await assert.rejects(fs.remove('/pub/a.txt'), code('EACCES'));
      await assert.rejects(fs.rename('/pub/a.txt', '/pub/b'), code('EACCES'));
      await assert.rejects(fs.setModified('/pub/a.txt', new Date()), code('EACCES'));
      await assert.rejects(fs.chmod('/pub/a.txt', 0o600), code('EACCES'));
      assert.equal((await fs.stat('/pub/a.txt')).size, 5); // looking is not reading
    });
  });
}

describe('disk storage and symbolic links', () => {
  const root = join(folder.dir, 'links');
  mkdirSync(join(root, 'in'), { recursive: true });
  writeFileSync(join(root, 'in/file.txt'), 'x');
  symlinkSync('/etc', join(root, 'out'));
  symlinkSync(join(root, 'in'), join(root, 'in-link'));
  symlinkSync(join(root, 'missing'), join(root, 'dangling'));
  const disk = new DiskStorage(root);

  it('realpath follows links inside, and says null for ways out', async () => {
    assert.equal(await disk.realpath('/in-link/file.txt'), '/in/file.txt');
    assert.equal(await disk.realpath('/in-link/new.txt'), '/in/new.txt');
    assert.equal(await disk.realpath('/out/hostname'), null);
    assert.equal(await disk.realpath('/dangling'), null);
    assert.equal(await disk.realpath('/'), '/');
  });

  it('a root that does not exist fails with ENOENT, and works once created', async () => {
    const later = new DiskStorage(join(folder.dir, 'later'));
    await assert.rejects(later.stat('/'), code('ENOENT'));
    mkdirSync(join(folder.dir, 'later'));
    assert.equal((await later.stat('/')).kind, 'dir');
  });

  it('maps Node errors onto the error codes', () => {
    const errno = (c: string): Error => Object.assign(new Error(c), { code: c });
    assert.equal(toFileSystemError(errno('EPERM'), '/x').code, 'EACCES');
    assert.equal(toFileSystemError(errno('ENAMETOOLONG'), '/x').code, 'EINVAL');
    assert.equal(toFileSystemError(errno('EDQUOT'), '/x').code, 'ENOSPC');
    assert.equal(toFileSystemError(errno('EMFILE'), '/x').code, 'EIO');
    assert.equal(toFileSystemError(errno('ENOTEMPTY'), '/x').code, 'ENOTEMPTY');
  });
});

describe('a server over the memory storage', () => {
  it('stores, lists and retrieves without touching the disk', async () => {
    const storage = new MemoryStorage({ '/readme.txt': 'in memory\n' });
    await using server = await createServer({ port: 0, storage, users: [{ name: 'm', password: 'm' }] });
    const ftp = await RawFtp.connect(server.port);
    await ftp.login('m', 'm');
    await ftp.cmd('TYPE I');
    let data = await connectData(await ftp.epsv());
    assert.equal((await ftp.cmd('STOR up.txt')).code, 150);
    data.end('uploaded');
    assert.equal((await ftp.reply()).code, 226);
    assert.equal(storage.contents('/up.txt')?.toString(), 'uploaded');
    data = await connectData(await ftp.epsv());
    const listing = readAll(data);
    assert.equal((await ftp.cmd('NLST')).code, 150);
    assert.deepEqual((await listing).toString().split('\r\n').filter(Boolean).sort(), ['readme.txt', 'up.txt']);
    assert.equal((await ftp.reply()).code, 226);
    assert.deepEqual(storage.paths(), ['/readme.txt', '/up.txt']);
    ftp.close();
  });
});
