// Through proxies (issue 15 item 10): the control connection and every passive data
// connection go through Debian's dante-server (SOCKS5) or tinyproxy (HTTP CONNECT), plain
// FTP and explicit FTPS (TLS inside the tunnel), against our server. Each proxy gets a
// config written here and runs unprivileged-port, in the foreground, for this file.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Basic, FtpPy, SSL } from '../../lib/index.js';
import { skipOutsideCi } from '../helpers/ci.js';
import { tempDir } from '../helpers/files.js';
import { freePort } from '../helpers/ports.js';
import { BINARY, PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';
import { tlsMaterial } from '../helpers/tls-material.js';
import { untilAsync } from '../helpers/wait.js';

const has = (command: string): boolean => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const DANTED = has('/usr/sbin/danted') || has('danted') ? (has('danted') ? 'danted' : '/usr/sbin/danted') : null;
const TINYPROXY = has('tinyproxy') ? 'tinyproxy' : has('/usr/sbin/tinyproxy') ? '/usr/sbin/tinyproxy' : null;

const accepting = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

interface Proxy {
  port: number;
  child: ChildProcess;
}

async function startProxy(command: string, args: (conf: string) => string[], config: (port: number) => string, dir: string): Promise<Proxy> {
  const port = await freePort();
  const conf = join(dir, `${command.replace(/\W/g, '')}.conf`);
  writeFileSync(conf, config(port));
  const child = spawn(command, args(conf), { stdio: ['ignore', 'ignore', 'pipe'] });
  let said = '';
  child.stderr!.on('data', (chunk: Buffer) => (said += chunk.toString()));
  await untilAsync(() => accepting(port), `${command} listening on ${port} (it said: ${said})`, 10_000);
  return { port, child };
}

const material = tlsMaterial();
let relayed = 0;
let plain: TestServer;
let secure: TestServer;
const folder = tempDir('ftppy-proxy-');

before(async () => {
  plain = await startServer();
  secure = await startServer({ tls: { cert: material.cert, key: material.key } });
});
after(async () => {
  await plain?.close();
  await secure?.close();
  folder.remove();
});

/**
 * A relay in front of a proxy that counts the connections made to it: the proof that
 * the client went through the proxy rather than around it.
 */
async function countingRelay(target: number): Promise<{ url: (scheme: string) => string; count: () => number; close: () => void }> {
  let count = 0;
  const sockets = new Set<Socket>();
  const relay = createServer((socket) => {
    count++;
    const upstream = connect(target, '127.0.0.1');
    for (const s of [socket, upstream]) {
      sockets.add(s);
      s.on('error', () => {
        socket.destroy();
        upstream.destroy();
      });
    }
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const port = (relay.address() as AddressInfo).port;
  return {
    url: (scheme) => `${scheme}://127.0.0.1:${port}`,
    count: () => count,
    close: () => {
      for (const s of sockets) s.destroy();
      relay.close();
    },
  };
}

/** Lists, downloads 1 MiB and uploads through the proxy (via a counting relay): control plus three data connections. */
async function roundTrip(scheme: string, proxyPort: number, server: TestServer, tls: boolean, host = '127.0.0.1'): Promise<void> {
  const relay = await countingRelay(proxyPort);
  const proxy = relay.url(scheme);
  try {
    await transfers(proxy, server, tls, host);
    assert.equal(relay.count(), 4, 'the control connection and three data connections went through the proxy');
  } finally {
    relay.close();
  }
}

async function transfers(proxy: string | undefined, server: TestServer, tls: boolean, host: string): Promise<void> {
  const scheme = tls ? 'ftps' : 'ftp';
  const ftp = new FtpPy(`${scheme}://${host}:${server.port}`, {
    auth: new Basic(USER, PASSWORD),
    retry: { total: 0 },
    ...(proxy === undefined ? {} : { proxy }),
    ...(tls ? { ssl: new SSL({ bundle: material.certPath }) } : {}),
  });
  await ftp.client(async (client) => {
    const names = (await client.list('/pub'))?.map((entry) => entry.name) ?? [];
    assert.ok(names.includes('data.bin'), names.join(', '));
    const local = join(folder.dir, `${scheme}-${relayed++}.bin`);
    assert.equal(await client.download('/pub/data.bin', local), true);
    assert.deepEqual((await import('node:fs')).readFileSync(local), BINARY);
    assert.equal(await client.uploadFrom('through the proxy\n', `/upload/${scheme}-${relayed}.txt`), true);
  });
}

describe('through dante-server (SOCKS5)', { skip: skipOutsideCi(DANTED === null ? 'danted is not installed (Debian: dante-server)' : false), timeout: 60_000 }, () => {
  let dante: Proxy;
  before(async () => {
    dante = await startProxy(DANTED ?? 'danted', (conf) => ['-f', conf, '-N', '1', '-p', join(folder.dir, 'danted.pid')], (port) => [
      'logoutput: stderr',
      `internal: 127.0.0.1 port = ${port}`,
      'external: 127.0.0.1',
      'clientmethod: none',
      'socksmethod: none',
      ...(process.getuid?.() === 0 ? ['user.privileged: root', 'user.unprivileged: nobody'] : []),
      'client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }',
      'socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }',
      '',
    ].join('\n'), folder.dir);
  });
  after(() => void dante?.child.kill());

  it('socks5:// carries the control and the passive data connections', async () => {
    await roundTrip('socks5', dante.port, plain, false);
  });

  it('socks5h:// (the proxy resolves the name) carries explicit FTPS, TLS inside the tunnel', async () => {
    await roundTrip('socks5h', dante.port, secure, true, 'localhost');
  });

  it('ALL_PROXY is used when no proxy option is given, and NO_PROXY bypasses it', async () => {
    const saved = { ...process.env };
    try {
      const relay = await countingRelay(dante.port);
      process.env.ALL_PROXY = relay.url('socks5');
      try {
        await transfers(undefined, plain, false, '127.0.0.1');
        assert.equal(relay.count(), 4);
      } finally {
        relay.close();
      }
      process.env.NO_PROXY = 'localhost,127.0.0.1';
      assert.equal(new FtpPy(`ftp://127.0.0.1:${plain.port}`).proxy, undefined);
      assert.equal(new FtpPy(`ftp://127.0.0.1:${plain.port}`, { proxy: false }).proxy, undefined);
    } finally {
      process.env = saved;
    }
  });
});

describe('through tinyproxy (HTTP CONNECT)', { skip: skipOutsideCi(TINYPROXY === null ? 'tinyproxy is not installed (Debian: tinyproxy)' : false), timeout: 60_000 }, () => {
  let tiny: Proxy;
  before(async () => {
    // No ConnectPort line: CONNECT may reach any port, the passive data ports included
    // (Debian's own tinyproxy.conf allows only 443 and 563).
    tiny = await startProxy(TINYPROXY ?? 'tinyproxy', (conf) => ['-d', '-c', conf], (port) => [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 60',
      'Allow 127.0.0.1',
      'LogLevel Error',
      '',
    ].join('\n'), folder.dir);
  });
  after(() => void tiny?.child.kill());

  it('http:// CONNECT carries plain FTP', async () => {
    await roundTrip('http', tiny.port, plain, false);
  });

  it('http:// CONNECT carries explicit FTPS', async () => {
    await roundTrip('http', tiny.port, secure, true, 'localhost');
  });
});

describe('proxy option', () => {
  it('refuses a proxy it cannot use, at once', () => {
    assert.throws(() => new FtpPy('ftp://127.0.0.1:21', { proxy: 'socks4://h:1080' }), /socks4:\/\/ is not supported/);
    assert.throws(() => new FtpPy('ftp://127.0.0.1:21', { proxy: 'http://:1' }), /proxy/);
  });

  it('active mode through a proxy fails with a clear error', { timeout: 20_000 }, async () => {
    const ftp = new FtpPy(`ftp://127.0.0.1:${plain.port}`, { auth: new Basic(USER, PASSWORD), retry: { total: 0 }, passive: false, proxy: 'http://127.0.0.1:9' });
    await assert.rejects(ftp.client(), /proxy 127\.0\.0\.1:9/);
  });
});

describe('ftppy --proxy', { skip: skipOutsideCi(TINYPROXY === null ? 'tinyproxy is not installed (Debian: tinyproxy)' : false), timeout: 60_000 }, () => {
  let tiny: Proxy;
  before(async () => {
    tiny = await startProxy(TINYPROXY ?? 'tinyproxy', (conf) => ['-d', '-c', conf], (port) => [`Port ${port}`, 'Listen 127.0.0.1', 'Timeout 60', 'Allow 127.0.0.1', 'LogLevel Error', ''].join('\n'), folder.dir);
  });
  after(() => void tiny?.child.kill());

  it('ls goes through the proxy the flag names, and through ALL_PROXY from its environment', async () => {
    const { ftppy } = await import('../cli/support/cli.js');
    const url = `ftp://${USER}:${PASSWORD}@127.0.0.1:${plain.port}/pub/nested`;
    const viaFlag = await countingRelay(tiny.port);
    const viaEnv = await countingRelay(tiny.port);
    try {
      const flagged = await ftppy(['ls', '--proxy', viaFlag.url('http'), url]);
      assert.equal(flagged.code, 0, flagged.stderr);
      assert.match(flagged.stdout, /deeper/);
      assert.equal(viaFlag.count(), 2, 'control and listing through the proxy');
      const fromEnv = await ftppy(['ls', url], { env: { ALL_PROXY: viaEnv.url('http') } });
      assert.equal(fromEnv.code, 0, fromEnv.stderr);
      assert.equal(viaEnv.count(), 2);
      const direct = await ftppy(['ls', '--proxy', '', url], { env: { ALL_PROXY: viaEnv.url('http') } });
      assert.equal(direct.code, 0, direct.stderr);
      assert.equal(viaEnv.count(), 2, "--proxy '' goes direct");
    } finally {
      viaFlag.close();
      viaEnv.close();
    }
  });
});
