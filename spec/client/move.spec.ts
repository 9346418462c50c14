// `move` is mv: it makes the missing parents of its target and moves into a folder that
// exists; `rename` stays the bare RNFR/RNTO, which fails on either.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Basic, FtpPy, type Client } from '../../lib/index.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';
import { captureWarnings, settled } from '../helpers/warnings.js';

function client<T>(t: TestServer, use: (client: Client) => Promise<T>): Promise<T> {
  const ftp = new FtpPy(`ftp://127.0.0.1:${t.port}`, { auth: new Basic(USER, PASSWORD), retry: { total: 0 } });
  return ftp.client(use);
}

describe('move', { timeout: 20_000 }, () => {
  it('makes the missing parent folders of its target', async () => {
    await using t = await startServer();
    assert.equal(await client(t, (c) => c.move('/pub/hello.txt', '/new/deep/er/hi.txt')), true);
    assert.equal(readFileSync(join(t.root, 'new/deep/er/hi.txt'), 'utf8'), 'hello world\n');
    assert.equal(existsSync(join(t.root, 'pub/hello.txt')), false);
  });

  it('moves into a target that is an existing folder, keeping the name', async () => {
    await using t = await startServer();
    assert.equal(await client(t, (c) => c.move('/pub/hello.txt', '/upload')), true);
    assert.equal(readFileSync(join(t.root, 'upload/hello.txt'), 'utf8'), 'hello world\n');
    // a folder moves into a folder as well
    assert.equal(await client(t, (c) => c.move('/pub/nested', '/upload/')), true);
    assert.equal(readFileSync(join(t.root, 'upload/nested/deeper/deep.txt'), 'utf8'), 'deep\n');
  });

  it('renames in place when the target does not exist and its folder does', async () => {
    await using t = await startServer();
    assert.equal(await client(t, (c) => c.move('/pub/hello.txt', '/pub/bye.txt')), true);
    assert.equal(readFileSync(join(t.root, 'pub/bye.txt'), 'utf8'), 'hello world\n');
  });

  it('replaces an existing file as RNTO does', async () => {
    await using t = await startServer();
    writeFileSync(join(t.root, 'upload/old.txt'), 'old');
    assert.equal(await client(t, (c) => c.move('/pub/hello.txt', '/upload/old.txt')), true);
    assert.equal(readFileSync(join(t.root, 'upload/old.txt'), 'utf8'), 'hello world\n');
  });

  it('rename stays bare: no parents made, no moving into a folder', async () => {
    await using t = await startServer();
    mkdirSync(join(t.root, 'upload/box'));
    const warnings = captureWarnings();
    try {
      assert.equal(await client(t, (c) => c.rename('/pub/hello.txt', '/missing/hi.txt')), false);
      assert.equal(existsSync(join(t.root, 'missing')), false);
      assert.equal(await client(t, (c) => c.rename('/pub/lines.txt', '/upload/box')), false);
      assert.equal(existsSync(join(t.root, 'upload/box/lines.txt')), false);
      await settled();
      assert.equal(warnings.list.length, 2);
    } finally {
      warnings.stop();
    }
  });
});
