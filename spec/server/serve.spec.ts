// ftp.server(): how the FtpPy factory (endpoint, auth, ssl, limits, timeout) and the
// server options map onto the server, and the running server's lifecycle.
import assert from 'node:assert/strict';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { Basic, Guest } from '../../lib/auth.js';
import { Limits, Timeout } from '../../lib/config.js';
import { FtpPy } from '../../lib/ftppy.js';
import { serverOptions } from '../../lib/serve.js';
import { SSL } from '../../lib/settings.js';
import { MemoryStorage } from '../../server/index.js';
import { tempDir } from '../helpers/files.js';
import { RawFtp } from '../helpers/raw-ftp.js';
import { writeTree } from '../helpers/test-server.js';
import { tlsMaterial } from '../helpers/tls-material.js';
import { freePort } from '../helpers/ports.js';

const folder = tempDir('ftppy-serve-');
writeTree(folder.dir);
after(() => folder.remove());


describe('ftp.server()', () => {
  it('serves the Basic account of the factory, and no anonymous access', async () => {
    const port = await freePort();
    const ftp = new FtpPy(`ftp://127.0.0.1:${port}`, { auth: new Basic('admin', 'secret') });
    await using server = await ftp.server({ root: folder.dir, web: false });
    assert.equal(server.port, port);
    assert.deepEqual(server.addresses.map((a) => a.address), ['127.0.0.1']);
    assert.equal(server.web, null);
    const client = await RawFtp.connect(port);
    assert.equal((await client.login('anonymous', 'x')).code, 530);
    assert.equal((await client.login('admin', 'secret')).code, 230);
    assert.equal((await client.cmd('MKD /made-by-admin')).code, 257);
    client.close();
    assert.equal(server.stats().logins, 1);
  });

  it('without auth, or with Guest, serves anonymous read-only access; users add accounts', async () => {
    for (const auth of [undefined, new Guest('spec')]) {
      const port = await freePort();
      const ftp = new FtpPy(`ftp://127.0.0.1:${port}`, auth ? { auth } : {});
      const server = await ftp.server({ root: folder.dir, web: false, users: [{ name: 'bob', password: 'pw', home: '/pub' }] });
      const anonymous = await RawFtp.connect(port);
      assert.equal((await anonymous.login('anonymous', 'guest@')).code, 230);
      assert.equal((await anonymous.cmd('MKD /nope')).code, 550);
      anonymous.close();
      const bob = await RawFtp.connect(port);
      assert.equal((await bob.login('bob', 'pw')).code, 230);
      assert.equal((await bob.cmd('SIZE /hello.txt')).message, '12');
      bob.close();
      await server.close();
    }
  });

  it('maps Limits and Timeout onto the server', async () => {
    const port = await freePort();
    // Timeout.read is the idle timeout: long enough that the second connection is surely
    // made while the first is still there, however busy the machine.
    const ftp = new FtpPy(`ftp://127.0.0.1:${port}`, { limits: new Limits({ connections: 1 }), timeout: new Timeout({ read: 2 }) });
    await using server = await ftp.server({ root: folder.dir, web: false });
    const started = performance.now();
    const first = await RawFtp.connect(port);
    const second = await RawFtp.connect(port);
    assert.equal(second.greeting.code, 421);
    assert.equal((await first.reply()).code, 421); // idle after Timeout.read
    assert.ok(performance.now() - started >= 1995, 'not before Timeout.read');
    await first.closed();
    assert.equal(server.stats().refused, 1);
  });

  it('explicit FTPS for ftps:// (TLS required), implicit with SSL({ implicit: true })', async () => {
    const material = tlsMaterial();
    const explicitPort = await freePort();
    const explicit = new FtpPy(`ftps://127.0.0.1:${explicitPort}`, { ssl: new SSL({ cert: material.certPath, key: material.keyPath }) });
    await using one = await explicit.server({ root: folder.dir, web: false });
    const plain = await RawFtp.connect(explicitPort);
    assert.equal((await plain.cmd('USER anonymous')).code, 530);
    await plain.startTls({ ca: material.cert, servername: 'localhost' });
    assert.equal((await plain.login('anonymous', 'x')).code, 230);
    plain.close();
    const implicitPort = await freePort();
    const implicit = new FtpPy(`ftps://127.0.0.1:${implicitPort}`, { ssl: new SSL({ cert: material.cert, key: material.key, implicit: true }) });
    await using two = await implicit.server({ root: folder.dir, web: false });
    const secure = await RawFtp.connect(implicitPort, { tls: { ca: material.cert, servername: 'localhost' } });
    assert.equal(secure.greeting.code, 220);
    secure.close();
    assert.ok(one && two);
  });

  it('starts the web API on the FTP port + 1 (or the port given), with the request hook', async () => {
    const requests: string[] = [];
    const hooks = { request: (request: { method: string; path: string }, response: { status: number }) => void requests.push(`${request.method} ${request.path} ${response.status}`) };
    // A free port whose neighbour is free too, probed then listened on: another process
    // may take either in between, so a taken one means probing again, not a failure.
    let server: Awaited<ReturnType<FtpPy['server']>> | undefined;
    let port = 0;
    for (let attempt = 0; !server; attempt++) {
      port = await freePort();
      server = await new FtpPy(`ftp://127.0.0.1:${port}`, { hooks }).server({ root: folder.dir }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EADDRINUSE' || attempt === 9) throw error;
        return undefined;
      });
    }
    try {
      assert.equal(server.web?.port, port + 1);
      const response = await fetch(`http://127.0.0.1:${port + 1}/files/pub/hello.txt`);
      assert.equal(await response.text(), 'hello world\n');
    } finally {
      await server.close();
    }
    assert.deepEqual(requests, ['GET /files/pub/hello.txt 200']);
    await using moved = await new FtpPy('ftp://127.0.0.1:0').server({ root: folder.dir, web: 0 });
    assert.ok(moved.web && moved.web.port > 0 && moved.web.port !== moved.port);
  });

  it('does not stay up when the web API cannot start', async () => {
    const blocker = createNetServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as AddressInfo).port;
    const port = await freePort();
    await assert.rejects(new FtpPy(`ftp://127.0.0.1:${port}`).server({ root: folder.dir, web: taken }), /EADDRINUSE/);
    await new Promise((resolve) => blocker.close(resolve));
    await assert.rejects(RawFtp.connect(port)); // the FTP side was closed again
  });

  it('refuses what cannot work, before listening', async () => {
    await assert.rejects(new FtpPy('ftps://127.0.0.1:2121').server({ web: false }), TypeError);
    await assert.rejects(new FtpPy('ftp://127.0.0.1:2121').server({ web: 70000 }), RangeError);
    await assert.rejects(new FtpPy('ftp://127.0.0.1:2121').server({ rot: '/tmp' } as never), /unknown option "rot"/);
  });
});

describe('serverOptions()', () => {
  it('turns the factory and the server options into the server’s options', async () => {
    const material = tlsMaterial();
    const storage = new MemoryStorage();
    const ftp = new FtpPy('ftp://admin:secret@localhost:2121', {
      ssl: new SSL({ cert: material.cert, key: material.key, reuse: false }),
      limits: new Limits({ host: 3 }),
      timeout: new Timeout({ connect: 4, read: 60 }),
    });
    const options = await serverOptions(ftp, {
      root: '/srv',
      pasv: { min: 50000, max: 50100, address: '203.0.113.9' },
      login: { attempts: 5, delay: 2 },
      requireTls: { data: false },
      storage,
      greeting: 'hi',
    });
    assert.equal(options.host, 'localhost');
    assert.equal(options.port, 2121);
    assert.equal(options.root, '/srv');
    assert.deepEqual(options.users, [{ name: 'admin', password: 'secret' }]);
    assert.equal(options.anonymous, false);
    assert.deepEqual(options.limits, { perAddress: 3, loginAttempts: 5, loginDelay: 2 });
    assert.deepEqual(options.timeouts, { idle: 60, data: 4, stall: 60 });
    assert.deepEqual(options.pasv, { min: 50000, max: 50100, address: '203.0.113.9' });
    assert.equal(options.storage, storage);
    assert.equal(options.greeting, 'hi');
    assert.ok(options.tls);
    assert.deepEqual(
      { implicit: options.tls.implicit, requireLogin: options.tls.requireLogin, requireData: options.tls.requireData, reuse: options.tls.reuse },
      { implicit: false, requireLogin: true, requireData: false, reuse: false },
    );
  });

  it('ftp:// with certificates offers TLS without requiring it', async () => {
    const material = tlsMaterial();
    const options = await serverOptions(new FtpPy('ftp://localhost', { ssl: new SSL({ cert: material.cert, key: material.key }) }));
    assert.equal(options.tls?.requireLogin, false);
    assert.equal(options.tls?.requireData, false);
    assert.equal(options.anonymous, true);
    assert.deepEqual(options.limits, {});
  });
});
