// The client against a server that means it harm or is broken in ways real servers are:
// replies dripped a byte at a time, a 227 naming someone else's address, 421 beyond a
// few connections, a SIZE that lies, a file that grows, an active-mode server that says
// 150 and then 425, a reset mid-transfer. Whatever the server does, every operation
// settles: each test has a hard timeout, so a hang fails instead of blocking the run.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { Basic, FtpPy, type FtpPyOptions } from '../../lib/index.js';
import { pseudoRandom, tempDir } from '../helpers/files.js';
import { MemorySink, SMALL_FILE } from '../../lib/client/small-file.js';
import { startScriptServer, type ScriptServer } from '../helpers/script-server.js';
import { within } from '../helpers/wait.js';
import { captureWarnings, settled } from '../helpers/warnings.js';

const local = tempDir();
after(() => local.remove());

let server: ScriptServer;
let warnings: ReturnType<typeof captureWarnings>;
const file = pseudoRandom(600_000, 12);

beforeEach(async () => {
  server = await startScriptServer();
  server.files.set('/f.bin', file);
  warnings = captureWarnings();
});
afterEach(async () => {
  warnings.stop();
  await server.close();
});

// As in scripted.spec.ts: a read timeout that only a stall reaches, and a short one for
// the tests that wait for it to fire.
const SLOW_S = 10;
const SHORT_S = 2;
const HARD = { timeout: 20_000 };

function ftp(options: FtpPyOptions = {}): FtpPy {
  return new FtpPy(`ftp://127.0.0.1:${server.port}`, {
    auth: new Basic('u', 'p'),
    timeout: { connect: SLOW_S, read: SLOW_S, write: SLOW_S },
    retry: { total: 0, backoff: 0.01 },
    ...options,
  });
}

const commands = (verb: string): number => server.log.flat().filter((line) => line.split(' ')[0] === verb).length;
const partFiles = (): string[] => readdirSync(local.dir).filter((name) => name.endsWith('.ftppy-part'));

/** Passive mode through PASV only: EPSV is neither listed nor accepted. */
function pasvOnly(): void {
  server.features = ['SIZE', 'REST STREAM'];
  server.on('EPSV', (s) => (s.reply('502 EPSV not implemented'), true));
}

/** Active mode's EPRT, accepted: the client's address is kept, for a RETR handler to use or not. */
function acceptEprt(): void {
  server.on('EPRT', (s) => (s.reply('200 EPRT command successful'), true));
}

describe('replies in pieces', () => {
  it('works with every reply dripped one byte at a time', HARD, async () => {
    server.drip = 1;
    server.files.set('/dir/a.txt', Buffer.from('a'));
    server.dirs.add('/dir');
    await within(ftp().client(async (client) => {
      assert.ok(await client.download('/f.bin', join(local.dir, 'dripped.bin')));
      assert.deepEqual((await client.list('/dir'))?.map((e) => e.name), ['a.txt']);
    }), 'a session of dripped replies', 15_000);
    assert.ok(readFileSync(join(local.dir, 'dripped.bin')).equals(file));
  });

  it('ends a reply dripped slower than the read timeout with the timeout, and goes on', HARD, async () => {
    // "213 600000\r\n" at 300 ms a byte: 3.6 s for a reply the read timeout gives 2 s.
    let slow = 1;
    server.on('SIZE', (s) => {
      if (slow-- <= 0) return false;
      server.drip = 300; // this one reply only: the drip is read as a reply is queued
      s.reply(`213 ${file.length}`);
      server.drip = 0;
      return true;
    });
    await within(ftp({ timeout: { connect: SLOW_S, read: SHORT_S, write: SLOW_S } }).client(async (client) => {
      const started = performance.now();
      assert.equal(await client.size('/f.bin'), null);
      const waited = performance.now() - started;
      assert.ok(waited >= SHORT_S * 1000 && waited < SHORT_S * 1000 + 8000, `${waited} ms`);
      assert.equal(await client.size('/f.bin'), file.length);
    }), 'a slow drip to time out', 15_000);
    await settled();
    assert.equal(warnings.list[0]?.code, 'FTPPY_ERR_TIMEOUT');
    assert.match(warnings.list[0]!.message, /timed out after 2s waiting for a reply/);
  });
});

describe('passive addresses', () => {
  let decoy: Server | undefined;
  afterEach(() => decoy?.close());

  it('connects to the control connection\'s peer, never to the address a 227 names', HARD, async () => {
    pasvOnly();
    // The real data listener is on 127.0.0.1; the 227 names 127.0.0.2, where a decoy on
    // the same port counts who comes.
    let foreign = 0;
    server.on('PASV', async (s) => {
      const port = await s.listen();
      decoy?.close();
      decoy = createServer((socket) => {
        foreign += 1;
        socket.destroy();
      });
      await new Promise<void>((resolve) => decoy!.listen(port, '127.0.0.2', resolve));
      s.reply(`227 Entering Passive Mode (127,0,0,2,${port >> 8},${port & 255})`);
      return true;
    });
    await within(ftp().client(async (client) => {
      assert.ok(await client.download('/f.bin', join(local.dir, 'pasv-foreign.bin')));
    }), 'the download', 15_000);
    assert.equal(foreign, 0, 'no connection to the address the 227 named');
    assert.ok(readFileSync(join(local.dir, 'pasv-foreign.bin')).equals(file));
  });

  it('follows the 227 address with trustPasvAddress: true', HARD, async () => {
    pasvOnly();
    let foreign = 0;
    server.on('PASV', async (s) => {
      decoy?.close();
      decoy = createServer((socket) => (foreign += 1, socket.destroy()));
      await new Promise<void>((resolve) => decoy!.listen(0, '127.0.0.2', resolve));
      const { port } = decoy.address() as AddressInfo;
      s.reply(`227 Entering Passive Mode (127,0,0,2,${port >> 8},${port & 255})`);
      return true;
    });
    server.on('RETR', (s) => (s.reply('425 No data connection'), true)); // the decoy serves nothing
    await within(ftp({ trustPasvAddress: true }).client(async (client) => {
      assert.equal(await client.download('/f.bin', join(local.dir, 'pasv-trusted.bin')), false);
    }), 'the download', 15_000);
    assert.equal(foreign, 1);
  });
});

describe('connection limits', () => {
  it('settles every operation when the server says 421 beyond two connections', HARD, async () => {
    server.on('GREETING', (s) => {
      if (server.open <= 2) return false;
      s.reply('421 Too many connections, try later');
      s.socket.end();
      return true;
    });
    const results = await within(ftp({ limits: { connections: 5 }, retry: { total: 3, backoff: 0.01 } }).client((client) =>
      Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((i) => client.download('/f.bin', join(local.dir, `busy${i}.bin`)))),
    ), 'eight downloads against a server that takes two connections', 15_000);
    assert.ok(results.some(Boolean), 'the connections the server took serve the downloads');
    results.forEach((ok, i) => {
      if (ok) assert.ok(readFileSync(join(local.dir, `busy${i + 1}.bin`)).equals(file));
    });
    assert.deepEqual(partFiles(), []);
  });
});

describe('sizes that lie', () => {
  /** SIZE answers `size(name)` whatever the file holds. */
  function sizeSays(size: (name: string) => number): void {
    server.on('SIZE', (s, arg) => (s.reply(`213 ${size(arg)}`), true));
  }

  it('takes a file that grew since SIZE: more data than announced is no failure', HARD, async () => {
    server.files.set('/small.bin', file.subarray(0, 3000));
    server.files.set('/spills.bin', file.subarray(0, 200_000));
    // /f.bin grew by 5000 bytes (a log being written); the small ones come through the
    // in-memory path, /spills.bin so much larger than said that it must not stay in memory.
    sizeSays((name) => (name === '/f.bin' ? file.length - 5000 : 1000));
    await within(ftp().client(async (client) => {
      assert.ok(await client.download('/f.bin', join(local.dir, 'grown.bin')));
      assert.ok(await client.download('/small.bin', join(local.dir, 'grown-small.bin')));
      assert.ok(await client.download('/spills.bin', join(local.dir, 'grown-spilled.bin')));
    }), 'the downloads', 15_000);
    assert.ok(readFileSync(join(local.dir, 'grown.bin')).equals(file));
    assert.ok(readFileSync(join(local.dir, 'grown-small.bin')).equals(file.subarray(0, 3000)));
    assert.ok(readFileSync(join(local.dir, 'grown-spilled.bin')).equals(file.subarray(0, 200_000)));
    assert.deepEqual(partFiles(), []);
    await settled();
    assert.deepEqual(warnings.list, []);
  });

  it('keeps at most 64 KiB of a small file that outgrew its size in memory, the rest on disk', HARD, async () => {
    const path = join(local.dir, 'outgrown.part');
    const sink = new MemorySink(path);
    for (let at = 0; at < 200_000; at += 40_000) {
      await new Promise<void>((resolve, reject) => sink.write(file.subarray(at, at + 40_000), (error) => (error ? reject(error) : resolve())));
      assert.equal(sink.data === null, at + 40_000 > SMALL_FILE, `after ${at + 40_000} bytes`);
    }
    await new Promise<void>((resolve, reject) => sink.once('close', resolve).once('error', reject).end());
    assert.ok(readFileSync(path).equals(file.subarray(0, 200_000)));
  });

  it('takes a file that grows while it is sent, its size announced in the 150', HARD, async () => {
    server.features = ['REST STREAM']; // no SIZE: the 150 is all the client knows
    server.on('RETR', async (s) => {
      const data = await s.data();
      s.reply(`150 Opening BINARY mode data connection for /f.bin (${file.length - 100_000} bytes)`);
      data.end(file, () => s.reply('226 Transfer complete'));
      return true;
    });
    await within(ftp().client(async (client) => assert.ok(await client.download('/f.bin', join(local.dir, 'growing.bin')))), 'the download', 15_000);
    assert.ok(readFileSync(join(local.dir, 'growing.bin')).equals(file));
  });

  it('calls a file shorter than SIZE said a short transfer: retried, then false with a warning', HARD, async () => {
    sizeSays(() => file.length + 1000);
    await within(ftp({ retry: { total: 2, backoff: 0.01 } }).client(async (client) => {
      assert.equal(await client.download('/f.bin', join(local.dir, 'short.bin')), false);
    }), 'the download', 15_000);
    assert.equal(commands('RETR'), 3);
    assert.equal(existsSync(join(local.dir, 'short.bin')), false);
    assert.deepEqual(partFiles(), []);
    await settled();
    assert.equal(warnings.list.length, 1);
    assert.match(warnings.list[0]!.message, /received 600000 of 601000 bytes/);
  });

  it('takes "213" without a number after STOR as size unknown, not a short file (ftp-srv on an empty file)', HARD, async () => {
    server.on('SIZE', (s, arg) => {
      if (server.files.get(arg)?.length !== 0) return false;
      s.reply('213 File status');
      return true;
    });
    const empty = join(local.dir, 'empty.txt');
    writeFileSync(empty, '');
    await within(ftp().client(async (client) => {
      assert.ok(await client.upload(empty, '/empty.txt'));
      assert.ok(await client.uploadFrom(Buffer.alloc(0), '/empty2.txt'));
    }), 'the uploads', 15_000);
    assert.equal(server.files.get('/empty.txt')?.length, 0);
    await settled();
    assert.deepEqual(warnings.list, []);
  });
});

describe('active mode', () => {
  it('ends a download at once when the server says 150 and then 425, never connecting', HARD, async () => {
    acceptEprt();
    server.on('RETR', (s) => {
      s.reply('150 Opening BINARY mode data connection');
      s.reply('425 Can\'t open data connection');
      return true;
    });
    const started = performance.now();
    await within(ftp({ passive: false }).client(async (client) => {
      assert.equal(await client.download('/f.bin', join(local.dir, 'active-425.bin')), false);
      assert.ok(performance.now() - started < SLOW_S * 1000, 'ended by the 425, not by the read timeout');
      assert.ok(await client.exists('/f.bin'), 'the connection goes on');
    }), 'the download after 150 and 425', 15_000);
    await settled();
    assert.match(warnings.list[0]!.message, /425 Can't open data connection/);
    assert.deepEqual(partFiles(), []);
  });

  it('bounds the wait for the server\'s data connection by the read timeout', HARD, async () => {
    acceptEprt();
    server.on('RETR', (s) => (s.reply('150 Opening BINARY mode data connection'), true)); // and no connection, ever
    await within(ftp({ passive: false, timeout: { connect: SLOW_S, read: SHORT_S, write: SLOW_S } }).client(async (client) => {
      assert.equal(await client.download('/f.bin', join(local.dir, 'active-never.bin')), false);
    }), 'the download whose data connection never comes', 15_000);
    await settled();
    assert.equal(warnings.list[0]?.code, 'FTPPY_ERR_TIMEOUT');
  });
});

describe('cuts and aborts', () => {
  it('resumes a download whose data connection is reset mid-transfer', HARD, async () => {
    let resets = 1;
    server.on('RETR', async (s) => {
      if (resets-- <= 0) return false;
      const data = await s.data();
      s.reply('150 Opening BINARY mode data connection');
      data.write(file.subarray(0, 300_000), () => {
        data.resetAndDestroy();
        s.reply('426 Connection reset; transfer aborted');
      });
      return true;
    });
    await within(ftp({ retry: { total: 2, backoff: 0.01 } }).client(async (client) => {
      assert.ok(await client.download('/f.bin', join(local.dir, 'reset.bin')));
    }), 'the download', 15_000);
    assert.ok(readFileSync(join(local.dir, 'reset.bin')).equals(file));
    assert.equal(commands('RETR'), 2);
    assert.deepEqual(partFiles(), []);
  });

  it('leaves no part file behind when a download is aborted, nor when it fails', HARD, async () => {
    server.on('RETR', async (s) => {
      const data = await s.data();
      s.reply('150 Opening BINARY mode data connection');
      data.write(file.subarray(0, 300_000));
      return true; // and nothing more, ever
    });
    await within(ftp({ timeout: { connect: SLOW_S, read: SHORT_S, write: SLOW_S } }).client(async (client) => {
      const controller = new AbortController();
      const progress = (): void => void setImmediate(() => controller.abort(new Error('user gave up')));
      await assert.rejects(client.download('/f.bin', join(local.dir, 'aborted.bin'), { signal: controller.signal, progress }), /user gave up/);
      assert.deepEqual(partFiles(), [], 'after an abort');
      assert.equal(await client.download('/f.bin', join(local.dir, 'stalled.bin')), false);
      assert.deepEqual(partFiles(), [], 'after a failure');
    }), 'the downloads', 15_000);
    assert.equal(existsSync(join(local.dir, 'aborted.bin')), false);
  });

  it('leaves no part file on the server when a tree upload is aborted', HARD, async () => {
    const tree = join(local.dir, 'tree');
    mkdirSync(tree);
    writeFileSync(join(tree, 'big.bin'), file);
    server.dirs.add('/up');
    const controller = new AbortController();
    server.on('STOR', async (s, arg) => {
      server.files.set(arg, Buffer.alloc(0)); // a real server creates the file at STOR
      const data = await s.data();
      s.reply('150 Ok to send data');
      data.once('data', () => controller.abort(new Error('user gave up'))).resume();
      return true; // and never a 226
    });
    await within(ftp().client(async (client) => {
      await assert.rejects(client.sync(tree, '/up', 'up', { signal: controller.signal }), /user gave up/);
    }), 'the aborted sync', 15_000);
    assert.deepEqual([...server.files.keys()].filter((name) => name.endsWith('.ftppy-part')), []);
  });
});
