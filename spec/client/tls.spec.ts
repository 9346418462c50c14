// SSL settings on the client: verification (bundle, verify: false), a client certificate,
// ciphers, and TLS session reuse (vsftpd refuses data connections that do not resume).
import assert from 'node:assert/strict';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import { describe, it } from 'node:test';
import { ConnectionError, FtpPy, FtpPyError, Guest, SSL } from '../../lib/index.js';
import { peer } from '../helpers/peers.js';
import { tlsMaterial } from '../helpers/tls-material.js';
import { captureWarnings, settled } from '../helpers/warnings.js';

const vsftpd = () => peer('vsftpd-ftps');
const endpoint = () => `ftps://${vsftpd().host}:${vsftpd().port}`;
const auth = () => new Guest(vsftpd().password);

describe('FTPS settings', () => {
  it('refuses a certificate it cannot verify, at once and without retrying', async () => {
    // A plain TCP relay in front of vsftpd counts the connection attempts.
    const sockets = new Set<Socket>();
    const relay = createNetServer((socket) => {
      const upstream = connect({ host: vsftpd().host, port: vsftpd().port });
      for (const s of [socket, upstream]) {
        sockets.add(s);
        s.on('error', () => {}).on('close', () => (socket.destroy(), upstream.destroy()));
      }
      socket.pipe(upstream).pipe(socket);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    let attempts = 0;
    relay.on('connection', () => void (attempts += 1));
    try {
      const { port } = relay.address() as AddressInfo;
      await assert.rejects(new FtpPy(`ftps://127.0.0.1:${port}`, { auth: auth(), retry: { total: 3, backoff: 0.01 } }).client(), (error: unknown) => {
        assert.ok(error instanceof ConnectionError);
        assert.ok(FtpPyError.is(error.cause) && error.cause.code === 'FTPPY_ERR_TLS', String(error.cause));
        assert.match(error.message, /self[- ]signed/i);
        return true;
      });
      assert.equal(attempts, 1, 'a bad certificate is not retried');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => relay.close(resolve));
    }
  });

  it('connects with verify: false, and with the certificate as the bundle', async () => {
    for (const ssl of [new SSL({ verify: false }), new SSL({ bundle: vsftpd().ca_file! })]) {
      await new FtpPy(endpoint(), { auth: auth(), ssl }).client(async (client) => {
        assert.equal((await client.list(vsftpd().pub_dir))!.some((e) => e.name === 'hello.txt'), true);
      });
    }
  });

  it('without session reuse, vsftpd refuses the data connection (522) and the client says so', async () => {
    const warnings = captureWarnings();
    try {
      const ssl = new SSL({ bundle: vsftpd().ca_file!, reuse: false });
      await new FtpPy(endpoint(), { auth: auth(), ssl, retry: { total: 0 } }).client(async (client) => {
        assert.equal(await client.list(vsftpd().pub_dir), null);
      });
      await settled();
      // vsftpd answers 522 and, now and then, ends the session before the 522 is out.
      assert.match(warnings.list[0]!.message, /^list \/pub failed: (522 |control connection closed by the server)/);
    } finally {
      warnings.stop();
    }
  });

  it('takes an OpenSSL cipher list, and fails on one that matches nothing', async () => {
    const ssl = new SSL({ bundle: vsftpd().ca_file!, ciphers: 'ECDHE-RSA-AES256-GCM-SHA384:TLS_AES_256_GCM_SHA384' });
    await new FtpPy(endpoint(), { auth: auth(), ssl }).client(async (client) => assert.ok(await client.exists('/pub/hello.txt')));
    await assert.rejects(new FtpPy(endpoint(), { auth: auth(), ssl: new SSL({ bundle: vsftpd().ca_file!, ciphers: 'NOT-A-CIPHER' }) }).client(), /cipher/i);
  });

  it('presents a client certificate (cert, key) when the server asks for one', async () => {
    const { cert, key, certPath, keyPath } = tlsMaterial();
    let presented = '';
    const server = createServer({ cert, key, ca: cert, requestCert: true, rejectUnauthorized: true }, (socket: TLSSocket) => {
      presented = String(socket.getPeerCertificate().subject?.CN ?? '');
      socket.end('421 seen you\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const ssl = new SSL({ implicit: true, bundle: certPath, cert: certPath, key: keyPath });
      await assert.rejects(new FtpPy(`ftps://127.0.0.1:${port}`, { ssl, retry: { total: 0 } }).client(), /421 seen you/);
      assert.equal(presented, 'localhost');
    } finally {
      server.close();
    }
  });
});
