// Client certificates (mutual TLS): a server with a CA bundle asks for a certificate on
// the control connection; an account bound to one (`certificate: { subject }` or
// `{ fingerprint }`) and without a password logs in by USER alone, 232 (RFC 2228, RFC
// 4217); with no certificate, a certificate no CA vouches for, or another one, it cannot
// log in at all. Driven raw, with curl --cert/--key, with our own client, and through
// an authenticator that sees the certificate.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ConnectionOptions } from 'node:tls';
import { FtpPy } from '../../lib/index.js';
import { SSL } from '../../lib/settings.js';
import { certificateMatches, parseCertificateRule } from '../../server/client-certificate.js';
import type { ClientCertificate, ServerOptions, ServerTlsOptions } from '../../server/index.js';
import { clientCerts } from '../helpers/client-certs.js';
import { expectSuccess, run, skipUnless } from '../helpers/external-clients.js';
import { RawFtp } from '../helpers/raw-ftp.js';
import { startServer, type TestServer } from '../helpers/test-server.js';
import { tlsMaterial } from '../helpers/tls-material.js';
import { ask, startWeb } from '../http/support/web.js';

const material = tlsMaterial();
const certs = clientCerts();
const serverTls: ServerTlsOptions = { cert: material.cert, key: material.key, ca: certs.ca.cert };
const trust: ConnectionOptions = { ca: material.cert, servername: 'localhost' };
const asAlice: ConnectionOptions = { ...trust, cert: certs.alice.cert, key: certs.alice.key };
const INCORRECT = { code: 530, message: 'Login incorrect', lines: ['Login incorrect'] };

const users: ServerOptions['users'] = [
  { name: 'alice', certificate: { subject: 'CN=alice' } },
  { name: 'printed', certificate: { fingerprint: certs.alice.fingerprint.toLowerCase() } },
  { name: 'both', password: 'pw', certificate: { subject: 'CN=alice' } },
  { name: 'carol', password: 'pw', certificate: { subject: 'CN=carol' } },
];

async function secure(t: TestServer, tls: ConnectionOptions): Promise<RawFtp> {
  const ftp = await RawFtp.connect(t.port);
  await ftp.startTls(tls);
  return ftp;
}

describe('client certificates', { timeout: 60_000 }, () => {
  it('USER of a certificate account logs in at once with the CA’s certificate: 232, by subject or fingerprint', async () => {
    await using t = await startServer({ tls: serverTls, users });
    for (const name of ['alice', 'printed']) {
      const ftp = await secure(t, asAlice);
      const reply = await ftp.cmd(`USER ${name}`);
      assert.equal(reply.code, 232, name);
      assert.equal((await ftp.cmd('PWD')).code, 257);
      ftp.close();
    }
  });

  it('without a certificate, with an impostor’s (same CN, no CA) or another account’s, no login at all', async () => {
    await using t = await startServer({ tls: serverTls, users });
    const tries: [string, ConnectionOptions, string, string][] = [
      ['no certificate', trust, 'alice', ''],
      ['impostor', { ...trust, cert: certs.impostor.cert, key: certs.impostor.key }, 'alice', ''],
      ['impostor by fingerprint', { ...trust, cert: certs.impostor.cert, key: certs.impostor.key }, 'printed', ''],
      ['not carol’s certificate', asAlice, 'carol', 'pw'],
      ['both: the password alone', trust, 'both', 'pw'],
    ];
    for (const [why, tls, name, password] of tries) {
      const ftp = await secure(t, tls);
      assert.equal((await ftp.cmd(`USER ${name}`)).code, 331, why); // as for anyone: nothing told
      assert.deepEqual(await ftp.cmd(`PASS ${password}`), INCORRECT, why);
      ftp.close();
    }
  });

  it('an account with a certificate and a password needs both', async () => {
    await using t = await startServer({ tls: serverTls, users });
    const ftp = await secure(t, asAlice);
    assert.deepEqual(await ftp.login('both', 'wrong'), INCORRECT);
    assert.equal((await ftp.login('both', 'pw')).code, 230);
    ftp.close();
  });

  it('password logins are untouched by the request for a certificate', async () => {
    await using t = await startServer({ tls: serverTls, users: [{ name: 'plain', password: 'pw' }] });
    const ftp = await secure(t, trust);
    assert.equal((await ftp.login('plain', 'pw')).code, 230);
    ftp.close();
  });

  it('an authenticator sees the verified certificate, and may accept it alone (password null)', async () => {
    const seen: [string | null, ClientCertificate | null][] = [];
    await using t = await startServer({
      tls: serverTls,
      authenticate: (name, password, { certificate }) => {
        seen.push([password, certificate]);
        return { name, certificate: { subject: 'CN=alice' } };
      },
    });
    const ftp = await secure(t, asAlice);
    assert.equal((await ftp.cmd('USER dave')).code, 232);
    ftp.close();
    const bare = await secure(t, trust);
    assert.equal((await bare.cmd('USER dave')).code, 331);
    assert.deepEqual(await bare.cmd('PASS x'), INCORRECT); // its account needs the certificate
    bare.close();
    assert.deepEqual(seen, [
      [null, { subject: 'CN=alice', issuer: 'CN=FtpPy test CA', fingerprint: certs.alice.fingerprint }],
      ['x', null],
    ]);
  });

  it('curl --cert/--key logs in and downloads, no password', { skip: skipUnless('curl') }, async () => {
    await using t = await startServer({ tls: serverTls, users });
    const curl = (...args: string[]): ReturnType<typeof run> =>
      run('curl', ['-sS', '--max-time', '20', '--ssl-reqd', '--cacert', material.certPath, '-u', 'alice:', ...args, `ftp://localhost:${t.port}/pub/hello.txt`]);
    assert.equal(expectSuccess(await curl('--cert', certs.alice.certPath, '--key', certs.alice.keyPath), 'curl with a certificate'), 'hello world\n');
    assert.equal((await curl()).code, 67); // CURLE_LOGIN_DENIED
    assert.equal((await curl('--cert', certs.impostor.certPath, '--key', certs.impostor.keyPath)).code, 67);
  });

  it('our client with SSL({ cert, key }) against ftp.server() with SSL({ bundle })', async () => {
    const serving = new FtpPy('ftps://127.0.0.1:0', { ssl: new SSL({ cert: material.cert, key: material.key, bundle: certs.ca.cert }) });
    await using server = await serving.server({ root: '.', web: false, users: [{ name: 'alice', certificate: { subject: 'CN=alice' } }] });
    const ssl = new SSL({ bundle: material.cert, cert: certs.alice.certPath, key: certs.alice.keyPath });
    const ftp = new FtpPy(`ftps://alice@localhost:${server.port}`, { ssl });
    assert.equal(await ftp.client(async (client) => (await client.stats()).secure), true);
  });

  it('the web API over HTTPS asks for the certificate too: an account with both needs both', async () => {
    const w = await startWeb({ tls: serverTls }, { users, anonymous: false });
    try {
      assert.equal((await ask(w.port, 'GET', '/', { auth: 'both:pw', tls: asAlice })).status, 200);
      assert.equal((await ask(w.port, 'GET', '/', { auth: 'both:pw', tls: trust })).status, 401);
    } finally {
      await w.close();
    }
  });
});

describe('certificate rules', () => {
  const alice: ClientCertificate = { subject: 'C=FR, O=Example, CN=alice', issuer: 'CN=CA', fingerprint: 'AB:'.repeat(31) + 'AB' };

  it('a subject matches the whole subject, attributes in any order, commas or slashes', () => {
    assert.equal(certificateMatches({ subject: 'CN=alice, O=Example, C=FR' }, alice), true);
    assert.equal(certificateMatches({ subject: '/C=FR/O=Example/CN=alice' }, alice), true);
    assert.equal(certificateMatches({ subject: 'CN=alice' }, alice), false); // part of it is not it
    assert.equal(certificateMatches({ subject: 'CN=alice, O=Example, C=DE' }, alice), false);
    assert.equal(certificateMatches({ subject: 'CN=alice' }, null), false);
  });

  it('a fingerprint matches whatever its case and colons', () => {
    assert.equal(certificateMatches({ fingerprint: 'ab'.repeat(32) }, alice), true);
    assert.equal(certificateMatches({ fingerprint: 'AC'.repeat(32) }, alice), false);
  });

  it('bad rules are refused when the server starts, naming the account', () => {
    assert.throws(() => parseCertificateRule('users[0].certificate', { subject: 'alice' }), /users\[0\]\.certificate\.subject must be a name like 'CN=alice'/);
    assert.throws(() => parseCertificateRule('c', { fingerprint: 'AB:CD' }), /c\.fingerprint must be a SHA-256 fingerprint \(64 hex digits/);
    assert.throws(() => parseCertificateRule('c', { subject: 'CN=a', fingerprint: 'AB' }), /c must be \{ subject: 'CN=…' \} or \{ fingerprint: 'AB:CD:…' \}/);
    assert.throws(() => parseCertificateRule('c', 'CN=alice'), /c must be \{ subject/);
  });
});

describe('subject rules against crafted names', { timeout: 30_000 }, () => {
  // A certificate the CA did sign, for a single common name that reads like a whole
  // subject: "alice, O=Example" (or with a slash). A CA that signs the names its users
  // ask for (their own login names) must not thereby hand out someone else's subject.
  function signed(name: string, subject: string): ConnectionOptions {
    const dir = mkdtempSync(join(tmpdir(), 'ftppy-sly-'));
    try {
      const openssl = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore', cwd: dir });
      openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
      openssl('x509', '-req', '-in', `${name}.csr`, '-CA', certs.ca.certPath, '-CAkey', certs.ca.keyPath, '-CAcreateserial', '-CAserial', join(dir, 'ca.srl'), '-out', `${name}.pem`, '-days', '2');
      return { ...trust, cert: readFileSync(join(dir, `${name}.pem`)), key: readFileSync(join(dir, `${name}.key`)) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('a common name holding a comma or a slash is one attribute, not two', async () => {
    await using t = await startServer({
      tls: serverTls,
      users: [
        { name: 'team', certificate: { subject: 'CN=alice, O=Example' } },
        { name: 'odd', certificate: { subject: 'CN=alice\\, O\\=Example' } }, // the comma-holding name, escaped
      ],
    });
    const real = signed('real', '/CN=alice/O=Example');
    const ftp = await secure(t, real);
    assert.equal((await ftp.cmd('USER team')).code, 232, 'the real subject logs in');
    ftp.close();
    for (const subject of ['/CN=alice, O=Example', '/CN=alice\\/O=Example']) {
      const sly = await secure(t, signed('sly', subject));
      assert.equal((await sly.cmd('USER team')).code, 331, subject);
      sly.close();
    }
    const odd = await secure(t, signed('odd', '/CN=alice, O=Example'));
    assert.equal((await odd.cmd('USER odd')).code, 232, 'the escaped rule names it');
    odd.close();
  });
});
