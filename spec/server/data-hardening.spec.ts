// What an upload or a download does to the file around the bytes (issue 12): TYPE A
// leaves a file's own CRLF alone, an overwrite keeps the replaced file's mode and owner,
// names up to 255 bytes are stored and temporary uploads never show, a full disk
// answers 452 and keeps the old file, MFMT answers the time stored, and a file that
// shrinks while it is sent ends with 451.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isTemporaryUpload } from '../../server/fs/user-fs.js';
import { createServer } from '../../server/index.js';
import { expectSuccess, python, run, skipUnless } from '../helpers/external-clients.js';
import { pseudoRandom, tempDir } from '../helpers/files.js';
import { connectData, RawFtp, readAll, writeAll } from '../helpers/raw-ftp.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';
import { until } from '../helpers/wait.js';

const TIMEOUT = { timeout: 20_000 };
let t: TestServer;
before(async () => {
  t = await startServer();
});
after(() => t.close());

async function loggedIn(port = t.port, type = 'I'): Promise<RawFtp> {
  const ftp = await RawFtp.connect(port);
  assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
  assert.equal((await ftp.cmd(`TYPE ${type}`)).code, 200);
  return ftp;
}

/** EPSV, the command and its bytes; resolves with the reply that ends the transfer. */
async function store(ftp: RawFtp, command: string, content: Buffer | string): Promise<{ opening: number; end: string }> {
  const data = await connectData(await ftp.epsv());
  const opening = await ftp.cmd(command);
  if (opening.code !== 150) {
    data.destroy();
    return { opening: opening.code, end: `${opening.code} ${opening.message}` };
  }
  await writeAll(data, content);
  const done = await ftp.reply();
  return { opening: 150, end: `${done.code} ${done.message}` };
}

const leftovers = (dir: string): string[] => readdirSync(dir).filter(isTemporaryUpload);

describe('TYPE A downloads (item 10)', () => {
  it("a Windows text file comes down with its CRLF, not CR CR LF (ftplib's retrlines)", TIMEOUT, async (ctx) => {
    const skip = skipUnless('python3');
    if (skip) return ctx.skip(skip);
    writeFileSync(join(t.root, 'pub/windows.txt'), 'one\r\ntwo\r\nunix\nlast\r\n');
    const script = String.raw`
import ftplib, json, sys
f = ftplib.FTP(timeout=10)
f.connect('127.0.0.1', int(sys.argv[1]))
f.login(sys.argv[2], sys.argv[3])
lines = []
f.retrlines('RETR /pub/windows.txt', lines.append)
f.quit()
print(json.dumps(lines))
`;
    const lines = JSON.parse(expectSuccess(await python(script, [t.port, USER, PASSWORD]), 'ftplib')) as string[];
    assert.deepEqual(lines, ['one', 'two', 'unix', 'last']);
  });

  it('curl in ASCII mode (-B, --crlf): a Unix file goes up and comes back as it was, and a Windows one comes down as lines, with no stray CR', TIMEOUT, async (ctx) => {
    const skip = skipUnless('curl');
    if (skip) return ctx.skip(skip);
    const local = tempDir('ftppy-ascii-');
    try {
      const url = `ftp://127.0.0.1:${t.port}`;
      const auth = ['-sS', '--max-time', '15', '-u', `${USER}:${PASSWORD}`, '-B'];
      writeFileSync(join(local.dir, 'unix.txt'), 'one\ntwo\n');
      expectSuccess(await run('curl', [...auth, '--crlf', '-T', join(local.dir, 'unix.txt'), `${url}/upload/unix.txt`]), 'curl -T');
      assert.equal(readFileSync(join(t.root, 'upload/unix.txt'), 'latin1'), 'one\ntwo\n');
      // curl turns the wire's CRLF into the local LF on the way down.
      assert.equal(expectSuccess(await run('curl', [...auth, `${url}/upload/unix.txt`]), 'curl'), 'one\ntwo\n');
      writeFileSync(join(t.root, 'pub/windows2.txt'), 'a\r\nb\r\n');
      assert.equal(expectSuccess(await run('curl', [...auth, `${url}/pub/windows2.txt`]), 'curl'), 'a\nb\n');
    } finally {
      local.remove();
    }
  });

  it('TYPE A upload then download of CRLF text gives the same bytes on the wire', TIMEOUT, async () => {
    const ftp = await loggedIn(t.port, 'A');
    assert.match((await store(ftp, 'STOR upload/round.txt', 'a\r\nb\rc\r\n')).end, /^226/);
    assert.equal(readFileSync(join(t.root, 'upload/round.txt'), 'latin1'), 'a\nb\rc\n');
    const data = await connectData(await ftp.epsv());
    const received = readAll(data);
    assert.equal((await ftp.cmd('RETR upload/round.txt')).code, 150);
    assert.equal((await received).toString('latin1'), 'a\r\nb\rc\r\n');
    assert.equal((await ftp.reply()).code, 226);
    ftp.close();
  });
});

describe('overwriting a file (item 11)', () => {
  it('keeps the mode of the file it replaces (a chmod 600 file stays 600)', TIMEOUT, async () => {
    const path = join(t.root, 'upload/secret.txt');
    writeFileSync(path, 'old secret');
    chmodSync(path, 0o600);
    const ftp = await loggedIn();
    assert.match((await store(ftp, 'STOR upload/secret.txt', 'new secret')).end, /^226/);
    assert.equal(readFileSync(path, 'utf8'), 'new secret');
    assert.equal((statSync(path).mode & 0o7777).toString(8), '600');
    chmodSync(path, 0o6755); // setuid and setgid are not carried onto uploaded bytes
    assert.match((await store(ftp, 'STOR upload/secret.txt', 'newer')).end, /^226/);
    assert.equal((statSync(path).mode & 0o7777).toString(8), '755');
    ftp.close();
  });

  it('keeps the owner of the file it replaces, where the process may (root)', TIMEOUT, async (ctx) => {
    if (process.getuid?.() !== 0) return ctx.skip('only root may give a file to another user');
    const path = join(t.root, 'upload/owned.txt');
    writeFileSync(path, 'old');
    chownSync(path, 4321, 8765);
    const ftp = await loggedIn();
    assert.match((await store(ftp, 'STOR upload/owned.txt', 'new')).end, /^226/);
    const stat = statSync(path);
    assert.deepEqual([stat.uid, stat.gid], [4321, 8765]);
    ftp.close();
  });
});

describe('long names and temporary uploads (item 12)', () => {
  it('stores a name of 255 bytes, and refuses 256 without showing an internal name', TIMEOUT, async () => {
    const ftp = await loggedIn();
    for (const length of [231, 255]) {
      const name = 'n'.repeat(length);
      const result = await store(ftp, `STOR upload/${name}`, 'long');
      assert.match(result.end, /^226/, `${length} bytes`);
      assert.equal(readFileSync(join(t.root, 'upload', name), 'utf8'), 'long');
    }
    const utf8 = 'é'.repeat(127); // 254 bytes
    assert.match((await store(ftp, `STOR upload/${utf8}`, 'utf8')).end, /^226/);
    const tooLong = await store(ftp, `STOR upload/${'n'.repeat(256)}`, 'x');
    assert.match(tooLong.end, /^553/);
    assert.doesNotMatch(tooLong.end, /ftppy-upload/);
    assert.deepEqual(leftovers(join(t.root, 'upload')), []);
    ftp.close();
  });

  it('an upload in progress is not listed by LIST, NLST or MLSD', TIMEOUT, async () => {
    mkdirSync(join(t.root, 'upload/busy'));
    writeFileSync(join(t.root, 'upload/busy/file.bin'), 'old');
    const uploader = await loggedIn();
    const data = await connectData(await uploader.epsv());
    assert.equal((await uploader.cmd('STOR upload/busy/file.bin')).code, 150);
    data.write(Buffer.alloc(1000));
    const dir = join(t.root, 'upload/busy');
    await until(() => readdirSync(dir).some(isTemporaryUpload), 'the temporary file to exist', 10_000);
    const lister = await loggedIn();
    for (const verb of ['LIST -a', 'NLST -a', 'MLSD', 'LIST', 'NLST']) {
      const listing = await connectData(await lister.epsv());
      const text = readAll(listing);
      assert.equal((await lister.cmd(`${verb} upload/busy`)).code, 150);
      const body = (await text).toString();
      assert.equal((await lister.reply()).code, 226);
      assert.doesNotMatch(body, /ftppy-upload/, verb);
      assert.match(body, /file\.bin/, verb);
    }
    await writeAll(data, 'rest');
    assert.equal((await uploader.reply()).code, 226);
    assert.deepEqual(readdirSync(dir), ['file.bin']);
    uploader.close();
    lister.close();
  });
});

describe('leftover temporary uploads (item 12)', () => {
  it("RMD removes a folder that holds only a crashed upload's temporary file, never a running upload's", TIMEOUT, async () => {
    mkdirSync(join(t.root, 'upload/crashed'));
    writeFileSync(join(t.root, 'upload/crashed/.ftppy-upload.deadbeef.7'), 'left by a crash');
    const ftp = await loggedIn();
    assert.equal((await ftp.cmd('RMD upload/crashed')).code, 250);
    mkdirSync(join(t.root, 'upload/running'));
    const data = await connectData(await ftp.epsv());
    assert.equal((await ftp.cmd('STOR upload/running/new.bin')).code, 150);
    data.write('first bytes');
    await until(() => readdirSync(join(t.root, 'upload/running')).some(isTemporaryUpload), 'the temporary file to exist', 10_000);
    const other = await loggedIn();
    assert.equal((await other.cmd('RMD upload/running')).code, 550);
    await writeAll(data, ', last bytes');
    assert.equal((await ftp.reply()).code, 226);
    assert.equal(readFileSync(join(t.root, 'upload/running/new.bin'), 'utf8'), 'first bytes, last bytes');
    ftp.close();
    other.close();
  });
});

describe('a full disk (item 15)', () => {
  it('answers 452, keeps the previous version and leaves no temporary file (a 1 MiB tmpfs)', TIMEOUT, async (ctx) => {
    const folder = tempDir('ftppy-full-');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', folder.dir], { stdio: 'pipe' });
    } catch (error) {
      folder.remove();
      if (process.env.CI) throw error;
      return ctx.skip(`cannot mount a tmpfs here (needs root): ${(error as Error).message.split('\n')[0]}`);
    }
    try {
      writeFileSync(join(folder.dir, 'keep.bin'), 'previous version');
      const server = await createServer({ host: '127.0.0.1', port: 0, root: folder.dir, users: [{ name: USER, password: PASSWORD }] });
      try {
        const ftp = await loggedIn(server.port);
        const result = await store(ftp, 'STOR keep.bin', pseudoRandom(3 * 1024 * 1024, 15));
        assert.match(result.end, /^452 /);
        assert.equal(readFileSync(join(folder.dir, 'keep.bin'), 'utf8'), 'previous version');
        assert.deepEqual(readdirSync(folder.dir), ['keep.bin']);
        // The session goes on: a small upload fits.
        assert.match((await store(ftp, 'STOR small.txt', 'fits')).end, /^226/);
        ftp.close();
      } finally {
        await server.close();
      }
    } finally {
      execFileSync('umount', [folder.dir]);
      folder.remove();
    }
  });
});

describe('MFMT (item 16)', () => {
  it('answers the time the file got, not the one asked for, when the filesystem cannot hold it', TIMEOUT, async () => {
    writeFileSync(join(t.root, 'upload/dated.txt'), 'x');
    const ftp = await loggedIn();
    const reply = await ftp.cmd('MFMT 99991231235959 upload/dated.txt');
    const mdtm = await ftp.cmd('MDTM upload/dated.txt');
    assert.equal(mdtm.code, 213);
    if (reply.code === 213) {
      assert.match(reply.message, new RegExp(`^Modify=${mdtm.message}; `));
    } else {
      assert.equal(reply.code, 501);
    }
    assert.doesNotMatch(reply.message, /9999/);
    const normal = await ftp.cmd('MFMT 20210304050607 upload/dated.txt');
    assert.equal(`${normal.code} ${normal.message}`, '213 Modify=20210304050607; /upload/dated.txt');
    ftp.close();
  });
});

describe('a file that shrinks while it is sent (item 17)', () => {
  it('ends with 451 when fewer bytes than the 150 announced went out', TIMEOUT, async () => {
    const path = join(t.root, 'pub/shrinking.bin');
    const size = 32 * 1024 * 1024;
    writeFileSync(path, pseudoRandom(size, 17));
    const ftp = await loggedIn();
    // The 150 waits for the data connection, so it is made first and not read until the
    // file has shrunk: the server can have read no more than the socket buffers hold.
    const data = await connectData(await ftp.epsv());
    data.pause();
    const opening = await ftp.cmd('RETR pub/shrinking.bin');
    assert.equal(opening.code, 150);
    assert.match(opening.message, new RegExp(`\\(${size} bytes\\)`));
    truncateSync(path, 1024 * 1024);
    const receiving = readAll(data);
    data.resume(); // a 'data' listener does not resume a stream paused on purpose
    const received = await receiving;
    assert.ok(received.length < size, `received all ${received.length} bytes`);
    const done = await ftp.reply();
    assert.equal(done.code, 451, done.message);
    ftp.close();
  });
});
