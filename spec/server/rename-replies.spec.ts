// Replies that tell the truth about what happened: a refused foreign data connection is
// answered 425 alone (no 150 first), RNTO onto a folder names that folder, and renaming a
// name to itself is a no-op success (issue 12, item 22).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectData, RawFtp, readAll } from '../helpers/raw-ftp.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';

let t: TestServer;
before(async () => {
  t = await startServer();
  mkdirSync(join(t.root, 'ren/folder'), { recursive: true });
  writeFileSync(join(t.root, 'ren/file.txt'), 'x');
  writeFileSync(join(t.root, 'ren/folder/inside.txt'), 'y');
});
after(() => t.close());

async function loggedIn(): Promise<RawFtp> {
  const ftp = await RawFtp.connect(t.port);
  assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
  return ftp;
}

describe('replies', () => {
  it('a foreign passive connection gets 425 only, and the session goes on', { timeout: 20_000 }, async () => {
    const ftp = await loggedIn();
    const thief = await connectData(await ftp.epsv(), { localAddress: '127.0.0.2' });
    const stolen = readAll(thief);
    const first = await ftp.cmd('LIST /ren');
    assert.equal(first.code, 425, `${first.code} ${first.message}`);
    assert.equal((await stolen).length, 0);
    assert.equal((await ftp.cmd('NOOP')).code, 200); // no second reply was pending
    ftp.close();
  });

  it('RNTO onto a folder names the folder', { timeout: 20_000 }, async () => {
    const ftp = await loggedIn();
    assert.equal((await ftp.cmd('RNFR /ren/file.txt')).code, 350);
    const reply = await ftp.cmd('RNTO /ren/folder');
    assert.equal(reply.code, 550);
    assert.match(reply.message, /^\/ren\/folder: /);
    assert.ok(existsSync(join(t.root, 'ren/file.txt')));
    ftp.close();
  });

  it('RNFR x then RNTO x is a no-op success', { timeout: 20_000 }, async () => {
    const ftp = await loggedIn();
    assert.equal((await ftp.cmd('RNFR /ren/file.txt')).code, 350);
    assert.equal((await ftp.cmd('RNTO /ren/./file.txt')).code, 250);
    assert.ok(existsSync(join(t.root, 'ren/file.txt')));
    assert.equal((await ftp.cmd('RNFR /ren/folder')).code, 350);
    assert.equal((await ftp.cmd('RNTO /ren/folder/')).code, 250);
    assert.ok(existsSync(join(t.root, 'ren/folder/inside.txt')));
    ftp.close();
  });
});
