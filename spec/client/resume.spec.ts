// Resume across runs: a download killed with SIGKILL leaves a part file named for the
// remote file's size and time; the next download of that file finds it and resumes with
// REST, and one left by another version of the file is thrown away. Uploads resume when
// asked (`resume: true`) where the server holds a prefix of the local file.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Basic, FtpPy, Guest } from '../../lib/index.js';
import { ftppy } from '../cli/support/cli.js';
import { pseudoRandom, tempDir } from '../helpers/files.js';
import { peer, skipUnlessUp, uniqueName } from '../helpers/peers.js';
import { FtpProxy } from '../helpers/proxy.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';
import { within } from '../helpers/wait.js';

const local = tempDir('ftppy-resume-');
after(() => local.remove());
const CHILD = join(import.meta.dirname, 'fixtures', 'download-child.ts');
const BIG = pseudoRandom(3 * 1024 * 1024 + 5, 15);
const TIME = new Date('2024-05-06T07:08:09Z');

const parts = (dir: string): string[] => readdirSync(dir).filter((name) => name.endsWith('.part'));
const rests = (proxy: FtpProxy): number[] => proxy.commands.filter((c) => /^REST \d+$/.test(c)).map((c) => Number(c.slice(5)));

/** Runs download-child.ts and kills it (SIGKILL) once it says `after` bytes arrived. */
async function killedMidDownload(args: { endpoint: string; user: string; password: string; remote: string; local: string; after: number; segments?: number }): Promise<void> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), CHILD, args.endpoint, args.user, args.password, args.remote, args.local, String(args.after), String(args.segments ?? 1)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const killed = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('started')) child.kill('SIGKILL');
    });
    child.once('close', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`the child was not killed mid-download: ${out} ${err}`))));
  });
  await within(killed, 'the download child to start and be killed');
}

function serverWithBig(t: TestServer): void {
  writeFileSync(join(t.root, 'pub/big.bin'), BIG);
  utimesSync(join(t.root, 'pub/big.bin'), TIME, TIME);
}

describe('resume across runs', { timeout: 60_000 }, () => {
  it('our server: a download killed with SIGKILL resumes with REST on the next run, the file intact', async () => {
    await using t = await startServer();
    serverWithBig(t);
    const proxy = await FtpProxy.start({ host: '127.0.0.1', port: t.port }, { rate: 2 * 1024 * 1024 });
    try {
      const dir = tempDir('ftppy-resume-own-');
      const target = join(dir.dir, 'big.bin');
      await killedMidDownload({ endpoint: `ftp://127.0.0.1:${proxy.port}`, user: USER, password: PASSWORD, remote: '/pub/big.bin', local: target, after: 300_000 });
      const [part] = parts(dir.dir);
      assert.equal(part, `.big.bin.ftppy-${BIG.length}-${TIME.getTime()}.part`);
      const had = statSync(join(dir.dir, part!)).size;
      assert.ok(had > 0 && had < BIG.length, `the part file holds ${had} bytes`);
      proxy.commands.length = 0;
      const ftp = new FtpPy(`ftp://127.0.0.1:${proxy.port}`, { auth: new Basic(USER, PASSWORD), retry: { total: 0 } });
      assert.equal(await ftp.client((c) => c.download('/pub/big.bin', target)), true);
      assert.deepEqual(rests(proxy), [had]);
      assert.deepEqual(readFileSync(target), BIG);
      assert.deepEqual(parts(dir.dir), []);
      dir.remove();
    } finally {
      await proxy.close();
    }
  });

  it('vsftpd: a download killed with SIGKILL resumes with REST on the next run, the file intact', { skip: skipUnlessUp('vsftpd') }, async () => {
    const p = peer('vsftpd');
    const proxy = await FtpProxy.start({ host: p.host, port: p.port }, { rate: 256 * 1024 });
    try {
      const dir = tempDir('ftppy-resume-vsftpd-');
      const target = join(dir.dir, 'data-1m.bin');
      await killedMidDownload({ endpoint: `ftp://127.0.0.1:${proxy.port}`, user: p.user, password: p.password, remote: `${p.pub_dir}/data-1m.bin`, local: target, after: 100_000 });
      const [part] = parts(dir.dir);
      assert.match(part ?? '', /^\.data-1m\.bin\.ftppy-1048576-\d+\.part$/);
      const had = statSync(join(dir.dir, part!)).size;
      assert.ok(had > 0 && had < 1048576, `the part file holds ${had} bytes`);
      proxy.commands.length = 0;
      const ftp = new FtpPy(`ftp://127.0.0.1:${proxy.port}`, { auth: new Guest(p.password), retry: { total: 0 } });
      assert.equal(await ftp.client((c) => c.download(`${p.pub_dir}/data-1m.bin`, target)), true);
      assert.deepEqual(rests(proxy), [had]);
      assert.deepEqual(readFileSync(target), readFileSync(join(p.root, 'pub/data-1m.bin')));
      assert.deepEqual(parts(dir.dir), []);
      dir.remove();
    } finally {
      await proxy.close();
    }
  });

  it('a part file of another version of the remote file is thrown away, not resumed', async () => {
    await using t = await startServer();
    serverWithBig(t);
    const proxy = await FtpProxy.start({ host: '127.0.0.1', port: t.port });
    try {
      const dir = tempDir('ftppy-resume-stale-');
      const stale = join(dir.dir, `.big.bin.ftppy-${BIG.length}-${TIME.getTime() - 1000}.part`);
      writeFileSync(stale, BIG.subarray(0, 100_000));
      const ftp = new FtpPy(`ftp://127.0.0.1:${proxy.port}`, { auth: new Basic(USER, PASSWORD), retry: { total: 0 } });
      assert.equal(await ftp.client((c) => c.download('/pub/big.bin', join(dir.dir, 'big.bin'))), true);
      assert.deepEqual(rests(proxy), []);
      assert.deepEqual(readFileSync(join(dir.dir, 'big.bin')), BIG);
      assert.deepEqual(parts(dir.dir), []);
      dir.remove();
    } finally {
      await proxy.close();
    }
  });

  it('resume: false starts over and removes the part file', async () => {
    await using t = await startServer();
    serverWithBig(t);
    const proxy = await FtpProxy.start({ host: '127.0.0.1', port: t.port });
    try {
      const dir = tempDir('ftppy-resume-off-');
      writeFileSync(join(dir.dir, `.big.bin.ftppy-${BIG.length}-${TIME.getTime()}.part`), BIG.subarray(0, 100_000));
      const ftp = new FtpPy(`ftp://127.0.0.1:${proxy.port}`, { auth: new Basic(USER, PASSWORD), retry: { total: 0 } });
      assert.equal(await ftp.client((c) => c.download('/pub/big.bin', join(dir.dir, 'big.bin'), { resume: false })), true);
      assert.deepEqual(rests(proxy), []);
      assert.deepEqual(readFileSync(join(dir.dir, 'big.bin')), BIG);
      assert.deepEqual(parts(dir.dir), []);
      dir.remove();
    } finally {
      await proxy.close();
    }
  });

  it('sync down and fetch resume from a part file of the same remote file', async () => {
    await using t = await startServer();
    serverWithBig(t);
    const proxy = await FtpProxy.start({ host: '127.0.0.1', port: t.port });
    try {
      const dir = tempDir('ftppy-resume-sync-');
      const part = `.big.bin.ftppy-${BIG.length}-${TIME.getTime()}.part`;
      writeFileSync(join(dir.dir, part), BIG.subarray(0, 200_000));
      const ftp = new FtpPy(`ftp://127.0.0.1:${proxy.port}`, { auth: new Basic(USER, PASSWORD), retry: { total: 0 } });
      const results = await ftp.client((c) => c.sync(dir.dir, '/pub', 'down'));
      assert.equal(results['big.bin'], true);
      assert.deepEqual(rests(proxy), [200_000]);
      assert.deepEqual(readFileSync(join(dir.dir, 'big.bin')), BIG);
      assert.deepEqual(parts(dir.dir), []);

      proxy.commands.length = 0;
      writeFileSync(join(dir.dir, part), BIG.subarray(0, 300_000));
      const fetched = await ftp.client((c) => c.fetch([['/pub/big.bin', join(dir.dir, 'again.bin')], ['/pub/hello.txt', join(dir.dir, 'hello.txt')]]));
      assert.deepEqual(Object.values(fetched), [true, true]);
      assert.deepEqual(rests(proxy), []); // again.bin has a part file of its own name to look for: none
      writeFileSync(join(dir.dir, `.again.bin.ftppy-${BIG.length}-${TIME.getTime()}.part`), BIG.subarray(0, 300_000));
      assert.deepEqual(Object.values(await ftp.client((c) => c.fetch([['/pub/big.bin', join(dir.dir, 'again.bin')]]))), [true]);
      assert.deepEqual(rests(proxy), [300_000]);
      assert.deepEqual(readFileSync(join(dir.dir, 'again.bin')), BIG);
      dir.remove();
    } finally {
      await proxy.close();
    }
  });

  it('ftppy get resumes by default; --no-resume starts over', async () => {
    await using t = await startServer();
    serverWithBig(t);
    const proxy = await FtpProxy.start({ host: '127.0.0.1', port: t.port });
    try {
      const dir = tempDir('ftppy-resume-cli-');
      const part = join(dir.dir, `.big.bin.ftppy-${BIG.length}-${TIME.getTime()}.part`);
      writeFileSync(part, BIG.subarray(0, 123_456));
      const url = `ftp://${USER}:${PASSWORD}@127.0.0.1:${proxy.port}/pub/big.bin`;
      const got = await ftppy(['get', url, join(dir.dir, 'big.bin')]);
      assert.equal(got.code, 0, got.stderr);
      assert.deepEqual(rests(proxy), [123_456]);
      assert.deepEqual(readFileSync(join(dir.dir, 'big.bin')), BIG);

      proxy.commands.length = 0;
      writeFileSync(part, BIG.subarray(0, 123_456));
      const again = await ftppy(['get', '--no-resume', url, join(dir.dir, 'big2.bin')]);
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(rests(proxy), []);
      const help = await ftppy(['get', '--help']);
      assert.match(help.stdout, /--no-resume/);
      dir.remove();
    } finally {
      await proxy.close();
    }
  });
});

describe('upload resume across runs (resume: true)', { timeout: 30_000 }, () => {
  const source = join(local.dir, 'up.bin');
  writeFileSync(source, BIG);

  async function uploadThrough(t: TestServer, options: { resume?: boolean }): Promise<{ ok: boolean; rests: number[] }> {
    const proxy = await FtpProxy.start({ host: '127.0.0.1', port: t.port });
    try {
      const ftp = new FtpPy(`ftp://127.0.0.1:${proxy.port}`, { auth: new Basic(USER, PASSWORD), retry: { total: 0 } });
      const ok = await ftp.client((c) => c.upload(source, '/upload/up.bin', options));
      return { ok, rests: rests(proxy) };
    } finally {
      await proxy.close();
    }
  }

  it('sends only the rest when the server holds a prefix of the local file', async () => {
    await using t = await startServer();
    writeFileSync(join(t.root, 'upload/up.bin'), BIG.subarray(0, 1_000_000));
    assert.deepEqual(await uploadThrough(t, { resume: true }), { ok: true, rests: [1_000_000] });
    assert.deepEqual(readFileSync(join(t.root, 'upload/up.bin')), BIG);
  });

  it('starts over when the server\'s part is not a prefix (HASH says so)', async () => {
    await using t = await startServer();
    writeFileSync(join(t.root, 'upload/up.bin'), pseudoRandom(1_000_000, 99));
    assert.deepEqual(await uploadThrough(t, { resume: true }), { ok: true, rests: [] });
    assert.deepEqual(readFileSync(join(t.root, 'upload/up.bin')), BIG);
  });

  it('without resume: true it starts over', async () => {
    await using t = await startServer();
    writeFileSync(join(t.root, 'upload/up.bin'), BIG.subarray(0, 1_000_000));
    assert.deepEqual(await uploadThrough(t, {}), { ok: true, rests: [] });
    assert.deepEqual(readFileSync(join(t.root, 'upload/up.bin')), BIG);
  });

  it('vsftpd (no HASH: the size is trusted)', { skip: skipUnlessUp('vsftpd') }, async () => {
    const p = peer('vsftpd');
    const name = `${p.writable_dir}/${uniqueName('resume')}.bin`;
    const ftp = new FtpPy(`ftp://${p.host}:${p.port}`, { auth: new Guest(p.password), retry: { total: 0 } });
    const proxy = await FtpProxy.start({ host: p.host, port: p.port });
    try {
      const via = new FtpPy(`ftp://127.0.0.1:${proxy.port}`, { auth: new Guest(p.password), retry: { total: 0 } });
      assert.equal(await ftp.client((c) => c.uploadFrom(BIG.subarray(0, 500_000), name)), true);
      assert.equal(await via.client((c) => c.upload(source, name, { resume: true })), true);
      assert.deepEqual(rests(proxy), [500_000]);
      assert.deepEqual(readFileSync(join(p.root, name)), BIG);
    } finally {
      await proxy.close();
    }
  });
});
