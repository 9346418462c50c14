// `ftppy serve` as a child process (what `npm start` runs): what it prints, whom it lets
// in, FTPS, and that a signal stops it cleanly; then the client commands against it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { python } from '../helpers/external-clients.js';
import { tlsMaterial } from '../helpers/tls-material.js';
import { ftppy, localFolder } from './support/cli.js';
import { serve } from './support/serve-process.js';
import { freePort } from '../helpers/ports.js';


describe('ftppy serve', () => {
  it('with no options: ./ftproot (made) on localhost, anonymous may write there, web API on port + 1', async () => {
    const cwd = localFolder();
    const port = await freePort();
    const server = await serve(['--port', String(port)], cwd);
    try {
      assert.match(server.banner, new RegExp(`^FtpPy serving ${join(cwd, 'ftproot')}\\n  FTP {6}ftp://localhost:${port}\\n  web API  http://localhost:${port + 1}/\\n`));
      assert.match(server.banner, /login {4}anonymous, any password, may read and write/);
      writeFileSync(join(cwd, 'note.txt'), 'from the client\n');
      const put = await ftppy(['put', 'note.txt', `ftp://localhost:${port}/`], { cwd });
      assert.equal(put.code, 0, put.stderr);
      assert.equal(readFileSync(join(cwd, 'ftproot/note.txt'), 'utf8'), 'from the client\n');
      const web = await fetch(`http://localhost:${port + 1}/files/note.txt`);
      assert.equal(await web.text(), 'from the client\n');
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it('--user: that account, no anonymous; --web off; a round trip with ls, get and rm', async () => {
    const root = localFolder();
    writeFileSync(join(root, 'served.txt'), 'served\n');
    const port = await freePort();
    const server = await serve(['--root', root, '--port', String(port), '--web', 'off', '--user', 'admin:s3cret']);
    try {
      assert.match(server.banner, /web API {2}off/);
      assert.match(server.banner, /login {4}admin \(password as given\)/);
      assert.doesNotMatch(server.banner, /anonymous/);
      const anonymous = await ftppy(['ls', '--retries', '0', `ftp://localhost:${port}/`]);
      assert.equal(anonymous.code, 1);
      const base = `ftp://admin:s3cret@localhost:${port}`;
      assert.equal((await ftppy(['ls', `${base}/`])).stdout, 'served.txt\n');
      const here = localFolder();
      assert.equal((await ftppy(['get', `${base}/served.txt`], { cwd: here })).code, 0);
      assert.equal(readFileSync(join(here, 'served.txt'), 'utf8'), 'served\n');
      assert.equal((await ftppy(['rm', `${base}/served.txt`])).code, 0);
      assert.ok(!existsSync(join(root, 'served.txt')));
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it('--tls-cert and --tls-key: explicit FTPS, TLS required, the web API over HTTPS; --port 0 takes free ports', async () => {
    const { certPath, keyPath } = tlsMaterial();
    const server = await serve(['--root', localFolder(), '--port', '0', '--tls-cert', certPath, '--tls-key', keyPath]);
    try {
      const [, port, web] = /FTP {6}ftps:\/\/localhost:(\d+)\n  web API  https:\/\/localhost:(\d+)\//.exec(server.banner) ?? [];
      assert.ok(port && web && port !== '0' && web !== '0', server.banner);
      const secure = await ftppy(['ls', '--ca', certPath, `ftps://localhost:${port}/`]);
      assert.equal(secure.code, 0, secure.stderr);
      const clear = await ftppy(['ls', '--retries', '0', `ftp://localhost:${port}/`]);
      assert.equal(clear.code, 1);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it('--no-tls-reuse: FTPS data connections that do not resume the TLS session are served (Python ftplib)', { timeout: 30_000 }, async () => {
    const { certPath, keyPath } = tlsMaterial();
    const script = `
import ftplib, io, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
ftp = ftplib.FTP_TLS(context=ctx)
ftp.connect('localhost', int(sys.argv[1]))
ftp.login()
ftp.prot_p()
ftp.storbinary('STOR sent.bin', io.BytesIO(b'z' * 300000))
got = io.BytesIO()
ftp.retrbinary('RETR sent.bin', got.write)
assert got.getvalue() == b'z' * 300000
ftp.quit()
`;
    for (const reuse of [true, false]) {
      const root = localFolder();
      const server = await serve(['--root', root, '--port', '0', '--web', 'off', '--tls-cert', certPath, '--tls-key', keyPath, ...(reuse ? [] : ['--no-tls-reuse'])]);
      try {
        const [, port] = /ftps:\/\/localhost:(\d+)/.exec(server.banner) ?? [];
        const r = await python(script, [port!, certPath]);
        if (reuse) assert.notEqual(r.code, 0, 'ftplib does not resume sessions: refused by default');
        else assert.equal(r.code, 0, r.stderr);
      } finally {
        assert.equal(await server.stop(), 0);
      }
    }
  });

  it('a port taken: exit 1 with the reason', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, 'localhost', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const r = await ftppy(['serve', '--root', localFolder(), '--port', String(port), '--web', 'off']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^ftppy serve: .*EADDRINUSE/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
