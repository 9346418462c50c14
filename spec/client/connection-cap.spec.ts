// A server that caps connections per address (vsftpd max_per_ip, pure-ftpd -C) answers
// 421 to the one too many. The client learns the cap: the operation waits for a
// connection instead of failing, every file of a batch arrives, and it says so once.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Basic, FtpPy, Guest } from '../../lib/index.js';
import { startScriptServer } from '../helpers/script-server.js';
import { PASSWORD, startServer, USER } from '../helpers/test-server.js';
import { captureWarnings, settled } from '../helpers/warnings.js';
import { skipOutsideCi } from '../helpers/ci.js';
import { freePort } from '../helpers/ports.js';
import { pseudoRandom, tempDir } from '../helpers/files.js';
import { untilAsync } from '../helpers/wait.js';

// vsftpd as shared/peers/start installs it, or Debian's.
const VSFTPD = ['/usr/sbin/vsftpd', '/opt/ftp-peers/vsftpd/usr/sbin/vsftpd'].find((path) => existsSync(path));

const greets = (port: number): Promise<boolean> => new Promise((resolve) => {
  const socket = connect(port, '127.0.0.1');
  socket.once('data', (chunk) => {
    socket.destroy();
    resolve(chunk.toString().startsWith('220'));
  });
  socket.once('error', () => resolve(false));
});

const local = tempDir('ftppy-cap-');
after(() => local.remove());
const pairs = Array.from({ length: 10 }, (_, i) => {
  const file = join(local.dir, `f${i}.txt`);
  writeFileSync(file, `file ${i}\n`.repeat(1000 * (i + 1)));
  return [file, `/upload/f${i}.txt`] as const;
});

describe('a server that caps connections', { timeout: 20_000 }, () => {
  it('our server with limits.perAddress 2: a batch of 10 at once all arrive, with one notice', async () => {
    await using t = await startServer({ limits: { perAddress: 2 } });
    const warnings = captureWarnings();
    try {
      const ftp = new FtpPy(`ftp://127.0.0.1:${t.port}`, { auth: new Basic(USER, PASSWORD), retry: { total: 0 }, limits: { connections: 10 } });
      const results = await ftp.client((c) => c.batch(pairs));
      assert.deepEqual(Object.values(results), pairs.map(() => true));
      for (const [file, remote] of pairs) assert.deepEqual(readFileSync(join(t.root, remote)), readFileSync(file));
      await settled();
      assert.deepEqual(warnings.list.map((w) => w.code), ['FTPPY_WARN_CONNECTION_CAP']);
      assert.match(warnings.list[0]!.message, /421/);
    } finally {
      warnings.stop();
    }
  });

  it('a scripted server that greets the third connection with 421: fetch of 10 all arrive', async () => {
    const server = await startScriptServer();
    try {
      server.on('GREETING', (session) => {
        if (server.open <= 2) return false;
        session.reply('421 There are too many connections from your internet address.');
        session.socket.end();
        return true;
      });
      for (let i = 0; i < 10; i++) server.files.set(`/f${i}`, Buffer.from(`remote ${i}\n`.repeat(5000)));
      const ftp = new FtpPy(`ftp://127.0.0.1:${server.port}`, { auth: new Basic('u', 'p'), retry: { total: 0 }, limits: { connections: 8 } });
      const warnings = captureWarnings();
      try {
        const results = await ftp.client((c) => c.fetch(Array.from({ length: 10 }, (_, i) => [`/f${i}`, join(local.dir, `got${i}`)] as const)));
        assert.deepEqual(Object.values(results), Array.from({ length: 10 }, () => true));
        for (let i = 0; i < 10; i++) assert.deepEqual(readFileSync(join(local.dir, `got${i}`)), server.files.get(`/f${i}`));
        await settled();
        assert.deepEqual(warnings.list.map((w) => w.code), ['FTPPY_WARN_CONNECTION_CAP']);
      } finally {
        warnings.stop();
      }
    } finally {
      await server.close();
    }
  });

  it('a 421 with no other connection open still fails (nothing to wait for)', async () => {
    const server = await startScriptServer();
    try {
      server.greeting = '421 Service not available';
      const ftp = new FtpPy(`ftp://127.0.0.1:${server.port}`, { auth: new Basic('u', 'p'), retry: { total: 0 } });
      await assert.rejects(ftp.client(async () => {}), /421/);
    } finally {
      await server.close();
    }
  });

  it('vsftpd with max_per_ip=2: fetch of 6 files at once all arrive', { skip: skipOutsideCi(VSFTPD ? false : 'no vsftpd binary (shared/peers/start installs one)') }, async () => {
    const work = tempDir('ftppy-cap-vsftpd-');
    const root = join(work.dir, 'root');
    mkdirSync(root);
    chmodSync(work.dir, 0o755);
    const files = Array.from({ length: 6 }, (_, i) => pseudoRandom(100_000 + i, i));
    files.forEach((data, i) => writeFileSync(join(root, `f${i}.bin`), data));
    const port = await freePort();
    const pasv = 47_300 + (process.pid % 500);
    const config = join(work.dir, 'vsftpd.conf');
    mkdirSync(join(work.dir, 'empty'), { mode: 0o755 });
    writeFileSync(config, [
      'listen=YES', 'listen_ipv6=NO', 'listen_address=127.0.0.1', `listen_port=${port}`, 'background=NO',
      'anonymous_enable=YES', 'local_enable=NO', 'ftp_username=ftp', `anon_root=${root}`, 'anon_world_readable_only=NO',
      'pasv_enable=YES', `pasv_min_port=${pasv}`, `pasv_max_port=${pasv + 40}`, 'seccomp_sandbox=NO',
      `secure_chroot_dir=${join(work.dir, 'empty')}`, 'max_clients=50', 'max_per_ip=2', 'syslog_enable=NO', 'xferlog_enable=NO', '',
    ].join('\n'));
    const log = openSync(join(work.dir, 'vsftpd.log'), 'a');
    const child = spawn(VSFTPD!, [config], { detached: true, stdio: [log, log, log] });
    closeSync(log);
    child.on('error', () => {});
    const warnings = captureWarnings();
    try {
      await untilAsync(() => greets(port), 'vsftpd to greet', 10_000);
      const ftp = new FtpPy(`ftp://127.0.0.1:${port}`, { auth: new Guest('cap@'), retry: { total: 0 }, limits: { connections: 6 } });
      const results = await ftp.client((c) => c.fetch(files.map((_, i) => [`/f${i}.bin`, join(local.dir, `vs${i}.bin`)] as const)));
      assert.deepEqual(Object.values(results), files.map(() => true), readFileSync(join(work.dir, 'vsftpd.log'), 'utf8'));
      files.forEach((data, i) => assert.deepEqual(readFileSync(join(local.dir, `vs${i}.bin`)), data));
      await settled();
      assert.deepEqual(warnings.list.map((w) => w.code), ['FTPPY_WARN_CONNECTION_CAP']);
    } finally {
      warnings.stop();
      try {
        process.kill(-child.pid!, 'SIGKILL'); // the listener and its session processes
      } catch {
        // gone already
      }
      work.remove();
    }
  });
});
