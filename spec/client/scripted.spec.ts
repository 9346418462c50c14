// The client against a scripted server: the replies, stalls and cuts that real servers
// produce only now and then, produced on demand.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { Basic, ConnectionError, FtpPy, FtpPyError, type FtpPyOptions } from '../../lib/index.js';
import { pseudoRandom, tempDir } from '../helpers/files.js';
import { startScriptServer, type ScriptServer } from '../helpers/script-server.js';
import { within } from '../helpers/wait.js';
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

// Timeouts far beyond what a loaded machine makes of a working reply: a timer that fires
// runs before the I/O that would have beaten it, so a short one fails on a busy machine.
// The tests that wait for a timeout set a short one, against a server that never answers.
const SLOW_S = 10;
// A timeout that must fire, still short of what a stall on a busy machine could make of a
// working reply within the same test.
const SHORT_S = 2;

function ftp(options: FtpPyOptions = {}): FtpPy {
  return new FtpPy(`ftp://127.0.0.1:${server.port}`, {
    auth: new Basic('u', 'p'),
    timeout: { connect: SLOW_S, read: SLOW_S, write: SLOW_S },
    retry: { total: 0, backoff: 0.01 },
    ...options,
  });
}

const commands = (verb: string): number => server.log.flat().filter((line) => line.split(' ')[0] === verb).length;

/** A sink that takes `delays[i]` ms over its write number i (0 after the list). */
class SlowSink extends Writable {
  readonly chunks: Buffer[] = [];
  constructor(readonly delays: number[]) {
    super({ highWaterMark: 16 * 1024 });
  }
  override _write(chunk: Buffer, _e: string, callback: () => void): void {
    const delay = this.delays[this.chunks.length] ?? 0;
    this.chunks.push(chunk);
    setTimeout(callback, delay);
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
    // One write held 1.5 × the read timeout: were the timer running meanwhile, it would
    // fire first (it was armed first, and timers never fire early nor out of order).
    const sink = new SlowSink([SHORT_S * 1500]);
    const started = performance.now();
    await ftp({ timeout: { connect: SLOW_S, read: SHORT_S, write: SLOW_S } }).client(async (client) => assert.ok(await client.downloadTo('/f.bin', sink)));
    assert.ok(performance.now() - started >= SHORT_S * 1500, 'the sink should have held the data longer than the read timeout');
    assert.ok(Buffer.concat(sink.chunks).equals(file));
  });
});

describe('timeouts, stalls and cuts', () => {
  it('ends a reply that never comes with the read timeout, and the next operation works', async () => {
    let stalls = 1;
    server.on('SIZE', () => stalls-- > 0); // the first SIZE is never answered
    await ftp({ timeout: { connect: SLOW_S, read: SHORT_S, write: SLOW_S } }).client(async (client) => {
      const started = performance.now();
      assert.equal(await client.size('/f.bin'), null);
      const waited = performance.now() - started;
      // Not before the timeout, and nowhere near never: a few seconds, not a speed target.
      assert.ok(waited >= SHORT_S * 1000 && waited < SHORT_S * 1000 + 8000, `${waited} ms`);
      assert.equal(await client.size('/f.bin'), file.length);
    });
    await settled();
    assert.match(warnings.list[0]!.message, /^size \/f\.bin failed: .*timed out after 2s waiting for a reply/);
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
    await ftp({ timeout: { connect: SLOW_S, read: SHORT_S, write: SLOW_S } }).client(async (client) => assert.equal(await client.download('/f.bin', target), false));
    await settled();
    assert.equal(warnings.list[0]!.code, 'FTPPY_ERR_TIMEOUT');
    assert.match(warnings.list[0]!.message, /timed out after 2s receiving data/);
    assert.equal(existsSync(target), false);
    assert.deepEqual(readdirSync(local.dir).filter((f) => f.includes('stalled')), []);
  });

  it('resumes a download cut by a 426 (REST) and ends byte-identical', async () => {
    let cuts = 1;
    server.on('RETR', async (s) => {
      if (cuts-- <= 0) return false;
      const data = await s.data();
      s.reply('150 Opening');
      // The 426 comes once the client has read the 250,000 bytes to their end (and closed
      // its side): a 426 read first makes the client drop the data connection with what is
      // still unread in it, which a busy machine can make all of it, and restart from 0.
      data.once('close', () => s.reply('426 Connection closed; transfer aborted'));
      data.resume().end(file.subarray(0, 250_000));
      return true;
    });
    const target = join(local.dir, 'resumed.bin');
    await ftp({ retry: { total: 2, backoff: 0.01 } }).client(async (client) => assert.ok(await client.download('/f.bin', target)));
    assert.ok(readFileSync(target).equals(file));
    assert.deepEqual(server.log.flat().filter((line) => line.startsWith('REST ')), ['REST 250000']);
  });

  it('asks SIZE once where the opening reply names the size, and still catches a short transfer by it', async () => {
    server.features = ['SIZE', 'REST STREAM'];
    let short = false;
    server.on('RETR', async (s, arg) => {
      const body = server.files.get(arg)!;
      const data = await s.data();
      s.reply(`150 Opening BINARY mode data connection for ${arg} (${body.length} bytes)`);
      // A cut that looks orderly: the data ends early, and the server says 226.
      data.once('close', () => s.reply('226 Transfer complete'));
      data.resume().end(short ? body.subarray(0, 1000) : body);
      return true;
    });
    server.files.set('/small.bin', file.subarray(0, 3000));
    // Only a download that will not resume across runs trusts the opening: one that may
    // must know the size (and time) before it starts, to name its part file.
    const once = { resume: false };
    await ftp().client(async (client) => {
      assert.ok(await client.download('/f.bin', join(local.dir, 'announced1.bin'), once));
      assert.ok(await client.download('/small.bin', join(local.dir, 'announced2.bin'), once));
      assert.ok(await client.download('/f.bin', join(local.dir, 'announced3.bin'), once));
      assert.equal(commands('SIZE'), 1, 'only the first download asks');
      short = true;
      assert.equal(await client.download('/small.bin', join(local.dir, 'announced4.bin'), once), false);
      assert.equal(await client.download('/f.bin', join(local.dir, 'announced5.bin'), once), false);
      short = false;
      assert.ok(await client.download('/small.bin', join(local.dir, 'announced6.bin')));
      assert.equal(commands('SIZE'), 2, 'a download that may resume asks');
    });
    assert.ok(readFileSync(join(local.dir, 'announced2.bin')).equals(file.subarray(0, 3000)));
    assert.ok(readFileSync(join(local.dir, 'announced3.bin')).equals(file));
    assert.equal(existsSync(join(local.dir, 'announced4.bin')), false);
    assert.equal(existsSync(join(local.dir, 'announced5.bin')), false);
    await settled();
    assert.ok(warnings.list.some((w) => /received 1000 of 3000 bytes/.test(w.message)), 'the short transfer is reported');
    assert.deepEqual(readdirSync(local.dir).filter((name) => name.endsWith('.ftppy-part')), []);
  });

  it('keeps asking SIZE where the opening reply does not name the size', async () => {
    server.features = ['SIZE'];
    await ftp().client(async (client) => {
      for (const i of [1, 2, 3]) assert.ok(await client.download('/f.bin', join(local.dir, `unannounced${i}.bin`)));
    });
    assert.equal(commands('SIZE'), 3);
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
      // The client drops the connection as it reads the 421, before the server sees it close.
      const dropped = once(server.sessions[0]!.socket, 'close');
      server.sessions[0]!.reply('421 Timeout: closing control connection');
      await within(dropped, 'the client to drop the connection');
      assert.deepEqual([(await client.stats()).pool, (await client.stats()).idle], [0, 0]);
      assert.equal(await client.size('/f.bin'), file.length);
      assert.equal((await client.stats()).created, 2);
    });
    await settled();
    assert.deepEqual(warnings.list, []);
  });

  it('bounds the whole operation, the wait for a connection included, by Timeout.pool', async () => {
    server.on('SIZE', () => true); // hold the only connection: never answered
    // Without Timeout.pool, the held SIZE would end with the read timeout, a minute away.
    await ftp({ limits: { connections: 1 }, timeout: { connect: SLOW_S, read: 60, pool: 0.5 } }).client(async (client) => {
      const started = performance.now();
      const [held, waiting] = await Promise.all([client.size('/f.bin'), client.exists('/f.bin')]);
      const waited = performance.now() - started;
      assert.deepEqual([held, waiting], [null, false]);
      assert.ok(waited >= 490 && waited < 10_000, `${waited} ms: Timeout.pool (0.5 s), not the read timeout (60 s)`);
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
    server.on('GREETING', () => true); // say nothing, ever
    const started = performance.now();
    await assert.rejects(ftp({ timeout: { connect: 0.3 } }).client(), (error: unknown) => {
      assert.ok(error instanceof ConnectionError);
      assert.ok(FtpPyError.is(error.cause) && error.cause.code === 'FTPPY_ERR_TIMEOUT', String(error.cause));
      assert.match(error.message, /timed out after 0\.3s connecting/);
      return true;
    });
    const waited = performance.now() - started;
    assert.ok(waited >= 300 && waited < 8300, `${waited} ms`);
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
      const data = await s.data();
      s.reply('150 Opening');
      data.write(file.subarray(0, 1000));
      return true; // and nothing more, ever
    });
    await ftp().client(async (client) => {
      const controller = new AbortController();
      // Aborted mid-transfer: once the first bytes are in, and the rest never comes.
      const progress = (): void => void setImmediate(() => controller.abort(new Error('user gave up')));
      await assert.rejects(client.download('/stall', join(local.dir, 'aborted.bin'), { signal: controller.signal, progress }), /user gave up/);
      await assert.rejects(client.size('/f.bin', { signal: AbortSignal.abort() }), { name: 'AbortError' });
      assert.equal(await client.size('/f.bin'), file.length);
    });
    await settled();
    assert.deepEqual(warnings.list, []);
  });

  it('an abort reaches a connection still being opened', async () => {
    await ftp({ limits: { connections: 2 }, timeout: { connect: 60, read: SLOW_S, write: SLOW_S } }).client(async (client) => {
      const controller = new AbortController();
      // Connections from now on are never greeted: the second one is aborted while the
      // client waits for its greeting (Timeout.connect would end that wait a minute later).
      server.on('GREETING', () => (controller.abort(new Error('no time')), true));
      // The first connection stays busy until then, so that the second has to be opened.
      const aborted = once(controller.signal, 'abort');
      server.on('SIZE', async (s) => (await aborted, s.reply('213 1'), true));
      const busy = client.size('/f.bin');
      await within(assert.rejects(client.exists('/f.bin', { signal: controller.signal }), /no time/), 'the abort, not Timeout.connect, to end the wait', 10_000);
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
      ['FTPPY_ERR_HOOK', 'hook download threw: hook bug'],
      ['FTPPY_ERR_HOOK', 'progress callback threw: progress bug'],
    ]);
  });

  it('stays closed after close(), and closes connections with QUIT', async () => {
    {
      await using client = await ftp().client();
      assert.ok(await client.exists('/f.bin'));
    }
    // close() resolves once the QUIT was answered (and the server logs a command first).
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
