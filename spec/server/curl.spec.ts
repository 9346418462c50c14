// curl against our server: downloads, listings, uploads (with directory creation,
// append and resume), quote commands, HEAD (SIZE/MDTM), passive and active modes; and
// FTPS explicit (--ssl-reqd, TLS 1.3 tickets and TLS 1.2 session IDs both resumed on the
// data connection) and implicit (ftps://).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expectSuccess, run, skipUnless } from '../helpers/external-clients.js';
import { sha256, tempDir } from '../helpers/files.js';
import { BINARY, PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';
import { tlsMaterial } from '../helpers/tls-material.js';

const skip = skipUnless('curl');
const local = tempDir('ftppy-curl-');
after(() => local.remove());

async function curl(...args: string[]): Promise<string> {
  return expectSuccess(await run('curl', ['-sS', '--max-time', '20', ...args]), `curl ${args.join(' ')}`);
}

describe('curl, plain FTP', { skip }, () => {
  let t: TestServer;
  let url: string;
  const auth = ['-u', `${USER}:${PASSWORD}`];
  before(async () => {
    t = await startServer();
    url = `ftp://127.0.0.1:${t.port}`;
  });
  after(() => t.close());

  it('downloads, binary and text, anonymously and logged in', async () => {
    assert.equal(await curl(`${url}/pub/hello.txt`), 'hello world\n');
    const out = join(local.dir, 'data.bin');
    await curl(...auth, '-o', out, `${url}/pub/data.bin`);
    assert.equal(sha256(out), sha256(BINARY));
    assert.equal(await curl(...auth, `${url}/pub/name%20with%20spaces.txt`), 'spaces\n');
    assert.equal(await curl(...auth, `${url}/pub/unicode-%C3%A9t%C3%A9-%E5%90%8D%E5%89%8D.txt`), 'unicode\n');
  });

  it('lists with LIST and NLST (--list-only)', async () => {
    const list = await curl(...auth, `${url}/pub/`);
    assert.match(list, /^d.* nested\r?$/m);
    assert.match(list, /^-rw-r--r-- .* 12 .* hello\.txt\r?$/m);
    const names = (await curl(...auth, '--list-only', `${url}/pub/nested/`)).split(/\r?\n/).filter(Boolean);
    assert.deepEqual(names, ['deeper']);
  });

  it('uploads, creating folders, appending, and resuming', async () => {
    const file = join(local.dir, 'up.txt');
    writeFileSync(file, 'first\n');
    await curl(...auth, '-T', file, `${url}/upload/up.txt`);
    await curl(...auth, '--ftp-create-dirs', '-T', file, `${url}/upload/a/b/c.txt`);
    assert.equal(readFileSync(join(t.root, 'upload/a/b/c.txt'), 'utf8'), 'first\n');
    writeFileSync(file, 'second\n');
    await curl(...auth, '--append', '-T', file, `${url}/upload/up.txt`);
    assert.equal(readFileSync(join(t.root, 'upload/up.txt'), 'utf8'), 'first\nsecond\n');
    // Resume: the server has the first 6 bytes, curl asks SIZE and sends the rest.
    writeFileSync(file, 'first\nthe rest\n');
    writeFileSync(join(t.root, 'upload/resumed.txt'), 'first\n');
    await curl(...auth, '-C', '-', '-T', file, `${url}/upload/resumed.txt`);
    assert.equal(readFileSync(join(t.root, 'upload/resumed.txt'), 'utf8'), 'first\nthe rest\n');
  });

  it('resumes a download at an offset (REST)', async () => {
    assert.equal(await curl(...auth, '-C', '6', `${url}/pub/hello.txt`), 'world\n');
  });

  it('runs quote commands before and after the transfer', async () => {
    writeFileSync(join(t.root, 'upload/quoted.txt'), 'q');
    await curl(...auth, '-Q', 'RNFR /upload/quoted.txt', '-Q', 'RNTO /upload/moved.txt', '-Q', '-DELE /upload/moved.txt', `${url}/pub/hello.txt`);
    assert.throws(() => readFileSync(join(t.root, 'upload/moved.txt')));
    const failed = await run('curl', ['-sS', ...auth, '-Q', 'DELE upload/nothing', `${url}/pub/hello.txt`]);
    assert.notEqual(failed.code, 0);
    assert.match(failed.stderr, /550/);
  });

  it('HEAD reads SIZE and MDTM', async () => {
    const head = await curl(...auth, '-I', `${url}/pub/hello.txt`);
    assert.match(head, /Content-Length: 12/);
    assert.match(head, /Last-Modified: /);
  });

  it('passive with PASV, and active with EPRT and PORT', async () => {
    assert.equal(await curl(...auth, '--disable-epsv', `${url}/pub/hello.txt`), 'hello world\n');
    assert.equal(await curl(...auth, '-P', '127.0.0.1', `${url}/pub/hello.txt`), 'hello world\n');
    assert.equal(await curl(...auth, '-P', '127.0.0.1', '--disable-eprt', `${url}/pub/hello.txt`), 'hello world\n');
    const file = join(local.dir, 'active.txt');
    writeFileSync(file, 'active upload');
    await curl(...auth, '-P', '-', '-T', file, `${url}/upload/active.txt`);
    assert.equal(readFileSync(join(t.root, 'upload/active.txt'), 'utf8'), 'active upload');
  });

  it('with every --ftp-method', async () => {
    for (const method of ['multicwd', 'singlecwd', 'nocwd']) {
      assert.equal(await curl(...auth, '--ftp-method', method, `${url}/pub/nested/deeper/deep.txt`), 'deep\n', method);
    }
  });

  it('a wrong password fails the login', async () => {
    const failed = await run('curl', ['-sS', '-u', `${USER}:nope`, `${url}/pub/hello.txt`]);
    assert.equal(failed.code, 67); // CURLE_LOGIN_DENIED
  });
});

describe('curl, FTPS', { skip }, () => {
  const material = tlsMaterial();
  const auth = ['-u', `${USER}:${PASSWORD}`, '--cacert', material.certPath];

  it('explicit (--ssl-reqd), resuming the TLS session on each data connection', async () => {
    await using t = await startServer({ tls: { cert: material.cert, key: material.key } });
    const url = `ftp://localhost:${t.port}`;
    assert.equal(await curl(...auth, '--ssl-reqd', `${url}/pub/hello.txt`), 'hello world\n');
    assert.equal(await curl(...auth, '--ssl-reqd', '--tls-max', '1.2', `${url}/pub/hello.txt`), 'hello world\n');
    assert.match(await curl(...auth, '--ssl-reqd', `${url}/pub/`), /hello\.txt/);
    const out = join(local.dir, 'tls.bin');
    await curl(...auth, '--ssl-reqd', '-o', out, `${url}/pub/data.bin`);
    assert.equal(sha256(out), sha256(BINARY));
    const file = join(local.dir, 'tls-up.bin');
    writeFileSync(file, BINARY);
    await curl(...auth, '--ssl-reqd', '--tls-max', '1.2', '-T', file, `${url}/upload/tls.bin`);
    assert.equal(sha256(join(t.root, 'upload/tls.bin')), sha256(BINARY));
    assert.equal(await curl('-u', `${USER}:${PASSWORD}`, '-k', '--ssl-reqd', `${url}/pub/hello.txt`), 'hello world\n');
    // Without --ssl-reqd curl stays in plain text, which this server refuses at USER.
    const plain = await run('curl', ['-sS', '-u', `${USER}:${PASSWORD}`, `${url}/pub/hello.txt`]);
    assert.notEqual(plain.code, 0);
  });

  it('implicit (ftps://)', async () => {
    await using t = await startServer({ tls: { cert: material.cert, key: material.key, implicit: true } });
    const url = `ftps://localhost:${t.port}`;
    assert.equal(await curl(...auth, `${url}/pub/hello.txt`), 'hello world\n');
    const file = join(local.dir, 'implicit.txt');
    writeFileSync(file, 'implicit');
    await curl(...auth, '-T', file, `${url}/upload/implicit.txt`);
    assert.equal(readFileSync(join(t.root, 'upload/implicit.txt'), 'utf8'), 'implicit');
  });
});
