// `replace: false` never overwrites, and `exists` tells the truth, on servers that have
// neither SIZE nor MLST (aioftp): there only the parent's listing can say whether a file
// is there, and where even that fails the upload is refused, not guessed.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { Basic, FtpPy, type Client } from '../../lib/index.js';
import { tempDir } from '../helpers/files.js';
import { startScriptServer, type ScriptServer } from '../helpers/script-server.js';
import { captureWarnings, settled } from '../helpers/warnings.js';

const local = tempDir('ftppy-no-overwrite-');
after(() => local.remove());
const source = join(local.dir, 'new.txt');
writeFileSync(source, 'NEW CONTENT\n');
const OLD = Buffer.from('old content\n');

let server: ScriptServer;
let warnings: ReturnType<typeof captureWarnings>;
beforeEach(async () => {
  server = await startScriptServer();
  // No SIZE, no MLST (FEAT does not list them; both commands get 502, as from aioftp).
  server.features = ['EPSV', 'UTF8'];
  server.on('SIZE', (session) => (session.reply('502 Not implemented'), true));
  server.dirs.add('/d');
  server.files.set('/d/old.txt', OLD);
  server.files.set('/d/.hidden', OLD);
  server.files.set('/d/source.txt', Buffer.from('copied\n'));
  warnings = captureWarnings();
});
afterEach(async () => {
  warnings.stop();
  await server.close();
});

function client<T>(use: (client: Client) => Promise<T>): Promise<T> {
  const ftp = new FtpPy(`ftp://127.0.0.1:${server.port}`, { auth: new Basic('u', 'p'), retry: { total: 0, backoff: 0.01 }, limits: { connections: 2 } });
  return ftp.client(use);
}

const stored = (): number => server.log.flat().filter((line) => line.startsWith('STOR ')).length;

describe('a server without SIZE and MLST', { timeout: 20_000 }, () => {
  it('exists: a file is found in its folder\'s listing, a missing one is not', async () => {
    await client(async (c) => {
      assert.equal(await c.exists('/d/old.txt'), true);
      assert.equal(await c.exists('/d/.hidden'), true);
      assert.equal(await c.exists('/d'), true);
      assert.equal(await c.exists('/d/absent.txt'), false);
      assert.equal(await c.exists('/nowhere/absent.txt'), false);
    });
    await settled();
    assert.deepEqual(warnings.list, []);
  });

  it('upload with replace: false leaves an existing file alone', async () => {
    const done = await client((c) => c.upload(source, '/d/old.txt', { replace: false }));
    assert.equal(done, true);
    assert.equal(stored(), 0);
    assert.deepEqual(server.files.get('/d/old.txt'), OLD);
  });

  it('upload with replace: false still uploads a file that is not there', async () => {
    assert.equal(await client((c) => c.upload(source, '/d/fresh.txt', { replace: false })), true);
    assert.equal(server.files.get('/d/fresh.txt')?.toString(), 'NEW CONTENT\n');
  });

  it('copy with replace: false leaves an existing target alone', async () => {
    const done = await client((c) => c.copy('/d/source.txt', '/d/old.txt', { replace: false }));
    assert.equal(done, true);
    assert.equal(stored(), 0);
    assert.deepEqual(server.files.get('/d/old.txt'), OLD);
  });

  it('when the folder cannot be listed either, the upload is refused with a warning', async () => {
    server.on('LIST', (session) => (session.reply('550 Permission denied'), true));
    const done = await client((c) => c.upload(source, '/d/old.txt', { replace: false }));
    assert.equal(done, false);
    assert.equal(stored(), 0);
    assert.deepEqual(server.files.get('/d/old.txt'), OLD);
    await settled();
    assert.equal(warnings.list.length, 1, JSON.stringify(warnings.list));
    assert.match(warnings.list[0]!.message, /cannot tell whether \/d\/old\.txt exists/);
  });

  it('a dot file missing from a LIST that may hide dot files is not taken as absent', async () => {
    // `LIST -a` refused, and plain LIST hides dot files (as vsftpd's does without -a).
    server.on('LIST', async (session, arg) => {
      if (arg.startsWith('-a')) return (session.reply('501 Unknown option'), true);
      const data = await session.data();
      session.reply('150 Here it comes');
      data.end('-rw-r--r--    1 0        0              12 Jan 01  2024 old.txt\r\n', () => session.reply('226 Done'));
      return true;
    });
    const done = await client((c) => c.upload(source, '/d/.hidden', { replace: false }));
    assert.equal(done, false);
    assert.equal(stored(), 0);
    assert.deepEqual(server.files.get('/d/.hidden'), OLD);
    await settled();
    assert.match(warnings.list[0]?.message ?? '', /cannot tell whether \/d\/\.hidden exists/);
  });
});
