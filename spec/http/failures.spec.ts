// What goes wrong outside the request: a storage that fills up or fails mid-read, a
// client that leaves mid-answer, a server closed during an upload. None of it may leave
// a partial file under a target name, hang, or take the process down.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { startWebServer } from '../../http/index.js';
import { MemoryStorage, type WriteMode } from '../../server/index.js';
import { startServer } from '../helpers/test-server.js';
import { captureWarnings, settled } from '../helpers/warnings.js';
import { tlsMaterial } from '../helpers/tls-material.js';
import { until, within } from '../helpers/wait.js';
import { ALICE, ask, leftovers, startWeb, type WebFixture } from './support/web.js';

/** A memory storage whose writes fail with ENOSPC after `room` bytes, and whose reads of `broken.bin` fail halfway. */
class FailingStorage extends MemoryStorage {
  constructor(readonly room: number) {
    super({ '/broken.bin': Buffer.alloc(200_000, 1), '/upload/': null });
  }

  override async write(path: string, mode: WriteMode): Promise<Writable> {
    const inner = await super.write(path, mode);
    let written = 0;
    const room = this.room;
    return new Writable({
      write(chunk: Buffer, encoding, callback) {
        written += chunk.length;
        if (written > room) callback(Object.assign(new Error('no space left'), { code: 'ENOSPC' }));
        else inner.write(chunk, encoding, callback);
      },
      final: (callback) => inner.end(callback),
    });
  }

  override async read(path: string, start: number): Promise<Readable> {
    if (!path.endsWith('broken.bin')) return super.read(path, start);
    return Readable.from((async function* () {
      yield Buffer.alloc(64 * 1024, 1);
      await sleep(10);
      throw Object.assign(new Error('disk went away'), { code: 'EIO' });
    })());
  }
}

describe('a failing storage', () => {
  let w: WebFixture;
  let storage: FailingStorage;
  before(async () => {
    storage = new FailingStorage(100_000);
    w = await startWeb({}, { storage });
  });
  after(() => w.close());

  it('a full disk answers 507 and stores nothing', async () => {
    const small = await ask(w.port, 'PUT', '/files/upload/small.bin', { auth: ALICE, body: Buffer.alloc(1000) });
    assert.equal(small.status, 201);
    const big = await ask(w.port, 'PUT', '/files/upload/big.bin', { auth: ALICE, body: Buffer.alloc(300_000) });
    assert.equal(big.status, 507);
    assert.equal(big.json<{ status: number }>().status, 507);
    const names = (await ask(w.port, 'GET', '/files/upload', { auth: ALICE })).json<{ name: string }[]>().map((e) => e.name);
    assert.deepEqual(names, ['small.bin'], 'no big.bin, no temporary file');
  });

  it('a read failing mid-file cuts the connection (never a short body passed as whole) and warns', async () => {
    const warnings = captureWarnings();
    try {
      await assert.rejects(ask(w.port, 'GET', '/files/broken.bin', { auth: ALICE }), /aborted|socket hang up|ECONNRESET/);
      await until(() => warnings.list.length > 0, 'the warning');
      await settled();
      assert.deepEqual(warnings.list.map((x) => x.code), ['FTPPY_ERR_WEB']);
      assert.match(warnings.list[0]!.message, /GET \/files\/broken\.bin failed: disk went away/);
      assert.equal((await ask(w.port, 'GET', '/', { auth: ALICE })).status, 200, 'still serving');
    } finally {
      warnings.stop();
    }
  });
});

describe('clients that leave', () => {
  let w: WebFixture;
  before(async () => {
    w = await startWeb();
    writeFileSync(join(w.root, 'pub/big.bin'), Buffer.alloc(32 * 1024 * 1024, 2));
    mkdirSync(join(w.root, 'pub/many'));
    for (let i = 0; i < 1000; i++) writeFileSync(join(w.root, `pub/many/file-with-a-longish-name-${i}.txt`), '');
  });
  after(() => w.close());

  /** Reads `keep` bytes of the answer, then hangs up; resolves once the socket is closed. */
  const leaveAfter = (target: string, keep: number): Promise<number> =>
    new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port: w.port, path: target, agent: false }, (res) => {
        let got = 0;
        res.on('data', (c: Buffer) => {
          got += c.length;
          if (got >= keep) res.destroy();
        });
        res.on('close', () => resolve(got));
      }).on('error', reject).end();
    });

  it('a slow reader of a long listing gets all of it (the listing waits for it)', async () => {
    const text: string = await new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port: w.port, path: '/files/pub/many', agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          res.pause();
          setTimeout(() => res.resume(), 2);
        });
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      }).on('error', reject).end();
    });
    assert.equal((JSON.parse(text) as unknown[]).length, 1000);
  });

  it('leaving mid-download or mid-listing is no error of ours: no warning, and the server goes on', async () => {
    const warnings = captureWarnings();
    try {
      assert.ok((await leaveAfter('/files/pub/big.bin', 64 * 1024)) < 32 * 1024 * 1024);
      await leaveAfter('/files/pub/many', 1000);
      assert.equal((await ask(w.port, 'GET', '/files/pub/hello.txt')).status, 200);
      // close() resolves once every handler has settled: the two left ones have said
      // whatever they were going to say by then.
      await w.web.close();
      await settled();
      assert.deepEqual(warnings.list, []);
    } finally {
      warnings.stop();
    }
  });
});

describe('closing', () => {
  it('close() cuts an upload in progress after the grace period and throws its temporary file away', async () => {
    const t = await startServer();
    const web = await startWebServer({ server: t.server, port: 0, grace: 0.2 });
    try {
      const auth = `Basic ${Buffer.from(ALICE).toString('base64')}`;
      const req = request({ host: '127.0.0.1', port: web.port, method: 'PUT', path: '/files/upload/slow.bin', headers: { Authorization: auth, 'Content-Length': 1_000_000 } });
      req.on('error', () => {});
      req.write(Buffer.alloc(1000));
      await until(() => leftovers(t.root).length > 0, 'the upload to start');
      assert.equal(leftovers(t.root).length, 1, 'the upload is under way, in a temporary file');
      const started = performance.now();
      await web.close();
      assert.ok(performance.now() - started < 2000);
      assert.deepEqual(leftovers(t.root), []);
    } finally {
      await web.close();
      await t.close();
    }
  });

  it('close() is idempotent and waits for nothing when idle', async () => {
    const w = await startWeb({ grace: 60 });
    try {
      // Bounded at half the grace: a close() that waited for it would fail here.
      await within(Promise.all([w.web.close(), w.web.close()]), 'both close() calls', 30_000);
      await within(w.web.close(), 'a third close() after it has closed');
      await assert.rejects(ask(w.port, 'GET', '/'), /ECONNREFUSED/, 'no longer listening');
    } finally {
      await w.close();
    }
  });
});

describe('options', () => {
  it('refuses bad values at once, naming the field', async () => {
    const t = await startServer();
    try {
      await assert.rejects(startWebServer({ server: t.server, port: 70000 }), /web port/);
      await assert.rejects(startWebServer({ server: t.server, port: 0, limits: { bodyBytes: -1 } }), /limits\.bodyBytes/);
      await assert.rejects(startWebServer({ server: t.server, port: 0, timeout: 0 }), /timeout/);
      // @ts-expect-error: a hook must be a function
      await assert.rejects(startWebServer({ server: t.server, port: 0, hooks: { request: 'log' } }), /hooks\.request/);
    } finally {
      await t.close();
    }
  });

  it('defaults to the FTP port + 1, and fails like listen() when that port is taken', async () => {
    // The FTP server's port is picked by the system, so the one above it may be in use
    // by anything else on the machine: try a few.
    for (let attempt = 0; ; attempt++) {
      const t = await startServer();
      try {
        const first = await startWebServer({ server: t.server }).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'EADDRINUSE' && attempt < 5) return null;
          throw error;
        });
        if (first === null) continue;
        try {
          assert.equal(first.port, t.port + 1);
          await assert.rejects(startWebServer({ server: t.server }), /EADDRINUSE/);
          return;
        } finally {
          await first.close();
        }
      } finally {
        await t.close();
      }
    }
  });

  it('serves HTTPS with a certificate', async () => {
    const { cert, key } = tlsMaterial();
    const w = await startWeb({ tls: { cert, key } });
    try {
      const { request: httpsRequest } = await import('node:https');
      const body: string = await new Promise((resolve, reject) => {
        httpsRequest({ host: '127.0.0.1', port: w.port, path: '/files/pub/hello.txt', rejectUnauthorized: false }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
        }).on('error', reject).end();
      });
      assert.equal(body, 'hello world\n');
    } finally {
      await w.close();
    }
  });
});
