// IPv6 (issue 15 item 11): `ftp://[::1]:port/`, passive (EPSV) and active (EPRT |2|::1|…|),
// against our server listening on ::1 and against a vsftpd started here with
// listen_ipv6=YES (the reference peers listen on 127.0.0.1 only).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Basic, FtpPy } from '../../lib/index.js';
import { skipOutsideCi } from '../helpers/ci.js';
import { tempDir } from '../helpers/files.js';
import { freePort } from '../helpers/ports.js';
import { BINARY, PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';
import { untilAsync } from '../helpers/wait.js';

const ipv6 = spawnSync('sh', ['-c', 'ip -6 addr show lo 2>/dev/null | grep -q "::1"']).status === 0;
const folder = tempDir('ftppy-ipv6-');
after(() => folder.remove());

describe('ftp://[::1] against our server', { skip: ipv6 ? false : 'no IPv6 loopback (::1) here', timeout: 30_000 }, () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ host: '::1' });
  });
  after(() => t?.close());

  for (const passive of [true, false]) {
    it(`${passive ? 'passive (EPSV)' : 'active (EPRT |2|)'}: lists, downloads and uploads`, async () => {
      const ftp = new FtpPy(`ftp://[::1]:${t.port}/`, { auth: new Basic(USER, PASSWORD), retry: { total: 0 }, passive });
      await ftp.client(async (client) => {
        assert.ok((await client.list('/pub'))?.some((entry) => entry.name === 'data.bin'));
        const local = join(folder.dir, `own-${passive}.bin`);
        assert.equal(await client.download('/pub/data.bin', local), true);
        assert.deepEqual(readFileSync(local), BINARY);
        assert.equal(await client.uploadFrom('six\n', `/upload/v6-${passive}.txt`), true);
        assert.equal((await client.stats()).secure, false);
      });
      assert.equal(readFileSync(join(t.root, 'upload', `v6-${passive}.txt`), 'utf8'), 'six\n');
    });
  }
});

const VSFTPD = ['/usr/sbin/vsftpd', '/opt/ftp-peers/vsftpd/usr/sbin/vsftpd'].find((path) => spawnSync('test', ['-x', path]).status === 0) ?? null;
const root = process.getuid?.() === 0;
const why = !ipv6 ? 'no IPv6 loopback (::1) here' : VSFTPD === null ? 'vsftpd is not installed (Debian: vsftpd)' : !root ? 'vsftpd runs as root only' : false;

describe('ftp://[::1] against vsftpd (listen_ipv6=YES)', { skip: skipOutsideCi(why), timeout: 30_000 }, () => {
  let child: ChildProcess;
  let port = 0;
  const anonRoot = join(folder.dir, 'vsftpd-root');
  before(async () => {
    port = await freePort();
    mkdirSync(join(anonRoot, 'pub'), { recursive: true });
    chmodSync(folder.dir, 0o755);
    chmodSync(anonRoot, 0o555); // vsftpd refuses an anonymous root the ftp user may write
    writeFileSync(join(anonRoot, 'pub', 'data.bin'), BINARY);
    mkdirSync(join(folder.dir, 'vsftpd-empty'), { recursive: true });
    const conf = join(folder.dir, 'vsftpd.conf');
    writeFileSync(conf, [
      'listen=NO', 'listen_ipv6=YES', 'listen_address6=::1', `listen_port=${port}`, 'background=NO',
      'anonymous_enable=YES', 'local_enable=NO', 'ftp_username=ftp', `anon_root=${anonRoot}`, 'no_anon_password=YES',
      'pasv_enable=YES', 'port_enable=YES', 'connect_from_port_20=NO', 'seccomp_sandbox=NO',
      `secure_chroot_dir=${join(folder.dir, 'vsftpd-empty')}`, 'syslog_enable=NO', 'xferlog_enable=NO', '',
    ].join('\n'));
    child = spawn(VSFTPD ?? 'vsftpd', [conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let said = '';
    child.stderr!.on('data', (chunk: Buffer) => (said += chunk.toString()));
    await untilAsync(() => new Promise((resolve) => {
      const socket = connect(port, '::1', () => resolve(!!socket.destroy()));
      socket.on('error', () => resolve(false));
    }), `vsftpd on [::1]:${port} (it said: ${said})`, 10_000);
  });
  after(() => void child?.kill());

  for (const passive of [true, false]) {
    it(`${passive ? 'passive (EPSV)' : 'active (EPRT |2|)'}: lists and downloads`, async () => {
      const ftp = new FtpPy(`ftp://[::1]:${port}/`, { retry: { total: 0 }, passive });
      await ftp.client(async (client) => {
        assert.deepEqual((await client.list('/pub'))?.map((entry) => entry.name), ['data.bin']);
        const local = join(folder.dir, `vsftpd-${passive}.bin`);
        assert.equal(await client.download('/pub/data.bin', local), true);
        assert.deepEqual(readFileSync(local), BINARY);
      });
    });
  }
});
