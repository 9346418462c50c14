// Quotas: an account's `quota: { bytes, files }` over its home. An upload that would pass
// it gets 552 (RFC 959: "Requested file action aborted. Exceeded storage allocation")
// from FTP, 507 from the web API, and leaves nothing behind: no partial file, no
// temporary file, an appended-to file as it was. SITE QUOTA and the web status say how
// much is used. Driven with ftplib, curl and raw commands.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startWebServer, type WebServer } from '../../http/index.js';
import { resolveOptions } from '../../server/options.js';
import { expectSuccess, python, run, skipUnless } from '../helpers/external-clients.js';
import { pseudoRandom, sha256, tempDir } from '../helpers/files.js';
import { RawFtp } from '../helpers/raw-ftp.js';
import { startServer, type TestServer } from '../helpers/test-server.js';
import { ask } from '../http/support/web.js';

const KiB = 1024;
const KEEP = pseudoRandom(512 * KiB, 11);
const local = tempDir('ftppy-quota-');
after(() => local.remove());

const FTPLIB_STORE = `
import ftplib, io, sys
ftp = ftplib.FTP(timeout=20)
ftp.connect('127.0.0.1', int(sys.argv[1]))
ftp.login('q', 'pw')
try:
    ftp.storbinary(sys.argv[2] + ' ' + sys.argv[3], io.BytesIO(b'x' * int(sys.argv[4])))
    print('stored')
except ftplib.error_perm as e:
    print(str(e))
except (ConnectionResetError, BrokenPipeError):
    # Refused mid-upload, the data connection closed while ftplib was still sending (the
    # server stops reading it): the server's reply waits on the control connection.
    try:
        print(ftp.voidresp())
    except ftplib.error_perm as e:
        print(str(e))
ftp.quit()
`;

async function ftplibStore(port: number, verb: string, name: string, bytes: number): Promise<string> {
  return expectSuccess(await python(FTPLIB_STORE, [port, verb, name, bytes], 25_000), 'ftplib').trim();
}

async function siteQuota(port: number): Promise<string> {
  const raw = await RawFtp.connect(port);
  try {
    await raw.login('q', 'pw');
    const reply = await raw.cmd('SITE QUOTA');
    assert.equal(reply.code, 200, reply.message);
    return reply.message;
  } finally {
    raw.close();
  }
}

describe('quotas', { skip: skipUnless('curl') || skipUnless('python3') }, () => {
  let t: TestServer;
  let web: WebServer;
  let home: string;
  const curl = (...args: string[]) => run('curl', ['-sS', '--max-time', '20', '-u', 'q:pw', ...args]);
  const names = (): string[] => readdirSync(home).sort();
  before(async () => {
    t = await startServer({ users: [{ name: 'q', password: 'pw', home: '/q', quota: { bytes: 1024 * KiB, files: 4 } }] });
    home = join(t.root, 'q');
    mkdirSync(home);
    writeFileSync(join(home, 'keep.bin'), KEEP);
    web = await startWebServer({ port: 0, server: t.server });
  });
  after(async () => {
    await web?.close();
    await t?.close();
  });

  it('SITE QUOTA reports what the home held before the server wrote anything, and the limits', { timeout: 20_000 }, async () => {
    const text = await siteQuota(t.port);
    assert.match(text, /bytes: 524288 used of 1048576/);
    assert.match(text, /files: 1 used of 4/);
    const help = await RawFtp.connect(t.port);
    await help.login('q', 'pw');
    assert.match((await help.cmd('SITE HELP')).message, /QUOTA/);
    help.close();
  });

  it('a STOR past the quota, with ftplib: 552, and no file or temporary file left', { timeout: 90_000 }, async () => {
    const said = await ftplibStore(t.port, 'STOR', 'big.bin', 1024 * KiB);
    assert.match(said, /^552 /);
    assert.deepEqual(names(), ['keep.bin']);
    assert.match(await siteQuota(t.port), /bytes: 524288 used/);
  });

  it('a STOR past the quota, with curl -T: 552, nothing left', { timeout: 90_000 }, async () => {
    const file = join(local.dir, 'big.bin');
    writeFileSync(file, pseudoRandom(1024 * KiB, 2));
    const result = await curl('-T', file, `ftp://127.0.0.1:${t.port}/big.bin`);
    // curl's exit 70 (CURLE_REMOTE_DISK_FULL) is its name for a 552 reply.
    assert.equal(result.code, 70, result.stderr);
    assert.match(result.stderr, /Exceeded storage allocation/);
    assert.deepEqual(names(), ['keep.bin']);
  });

  it('an APPE past the quota, with curl --append and ftplib: 552, the file as it was', { timeout: 90_000 }, async () => {
    const file = join(local.dir, 'more.bin');
    writeFileSync(file, pseudoRandom(600 * KiB, 4));
    const result = await curl('--append', '-T', file, `ftp://127.0.0.1:${t.port}/keep.bin`);
    assert.equal(result.code, 70, result.stderr);
    assert.equal(sha256(readFileSync(join(home, 'keep.bin'))), sha256(KEEP));
    assert.match(await ftplibStore(t.port, 'APPE', 'keep.bin', 600 * KiB), /^552 /);
    assert.equal(sha256(readFileSync(join(home, 'keep.bin'))), sha256(KEEP));
    assert.deepEqual(names(), ['keep.bin']);
    assert.match(await siteQuota(t.port), /bytes: 524288 used/);
  });

  it('an upload within the quota is stored and counted; replacing a file counts its new size only', { timeout: 90_000 }, async () => {
    assert.equal(await ftplibStore(t.port, 'STOR', 'a.bin', 100 * KiB), 'stored');
    assert.equal(await ftplibStore(t.port, 'STOR', 'a.bin', 200 * KiB), 'stored');
    assert.match(await siteQuota(t.port), /bytes: 729088 used of 1048576[^]*files: 2 used of 4/);
    assert.equal(await ftplibStore(t.port, 'APPE', 'a.bin', 10 * KiB), 'stored');
    assert.match(await siteQuota(t.port), /bytes: 739328 used/);
  });

  it('the files limit: the fifth file gets 552 at once, a deleted one makes room again', { timeout: 90_000 }, async () => {
    assert.equal(await ftplibStore(t.port, 'STOR', 'b.bin', 1), 'stored');
    assert.equal(await ftplibStore(t.port, 'STOR', 'c.bin', 1), 'stored');
    assert.match(await ftplibStore(t.port, 'STOR', 'd.bin', 1), /^552 /);
    assert.ok(!names().includes('d.bin'));
    assert.equal(await ftplibStore(t.port, 'STOR', 'c.bin', 2), 'stored', 'replacing a file is not a new file');
    const raw = await RawFtp.connect(t.port);
    await raw.login('q', 'pw');
    assert.equal((await raw.cmd('DELE c.bin')).code, 250);
    raw.close();
    assert.match(await siteQuota(t.port), /files: 3 used of 4/);
    assert.equal(await ftplibStore(t.port, 'STOR', 'd.bin', 1), 'stored');
  });

  it('the web API answers 507 past the quota and keeps nothing; its status shows the quota', { timeout: 90_000 }, async () => {
    const raw = await RawFtp.connect(t.port);
    await raw.login('q', 'pw');
    assert.equal((await raw.cmd('DELE d.bin')).code, 250);
    raw.close();
    const before = names();
    const answer = await ask(web.port, 'PUT', '/files/web.bin', { auth: 'q:pw', body: pseudoRandom(400 * KiB, 9) });
    assert.equal(answer.status, 507, answer.text);
    assert.match(answer.text, /quota|storage allocation/i);
    assert.deepEqual(names(), before);
    const small = await ask(web.port, 'PUT', '/files/web.bin', { auth: 'q:pw', body: 'tiny' });
    assert.equal(small.status, 201, small.text);
    const status = await ask(web.port, 'GET', '/', { auth: 'q:pw', headers: { Accept: 'application/json' } });
    const quota = status.json<{ quota: { bytes: { used: number; limit: number }; files: { used: number; limit: number } } }>().quota;
    assert.deepEqual(quota.files, { used: 4, limit: 4 });
    assert.equal(quota.bytes.limit, 1024 * KiB);
    assert.equal(quota.bytes.used, statSync(join(home, 'keep.bin')).size + statSync(join(home, 'a.bin')).size + 1 + 4);
    assert.equal((await ask(web.port, 'DELETE', '/files/web.bin', { auth: 'q:pw' })).status, 204);
    assert.match(await siteQuota(t.port), /files: 3 used of 4/);
  });
});

describe('usage kept current by every write the server makes', { skip: skipUnless('curl') }, () => {
  let t: TestServer;
  let web: WebServer;
  before(async () => {
    t = await startServer({
      users: [
        { name: 'q', password: 'pw', home: '/q', quota: { bytes: 1000, files: 10 } },
        { name: 'root', password: 'pw' },
      ],
    });
    mkdirSync(join(t.root, 'q/sub'), { recursive: true });
    writeFileSync(join(t.root, 'q/a.txt'), 'x'.repeat(100));
    writeFileSync(join(t.root, 'q/sub/b.txt'), 'x'.repeat(200));
    symlinkSync(join(t.root, 'q/a.txt'), join(t.root, 'q/link.txt'));
    web = await startWebServer({ port: 0, server: t.server });
  });
  after(async () => {
    await web?.close();
    await t?.close();
  });

  const usage = async (): Promise<[number, number]> => {
    const m = /bytes: (\d+) used[^]*files: (\d+) used/.exec(await siteQuota(t.port));
    return [Number(m![1]), Number(m![2])];
  };

  it('counts the home at first use, folders and links left out', { timeout: 20_000 }, async () => {
    assert.deepEqual(await usage(), [300, 2]);
  });

  it('RNTO over a file frees the file replaced; STOU adds a file', { timeout: 20_000 }, async () => {
    const raw = await RawFtp.connect(t.port);
    await raw.login('q', 'pw');
    assert.equal((await raw.cmd('RNFR a.txt')).code, 350);
    assert.equal((await raw.cmd('RNTO sub/b.txt')).code, 250);
    raw.close();
    assert.deepEqual(await usage(), [100, 1]);
    const result = await run('curl', ['-sS', '-u', 'q:pw', '-T', '-', `ftp://127.0.0.1:${t.port}/sub/c.txt`], { input: 'y'.repeat(50) });
    expectSuccess(result, 'curl -T -');
    assert.deepEqual(await usage(), [150, 2]);
  });

  it("another account's writes into the home count too (its home is the root)", { timeout: 20_000 }, async () => {
    const put = await ask(web.port, 'PUT', '/files/q/from-root.txt', { auth: 'root:pw', body: 'z'.repeat(25) });
    assert.equal(put.status, 201, put.text);
    assert.deepEqual(await usage(), [175, 3]);
    const raw = await RawFtp.connect(t.port);
    await raw.login('root', 'pw');
    assert.equal((await raw.cmd('DELE /q/sub/c.txt')).code, 250);
    raw.close();
    assert.deepEqual(await usage(), [125, 2]);
  });

  it('a recursive web delete frees every file it removes', { timeout: 20_000 }, async () => {
    assert.equal((await ask(web.port, 'DELETE', '/files/sub?recursive=1', { auth: 'q:pw' })).status, 204);
    assert.deepEqual(await usage(), [25, 1]);
  });
});

it('quotas are checked: whole numbers ≥ 0, known keys', { timeout: 20_000 }, () => {
  assert.throws(() => resolveOptions({ users: [{ name: 'a', password: 'b', quota: { bytes: -1 } }] }), /users\[0\]\.quota\.bytes/);
  assert.throws(() => resolveOptions({ users: [{ name: 'a', password: 'b', quota: { size: 1 } as never }] }), /unknown option "size"/);
  assert.deepEqual(resolveOptions({ users: [{ name: 'a', password: 'b', quota: { files: 3 } }] }).users[0]!.quota, { bytes: null, files: 3 });
});
