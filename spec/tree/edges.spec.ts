// Tree operations at their edges, against our server (and a scripted one where a folder
// must fail to list): bad arguments, missing roots, links and special files on the local
// side, the concurrency bound, a progress callback that throws, an abort, two backups
// within one second.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Basic, FtpPy, InvalidArgumentError, type Client } from '../../lib/index.js';
import { tempDir } from '../helpers/files.js';
import { FtpProxy } from '../helpers/proxy.js';
import { startScriptServer } from '../helpers/script-server.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';
import { captureWarnings, settled } from '../helpers/warnings.js';

describe('tree operations at their edges', () => {
  const local = tempDir('ftppy-tree-edges-');
  let server: TestServer;
  let proxy: FtpProxy;
  let client: Client;
  const factory = (port: number): FtpPy => new FtpPy(`ftp://127.0.0.1:${port}`, { auth: new Basic(USER, PASSWORD), timeout: { connect: 5, read: 10 }, retry: { total: 1, backoff: 0.05 } });

  before(async () => {
    server = await startServer({ limits: { perAddress: 40 } });
    proxy = await FtpProxy.start({ host: '127.0.0.1', port: server.port });
    client = await factory(server.port).client();
  });
  after(async () => {
    await client?.close();
    await proxy?.close();
    await server?.close();
    local.remove();
  });

  /** Runs `fn` and returns the codes of the FtpPyWarnings it caused. */
  async function warned<T>(fn: () => Promise<T>): Promise<[T, string[]]> {
    const warnings = captureWarnings();
    try {
      const result = await fn();
      await settled();
      return [result, warnings.list.map((w) => w.code ?? '')];
    } finally {
      warnings.stop();
    }
  }

  it('refuses a direction that is not up, down or both, and unknown or mistyped options, at once', async () => {
    await assert.rejects(client.sync(local.dir, '/upload', 'sideways' as 'up'), InvalidArgumentError);
    await assert.rejects(client.sync(local.dir, '/upload', 'up', { dryrun: true } as never), /unknown option "dryrun"/);
    await assert.rejects(client.mirror(local.dir, '/upload', { force: 'yes' } as never), /force must be true or false/);
    await assert.rejects(client.backup([], '/upload'), InvalidArgumentError);
    await assert.rejects(client.backup(['/a/x', '/b/x'], '/upload'), /would both be stored as x/);
    await assert.rejects(client.backup('/a', '/upload', { keep: 0 }), RangeError);
    await assert.rejects(client.search('[abc', '/'), TypeError);
  });

  it('a missing source gives no results and a warning: the local folder up, the remote one down or restored', async () => {
    const missing = join(local.dir, 'nothing-here');
    assert.deepEqual(await warned(() => client.sync(missing, '/upload/edges-up', 'up')), [{}, ['FTPPY_ERR_MISSING']]);
    assert.ok(!existsSync(join(server.root, 'upload/edges-up')));
    assert.deepEqual(await warned(() => client.sync(join(local.dir, 'down'), '/no/such/folder', 'down')), [{}, ['FTPPY_ERR_MISSING']]);
    assert.deepEqual(await warned(() => client.restore('/no/such/backup_20240101_000000', join(local.dir, 'r'))), [{}, ['FTPPY_ERR_MISSING']]);
    assert.deepEqual(await warned(() => client.sync(join(local.dir, 'down'), '/pub', 'down', { dryRun: true })), [
      { 'data.bin': true, 'hello.txt': true, 'lines.txt': true, 'name with spaces.txt': true, nested: true, 'nested/deeper': true, 'nested/deeper/deep.txt': true, 'unicode-été-名前.txt': true },
      [],
    ]);
    assert.ok(!existsSync(join(local.dir, 'down')));
    const blocker = join(local.dir, 'a-file');
    writeFileSync(blocker, 'x');
    assert.deepEqual(await warned(() => client.sync(join(blocker, 'below'), '/pub', 'down')), [{}, ['FTPPY_ERR_LOCAL']]);
  });

  it('links to files are sent as files; links to folders, broken links and FIFOs are neither sent nor deleted on the server', async () => {
    const src = join(local.dir, 'links');
    mkdirSync(join(src, 'real'), { recursive: true });
    writeFileSync(join(src, 'real/file.txt'), 'content\n');
    symlinkSync('real/file.txt', join(src, 'file-link.txt'));
    symlinkSync('real', join(src, 'dir-link'));
    symlinkSync('nowhere', join(src, 'broken'));
    execFileSync('mkfifo', [join(src, 'fifo')]);
    const results = await client.sync(src, '/upload/links', 'up');
    assert.deepEqual(results, { 'file-link.txt': true, real: true, 'real/file.txt': true });
    assert.equal(readFileSync(join(server.root, 'upload/links/file-link.txt'), 'utf8'), 'content\n');
    for (const name of ['dir-link', 'broken', 'fifo']) writeFileSync(join(server.root, 'upload/links', name), 'on the server\n');
    const mirrored = await client.mirror(src, '/upload/links');
    assert.deepEqual(mirrored, { 'file-link.txt': true, real: true, 'real/file.txt': true });
    for (const name of ['dir-link', 'broken', 'fifo']) assert.ok(existsSync(join(server.root, 'upload/links', name)), name);
  });

  it('a folder the server will not list is false (one warning) and the rest of the tree still comes down', async () => {
    const script = await startScriptServer();
    try {
      script.dirs.add('/t');
      script.files.set('/t/ok.txt', Buffer.from('ok'));
      script.on('LIST', (session, arg) => {
        if (arg.endsWith('/t/bad')) return session.reply('550 Permission denied'), true;
        if (!arg.endsWith('/t')) return false;
        void session.data().then((data) => {
          session.reply('150 Here it comes');
          data.end('drwxr-xr-x 2 0 0 0 Jan 01  2024 bad\r\n-rw-r--r-- 1 0 0 2 Jan 01  2024 ok.txt\r\n', () => session.reply('226 Done'));
        });
        return true;
      });
      const down = join(local.dir, 'scripted');
      const [results, codes] = await warned(() => new FtpPy(`ftp://127.0.0.1:${script.port}`, { retry: { total: 0 } }).client((c) => c.sync(down, '/t', 'down')));
      assert.deepEqual(results, { bad: false, 'ok.txt': true });
      assert.deepEqual(codes, ['FTPPY_ERR_REPLY']);
      assert.equal(readFileSync(join(down, 'ok.txt'), 'utf8'), 'ok');
      assert.ok(!existsSync(join(down, 'bad')));
    } finally {
      await script.close();
    }
  });

  it('concurrency bounds the connections a tree operation uses; the default is the pool', async () => {
    const src = join(local.dir, 'many');
    mkdirSync(src);
    for (let i = 0; i < 40; i++) writeFileSync(join(src, `f${i}.txt`), `file ${i}\n`);
    await client.sync(src, '/upload/many', 'up');
    for (const [concurrency, most] of [[2, 2], [undefined, 10]] as const) {
      const before = proxy.counts.controls;
      proxy.counts.peak = 0;
      await factory(proxy.port).client((c) => c.sync(join(local.dir, `many-${concurrency}`), '/upload/many', 'down', concurrency ? { concurrency } : {}));
      assert.ok(proxy.counts.peak <= most, `peak ${proxy.counts.peak} with concurrency ${concurrency}`);
      if (!concurrency) assert.ok(proxy.counts.peak > 2, `peak ${proxy.counts.peak}`);
      assert.ok(proxy.counts.controls > before);
    }
  });

  it('a progress callback that throws is warned about once and the operation goes on', async () => {
    let calls = 0;
    const [results, codes] = await warned(() => client.sync(join(local.dir, 'progress'), '/pub', 'down', { progress: () => { calls++; throw new Error('oops'); } }));
    assert.ok(Object.values(results).every(Boolean));
    assert.equal(calls, 1);
    assert.deepEqual(codes, ['FTPPY_ERR_HOOK']);
  });

  it("the caller's abort rejects the operation", async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await assert.rejects(client.sync(join(local.dir, 'aborted'), '/pub', 'down', { signal: controller.signal }), /stop/);
  });

  it('two backups within one second get two folders, a second apart; search can ignore case', async () => {
    const file = join(local.dir, 'Tiny.TXT');
    writeFileSync(file, 'tiny\n');
    const first = await client.backup(file, '/upload/quick');
    const second = await client.backup(file, '/upload/quick');
    assert.deepEqual([first, second], [{ [file]: true }, { [file]: true }]);
    const all = await client.backups('/upload/quick');
    assert.equal(all?.length, 2);
    assert.ok(all![0]!.created.getTime() - all![1]!.created.getTime() >= 1000);
    assert.deepEqual((await client.search('tiny.txt', '/upload/quick', { ignoreCase: true }))?.length, 2);
    assert.deepEqual(await client.search('tiny.txt', '/upload/quick'), []);
    assert.deepEqual(await warned(() => client.search('*', '/no/such/folder')), [null, ['FTPPY_ERR_REPLY']]);
  });
});
