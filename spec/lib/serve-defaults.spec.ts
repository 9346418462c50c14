import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { request } from 'node:https';
import { FtpPy, SSL, Timeout } from '../../lib/index.js';
import { tlsMaterial } from '../helpers/tls-material.js';
import { serverOptions } from '../../lib/serve.js';
import { VERSION } from '../../common/version.js';

describe('server defaults from the factory', () => {
  it('keeps the server idle timeout (300 s) unless Timeout.read is set', async () => {
    assert.deepEqual((await serverOptions(new FtpPy('ftp://127.0.0.1:2121'))).timeouts, {});
    assert.deepEqual((await serverOptions(new FtpPy('ftp://127.0.0.1:2121', { timeout: new Timeout({ read: 45 }) }))).timeouts, { idle: 45, stall: 45 });
    assert.deepEqual(new Timeout({ connect: 3 }).given, new Set(['connect']));
  });

  it('serves FTP and the web API on free ports when asked for port 0', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ftppy-port0-'));
    try {
      const ftp = new FtpPy('ftp://127.0.0.1:0');
      await using server = await ftp.server({ root });
      assert.ok(server.port > 0);
      assert.ok(server.web && server.web.port > 0 && server.web.port !== server.port);
      const status = await fetch(`http://127.0.0.1:${server.web.port}/`, { headers: { accept: 'application/json' } });
      assert.equal(status.status, 200);
      assert.equal(((await status.json()) as { version: string }).version, VERSION);
      await assert.rejects(ftp.client(), (e: unknown) => e instanceof RangeError && /port 0/.test((e as Error).message));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('serves the web API over HTTPS with the FTPS server\'s certificate', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ftppy-https-'));
    try {
      const { cert, key } = tlsMaterial();
      await using server = await new FtpPy('ftps://127.0.0.1:0', { ssl: new SSL({ cert, key }) }).server({ root });
      const status = await new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port: server.web!.port, path: '/', ca: cert, servername: 'localhost' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject).end();
      });
      assert.equal(status, 200);
      await assert.rejects(fetch(`http://127.0.0.1:${server.web!.port}/`), 'plain HTTP is not answered');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
