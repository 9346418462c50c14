// Names that are not UTF-8 (a Latin-1 é on disk, byte 0xE9) carried by the client end to
// end, as the server carries them (protocol/text.ts): read from a listing and sent back in
// a command as the same bytes, read from a local folder and uploaded, downloaded onto a
// local name with those bytes. And a 255-byte name, the longest a file system allows,
// downloads: the client's part file beside it must not be longer than that.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { Basic, FtpPy } from '../../lib/index.js';
import { encodeRaw } from '../../protocol/text.js';
import { tempDir } from '../helpers/files.js';
import { startScriptServer, type ScriptServer } from '../helpers/script-server.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';

const E_ACUTE = Buffer.from([0xe9]); // Latin-1 é: not UTF-8 on its own
const bytes = (...parts: (string | Buffer)[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
/** A path below `dir` (a string) ending in raw bytes, as node:fs takes it. */
const at = (dir: string, ...names: Buffer[]): Buffer => bytes(dir, ...names.flatMap((n) => [Buffer.from('/'), n]));
const namesIn = (dir: string | Buffer): Buffer[] => readdirSync(dir, { encoding: 'buffer' }).sort(Buffer.compare);

describe('names that are not UTF-8, against a server without UTF8 (Latin-1 names)', { timeout: 20_000 }, () => {
  let server: ScriptServer;
  const local = tempDir('ftppy-raw-names-');
  beforeEach(async () => {
    server = await startScriptServer();
    server.features = ['EPSV', 'SIZE']; // no UTF8: names are the server's own bytes
  });
  afterEach(() => server.close());
  after(() => local.remove());

  it('downloads a listed Latin-1 name by sending its exact bytes back, onto a local name with those bytes', async () => {
    const name = bytes('caf', E_ACUTE, '.txt');
    server.on('LIST', async (session) => {
      const data = await session.data();
      session.reply('150 Here it comes');
      data.end(bytes('-rw-r--r--    1 0        0               5 Jan 01  2024 ', name, '\r\n'), () => session.reply('226 Done'));
      return true;
    });
    server.on('RETR', async (session, arg) => {
      if (!encodeRaw(arg).equals(bytes('/', name))) return false; // the default answers 550
      const data = await session.data();
      session.reply('150 Here it comes');
      data.end(Buffer.from('latin'), () => session.reply('226 Done'));
      return true;
    });
    const ftp = new FtpPy(`ftp://127.0.0.1:${server.port}`, { auth: new Basic('u', 'p'), retry: { total: 0 } });
    await ftp.client(async (client) => {
      const [entry] = (await client.list('/')) ?? [];
      assert.ok(entry);
      assert.equal(await client.download(entry.path, join(local.dir, entry.name)), true);
    });
    const retr = server.log.flat().filter((line) => line.startsWith('RETR '));
    assert.deepEqual(retr.map((line) => encodeRaw(line).toString('hex')), [bytes('RETR /', name).toString('hex')]);
    assert.deepEqual(namesIn(local.dir).map((n) => n.toString('hex')), [name.toString('hex')]);
    assert.equal(readFileSync(at(local.dir, name), 'utf8'), 'latin');
  });
});

describe('names that are not UTF-8 and 255-byte names, against our server', { timeout: 30_000 }, () => {
  let t: TestServer;
  const local = tempDir('ftppy-raw-names-');
  before(async () => {
    t = await startServer();
  });
  after(async () => {
    await t.close();
    local.remove();
  });
  const connect = (): FtpPy => new FtpPy(`ftp://127.0.0.1:${t.port}`, { auth: new Basic(USER, PASSWORD), retry: { total: 0 } });

  it('sync up uploads a local file and folder whose names are not UTF-8 (they were dropped)', async () => {
    const src = join(local.dir, 'up-src');
    const file = bytes('r', E_ACUTE, 'sum', Buffer.from([0xff]), '.txt');
    const dir = bytes('d', E_ACUTE);
    mkdirSync(src);
    writeFileSync(at(src, file), 'top');
    mkdirSync(at(src, dir));
    writeFileSync(at(src, dir, file), 'inner');
    let result: Record<string, boolean> = {};
    await connect().client(async (client) => {
      result = await client.sync(src, '/upload/raw-up', 'up');
    });
    assert.equal(Object.keys(result).length, 3, JSON.stringify(result));
    assert.ok(Object.values(result).every(Boolean), JSON.stringify(result));
    const served = join(t.root, 'upload', 'raw-up');
    assert.deepEqual(namesIn(served).map(String), [dir, file].sort(Buffer.compare).map(String));
    assert.equal(readFileSync(at(served, file), 'utf8'), 'top');
    assert.equal(readFileSync(at(served, dir, file), 'utf8'), 'inner');
  });

  it('downloads a file with a 255-byte name (its part file fits too)', async () => {
    const name = bytes('x'.repeat(254), E_ACUTE);
    mkdirSync(join(t.root, 'pub', 'long'));
    writeFileSync(at(join(t.root, 'pub', 'long'), name), 'long name');
    const dst = join(local.dir, 'long-dst');
    mkdirSync(dst);
    let result: Record<string, boolean> = {};
    await connect().client(async (client) => {
      result = await client.sync(dst, '/pub/long', 'down');
    });
    assert.ok(Object.values(result).every(Boolean) && Object.keys(result).length === 1, JSON.stringify(result));
    assert.deepEqual(namesIn(dst).map((n) => n.toString('hex')), [name.toString('hex')]);
    assert.equal(readFileSync(at(dst, name), 'utf8'), 'long name');
  });
});
