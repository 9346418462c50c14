// The server as an object: listening (on every address of a name, or failing when the
// port is taken), events and statistics, the seam the web API uses (authenticate,
// filesystem), close() with a grace period for running transfers, and a client that
// sends commands without ever reading the replies.
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { createServer, MemoryStorage, type LoginEvent, type SessionEvent, type Storage, type TransferEvent } from '../../server/index.js';
import { connectData, RawFtp } from '../helpers/raw-ftp.js';
import { delegatingStorage } from '../helpers/storage.js';
import { PASSWORD, startServer, USER } from '../helpers/test-server.js';
import { until, within } from '../helpers/wait.js';

describe('listening', () => {
  it('listens on every address a name resolves to, on one port', async () => {
    await using server = await createServer({ host: 'localhost', port: 0, storage: new MemoryStorage(), anonymous: true });
    const ports = new Set(server.addresses.map((a) => a.port));
    assert.equal(ports.size, 1);
    assert.ok(server.addresses.some((a) => a.address === '127.0.0.1' || a.address === '::1'));
  });

  it('fails when the port is taken, leaving nothing open', async () => {
    await using first = await createServer({ port: 0, storage: new MemoryStorage() });
    await assert.rejects(createServer({ port: first.port, storage: new MemoryStorage() }), /EADDRINUSE/);
  });

  it('checks its options, naming the field', async () => {
    assert.throws(() => new MemoryStorage({ '/a': 'x', '/a/b': 'y' }), TypeError);
    const bad: [object, RegExp][] = [
      [{ port: 70000 }, /port/],
      [{ pasv: { min: 6000, max: 5000 } }, /pasv/],
      [{ pasv: { min: 0, max: 0, address: 'host.example' } }, /pasv.address/],
      [{ users: [{ name: 'a', password: 'b' }, { name: 'a', password: 'c' }] }, /repeated/],
      [{ users: [{ name: 'a', password: 'b', rights: { fly: true } }] }, /unknown right "fly"/],
      [{ anonymous: { names: [] } }, /anonymous.names/],
      [{ tls: { cert: 'x' } }, /cert and key/],
      [{ timeouts: { idle: -1 } }, /timeouts.idle/],
      [{ limits: { loginDelay: 'slow' } }, /loginDelay/],
      [{ greeting: 'two\r\nlines' }, /greeting/],
    ];
    for (const [options, message] of bad) await assert.rejects(createServer({ port: 0, ...options } as never), message);
  });
});

describe('events, statistics and the web API’s seam', () => {
  it('reports sessions, logins and transfers', async () => {
    await using t = await startServer();
    const seen: string[] = [];
    t.server.on('session', (e: SessionEvent) => seen.push(`session ${e.address}`));
    t.server.on('login', (e: LoginEvent) => seen.push(`login ${e.user}`));
    t.server.on('login-failed', (e) => seen.push(`failed ${e.user}`));
    t.server.on('transfer', (e: TransferEvent) => seen.push(`${e.direction} ${e.path} ${e.bytes} ${e.ok}`));
    t.server.on('session-end', () => seen.push('end'));
    const ftp = await RawFtp.connect(t.port);
    await ftp.login(USER, 'wrong');
    await ftp.login(USER, PASSWORD);
    await ftp.cmd('TYPE I');
    const data = await connectData(await ftp.epsv());
    await ftp.cmd('RETR /pub/hello.txt');
    data.resume();
    await ftp.reply();
    // The client may see the connection close before the server does: wait for its event.
    const ended = once(t.server, 'session-end');
    await ftp.cmd('QUIT');
    await ftp.closed();
    await within(ended, 'session-end');
    assert.deepEqual(seen, ['session 127.0.0.1', `failed ${USER}`, `login ${USER}`, 'download /pub/hello.txt 12 true', 'end']);
    assert.deepEqual(t.server.stats(), {
      connections: 0, sessions: 1, refused: 0, proxyRefused: 0, logins: 1, failedLogins: 1, transfers: 1, failedTransfers: 0, bytesIn: 0, bytesOut: 12,
      byDirection: { download: { transfers: 1, failed: 0, bytes: 12 }, upload: { transfers: 0, failed: 0, bytes: 0 }, list: { transfers: 0, failed: 0, bytes: 0 } },
      passivePorts: 0,
      bannedAddresses: 0,
      bannedRefused: 0,
    });
  });

  it('authenticates and opens a user’s filesystem the way FTP logins do', async () => {
    await using t = await startServer({ users: [{ name: 'web', password: 'pw', home: '/pub', rights: { delete: false } }] });
    assert.equal(await t.server.authenticate('web', 'nope'), null);
    assert.equal(await t.server.authenticate('nobody', 'pw'), null);
    const account = (await t.server.authenticate('web', 'pw'))!;
    assert.equal(account.home, '/pub');
    assert.equal(account.rights.delete, false);
    const fs = await t.server.filesystem(account);
    assert.equal((await fs.stat('/hello.txt')).size, 12);
    await assert.rejects(fs.remove('/hello.txt'), /no delete right/);
    const anonymous = (await t.server.authenticate('FTP', 'anything'))!;
    assert.equal(anonymous.anonymous, true);
  });

  it('a home that cannot be opened fails the login with the usual 530, and tells the owner', async () => {
    await using t = await startServer({ users: [{ name: 'misfiled', password: 'pw', home: '/pub/hello.txt' }] });
    const errors: unknown[] = [];
    t.server.on('session-error', (e) => errors.push(e.error));
    const ftp = await RawFtp.connect(t.port);
    assert.deepEqual(await ftp.login('misfiled', 'pw'), { code: 530, message: 'Login incorrect', lines: ['Login incorrect'] });
    assert.equal(errors.length, 1);
    ftp.close();
  });

  it('a fault no client should cause is reported as session-error and answered 451', async () => {
    const storage = new MemoryStorage({ '/a.txt': 'a' });
    // A storage that breaks its contract: a modification time that is not a Date.
    const broken = delegatingStorage(storage, {
      stat: async (path) => (path === '/a.txt' ? ({ kind: 'file', size: 1, modified: 'not a date', mode: 0o644 } as never) : storage.stat(path)),
    });
    await using server = await createServer({ port: 0, storage: broken, anonymous: true });
    const errors: unknown[] = [];
    server.on('session-error', (e) => errors.push(e.error));
    const ftp = await RawFtp.connect(server.port);
    await ftp.login('anonymous', 'x');
    assert.equal((await ftp.cmd('MDTM /a.txt')).code, 451);
    assert.equal(errors.length, 1);
    assert.equal((await ftp.cmd('NOOP')).code, 200);
    ftp.close();
  });
});

describe('closing', () => {
  it('lets a running transfer finish, then says 421 and closes', async () => {
    await using t = await startServer();
    const ftp = await RawFtp.connect(t.port);
    await ftp.login(USER, PASSWORD);
    const idle = await RawFtp.connect(t.port);
    const data = await connectData(await ftp.epsv());
    assert.equal((await ftp.cmd('STOR /upload/late.txt')).code, 150);
    const closing = t.server.close();
    assert.equal((await idle.reply()).code, 421);
    await assert.rejects(RawFtp.connect(t.port));
    data.end('finished after close()');
    assert.equal((await ftp.reply()).code, 226);
    assert.equal((await ftp.reply()).code, 421);
    await closing;
  });

  it('cuts a transfer still running when the grace period ends', async () => {
    await using t = await startServer({ timeouts: { grace: 0.2 } });
    const ftp = await RawFtp.connect(t.port);
    await ftp.login(USER, PASSWORD);
    const data = await connectData(await ftp.epsv());
    assert.equal((await ftp.cmd('STOR /upload/never.txt')).code, 150);
    data.write('never finished');
    const started = performance.now();
    // The upload never finishes: only the grace period can end close(), not before it.
    await within(t.server.close(), 'close() to cut the transfer after the grace period');
    assert.ok(performance.now() - started >= 195, 'not before the grace period');
    await ftp.closed();
    data.destroy();
  });
});

describe('a client that does not read its replies', () => {
  /** The next socket any net.Server of this process accepts: here, the server's end of the control connection. */
  const nextAccepted = (): Promise<Socket> =>
    new Promise((resolve) => {
      const onSocket = (message: unknown): void => {
        unsubscribe('net.server.socket', onSocket);
        resolve((message as { socket: Socket }).socket);
      };
      subscribe('net.server.socket', onSocket);
    });

  it('is answered in full once it reads, with the server holding back meanwhile', { timeout: 60_000 }, async () => {
    await using t = await startServer();
    const accepted = nextAccepted();
    const ftp = await RawFtp.connect(t.port);
    const server = await accepted;
    ftp.socket.pause();
    // HELP answers some 375 bytes. The kernel buffers between the two ends take megabytes
    // on loopback (4 MB here), so the client sends batches until the server's own buffer
    // backs up: only then is there anything to hold back.
    const batch = 1000;
    let commands = 0;
    const send = (): void => {
      ftp.send('HELP\r\n'.repeat(batch));
      commands += batch;
    };
    await until(() => {
      if (server.writableNeedDrain) return true;
      if (ftp.socket.writableLength === 0) send();
      return false;
    }, "the server's writes to back up");
    send(); // more commands meanwhile
    await until(() => server.isPaused(), 'the server to stop reading commands');
    assert.ok(server.writableLength < 64 * 1024, `the server buffers no more replies (${server.writableLength} bytes held)`);
    ftp.socket.resume();
    for (let i = 0; i < commands; i++) assert.equal((await ftp.reply()).code, 214);
    ftp.close();
  });
});
