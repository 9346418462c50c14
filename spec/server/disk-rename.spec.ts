// DiskStorage.rename: its metadata calls are synchronous (a thread-pool hand-off costs
// more than a small rename), but replacing a large file frees its blocks inside
// rename(2), which held the event loop, and every session, 34-330 ms for 1 GiB. Which
// path a rename took is seen by async_hooks: a call through the thread pool makes an
// FSREQPROMISE, a synchronous one makes nothing.
import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { linkSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DiskStorage } from '../../server/index.js';
import { tempDir } from '../helpers/files.js';

const folder = tempDir('ftppy-disk-rename-');
after(() => folder.remove());
const storage = new DiskStorage(folder.dir);

/**
 * Renames `/new` over `/old` and tells whether it went through the thread pool: `/old`
 * holds `oldBytes` bytes, or (`sparse`) is that long without a block, or (`linked`) has a
 * second name that keeps its blocks.
 */
async function replace(oldBytes: number, shape: { sparse?: boolean; linked?: boolean } = {}): Promise<boolean> {
  const old = join(folder.dir, 'old');
  rmSync(join(folder.dir, 'other-name'), { force: true });
  if (shape.sparse) {
    writeFileSync(old, '');
    truncateSync(old, oldBytes);
  } else writeFileSync(old, Buffer.alloc(oldBytes, 1));
  if (shape.linked) linkSync(old, join(folder.dir, 'other-name'));
  writeFileSync(join(folder.dir, 'new'), 'new content');
  let pooled = false;
  const hook = createHook({
    init(_id, type) {
      if (type === 'FSREQPROMISE' || type === 'FSREQCALLBACK') pooled = true;
    },
  }).enable();
  try {
    await storage.rename('/new', '/old');
  } finally {
    hook.disable();
  }
  assert.equal(readFileSync(join(folder.dir, 'old'), 'utf8'), 'new content');
  return pooled;
}

describe('DiskStorage.rename', () => {
  before(() => storage.stat('/')); // the storage finds its real root once, through the pool

  it('replaces a large file through the thread pool, so that freeing it blocks no session', async () => {
    assert.equal(await replace(2 * 1024 * 1024), true);
  });

  it('replaces a large file that frees no blocks (sparse, or with another name) synchronously', async () => {
    assert.equal(await replace(2 * 1024 * 1024, { sparse: true }), false);
    assert.equal(await replace(2 * 1024 * 1024, { linked: true }), false);
  });

  it('replaces a small file, or names a new one, synchronously', async () => {
    assert.equal(await replace(4096), false);
    writeFileSync(join(folder.dir, 'fresh'), 'x');
    await storage.rename('/fresh', '/fresh-name');
    assert.equal(readFileSync(join(folder.dir, 'fresh-name'), 'utf8'), 'x');
  });
});
