// The client against a scripted server: the replies, stalls and cuts that real servers
// produce only now and then, produced on demand.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Basic, ConnectionError, FtpPy, FtpPyError, type FtpPyOptions } from '../../lib/index.js';
import { pseudoRandom, tempDir } from '../helpers/files.js';
import { startScriptServer, type ScriptServer } from '../helpers/script-server.js';
import { captureWarnings, settled } from '../helpers/warnings.js';

const local = tempDir();
after(() => local.remove());

let server: ScriptServer;
let warnings: ReturnType<typeof captureWarnings>;
const file = pseudoRandom(600_000, 7);

beforeEach(async () => {
  server = await startScriptServer();
  server.files.set('/f.bin', file);
  warnings = captureWarnings();
});
afterEach(async () => {
  warnings.stop();
  await server.close();
});

function ftp(options: FtpPyOptions = {}): FtpPy {
  return new FtpPy(`ftp://127.0.0.1:${server.port}`, {
    auth: new Basic('u', 'p'),
    timeout: { connect: 1, read: 0.4, write: 0.4 },
    retry: { total: 0, backoff: 0.01 },
    ...options,
  });
}

const commands = (verb: string): number => server.log.flat().filter((line) => line.split(' ')[0] === verb).length;

class SlowSink extends Writable {
  readonly chunks: Buffer[] = [];
  constructor(readonly delay: number) {
    super({ highWaterMark: 16 * 1024 });
  }
  override _write(chunk: Buffer, _e: string, callback: () => void): void {
    this.chunks.push(chunk);
    setTimeout(callback, this.delay);
  }
}

describe('data connections', () => {
  it('falls back from a refused EPSV to PASV, once for every connection to that server', async () => {
    server.on('EPSV', (s) => (s.reply('500 EPSV not understood'), true));
    await ftp({ limits: { connections: 2 } }).client(async (client) => {
      const results = await Promise.all([1, 2, 3].map((i) => client.download('/f.bin', join(local.dir, `epsv${i}.bin`))));
      assert.deepEqual(results, [true, true, true]);
      assert.equal((await client.stats()).created, 2);
    });
    assert.equal(commands('EPSV'), 1);
    assert.equal(commands('PASV'), 3);
    assert.ok(readFileSync(join(local.dir, 'epsv3.bin')).equals(file));
  });

  it('connects to the control address when PASV names 0.0.0.0', async () => {
    server.features = ['SIZE'];
    server.on('EPSV', (s) => (s.reply('502 no'), true));
    server.pasvHost = '0.0.0.0';
    await ftp().client(async (client) => assert.ok(await client.download('/f.bin', join(local.dir, 'pasv.bin'))));
    assert.ok(readFileSync(join(local.dir, 'pasv.bin')).equals(file));
  });

  it('takes a 150 and its 226 arriving in one segment, after the data', async () => {
    server.on('RETR', async (s) => {
      const data = await s.data();
      data.end(file, () => s.socket.write('150-Here it comes\r\n  in two lines\r\n150 Opening\r\n226 Done\r\n'));
      return true;
    });
    await ftp().client(async (client) => assert.ok(await client.download('/f.bin', join(local.dir, 'seg.bin'))));
    assert.ok(readFileSync(join(local.dir, 'seg.bin')).equals(file));
  });

  it('does not time out while its own sink holds the data back', async () => {
    const sink = new SlowSink(100);
    const started = performance.now();
    await ftp().client(async (client) => assert.ok(await client.downloadTo('/f.bin', sink)));
    assert.ok(performance.now() - started > 700, 'the sink should have taken longer than the read timeout');
    assert.ok(Buffer.concat(sink.chunks).equals(file));
  });
});

describe('timeouts, stalls and cuts', () => {
  it('ends a reply that never comes with the read timeout, and the next operation works', async () => {
    let stalls = 1;
    server.on('SIZE', () => stalls-- > 0);
    await ftp().client(async (client) => {
      const started = performance.now();
      assert.equal(await client.size('/f.bin'), null);
      assert.ok(performance.now() - started < 1500);
      assert.equal(await client.size('/f.bin'), file.length);
    });
    await settled();
    assert.match(warnings.list[0]!.message, /^size \/f\.bin failed: .*timed out after 0\.4s waiting for a reply/);
    assert.equal(warnings.list[0]!.code, 'FTPPY_ERR_TIMEOUT');
  });

  it('ends a stalled download with the read timeout and leaves no file behind', async () => {
    server.on('RETR', async (s) => {
      const data = await s.data();
      s.reply('150 Opening');
      data.write(file.subarray(0, 1000));
      return true; // and nothing more, ever
    });
    const target = join(local.dir, 'stalled.bin');
    await ftp().client(async (client) => assert.equal(await client.download('/f.bin', target), false));
    await settled();
    assert.match(warnings.list[0]!.message, /timed out after 0\.4s receiving data/);
    assert.equal(existsSync(target), false);
    assert.deepEqual(readdirSync(local.dir).filter((f) => f.includes('stalled')), []);
  });

  it('resumes a download cut by a 426 (REST) and ends byte-identical', async () => {
    let cuts = 1;
    server.on('RETR', async (s) => {
      if (cuts-- <= 0) return false;
      const data = await s.data();
      s.reply('150 Opening');
      data.write(file.subarray(0, 250_000), () => {
        data.destroy();
        s.reply('426 Connection closed; transfer aborted');
      });
      return true;
    });
    const target = join(local.dir, 'resumed.bin');
    await ftp({ retry: { total: 2, backoff: 0.01 } }).client(async (client) => assert.ok(await client.download('/f.bin', target)));
    assert.ok(readFileSync(target).equals(file));
    const rest = server.log.flat().find((line) => line.startsWith('REST '));
    assert.ok(rest && Number(rest.slice(5)) > 0 && Number(rest.slice(5)) <= 250_000, rest);
  });

  it('resumes an upload cut by a 426 from the size the server kept', async () => {
    let cuts = 1;
    server.on('STOR', async (s, arg) => {
      if (cuts-- <= 0) return false;
      const data = await s.data();
      s.reply('150 Ok');
      const chunks: Buffer[] = [];
      data.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (Buffer.concat(chunks).length >= 100_000) {
          server.files.set(arg, Buffer.concat(chunks).subarray(0, 100_000));
          data.destroy();
          s.reply('426 Failure reading network stream');
        }
      }).resume();
      return true;
    });
    await ftp({ retry: { total: 2, backoff: 0.01 } }).client(async (client) => assert.ok(await client.uploadFrom(file, '/up.bin')));
    assert.ok(server.files.get('/up.bin')!.equals(file));
    assert.ok(server.log.flat().includes('REST 100000'));
  });

  it('drops a connection that says 421 while idle, and the next operation gets a new one', async () => {
    await ftp().client(async (client) => {
      assert.equal(await client.size('/f.bin'), file.length);
      server.sessions[0]!.reply('421 Timeout: closing control connection');
      await sleep(50);
      assert.deepEqual([(await client.stats()).pool, (await client.stats()).idle], [0, 0]);
      assert.equal(await client.size('/f.bin'), file.length);
      assert.equal((await client.stats()).created, 2);
    });
    await settled();
    assert.deepEqual(warnings.list, []);
  });

  it('bounds the whole operation, the wait for a connection included, by Timeout.pool', async () => {
    server.on('SIZE', () => true); // hold the only connection
    await ftp({ limits: { connections: 1 }, timeout: { read: 5, pool: 0.3 } }).client(async (client) => {
      const started = performance.now();
      const [held, waiting] = await Promise.all([client.size('/f.bin'), client.exists('/f.bin')]);
      assert.deepEqual([held, waiting], [null, false]);
      assert.ok(performance.now() - started < 1500);
    });
    await settled();
    assert.equal(warnings.list.length, 2);
    for (const w of warnings.list) assert.match(w.message, /Timeout\.pool|no connection free/);
  });
});

describe('connecting and logging in', () => {
  it('throws ConnectionError on a refused login, without retrying it', async () => {
    server.on('PASS', (s) => (s.reply('530 Login incorrect.'), true));
    const errors: Error[] = [];
    await assert.rejects(ftp({ retry: { total: 3, backoff: 0.01 }, hooks: { error: (e) => void errors.push(e) } }).client(), (error: unknown) => {
      assert.ok(error instanceof ConnectionError);
      assert.equal(error.code, 'FTPPY_ERR_CONNECTION');
      assert.equal(error.status, 530);
      assert.match(error.message, /cannot connect to 127\.0\.0\.1:\d+: .*530 Login incorrect/);
      return true;
    });
    assert.equal(server.log.length, 1);
    assert.equal(errors.length, 1);
  });

  it('retries a 421 greeting, then gives up with ConnectionError', async () => {
    server.greeting = '421-Too many users\r\n421 try later';
    await assert.rejects(ftp({ retry: { total: 2, backoff: 0.01 } }).client(), (error: unknown) => error instanceof ConnectionError && error.status === 421);
    assert.equal(server.log.length, 3);
  });

  it('bounds TCP, TLS and the greeting by Timeout.connect', async () => {
    server.on('GREETING', () => true); // say nothing
    const started = performance.now();
    await assert.rejects(ftp({ timeout: { connect: 0.3 } }).client(), /timed out after 0\.3s connecting/);
    assert.ok(performance.now() - started < 1200);
  });

  it('throws ConnectionError when nothing listens', async () => {
    const port = server.port;
    await server.close();
    await assert.rejects(new FtpPy(`ftp://127.0.0.1:${port}`, { retry: { total: 1, backoff: 0.01 } }).client(), /ECONNREFUSED/);
    server = await startScriptServer(); // for afterEach
  });

  it('starts in the endpoint\'s directory', async () => {
    server.dirs.add('/start');
    server.on('PWD', (s) => (s.reply('257 "/start" is your directory'), true));
    const client = await new FtpPy(`ftp://u:p@127.0.0.1:${server.port}/start`).client();
    try {
      assert.equal(await client.pwd(), '/start');
      assert.ok(server.log[0]!.includes('CWD /start'));
    } finally {
      await client.close();
    }
  });
});

describe('the facade', () => {
  it('rejects with the reason when the caller aborts, warns nothing, and the pool recovers', async () => {
    server.on('RETR', async (s, arg) => {
      if (arg !== '/stall') return false;
      await s.data();
      s.reply('150 Opening');
      return true;
    });
    await ftp({ timeout: { read: 5 } }).client(async (client) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('user gave up')), 100);
      await assert.rejects(client.download('/stall', join(local.dir, 'aborted.bin'), { signal: controller.signal }), /user gave up/);
      await assert.rejects(client.size('/f.bin', { signal: AbortSignal.abort() }), { name: 'AbortError' });
      assert.equal(await client.size('/f.bin'), file.length);
    });
    await settled();
    assert.deepEqual(warnings.list, []);
  });

  it('an abort reaches a connection still being opened', async () => {
    await ftp({ limits: { connections: 2 }, timeout: { connect: 5 } }).client(async (client) => {
      server.on('GREETING', () => true); // connections from now on are never greeted
      server.on('SIZE', async (s) => (await sleep(300), s.reply('213 1'), true));
      const controller = new AbortController();
      const started = performance.now();
      const busy = client.size('/f.bin');
      const waiting = client.exists('/f.bin', { signal: controller.signal });
      setTimeout(() => controller.abort(new Error('no time')), 100);
      await assert.rejects(waiting, /no time/);
      assert.ok(performance.now() - started < 250);
      assert.equal(await busy, 1);
      assert.equal((await client.stats()).pool, 1);
    });
  });

  it('turns a throwing hook or progress callback into a warning, not a failed transfer', async () => {
    const client = await ftp({ hooks: { download: () => { throw new Error('hook bug'); } } }).client();
    assert.ok(await client.download('/f.bin', join(local.dir, 'hooked.bin'), { progress: () => { throw new Error('progress bug'); } }));
    await client.close();
    await settled();
    assert.deepEqual(warnings.list.map((w) => [w.code, w.message]), [
      ['FTPPY_HOOK_FAILED', 'hook download threw: hook bug'],
      ['FTPPY_HOOK_FAILED', 'progress callback threw: progress bug'],
    ]);
  });

  it('stays closed after close(), and closes connections with QUIT', async () => {
    {
      await using client = await ftp().client();
      assert.ok(await client.exists('/f.bin'));
    }
    await sleep(20);
    assert.equal(server.log[0]!.at(-1), 'QUIT');
    const client = await ftp().client();
    await client.close();
    await client.close();
    assert.equal((await client.stats()).closed, true);
    await assert.rejects(client.size('/f.bin'), (e: unknown) => FtpPyError.is(e) && e.code === 'FTPPY_ERR_CLOSED');
  });

  it('refuses bad arguments at once: CR/LF in a path, unknown options, bad pairs', async () => {
    await ftp().client(async (client) => {
      await assert.rejects(client.remove('/a\r\nDELE /f.bin'), /CR, LF or NUL/);
      await assert.rejects(client.upload('a', 'b', { dirz: true } as never), /unknown option "dirz"/);
      await assert.rejects(client.batch([['a']] as never), /pair 0/);
      await assert.rejects(client.chmod('/f.bin', 'rwx'), /chmod mode/);
    });
    assert.ok(server.files.has('/f.bin'));
  });

  it('copy needs two connections: with one, it fails with a warning', async () => {
    await ftp({ limits: { connections: 1 } }).client(async (client) => assert.equal(await client.copy('/f.bin', '/g.bin'), false));
    await settled();
    assert.match(warnings.list[0]!.message, /copy needs two connections/);
  });
});
