// The disk storage's file streams on real descriptors: fileReader reads small files with
// synchronous calls and larger ones through a ReadStream; FileWriter writes the first
// SYNC_BYTES synchronously and the rest through the thread pool. Both own their
// descriptor, so each test checks that it is closed, and closed only when it is safe.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import {
  appendFileSync, closeSync, constants, fstatSync, openSync, readFileSync, readSync, statSync, truncateSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { FileWriter, fileReader, SYNC_BYTES } from '../../common/disk-file.js';
import { diskPacing } from '../../common/disk-pacing.js';
import { doneAtCallback } from '../../common/lent-chunks.js';
import { giveReadBuffer, takeReadBuffer } from '../../common/read-buffers.js';
import { pseudoRandom, tempDir } from '../helpers/files.js';
import { HANG_MS, within } from '../helpers/wait.js';

const KiB = 1024;
const MiB = 1024 * KiB;

const folder = tempDir('ftppy-disk-file-');
after(() => folder.remove());

let files = 0;
/** A new file in the temp folder holding `content`. */
function fileWith(content: Buffer | string): string {
  const path = join(folder.dir, `file-${++files}`);
  writeFileSync(path, content);
  return path;
}

/**
 * Whether `fd` is still open on the file at `path`. A closed number may already have
 * been reused for another file, so an fstat that works is not enough: it must be the
 * same file.
 */
function openOn(fd: number, path: string): boolean {
  let stat;
  try {
    stat = fstatSync(fd);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EBADF') return false;
    throw error;
  }
  const file = statSync(path);
  return stat.ino === file.ino && stat.dev === file.dev;
}

/** Resolves on 'close' (events.once would reject on an 'error' the test wants to see). */
const closeOf = (stream: Readable | Writable): Promise<void> =>
  within(new Promise((resolve) => stream.once('close', () => resolve())), "the stream's 'close'");

/** All of a stream's bytes and how many 'data' events they came in, once it has closed. */
async function readAll(stream: Readable): Promise<{ data: Buffer; chunks: number }> {
  const closed = closeOf(stream);
  const chunks: Buffer[] = [];
  let failure: Error | null = null;
  stream.on('data', (chunk: Buffer) => chunks.push(chunk)).on('error', (error) => (failure = error));
  await closed;
  if (failure) throw failure;
  return { data: Buffer.concat(chunks), chunks: chunks.length };
}

/** `data` cut into pieces of the given sizes, in turn. */
function cut(data: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const size = sizes[i % sizes.length]!;
    out.push(data.subarray(at, at + size));
    at += size;
  }
  return out;
}

/** Writes `chunks` with backpressure, ends the writer and waits for its 'close'. */
async function writeThrough(writer: Writable, chunks: Buffer[]): Promise<void> {
  const errors: Error[] = [];
  writer.on('error', (error) => errors.push(error));
  for (const chunk of chunks) {
    if (!writer.write(chunk)) await within(once(writer, 'drain'), "the writer's 'drain'");
  }
  const closed = closeOf(writer);
  writer.end();
  await closed;
  assert.deepEqual(errors, []);
}

// Four 16 KiB pieces fill SYNC_BYTES exactly (written synchronously); 100 KiB goes past
// it, and from there on every piece goes through the thread pool.
const MIXED = [16 * KiB, 16 * KiB, 16 * KiB, 16 * KiB, 100 * KiB];

const noFifo = process.platform === 'win32' ? 'needs a FIFO' : false;
const SMALL = 1 * KiB; // below any pipe's capacity: a synchronous write of it cannot block
const LARGE = 4 * MiB; // beyond any pipe's capacity: its write waits in the thread pool

/**
 * A FIFO nobody reads yet holds a write in the thread pool for as long as the test
 * wants, which no regular file can do. `fd` is its writing end (blocking, as an upload's
 * file is), `reader` its reading end (non-blocking, so that the test never blocks).
 */
async function withFifo(test: (fifo: string, fd: number, reader: number) => Promise<void>): Promise<void> {
  const fifo = join(folder.dir, `fifo-${++files}`);
  execFileSync('mkfifo', [fifo]);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    await test(fifo, openSync(fifo, 'w'), reader);
  } finally {
    closeSync(reader);
  }
}

/** Reads `count` bytes from the FIFO, or fewer when every writer has closed it. */
async function readFifo(reader: number, count: number): Promise<number> {
  const buffer = Buffer.alloc(64 * KiB);
  const deadline = performance.now() + HANG_MS;
  let total = 0;
  while (total < count) {
    try {
      const n = readSync(reader, buffer, 0, Math.min(buffer.length, count - total), null);
      if (n === 0) break;
      total += n;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      if (performance.now() > deadline) throw new Error(`still waiting for the FIFO after ${total} bytes`);
      await sleep(1);
    }
  }
  return total;
}

describe('fileReader', () => {
  it('reads a small file whole, and from a middle offset, having closed the descriptor at once', async () => {
    const content = pseudoRandom(5000);
    const path = fileWith(content);
    for (const start of [0, 1234]) {
      const fd = openSync(path, 'r');
      const stream = fileReader(fd, start, content.length);
      assert.equal(openOn(fd, path), false, 'the bytes were read and the descriptor closed before returning');
      const { data } = await readAll(stream);
      assert.ok(data.equals(content.subarray(start)), `from ${start}`);
    }
  });

  it('streams a file larger than SYNC_BYTES from an offset, closing the descriptor at the end', async () => {
    const content = pseudoRandom(300 * KiB + 7);
    const path = fileWith(content);
    const start = 100_001;
    const fd = openSync(path, 'r');
    const stream = fileReader(fd, start, content.length);
    assert.equal(openOn(fd, path), true, 'the stream reads as it goes, so it holds the descriptor');
    const { data } = await readAll(stream);
    assert.ok(data.equals(content.subarray(start)));
    assert.equal(openOn(fd, path), false, 'closed once the stream has closed');
  });

  it('reads exactly SYNC_BYTES synchronously, and one byte more as a stream', async () => {
    const content = pseudoRandom(SYNC_BYTES + 1);
    const path = fileWith(content);
    const sync = openSync(path, 'r');
    const small = fileReader(sync, 1, content.length);
    assert.equal(openOn(sync, path), false);
    assert.ok((await readAll(small)).data.equals(content.subarray(1)));

    const streamed = openSync(path, 'r');
    const large = fileReader(streamed, 0, content.length);
    assert.equal(openOn(streamed, path), true);
    assert.ok((await readAll(large)).data.equals(content));
    assert.equal(openOn(streamed, path), false);
  });

  it('closes the descriptor of a large file when destroyed before the end', async () => {
    const path = fileWith(pseudoRandom(200 * KiB));
    const fd = openSync(path, 'r');
    const stream = fileReader(fd, 0, 200 * KiB);
    const closed = closeOf(stream);
    stream.destroy();
    await closed;
    assert.equal(openOn(fd, path), false);
  });

  for (const [name, size] of [['small', 5000], ['large', 300 * KiB]] as const) {
    it(`returns what is there when the ${name} file shrank after it was measured`, async () => {
      const content = pseudoRandom(size);
      const path = fileWith(content);
      const fd = openSync(path, 'r');
      const measured = fstatSync(fd).size;
      const left = Math.floor(size * 0.6);
      truncateSync(path, left);
      const { data } = await readAll(fileReader(fd, 1000, measured));
      assert.equal(data.length, left - 1000);
      assert.ok(data.equals(content.subarray(1000, left)));
      assert.equal(openOn(fd, path), false);
    });
  }

  it('stops at the size measured when the small file grew since', async () => {
    const content = pseudoRandom(5000);
    const path = fileWith(content);
    const fd = openSync(path, 'r');
    const measured = fstatSync(fd).size;
    appendFileSync(path, pseudoRandom(3000, 7));
    const { data } = await readAll(fileReader(fd, 0, measured));
    assert.ok(data.equals(content), `got ${data.length} bytes for a size of ${measured}`);
  });

  it('stops at the size measured when the large file grew since', async () => {
    const content = pseudoRandom(300 * KiB);
    const path = fileWith(content);
    const fd = openSync(path, 'r');
    const measured = fstatSync(fd).size;
    appendFileSync(path, pseudoRandom(10 * KiB, 7));
    const { data } = await readAll(fileReader(fd, 0, measured));
    assert.equal(data.length, measured);
    assert.ok(data.equals(content));
  });

  it('gives an empty stream when start is the size, and closes the descriptor', async () => {
    const content = pseudoRandom(5000);
    for (const path of [fileWith(content), fileWith('')]) {
      const size = statSync(path).size;
      const fd = openSync(path, 'r');
      const { data, chunks } = await readAll(fileReader(fd, size, size));
      assert.equal(data.length, 0);
      assert.equal(chunks, 0);
      assert.equal(openOn(fd, path), false);
    }
  });
});

describe('FileWriter', () => {
  it('writes a small upload synchronously, and closes the descriptor after end()', async () => {
    const path = join(folder.dir, 'small-upload');
    const fd = openSync(path, 'w');
    const writer = new FileWriter(fd, 0);
    const content = pseudoRandom(3000);
    writer.write(content.subarray(0, 1000));
    // Below SYNC_BYTES the bytes are in the file as soon as write() returns.
    assert.equal(fstatSync(fd).size, 1000);
    await writeThrough(writer, [content.subarray(1000)]);
    assert.ok(readFileSync(path).equals(content));
    assert.equal(writer.closed, true);
    assert.equal(openOn(fd, path), false);
  });

  it('writes 1 MiB past SYNC_BYTES, in 16 KiB and 100 KiB pieces, byte for byte', async () => {
    const path = join(folder.dir, 'large-upload');
    const fd = openSync(path, 'w');
    const content = pseudoRandom(MiB);
    await writeThrough(new FileWriter(fd, 0), cut(content, MIXED));
    assert.ok(readFileSync(path).equals(content));
    assert.equal(openOn(fd, path), false);
  });

  it('while the disk is fast, writes past SYNC_BYTES at once and synchronously, even when asked to gather', async (t) => {
    const { slowMs } = diskPacing;
    diskPacing.slowMs = Infinity; // a loaded machine may deschedule a write past 4 ms: not what this test is about
    diskPacing.poolUntil = 0;
    t.after(() => void (diskPacing.slowMs = slowMs));
    const path = join(folder.dir, 'synchronous-upload');
    const fd = openSync(path, 'w');
    const writer = new FileWriter(fd, 0, { gather: 256 * KiB });
    const content = pseudoRandom(SYNC_BYTES + 300 * KiB, 9);
    writer.write(content.subarray(0, SYNC_BYTES));
    writer.write(content.subarray(SYNC_BYTES, SYNC_BYTES + 100 * KiB));
    assert.equal(fstatSync(fd).size, SYNC_BYTES + 100 * KiB, 'written before write() returned');
    await writeThrough(writer, [content.subarray(SYNC_BYTES + 100 * KiB)]);
    assert.ok(readFileSync(path).equals(content));
    assert.equal(openOn(fd, path), false);
  });

  it('gathering (server uploads, the disk slow): holds what follows SYNC_BYTES until `gather` bytes wait, then writes them in one go; end() writes the rest', async (t) => {
    diskPacing.poolUntil = Infinity; // as after a slow call: through the thread pool
    t.after(() => void (diskPacing.poolUntil = 0));
    const path = join(folder.dir, 'gathered-upload');
    const fd = openSync(path, 'w');
    const writer = new FileWriter(fd, 0, { gather: 256 * KiB });
    const content = pseudoRandom(SYNC_BYTES + 600 * KiB + 5, 4);
    await new Promise<void>((resolve) => writer.write(content.subarray(0, SYNC_BYTES), () => resolve()));
    await new Promise<void>((resolve) => writer.write(content.subarray(SYNC_BYTES, SYNC_BYTES + 100 * KiB), () => resolve()));
    assert.equal(fstatSync(fd).size, SYNC_BYTES, 'the 100 KiB past SYNC_BYTES wait for more');
    await new Promise<void>((resolve) => writer.write(content.subarray(SYNC_BYTES + 100 * KiB, SYNC_BYTES + 300 * KiB), () => resolve()));
    assert.equal(fstatSync(fd).size, SYNC_BYTES + 300 * KiB, 'past 256 KiB gathered, all of it went down');
    await writeThrough(writer, cut(content.subarray(SYNC_BYTES + 300 * KiB), MIXED));
    assert.ok(readFileSync(path).equals(content));
    assert.equal(openOn(fd, path), false);
  });

  it('gathering, writes a lent read buffer before its callback instead of keeping it: the lender reads into it again at once', async (t) => {
    diskPacing.poolUntil = Infinity; // through the thread pool: the writer gathers
    t.after(() => void (diskPacing.poolUntil = 0));
    const path = join(folder.dir, 'gathered-lent');
    const fd = openSync(path, 'w');
    const writer = new FileWriter(fd, 0, { gather: 512 * KiB });
    assert.equal(doneAtCallback(writer), true, 'a file source may lend it its buffers (WebDAV COPY)');
    const content = pseudoRandom(SYNC_BYTES + 50 * KiB + 3 * 100 * KiB, 8);
    await new Promise<void>((resolve) => writer.write(content.subarray(0, SYNC_BYTES), () => resolve()));
    await new Promise<void>((resolve) => writer.write(content.subarray(SYNC_BYTES, SYNC_BYTES + 50 * KiB), () => resolve()));
    assert.equal(fstatSync(fd).size, SYNC_BYTES, 'a chunk of its own is gathered');
    const lent = takeReadBuffer();
    for (let at = SYNC_BYTES + 50 * KiB; at < content.length; at += 100 * KiB) {
      // One buffer lent over and over, as a file source does once each write calls back.
      const chunk = lent.subarray(0, 100 * KiB);
      content.copy(chunk, 0, at, at + 100 * KiB);
      await new Promise<void>((resolve) => writer.write(chunk, () => resolve()));
      assert.equal(fstatSync(fd).size, at + 100 * KiB, 'written, with what was gathered before it, by its callback');
      lent.fill(0xee); // read into again by the lender
    }
    await new Promise<void>((resolve) => writer.end(() => resolve()));
    giveReadBuffer(lent);
    assert.ok(readFileSync(path).equals(content));
  });

  // Positions, appends and short writes on both paths: synchronous (the disk fast) and
  // through the thread pool (after a slow call).
  for (const mode of [{ what: 'synchronously', poolUntil: 0 }, { what: 'through the thread pool', poolUntil: Infinity }]) {
    describe(mode.what, () => {
      const { slowMs } = diskPacing;
      beforeEach(() => Object.assign(diskPacing, { poolUntil: mode.poolUntil, slowMs: mode.poolUntil === 0 ? Infinity : slowMs }));
      afterEach(() => Object.assign(diskPacing, { poolUntil: 0, slowMs }));

      const atPosition = [
        { what: '', old: pseudoRandom(300 * KiB, 1), at: 1000, piece: pseudoRandom(150 * KiB, 2), gather: 0 },
        { what: ', gathering 100 KiB per write', old: pseudoRandom(2 * MiB, 5), at: 777, piece: pseudoRandom(MiB + 3, 6), gather: 100 * KiB },
      ];
      for (const c of atPosition) {
        it(`writes at a position into an existing file (REST)${c.what}, leaving the rest as it was`, async () => {
          const { old, piece } = c;
          const path = fileWith(old);
          const fd = openSync(path, 'r+');
          await writeThrough(new FileWriter(fd, c.at, { gather: c.gather }), cut(piece, MIXED));
          const expected = Buffer.concat([old.subarray(0, c.at), piece, old.subarray(c.at + piece.length)]);
          const got = readFileSync(path);
          assert.equal(got.length, old.length);
          assert.ok(got.equals(expected));
          assert.equal(openOn(fd, path), false);
        });
      }

      it('appends at the descriptor’s own position when given null (APPE)', async () => {
        const path = fileWith('already here\n');
        const fd = openSync(path, 'a');
        const added = pseudoRandom(200 * KiB, 3);
        await writeThrough(new FileWriter(fd, null), cut(added, MIXED));
        assert.ok(readFileSync(path).equals(Buffer.concat([Buffer.from('already here\n'), added])));
        assert.equal(openOn(fd, path), false);
      });

      it('writes pieces corked together (one writev) across SYNC_BYTES, at a position', async () => {
        // Corked pieces reach the writer together, before SYNC_BYTES is used up: those
        // within it go at once, the rest the mode's way, each at its own offset.
        const old = pseudoRandom(400 * KiB, 4);
        const path = fileWith(old);
        const fd = openSync(path, 'r+');
        const at = 777;
        const piece = pseudoRandom(150 * KiB, 5);
        const writer = new FileWriter(fd, at);
        writer.cork();
        for (const chunk of cut(piece, [10 * KiB])) writer.write(chunk);
        writer.uncork();
        // Then more pieces: through the pool they queue up behind a write in flight and go in one writev.
        const more = pseudoRandom(100 * KiB, 6);
        await writeThrough(writer, cut(more, [7 * KiB]));
        const expected = Buffer.concat([old.subarray(0, at), piece, more, old.subarray(at + piece.length + more.length)]);
        assert.ok(readFileSync(path).equals(expected));
        assert.equal(openOn(fd, path), false);
      });
    });
  }

  it('closes the descriptor when destroyed between writes, keeping what was written', async () => {
    const path = join(folder.dir, 'destroyed-upload');
    const fd = openSync(path, 'w');
    const writer = new FileWriter(fd, 0);
    const closed = closeOf(writer);
    writer.write(Buffer.from('partial'));
    writer.destroy();
    await closed;
    assert.equal(openOn(fd, path), false);
    assert.equal(readFileSync(path, 'latin1'), 'partial');
  });

  it('when destroyed during a write to the thread pool, closes the descriptor only after it', { skip: noFifo }, async () => {
    await withFifo(async (fifo, fd, reader) => {
      const writer = new FileWriter(fd, null); // a pipe has no positions
      const errors: Error[] = [];
      writer.on('error', (error) => errors.push(error));
      const closed = closeOf(writer);
      writer.write(Buffer.alloc(SMALL, 1));
      writer.write(Buffer.alloc(LARGE, 2));
      writer.destroy();

      // Closing now could let the pending write land in whatever reuses the number.
      await sleep(50);
      assert.equal(openOn(fd, fifo), true, 'the descriptor stays open while the write is in flight');
      assert.equal(writer.closed, false);

      // Reading lets the write complete; the descriptor then goes.
      assert.equal(await readFifo(reader, SMALL + LARGE), SMALL + LARGE, 'the whole write landed');
      await closed;
      assert.equal(openOn(fd, fifo), false);
      assert.equal(readSync(reader, Buffer.alloc(1)), 0, 'end of file: no writer holds the FIFO any more');
      assert.deepEqual(errors, [], 'no error escapes the destroy');
    });
  });

  it('when destroyed during one of several corked writes, writes none of the later ones', {
    skip: noFifo,
  }, async () => {
    await withFifo(async (fifo, fd, reader) => {
      const writer = new FileWriter(fd, null);
      const results: (string | null)[] = [];
      const record = (error?: Error | null): void => void results.push(error ? (error as NodeJS.ErrnoException).code ?? error.message : null);
      writer.on('error', () => {}); // what reaches the write callbacks is what is checked
      const closed = closeOf(writer);
      writer.cork();
      writer.write(Buffer.alloc(SMALL, 1), record); // synchronous
      writer.write(Buffer.alloc(LARGE, 2), record); // through the thread pool, held by the FIFO
      writer.write(Buffer.alloc(SMALL, 3), record); // after the destroy: must not be written
      writer.uncork();
      writer.destroy();
      assert.equal(await readFifo(reader, SMALL + LARGE), SMALL + LARGE);
      await closed;
      await sleep(20); // a write issued after the close would have landed or failed by now
      assert.equal(openOn(fd, fifo), false);
      let extra = 0;
      try {
        extra = readSync(reader, Buffer.alloc(SMALL));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      }
      assert.equal(extra, 0, 'no bytes after the destroy reached the FIFO');
      assert.ok(!results.includes('EBADF'), `no write went to the closed descriptor: ${JSON.stringify(results)}`);
    });
  });

  for (const [name, size, pooled] of [['a first', 1000, false], ['a later', 100 * KiB, false], ['a thread pool', 100 * KiB, true]] as const) {
    it(`reports ${name} write error on 'error', then closes the descriptor`, async (t) => {
      const { slowMs } = diskPacing;
      // Pinned either way: after a slow call on a loaded machine the later write would go through the pool.
      Object.assign(diskPacing, pooled ? { poolUntil: Infinity } : { poolUntil: 0, slowMs: Infinity });
      t.after(() => void Object.assign(diskPacing, { poolUntil: 0, slowMs }));
      const path = fileWith('read only');
      const fd = openSync(path, 'r'); // writing to it fails with EBADF
      const writer = new FileWriter(fd, 0);
      const failed = within(once(writer, 'error'), "the writer's 'error'");
      const closed = closeOf(writer);
      writer.write(Buffer.alloc(size));
      const [error] = (await failed) as [NodeJS.ErrnoException];
      assert.equal(error.code, 'EBADF');
      await closed;
      assert.equal(openOn(fd, path), false);
      assert.equal(readFileSync(path, 'latin1'), 'read only');
    });
  }
});
