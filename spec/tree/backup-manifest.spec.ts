// Backups keep their metadata on every server (issue 15 item 7): each backup folder holds
// a manifest (path, size, modification time, mode and SHA-256 of every file, folders
// too), `restore` gives files and folders their times and modes from it, `verifyBackup`
// checks content against it even on a server without HASH (downloaded and hashed), and
// `backups()` shows each backup's file count and size. Against our server (MFMT, HASH) and
// aioftp (neither, nor SITE CHMOD).
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Basic, FtpPy, type Client } from '../../lib/index.js';
import { skipOutsideCi } from '../helpers/ci.js';
import { tempDir } from '../helpers/files.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';

const T_A = new Date('2020-01-02T03:04:05Z');
const T_SUB = new Date('2019-05-05T05:05:05Z');
const T_B = new Date('2018-08-08T08:08:08Z');
const T_SRC = new Date('2017-07-07T07:07:07Z');

/** src/a.txt (0640), src/sub/ (0750), src/sub/b.txt (0600), each with an old time of its own. */
function makeSource(dir: string): string {
  const src = join(dir, 'src');
  mkdirSync(join(src, 'sub'), { recursive: true });
  writeFileSync(join(src, 'a.txt'), 'alpha content\n');
  writeFileSync(join(src, 'sub', 'b.txt'), 'bravo\n');
  chmodSync(join(src, 'a.txt'), 0o640);
  chmodSync(join(src, 'sub', 'b.txt'), 0o600);
  chmodSync(join(src, 'sub'), 0o750);
  utimesSync(join(src, 'a.txt'), T_A, T_A);
  utimesSync(join(src, 'sub', 'b.txt'), T_B, T_B);
  utimesSync(join(src, 'sub'), T_SUB, T_SUB);
  utimesSync(src, T_SRC, T_SRC);
  return src;
}

async function readRemote(client: Client, path: string): Promise<string> {
  const chunks: Buffer[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => void (chunks.push(chunk), done()) });
  assert.equal(await client.downloadTo(path, sink), true, `download ${path}`);
  return Buffer.concat(chunks).toString();
}

const mode = (path: string): number => statSync(path).mode & 0o7777;
const mtime = (path: string): number => Math.floor(statSync(path).mtimeMs / 1000) * 1000;

/** The whole round: backup, manifest, backups(), restore with times and modes, verifyBackup catching a change. */
async function roundTrip(client: Client, local: string, target: string, corrupt: (path: string) => void): Promise<void> {
  const src = makeSource(local);
  assert.deepEqual(await client.backup(src, target), { [src]: true });
  const [made] = (await client.backups(target)) ?? [];
  assert.ok(made, 'a backup is listed');
  assert.equal(made.files, 2);
  assert.equal(made.size, 'alpha content\n'.length + 'bravo\n'.length);

  const manifest = JSON.parse(await readRemote(client, `${made.path}/.ftppy-manifest.json`)) as { entries: { path: string; sha256?: string; mode: string }[] };
  const a = manifest.entries.find((entry) => entry.path === 'src/a.txt');
  assert.equal(a?.sha256, createHash('sha256').update('alpha content\n').digest('hex'));
  assert.equal(a?.mode, '640');

  const dst = join(local, 'restored');
  const restored = await client.restore(made.path, dst);
  assert.ok(Object.values(restored).every(Boolean), JSON.stringify(restored));
  assert.deepEqual(readdirSync(dst), ['src'], 'the manifest is not restored as a file');
  assert.equal(mode(join(dst, 'src', 'a.txt')), 0o640);
  assert.equal(mode(join(dst, 'src', 'sub', 'b.txt')), 0o600);
  assert.equal(mode(join(dst, 'src', 'sub')), 0o750);
  assert.equal(mtime(join(dst, 'src', 'a.txt')), T_A.getTime());
  assert.equal(mtime(join(dst, 'src', 'sub', 'b.txt')), T_B.getTime());
  assert.equal(mtime(join(dst, 'src', 'sub')), T_SUB.getTime(), 'folder times are kept');
  assert.equal(mtime(join(dst, 'src')), T_SRC.getTime(), 'the source folder\'s time is kept');

  assert.deepEqual(await client.verifyBackup(made.path), { 'src/a.txt': true, 'src/sub/b.txt': true });
  corrupt(`${made.path}/src/a.txt`);
  assert.deepEqual(await client.verifyBackup(made.path), { 'src/a.txt': false, 'src/sub/b.txt': true });
}

describe('backup manifests, against our server', { timeout: 30_000 }, () => {
  let t: TestServer;
  const local = tempDir('ftppy-manifest-');
  before(async () => {
    t = await startServer();
  });
  after(async () => {
    await t.close();
    local.remove();
  });

  it('keeps times and modes of files and folders, counts the files, and catches a changed file', async () => {
    const ftp = new FtpPy(`ftp://127.0.0.1:${t.port}`, { auth: new Basic(USER, PASSWORD), retry: { total: 0 } });
    await ftp.client((client) =>
      roundTrip(client, local.dir, '/upload/backups', (path) => writeFileSync(join(t.root, path), 'ALPHA CONTENT\n')),
    );
  });

  it('a backup without a manifest (made before) still lists, with no counts', async () => {
    mkdirSync(join(t.root, 'upload', 'old', 'backup_20200101_000000'), { recursive: true });
    const ftp = new FtpPy(`ftp://127.0.0.1:${t.port}`, { auth: new Basic(USER, PASSWORD), retry: { total: 0 } });
    const [old] = (await ftp.client((client) => client.backups('/upload/old'))) ?? [];
    assert.equal(old?.name, 'backup_20200101_000000');
    assert.equal(old?.files, undefined);
  });
});

/** A Python that imports aioftp: the Debian package installs it for /usr/bin/python3. */
function aioftpPython(): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(python, ['-c', 'import aioftp'], { stdio: 'ignore' });
      return python;
    } catch {
      // not this one
    }
  }
  return null;
}

const SERVE = `
import asyncio, pathlib, sys, aioftp
async def main():
    user = aioftp.User('u', 'p', base_path=pathlib.Path(sys.argv[1]),
                       permissions=[aioftp.Permission('/', readable=True, writable=True)])
    server = aioftp.Server([user])
    await server.start('127.0.0.1', 0)
    print(server.address[1], flush=True)
    await server.serve_forever()
asyncio.run(main())
`;
const python = aioftpPython();

describe('backup manifests, against aioftp (no MFMT, no HASH, no SITE CHMOD)', { skip: skipOutsideCi(python === null ? 'python3-aioftp is not installed' : false), timeout: 30_000 }, () => {
  const folder = tempDir('ftppy-manifest-aioftp-');
  const root = join(folder.dir, 'root');
  let child: ChildProcess;
  let port = 0;
  before(async () => {
    mkdirSync(root);
    child = spawn(python ?? 'python3', ['-c', SERVE, root], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [first] = (await once(child.stdout!, 'data')) as [Buffer];
    port = Number(first.toString().trim());
  });
  after(() => {
    child?.kill();
    folder.remove();
  });

  it('restores times and modes from the manifest, and verifies by downloading', async () => {
    const ftp = new FtpPy(`ftp://127.0.0.1:${port}`, { auth: new Basic('u', 'p'), retry: { total: 0 }, limits: { connections: 2 } });
    const local = join(folder.dir, 'local');
    mkdirSync(local);
    await ftp.client((client) => roundTrip(client, local, '/backups', (path) => writeFileSync(join(root, path), 'ALPHA CONTENT\n')));
    assert.ok(existsSync(join(local, 'restored', 'src', 'a.txt')));
  });
});
