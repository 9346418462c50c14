// Names around uploads: the temporary-upload shape is the server's (a user's file of that
// shape would be hidden from listings and taken by RMD for a crash's leftover), and STOU
// finds a name that fits next to a long one, without showing the names it tried.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Basic, FtpPy } from '../../lib/index.js';
import { connectData, RawFtp } from '../helpers/raw-ftp.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';

let t: TestServer;
before(async () => {
  t = await startServer();
});
after(() => t.close());

describe('a name shaped like a temporary upload', () => {
  const name = '.ftppy-upload.0123abcd.1';

  it('cannot be stored: the client hears a refusal and nothing is hidden', { timeout: 20_000 }, async () => {
    const ftp = new FtpPy(`ftp://127.0.0.1:${t.port}`, { auth: new Basic(USER, PASSWORD), retry: { total: 1, backoff: 0.05 } });
    await ftp.client(async (client) => {
      assert.equal(await client.mkdir('/upload/shaped'), true);
      assert.equal(await client.uploadFrom(Buffer.from('precious'), `/upload/shaped/${name}`), false);
      assert.deepEqual((await client.list('/upload/shaped'))?.map((entry) => entry.name), []);
    });
    assert.deepEqual(readdirSync(join(t.root, 'upload', 'shaped')), []);
  });

  it('STOR, APPE, RNTO and MKD of it are answered 553 with the name asked for only', { timeout: 20_000 }, async () => {
    mkdirSync(join(t.root, 'upload', 'shaped2'));
    writeFileSync(join(t.root, 'upload', 'shaped2', 'mine.txt'), 'precious');
    const ftp = await RawFtp.connect(t.port);
    assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
    const target = `/upload/shaped2/${name}`;
    const replies = [];
    for (const verb of ['STOR', 'APPE']) {
      const data = await connectData(await ftp.epsv());
      replies.push(await ftp.cmd(`${verb} ${target}`));
      data.destroy();
    }
    assert.equal((await ftp.cmd('RNFR /upload/shaped2/mine.txt')).code, 350);
    replies.push(await ftp.cmd(`RNTO ${target}`));
    replies.push(await ftp.cmd(`MKD ${target}`));
    ftp.close();
    for (const reply of replies) {
      assert.equal(reply.code, 553, reply.message);
      assert.equal(reply.message, `Name reserved for the server's uploads in progress: ${target}`);
    }
    assert.deepEqual(readdirSync(join(t.root, 'upload', 'shaped2')), ['mine.txt']);
  });

  it('RMD still removes one left in a folder by a crash (documented: the name is the server\'s)', { timeout: 20_000 }, async () => {
    mkdirSync(join(t.root, 'upload', 'crashed'));
    writeFileSync(join(t.root, 'upload', 'crashed', name), 'half an upload');
    const ftp = await RawFtp.connect(t.port);
    assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
    assert.equal((await ftp.cmd('RMD /upload/crashed')).code, 250);
    ftp.close();
    assert.equal(existsSync(join(t.root, 'upload', 'crashed')), false);
  });
});

describe('STOU next to a long name', () => {
  // `name.<8 hex>` next to a 250-byte name is 259 bytes: ENAMETOOLONG, and the 553 named
  // that internal candidate. The stem is cut so that the unique name fits in 255 bytes.
  it('stores under a unique name of at most 255 bytes when the 250-byte name asked for exists', { timeout: 20_000 }, async () => {
    mkdirSync(join(t.root, 'upload', 'stou'));
    const long = 'S'.repeat(250);
    writeFileSync(join(t.root, 'upload', 'stou', long), 'old');
    const ftp = await RawFtp.connect(t.port);
    assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
    const data = await connectData(await ftp.epsv());
    const opening = await ftp.cmd(`STOU /upload/stou/${long}`);
    if (opening.code !== 150) data.destroy();
    else data.end('new');
    const done = opening.code === 150 ? await ftp.reply() : opening;
    ftp.close();
    assert.equal(done.code, 226, `${opening.code} ${opening.message.slice(-40)}`);
    const names = readdirSync(join(t.root, 'upload', 'stou')).filter((n) => n !== long);
    assert.equal(names.length, 1);
    assert.match(names[0]!, /^S{246}\.[0-9a-f]{8}$/);
  });

});
