import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Basic, FtpPy } from '../../lib/index.js';
import { skipUnless } from '../helpers/external-clients.js';

const run = promisify(execFile);

// A link inside the root is listed as a link, never as the folder it points to: a client
// that deletes a tree recursively must not walk through a link and empty its target.
describe('symbolic links in listings', () => {
  const root = mkdtempSync(join(tmpdir(), 'ftppy-links-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'keep'));
  writeFileSync(join(root, 'keep/precious.txt'), 'do not lose me');
  mkdirSync(join(root, 'trash'));
  writeFileSync(join(root, 'trash/junk.txt'), 'junk');
  symlinkSync(join(root, 'keep'), join(root, 'trash/keep-link'));
  symlinkSync('../keep/precious.txt', join(root, 'trash/file-link'));
  const ftp = new FtpPy('ftp://127.0.0.1:0', { auth: new Basic('u', 'p') });

  it('lists a link as a link with its target inside the root, in MLSD and LIST', { skip: skipUnless('curl') }, async () => {
    await using server = await ftp.server({ root, web: false });
    const client = new FtpPy(`ftp://127.0.0.1:${server.port}`, { auth: new Basic('u', 'p') });
    await client.client(async (c) => {
      const entries = await c.list('/trash');
      const link = entries?.find((e) => e.name === 'keep-link');
      assert.equal(link?.type, 'link');
      assert.equal(link?.dir, false);
      assert.equal(entries?.find((e) => e.name === 'file-link')?.type, 'link');
    });
    // curl lists with LIST, as most clients do; async, since the server runs in this process
    const { stdout: listing } = await run('curl', ['-sS', '-u', 'u:p', `ftp://127.0.0.1:${server.port}/trash/`]);
    assert.match(listing, /^l.* keep-link -> \/keep\r?$/m);
    assert.match(listing, /^l.* file-link -> \/keep\/precious.txt\r?$/m);
  });

  it('a recursive rmdir removes the link, not what it points to', async () => {
    await using server = await ftp.server({ root, web: false });
    const client = new FtpPy(`ftp://127.0.0.1:${server.port}`, { auth: new Basic('u', 'p') });
    await client.client(async (c) => assert.equal(await c.rmdir('/trash', { recursive: true }), true));
    assert.equal(existsSync(join(root, 'trash')), false);
    assert.equal(existsSync(join(root, 'keep/precious.txt')), true, 'the link target survives');
  });
});
