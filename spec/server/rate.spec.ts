// Bandwidth limits of the server (an account's `rate`, the server-wide default), measured
// with clients we did not write: ftplib and curl over FTP, curl over the web API. The
// bounds are generous (a loaded machine only makes a transfer slower, and the limit is
// what keeps it from being faster); bench/RESULTS.md has the precise figures.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startWebServer, type WebServer } from '../../http/index.js';
import { FtpPy } from '../../lib/index.js';
import { resolveOptions } from '../../server/options.js';
import { expectSuccess, python, run, skipUnless } from '../helpers/external-clients.js';
import { pseudoRandom, sha256, tempDir } from '../helpers/files.js';
import { startServer, type TestServer } from '../helpers/test-server.js';

const MiB = 1024 * 1024;
const BIG = pseudoRandom(20 * MiB, 3);
const local = tempDir('ftppy-rate-');
after(() => local.remove());

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, (performance.now() - started) / 1000];
}

const FTPLIB_GET = `
import ftplib, sys
ftp = ftplib.FTP()
ftp.connect('127.0.0.1', int(sys.argv[1]))
ftp.login(sys.argv[2], sys.argv[3])
with open(sys.argv[5], 'wb') as out:
    ftp.retrbinary('RETR ' + sys.argv[4], out.write)
ftp.quit()
`;

describe('server bandwidth limits', { skip: skipUnless('curl') || skipUnless('python3') }, () => {
  let t: TestServer;
  let web: WebServer;
  before(async () => {
    t = await startServer({
      rate: { upload: 2 * MiB },
      users: [
        { name: 'slow', password: 'pw', rate: { download: 5 * MiB } },
        { name: 'free', password: 'pw', rate: { download: null, upload: null } },
        { name: 'trickle', password: 'pw', rate: { download: 64 * 1024 } },
      ],
    });
    web = await startWebServer({ port: 0, server: t.server });
    writeFileSync(join(t.root, 'big.bin'), BIG);
  });
  after(async () => {
    await web?.close();
    await t?.close();
  });

  it('a 20 MB download at 5 MB/s, with ftplib, takes about 4 s', { timeout: 30_000 }, async () => {
    const out = join(local.dir, 'ftplib.bin');
    const [result, seconds] = await timed(() => python(FTPLIB_GET, [t.port, 'slow', 'pw', 'big.bin', out], 25_000));
    expectSuccess(result, 'ftplib');
    assert.equal(sha256(readFileSync(out)), sha256(BIG));
    assert.ok(seconds > 3.2 && seconds < 15, `ftplib took ${seconds.toFixed(2)} s`);
  });

  it('a 20 MB download at 5 MB/s, with curl, takes about 4 s', { timeout: 30_000 }, async () => {
    const out = join(local.dir, 'curl.bin');
    const [result, seconds] = await timed(() => run('curl', ['-sS', '--max-time', '25', '-u', 'slow:pw', '-o', out, `ftp://127.0.0.1:${t.port}/big.bin`]));
    expectSuccess(result, 'curl');
    assert.equal(sha256(readFileSync(out)), sha256(BIG));
    assert.ok(seconds > 3.2 && seconds < 15, `curl took ${seconds.toFixed(2)} s`);
  });

  // A large file is read 256 KiB at a time: a file of one read was sent at once, with
  // nothing owed after it, so any number of such files went out unthrottled.
  it('a file of one 256 KiB read is paced too: 3.75 s at 64 KiB/s, over FTP and the web API', { timeout: 30_000 }, async () => {
    const quarter = BIG.subarray(0, 256 * 1024);
    writeFileSync(join(t.root, 'quarter.bin'), quarter);
    for (const [what, url] of [['FTP', `ftp://127.0.0.1:${t.port}/quarter.bin`], ['web', `http://127.0.0.1:${web.port}/files/quarter.bin`]] as const) {
      const out = join(local.dir, `quarter-${what}.bin`);
      const [result, seconds] = await timed(() => run('curl', ['-sS', '--fail', '--max-time', '25', '-u', 'trickle:pw', '-o', out, url]));
      expectSuccess(result, `curl (${what})`);
      assert.equal(sha256(readFileSync(out)), sha256(quarter));
      // (256 - 16 KiB of the bucket) / 64 KiB/s
      assert.ok(seconds > 3.2 && seconds < 15, `${what}: 256 KiB at 64 KiB/s took ${seconds.toFixed(2)} s`);
    }
  });

  it('the server-wide upload rate applies to an account without its own (4 MB at 2 MB/s, curl -T)', { timeout: 30_000 }, async () => {
    const file = join(local.dir, 'up.bin');
    writeFileSync(file, BIG.subarray(0, 4 * MiB));
    const [result, seconds] = await timed(() => run('curl', ['-sS', '--max-time', '25', '-u', 'slow:pw', '-T', file, `ftp://127.0.0.1:${t.port}/up.bin`]));
    expectSuccess(result, 'curl -T');
    assert.equal(sha256(readFileSync(join(t.root, 'up.bin'))), sha256(BIG.subarray(0, 4 * MiB)));
    assert.ok(seconds > 1.5 && seconds < 10, `the upload took ${seconds.toFixed(2)} s`);
  });

  it('an account with `null` rates is not limited by the default', { timeout: 30_000 }, async () => {
    const file = join(local.dir, 'up2.bin');
    // 20 MB: at the default's 2 MB/s it would take 9.75 s at least.
    writeFileSync(file, BIG);
    const [result, seconds] = await timed(() => run('curl', ['-sS', '--max-time', '25', '-u', 'free:pw', '-T', file, `ftp://127.0.0.1:${t.port}/up2.bin`]));
    expectSuccess(result, 'curl -T');
    assert.ok(seconds < 8, `the unlimited upload took ${seconds.toFixed(2)} s`);
  });

  it('the web API downloads at the account rate too (curl, 10 MB at 5 MB/s)', { timeout: 30_000 }, async () => {
    writeFileSync(join(t.root, 'ten.bin'), BIG.subarray(0, 10 * MiB));
    const out = join(local.dir, 'web.bin');
    const [result, seconds] = await timed(() => run('curl', ['-sS', '--fail', '--max-time', '25', '-u', 'slow:pw', '-o', out, `http://127.0.0.1:${web.port}/files/ten.bin`]));
    expectSuccess(result, 'curl (web)');
    assert.equal(sha256(readFileSync(out)), sha256(BIG.subarray(0, 10 * MiB)));
    assert.ok(seconds > 1.6 && seconds < 10, `the web download took ${seconds.toFixed(2)} s`);
  });

  it('the web API uploads at the account rate too (curl -F, 4 MB at 2 MB/s)', { timeout: 30_000 }, async () => {
    const file = join(local.dir, 'web-up.bin');
    writeFileSync(file, BIG.subarray(0, 4 * MiB));
    const [result, seconds] = await timed(() => run('curl', ['-sS', '--fail', '--max-time', '25', '-u', 'slow:pw', '-F', `file=@${file}`, `http://127.0.0.1:${web.port}/files/web-up.bin`]));
    expectSuccess(result, 'curl -F (web)');
    assert.equal(sha256(readFileSync(join(t.root, 'web-up.bin'))), sha256(BIG.subarray(0, 4 * MiB)));
    assert.ok(seconds > 1.5 && seconds < 10, `the web upload took ${seconds.toFixed(2)} s`);
  });
});

it('rates are checked: whole bytes per second, at least 4096, or null for none', { timeout: 20_000 }, () => {
  assert.throws(() => resolveOptions({ rate: { download: 100 } }), /rate\.download/);
  assert.throws(() => resolveOptions({ rate: { upload: -1 } }), /rate\.upload/);
  assert.throws(() => resolveOptions({ rate: { down: 5000 } as never }), /unknown option "down"/);
  assert.throws(() => resolveOptions({ users: [{ name: 'a', password: 'b', rate: { download: 1.5 } }] }), /users\[0\]\.rate\.download/);
  assert.deepEqual(resolveOptions({}).rate, { download: null, upload: null });
});

it('ftp.server() takes the server-wide rate and the accounts\' own', { timeout: 20_000 }, async () => {
  const root = tempDir('ftppy-rate-serve-');
  const server = await new FtpPy('ftp://127.0.0.1:0').server({ root: root.dir, web: false, rate: { download: 8192 }, users: [{ name: 'a', password: 'b', rate: { upload: 4096 } }] });
  try {
    assert.deepEqual(server.options.rate, { download: 8192, upload: null });
    assert.deepEqual((await server.authenticate('a', 'b'))?.rate, { download: 8192, upload: 4096 });
  } finally {
    await server.close();
    root.remove();
  }
});
