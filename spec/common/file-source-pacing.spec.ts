// A large file's reads (FileSource) are synchronous while they are fast, and go through
// the thread pool for a while once one is slow: a slow disk may hold the event loop for
// one read, not for every read of every transfer. Which way a read went is seen by
// async_hooks: a read through the pool makes an FSREQCALLBACK, a synchronous one nothing.
import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileReader } from '../../common/disk-file.js';
import { diskPacing } from '../../common/disk-pacing.js';
import { READ_SIZE } from '../../common/read-buffers.js';
import { pseudoRandom, tempDir } from '../helpers/files.js';

const folder = tempDir('ftppy-file-source-pacing-');
after(() => folder.remove());
const CONTENT = pseudoRandom(8 * READ_SIZE + 1234, 7);
const path = join(folder.dir, 'large.bin');
writeFileSync(path, CONTENT);
const defaults = { ...diskPacing };
afterEach(() => Object.assign(diskPacing, defaults));

/** Reads the file whole; its bytes, its chunks, and how many reads went through the thread pool before it ended. */
async function readCounting(): Promise<{ data: Buffer; chunks: number; pooled: number }> {
  let pooled = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === 'FSREQCALLBACK') pooled += 1;
    },
  }).enable();
  const chunks: Buffer[] = [];
  try {
    const stream = fileReader(openSync(path, 'r'), 0, CONTENT.length);
    // Counted until 'end': the descriptor's close, which comes right after, goes through the pool anyway.
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk))).once('error', reject).once('end', () => {
        hook.disable();
        resolve();
      });
    });
  } finally {
    hook.disable();
  }
  return { data: Buffer.concat(chunks), chunks: chunks.length, pooled };
}

describe('FileSource: synchronous reads while they are fast', () => {
  it('reads a file without the thread pool while no read is slow', async () => {
    diskPacing.slowMs = Infinity; // a loaded machine may deschedule a read past 4 ms: not what this test is about
    diskPacing.poolUntil = 0;
    const { data, chunks, pooled } = await readCounting();
    assert.deepEqual(data, CONTENT);
    assert.equal(chunks, 9);
    assert.equal(pooled, 0);
  });

  it('after a slow read, the following reads go through the thread pool, the bytes the same', async () => {
    diskPacing.slowMs = -1; // every read counts as slow
    diskPacing.poolForMs = 60_000; // longer than the reads through the pool take, however loaded the machine
    const { data, chunks, pooled } = await readCounting();
    assert.deepEqual(data, CONTENT);
    assert.equal(pooled, chunks - 1, 'the first read was synchronous and slow; every one after it went through the pool');
    assert.ok(diskPacing.poolUntil > performance.now());
  });

  it('reads are synchronous again once the time in the thread pool has passed', async () => {
    diskPacing.slowMs = -1;
    diskPacing.poolForMs = 30;
    await readCounting();
    diskPacing.slowMs = Infinity;
    await sleep(50);
    const { data, pooled } = await readCounting();
    assert.deepEqual(data, CONTENT);
    assert.equal(pooled, 0);
  });
});
