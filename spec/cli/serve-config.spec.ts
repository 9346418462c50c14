// `ftppy serve --config server.json`: the file's checks (each fault names its path in
// the file), a real server from a file with users, homes, rights, passive range, limits,
// web options and TLS files, flags over the file, and the README's example file.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseServeFile } from '../../lib/cli/serve-config.js';
import { run, skipUnless } from '../helpers/external-clients.js';
import { freePort } from '../helpers/ports.js';
import { connectData, RawFtp, writeAll } from '../helpers/raw-ftp.js';
import { tlsMaterial } from '../helpers/tls-material.js';
import { within } from '../helpers/wait.js';
import { ftppy, localFolder } from './support/cli.js';
import { serve } from './support/serve-process.js';

describe('the config file checks', () => {
  const faults: [string, unknown, RegExp][] = [
    ['a misspelt key in a user', { users: [{ name: 'a', password: 'b' }, { name: 'c', password: 'd', rigths: {} }] }, /^server\.json: users\[1\]\.rigths: unknown key \(known here: name, password, home, rights, addresses, certificate, rate, quota\)$/],
    ['an unknown right', { users: [{ name: 'a', password: 'b', rights: { erase: true } }] }, /users\[0\]\.rights\.erase: unknown key/],
    ['an unknown top-level key', { prot: 21 }, /^server\.json: prot: unknown key/],
    ['a string for a number', { limits: { connections: '5' } }, /limits\.connections: expected a whole number, got "5"/],
    ['a fraction for a port', { pasv: { min: 1.5 } }, /pasv\.min: expected a whole number, got 1\.5/],
    ['a port out of range', { port: 70000 }, /port: expected a port \(0-65535\), got 70000/],
    ['a word for web', { web: 'yes' }, /web: expected a port, false or \{ port, metrics, health \}, got "yes"/],
    ['true for web', { web: true }, /web: expected a port, false or/],
    ['a bad key inside web', { web: { port: 1, metric: false } }, /web\.metric: unknown key/],
    ['a number for anonymous', { anonymous: 3 }, /anonymous: expected true, false or \{ names, home, rights \}, got 3/],
    ['an object for users', { users: { name: 'a' } }, /users: expected an array, got an object/],
    ['a string in the trusted list', { proxyProtocol: { trusted: ['10.0.0.0/8', 7] } }, /proxyProtocol\.trusted\[1\]: expected a string, got 7/],
    ['a log format', { log: 'xml' }, /log: expected "json" or "off", got "xml"/],
    ['negative seconds', { timeouts: { grace: -1 } }, /timeouts\.grace: expected seconds/],
    // Node's timers hold 2^31-1 ms: a longer wait fires after 1 ms (every session cut at once).
    ['seconds longer than a timer holds', { timeouts: { grace: 3_000_000 } }, /timeouts\.grace: expected seconds \(a number ≥ 0, at most 2147483\), got 3000000/],
    ['a user without a password', { users: [{ name: 'a' }] }, /server\.json: users\[0\]: password is missing \(or give a certificate\)/],
    ['a certificate rule of neither kind', { users: [{ name: 'a', certificate: { cn: 'a' } }] }, /users\[0\]\.certificate\.cn: unknown key/],
    ['a rate in words', { rate: { download: 'fast' } }, /rate\.download: expected a whole number, got "fast"/],
    ['a quota key', { users: [{ name: 'a', password: 'b', quota: { gigabytes: 1 } }] }, /users\[0\]\.quota\.gigabytes: unknown key/],
    ['a ban of true', { ban: true }, /ban: expected false or \{ failures, window, duration, capacity \}, got true/],
    ['tls without a key', { tls: { cert: 'c.pem' } }, /tls: key is missing/],
    ['an array at the top', [], /server\.json: the file: expected an object, got an array/],
  ];
  for (const [what, value, message] of faults) {
    it(`refuses ${what}, naming the path`, () => {
      assert.throws(() => parseServeFile(JSON.stringify(value), 'server.json'), (error: Error & { code?: string }) => {
        assert.match(error.message, message);
        assert.equal(error.code, 'FTPPY_ERR_INVALID_ARGUMENT');
        return true;
      });
    });
  }

  it('refuses text that is not JSON, naming the file', () => {
    assert.throws(() => parseServeFile('{ "port": 21, }', '/etc/ftppy.json'), { message: /^\/etc\/ftppy\.json: not JSON/ });
  });

  it('takes every key of the library, files relative to the config file', () => {
    const read = parseServeFile(JSON.stringify({
      host: '0.0.0.0', port: 21, root: 'data', greeting: 'hi',
      users: [
        { name: 'a', password: 'b', home: '/a', rights: { read: true, write: false, delete: false, mkdir: false, rename: false }, addresses: ['127.0.0.0/8'] },
        { name: 'alice', certificate: { subject: 'CN=alice' }, rate: { download: 1048576, upload: null }, quota: { bytes: 1e9, files: null } },
        { name: 'carol', password: 'c', certificate: { fingerprint: 'AB:CD' } },
      ],
      authenticate: 'auth.mjs',
      ban: { failures: 5, window: 60, duration: 300, capacity: 1000 },
      login: { attempts: 3, delay: 1, timeout: 5 },
      rate: { download: 5242880 },
      anonymous: { names: ['ftp'], home: '/pub', rights: { read: true } },
      tls: { cert: 'tls/cert.pem', key: '/abs/key.pem', ca: 'ca.pem', ciphers: 'HIGH', implicit: false, requireLogin: true, requireData: false, reuse: true },
      pasv: { min: 50000, max: 50100, address: '203.0.113.7' },
      proxyProtocol: { trusted: ['10.0.0.0/8'] },
      limits: { connections: 100, perAddress: 5, lineBytes: 4096, loginAttempts: 3, loginDelay: 1 },
      timeouts: { idle: 300, data: 30, stall: 60, grace: 30, uploadSettle: 0.01 },
      web: { port: 8080, metrics: true, health: false },
      log: 'json',
    }), '/srv/ftp/server.json');
    assert.equal(read.root, '/srv/ftp/data');
    assert.equal(read.tls?.cert, '/srv/ftp/tls/cert.pem');
    assert.equal(read.tls?.key, '/abs/key.pem');
    assert.deepEqual(read.proxyProtocol, { trusted: ['10.0.0.0/8'] });
    assert.equal(read.authenticate, '/srv/ftp/auth.mjs');
    assert.deepEqual(read.users?.[1], { name: 'alice', certificate: { subject: 'CN=alice' }, rate: { download: 1048576, upload: null }, quota: { bytes: 1e9, files: null } });
    assert.equal(parseServeFile('{"ban": false}', 'x.json').ban, false);
    assert.deepEqual(parseServeFile('{"web": false}', 'x.json').web, false);
    assert.deepEqual(parseServeFile('{"web": 8080}', 'x.json').web, 8080);
    assert.deepEqual(parseServeFile('{"anonymous": true}', 'x.json').anonymous, true);
  });

  it('the README example file is valid', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const m = /```json server\.json\n([\s\S]*?)^```$/m.exec(readme);
    assert.ok(m, 'the README has a ```json server.json block');
    const read = parseServeFile(m[1]!, '/etc/ftppy/server.json');
    assert.ok(read.users && read.users.length >= 2);
  });
});

describe('ftppy serve --config', { timeout: 60_000 }, () => {
  it('serves what the file says: homes, rights, no anonymous, passive range, limits, web options; flags win', async () => {
    const dir = localFolder();
    const filePort = await freePort();
    const port = await freePort();
    const web = await freePort();
    writeFileSync(join(dir, 'server.json'), JSON.stringify({
      host: '127.0.0.1',
      port: filePort,
      root: 'data',
      users: [
        { name: 'alice', password: 'a-pass', home: '/alice' },
        { name: 'bob', password: 'b-pass', rights: { write: false, delete: false, mkdir: false, rename: false } },
      ],
      anonymous: false,
      pasv: { min: 41000, max: 41009 },
      limits: { perAddress: 3, loginDelay: 0.1 },
      timeouts: { grace: 5 },
      web: { port: web, metrics: false },
    }));
    const server = await serve(['--config', join(dir, 'server.json'), '--port', String(port)], dir);
    try {
      assert.match(server.banner, new RegExp(`FtpPy serving ${join(dir, 'data')}\\n  FTP {6}ftp://127\\.0\\.0\\.1:${port}\\n  web API  http://127\\.0\\.0\\.1:${web}/\\n`));
      assert.match(server.banner, /login {4}alice \(password as given\) and 1 more/);
      assert.doesNotMatch(server.banner, /anonymous/);
      const alice = await RawFtp.connect(port);
      assert.equal((await alice.login('alice', 'a-pass')).code, 230);
      const passive = await alice.epsv();
      assert.ok(passive >= 41000 && passive <= 41009, `passive port ${passive} in 41000-41009`);
      const data = await connectData(passive);
      assert.equal((await alice.cmd('STOR note.txt')).code, 150);
      await writeAll(data, 'from alice\n');
      assert.equal((await alice.reply()).code, 226);
      assert.equal(readFileSync(join(dir, 'data/alice/note.txt'), 'utf8'), 'from alice\n');
      const bob = await RawFtp.connect(port);
      assert.equal((await bob.login('bob', 'b-pass')).code, 230);
      assert.equal((await bob.cmd('MKD /made')).code, 550);
      assert.equal((await bob.cmd('SIZE /alice/note.txt')).code, 213);
      const third = await RawFtp.connect(port);
      assert.equal((await third.login('anonymous', 'x')).code, 530);
      // perAddress 3: the fourth connection from 127.0.0.1 is refused.
      const fourth = await RawFtp.connect(port);
      assert.equal(fourth.greeting.code, 421);
      for (const c of [alice, bob, third, fourth]) c.close();
      assert.equal((await fetch(`http://127.0.0.1:${web}/metrics`)).status, 404);
      assert.equal((await fetch(`http://127.0.0.1:${web}/healthz`)).status, 200);
      assert.equal(await within(server.stop(), 'the process to stop'), 0);
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('TLS files named relative to the config file: explicit FTPS, required', { skip: skipUnless('curl') }, async () => {
    const dir = localFolder();
    const { certPath, keyPath } = tlsMaterial();
    copyFileSync(certPath, join(dir, 'cert.pem'));
    copyFileSync(keyPath, join(dir, 'key.pem'));
    writeFileSync(join(dir, 'hello.txt'), 'over TLS\n');
    const port = await freePort();
    writeFileSync(join(dir, 'server.json'), JSON.stringify({ host: '127.0.0.1', port, root: '.', web: false, anonymous: true, tls: { cert: 'cert.pem', key: 'key.pem' } }));
    const server = await serve(['--config', 'server.json'], dir);
    try {
      assert.match(server.banner, new RegExp(`FTP {6}ftps://127\\.0\\.0\\.1:${port}`));
      const plain = await run('curl', ['-sS', '--max-time', '20', `ftp://127.0.0.1:${port}/hello.txt`]);
      assert.notEqual(plain.code, 0, 'a login without TLS is refused');
      const secure = await run('curl', ['-sS', '--max-time', '20', '--ssl-reqd', '-k', `ftp://127.0.0.1:${port}/hello.txt`]);
      assert.equal(secure.stdout, 'over TLS\n', secure.stderr);
      assert.equal(await within(server.stop(), 'the process to stop'), 0);
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('a bad file stops the command before it listens, naming the key', async () => {
    const dir = localFolder();
    writeFileSync(join(dir, 'server.json'), JSON.stringify({ users: [{ name: 'a', password: 'b' }, { name: 'c', password: 'd', rigths: {} }] }));
    const result = await ftppy(['serve', '--config', 'server.json'], { cwd: dir });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /ftppy serve: server\.json: users\[1\]\.rigths: unknown key/);
    assert.equal(existsSync(join(dir, 'ftproot')), false);
  });
});
