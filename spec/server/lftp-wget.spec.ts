// lftp and wget against our server (.ci/run installs both from Debian's packages):
// listings (lftp reads MLSD, wget parses LIST), downloads and uploads, mirroring both
// ways, lftp's ABOR (Telnet IP and a Synch whose DM goes out as urgent data), and
// explicit FTPS with TLS session reuse on the data connections.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expectSuccess, run, skipUnless } from '../helpers/external-clients.js';
import { pseudoRandom, sha256, tempDir } from '../helpers/files.js';
import { BINARY, PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';
import { tlsMaterial } from '../helpers/tls-material.js';

const local = tempDir('ftppy-lftp-');
after(() => local.remove());

function lftp(url: string, script: string, settings = 'set ftp:ssl-allow no;'): Promise<string> {
  const commands = `set net:max-retries 1; set net:timeout 10; set cmd:fail-exit yes; ${settings} ${script}; quit`;
  return run('lftp', ['-u', `${USER},${PASSWORD}`, '-e', commands, url], { cwd: local.dir, timeoutMs: 60_000 }).then((r) => expectSuccess(r, `lftp ${script}`));
}

describe('lftp', { skip: skipUnless('lftp') }, () => {
  let t: TestServer;
  let url: string;
  before(async () => {
    t = await startServer();
    writeFileSync(join(t.root, 'pub/big.bin'), pseudoRandom(64 * 1024 * 1024, 9));
    url = `ftp://127.0.0.1:${t.port}`;
  });
  after(() => t.close());

  it('lists, reads and downloads', async () => {
    const out = await lftp(url, 'cls -1 /pub; cat /pub/hello.txt; get /pub/data.bin -o lftp-data.bin');
    assert.match(out, /^\/pub\/nested\/$/m);
    assert.match(out, /^hello world$/m);
    assert.equal(sha256(join(local.dir, 'lftp-data.bin')), sha256(BINARY));
  });

  it('uploads, renames, makes and removes folders, mirrors both ways', async () => {
    writeFileSync(join(local.dir, 'up.txt'), 'from lftp');
    mkdirSync(join(local.dir, 'tree/sub'), { recursive: true });
    writeFileSync(join(local.dir, 'tree/a.txt'), 'a');
    writeFileSync(join(local.dir, 'tree/sub/b.txt'), 'b');
    await lftp(url, [
      'put up.txt -o /upload/up.txt', 'mv /upload/up.txt /upload/moved.txt', 'mkdir -p /upload/x/y', 'rmdir /upload/x/y',
      'mirror -R tree /upload/tree', 'mirror /pub/nested nested-copy', 'chmod 600 /upload/moved.txt',
    ].join('; '));
    assert.equal(readFileSync(join(t.root, 'upload/moved.txt'), 'utf8'), 'from lftp');
    assert.equal(readFileSync(join(t.root, 'upload/tree/sub/b.txt'), 'utf8'), 'b');
    assert.equal(readFileSync(join(local.dir, 'nested-copy/deeper/deep.txt'), 'utf8'), 'deep\n');
    await lftp(url, 'rm -r /upload/tree; rm /upload/moved.txt');
  });

  it('aborts a download (ABOR after Telnet IP + Synch) and goes on on the same connection', async () => {
    const out = await lftp(url, 'cat /pub/big.bin | head -c 100 > /dev/null; cat /pub/hello.txt');
    assert.match(out, /hello world/);
    assert.ok(t.server.stats().failedTransfers >= 1);
  });

  it('explicit FTPS with PROT P and TLS session reuse', async () => {
    const material = tlsMaterial();
    await using secure = await startServer({ tls: { cert: material.cert, key: material.key } });
    writeFileSync(join(local.dir, 'tls.txt'), 'over tls');
    const settings = `set ssl:ca-file ${material.certPath}; set ftp:ssl-force true; set ftp:ssl-protect-data true;`;
    const out = await lftp(`ftp://localhost:${secure.port}`, 'cls -1 /pub; cat /pub/hello.txt; put tls.txt -o /upload/tls.txt', settings);
    assert.match(out, /^\/pub\/hello\.txt$/m);
    assert.match(out, /^hello world$/m);
    assert.equal(readFileSync(join(secure.root, 'upload/tls.txt'), 'utf8'), 'over tls');
  });
});

describe('wget', { skip: skipUnless('wget') }, () => {
  let t: TestServer;
  let url: string;
  before(async () => {
    t = await startServer();
    url = `ftp://${USER}:${PASSWORD}@127.0.0.1:${t.port}`;
  });
  after(() => t.close());

  const wget = async (...args: string[]): Promise<string> =>
    expectSuccess(await run('wget', ['-q', '--tries=1', '--timeout=10', ...args], { cwd: local.dir }), `wget ${args.join(' ')}`);

  it('downloads a file, passive and active', async () => {
    assert.equal(await wget('-O', '-', `${url}/pub/hello.txt`), 'hello world\n');
    assert.equal(await wget('--no-passive-ftp', '-O', '-', `${url}/pub/hello.txt`), 'hello world\n');
    await wget('-O', 'wget-data.bin', `${url}/pub/data.bin`);
    assert.equal(sha256(join(local.dir, 'wget-data.bin')), sha256(BINARY));
  });

  it('downloads a tree recursively from the LIST output', async () => {
    await wget('-r', '-nH', '-P', 'wget-tree', `${url}/pub/`);
    assert.equal(readFileSync(join(local.dir, 'wget-tree/pub/nested/deeper/deep.txt'), 'utf8'), 'deep\n');
    assert.equal(readFileSync(join(local.dir, 'wget-tree/pub/name with spaces.txt'), 'utf8'), 'spaces\n');
  });

  it('explicit FTPS, resuming the control connection’s TLS session on the data connection', async () => {
    const material = tlsMaterial();
    await using secure = await startServer({ tls: { cert: material.cert, key: material.key } });
    // TLS 1.2, whose session is the handshake's. With TLS 1.3 wget keeps the session as
    // the handshake ends, and GnuTLS waits only a round trip + 60 ms for the server's
    // ticket: a busy machine makes the server miss that, wget has nothing to resume, and
    // the data connection gets its 522 (a quarter of the runs with two CPU burners). The
    // server's TLS 1.3 tickets are covered by curl and lftp, which take them later.
    const gnutls = (await run('wget', ['--version'])).stdout.includes('+ssl/gnutls');
    const tls12 = gnutls ? '--ciphers=NORMAL:-VERS-TLS1.3' : '--secure-protocol=TLSv1_2';
    const out = await wget(tls12, '--ca-certificate', material.certPath, '-O', '-', `ftps://${USER}:${PASSWORD}@localhost:${secure.port}/pub/hello.txt`);
    assert.equal(out, 'hello world\n');
  });
});
