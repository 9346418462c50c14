// No listing line dropped in silence (issue 15 item 6): a LIST line in no format the
// client reads is a warning that quotes it, and a tree operation that met one reports
// that folder as incomplete (false under the folder's path, '.' for the root) instead of
// success, while the entries it could read are still transferred.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { Basic, FtpPy } from '../../lib/index.js';
import { tempDir } from '../helpers/files.js';
import { startScriptServer, type ScriptServer } from '../helpers/script-server.js';
import { captureWarnings, settled } from '../helpers/warnings.js';

const LISTINGS: Record<string, string> = {
  '/tree': [
    '-rw-r--r-- 1 u g 5 Jan  1  2024 a.txt',
    'drwxr-xr-x 2 u g 4096 Jan  1  2024 sub',
  ].join('\r\n'),
  '/tree/sub': [
    '-rw-r--r-- 1 u g 5 Jan  1  2024 b.txt',
    '-rw-r--r-- 1 u g 5 Smarch  1  2024 lost.txt',
  ].join('\r\n'),
};

describe('listing lines in no known format', { timeout: 20_000 }, () => {
  let server: ScriptServer;
  const local = tempDir('ftppy-listing-lines-');
  beforeEach(async () => {
    server = await startScriptServer();
    server.features = ['EPSV', 'SIZE', 'UTF8'];
    server.dirs.add('/tree').add('/tree/sub');
    for (const path of ['/tree/a.txt', '/tree/sub/b.txt', '/tree/sub/lost.txt']) server.files.set(path, Buffer.from('12345'));
    server.on('LIST', async (session, arg) => {
      const listing = LISTINGS[arg.replace(/^-a /, '')];
      if (listing === undefined) return false;
      const data = await session.data();
      session.reply('150 Here it comes');
      data.end(`${listing}\r\n`, () => session.reply('226 Done'));
      return true;
    });
  });
  afterEach(() => server.close());
  after(() => local.remove());

  const ftp = (): FtpPy => new FtpPy(`ftp://127.0.0.1:${server.port}`, { auth: new Basic('u', 'p'), retry: { total: 0 } });

  it('sync down reports the folder incomplete and warns with the line, and brings what it could read', async () => {
    const warnings = captureWarnings();
    const dst = join(local.dir, 'down');
    let results: Record<string, boolean> = {};
    try {
      results = await ftp().client((client) => client.sync(dst, '/tree', 'down'));
      await settled();
    } finally {
      warnings.stop();
    }
    assert.deepEqual(results, { 'a.txt': true, sub: false, 'sub/b.txt': true });
    assert.deepEqual(readdirSync(join(dst, 'sub')), ['b.txt']);
    const said = warnings.list.filter((w) => w.code === 'FTPPY_ERR_LISTING_LINE');
    assert.equal(said.length, 1, JSON.stringify(warnings.list));
    assert.match(said[0]!.message, /\/tree\/sub.*"-rw-r--r-- 1 u g 5 Smarch  1  2024 lost\.txt"/);
  });

  it('verify reports the folder incomplete too', async () => {
    const warnings = captureWarnings();
    try {
      const results = await ftp().client((client) => client.verify(local.dir, '/tree/sub'));
      await settled();
      assert.equal(results['.'], false, JSON.stringify(results));
    } finally {
      warnings.stop();
    }
  });
});
