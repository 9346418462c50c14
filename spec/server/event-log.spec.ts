// The log people can ship: one record per event (connect, login ok/failed, transfer,
// disconnect) with the fields of vsftpd's xferlog, from `ftp.server({ log })` and as
// JSON lines on stdout from `ftppy serve --log json`.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FtpPy } from '../../lib/ftppy.js';
import type { LogRecord } from '../../server/index.js';
import { localFolder } from '../cli/support/cli.js';
import { serve } from '../cli/support/serve-process.js';
import { expectSuccess, run, skipUnless } from '../helpers/external-clients.js';
import { tempDir } from '../helpers/files.js';
import { freePort } from '../helpers/ports.js';
import { connectData, RawFtp } from '../helpers/raw-ftp.js';
import { writeTree } from '../helpers/test-server.js';
import { until, within } from '../helpers/wait.js';

const folder = tempDir('ftppy-log-');
writeTree(folder.dir);
after(() => folder.remove());

// Bans and authenticator errors belong to no session.
const sessionOf = (r: LogRecord | undefined): number | undefined => (r && 'session' in r ? r.session : undefined);

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('the event log', { timeout: 30_000 }, () => {
  it('records a ban and an authenticator that fails, which an operator must see', async () => {
    const port = await freePort();
    const records: LogRecord[] = [];
    const ftp = new FtpPy(`ftp://127.0.0.1:${port}`);
    await using server = await ftp.server({
      root: folder.dir,
      web: false,
      ban: { failures: 2, window: 60, duration: 60 },
      limits: { loginDelay: 0.01 },
      authenticate: () => {
        throw new Error('the directory is down');
      },
      log: (record) => records.push(record),
    });
    for (let i = 0; i < 2; i++) {
      const raw = await RawFtp.connect(server.port);
      assert.equal((await raw.login('carol', 'pw')).code, 530);
      raw.close();
    }
    const picked = records.filter((r) => r.event === 'authenticate-error' || r.event === 'ban').map(({ time, ...rest }) => (assert.match(time, ISO), rest));
    assert.deepEqual(picked, [
      { event: 'authenticate-error', address: '127.0.0.1', user: 'carol', message: 'the directory is down' },
      { event: 'authenticate-error', address: '127.0.0.1', user: 'carol', message: 'the directory is down' },
      { event: 'ban', address: '127.0.0.1', failures: 2, seconds: 60 },
    ]);
  });

  it('ftp.server({ log }) gets a record per event, transfers with every xferlog field', async () => {
    const port = await freePort();
    const records: LogRecord[] = [];
    const ftp = new FtpPy(`ftp://127.0.0.1:${port}`);
    await using server = await ftp.server({ root: folder.dir, web: false, users: [{ name: 'bob', password: 'pw' }], timeouts: { data: 1 }, log: (record) => records.push(record) });
    const raw = await RawFtp.connect(server.port);
    await raw.login('bob', 'wrong');
    await raw.login('bob', 'pw');
    await raw.cmd('TYPE I');
    const data = await connectData(await raw.epsv());
    data.resume();
    await raw.cmd('RETR /pub/hello.txt');
    assert.equal((await raw.reply()).code, 226);
    await raw.cmd('TYPE A');
    await raw.epsv();
    assert.equal((await raw.cmd('RETR /pub/lines.txt')).code, 425); // its data connection never came
    raw.close();
    await until(() => records.some((r) => r.event === 'disconnect'), 'the disconnect record');
    assert.deepEqual(records.map((r) => r.event), ['connect', 'login-failed', 'login', 'transfer', 'transfer', 'disconnect']);
    for (const r of records) {
      assert.match(r.time, ISO);
      assert.equal(r.address, '127.0.0.1');
      assert.equal(sessionOf(r), sessionOf(records[0]));
    }
    assert.deepEqual({ ...records[1], time: '' }, { time: '', event: 'login-failed', session: sessionOf(records[0]), address: '127.0.0.1', user: 'bob' });
    assert.deepEqual({ ...records[2], time: '' }, { time: '', event: 'login', session: sessionOf(records[0]), address: '127.0.0.1', user: 'bob', anonymous: false });
    const [done, cut] = [records[3]!, records[4]!];
    assert.ok(done.event === 'transfer' && cut.event === 'transfer');
    assert.ok(done.seconds >= 0 && done.seconds < 30);
    assert.deepEqual({ ...done, time: '', seconds: 0 }, {
      time: '', event: 'transfer', session: sessionOf(records[0]), address: '127.0.0.1', user: 'bob', anonymous: false,
      direction: 'download', path: '/pub/hello.txt', bytes: 12, seconds: 0, type: 'binary', secure: false, result: 'ok',
    });
    assert.equal(cut.type, 'ascii');
    assert.equal(cut.result, 'failed');
    assert.equal(cut.path, '/pub/lines.txt');
    assert.match(cut.reason ?? '', /./);
  });

  it('ftppy serve --log json: one JSON line per event on stdout, the banner on stderr', { skip: skipUnless('curl') }, async () => {
    const root = localFolder();
    writeFileSync(join(root, 'a.txt'), 'twelve bytes');
    const port = await freePort();
    const server = await serve(['--root', root, '--host', '127.0.0.1', '--port', String(port), '--web', 'off', '--log', 'json']);
    try {
      assert.match(server.stderr, /FtpPy serving/);
      assert.equal(server.stdout, '');
      expectSuccess(await run('curl', ['-sS', '--max-time', '20', '-T', '-', `ftp://127.0.0.1:${port}/b.txt`], { input: 'uploaded' }), 'curl upload');
      const lines = (): LogRecord[] => server.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogRecord);
      await until(() => lines().some((r) => r.event === 'disconnect'), 'the disconnect line');
      const transfer = lines().find((r) => r.event === 'transfer');
      assert.ok(transfer?.event === 'transfer');
      assert.equal(transfer.direction, 'upload');
      assert.equal(transfer.path, '/b.txt');
      assert.equal(transfer.bytes, 8);
      assert.equal(transfer.user, 'anonymous');
      assert.equal(transfer.anonymous, true);
      assert.equal(transfer.result, 'ok');
      assert.deepEqual(lines().map((r) => r.event), ['connect', 'login', 'transfer', 'disconnect']);
      assert.equal(await within(server.stop(), 'the process to stop'), 0);
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});
