// RETR of a large file reads it into a few buffers that go round (common/file-source.ts),
// each read into again once the data socket's write of it has called back. A buffer
// given back too early would be overwritten while its bytes still wait in the socket's
// queue: that only shows when the client reads slowly, so that writes go asynchronous.
// These clients read 64 KiB, then stop for a few milliseconds, several at once, plain
// and over TLS, and check every byte. Without the lending (chunks of their own), and
// with the release moved to right after the write, these fail.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { openSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { after, describe, it } from 'node:test';
import type { Readable } from 'node:stream';
import { FileSource } from '../../common/file-source.js';
import { READ_SIZE } from '../../common/read-buffers.js';
import { fileReader } from '../../common/disk-file.js';
import { connectData, RawFtp } from '../helpers/raw-ftp.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';
import { tlsMaterial } from '../helpers/tls-material.js';
import { pseudoRandom, tempDir } from '../helpers/files.js';

// Past what loopback's socket buffers hold (a few MiB each way), so that writes must wait.
const SIZE = 24 * 1024 * 1024 + 4321;
const material = tlsMaterial();

const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** Reads the socket to its end, pausing a few ms after every 64 KiB, and returns the digest of what came. */
function slowDigest(socket: Socket): Promise<{ digest: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let bytes = 0;
    let sincePause = 0;
    socket.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
      sincePause += chunk.length;
      if (sincePause >= 64 * 1024) {
        sincePause = 0;
        socket.pause();
        setTimeout(() => socket.resume(), 2);
      }
    });
    socket.once('end', () => resolve({ digest: hash.digest('hex'), bytes }));
    socket.once('error', reject);
  });
}

async function retrieveSlowly(t: TestServer, name: string, secure: boolean): Promise<{ digest: string; bytes: number }> {
  const ftp = await RawFtp.connect(t.port);
  try {
    if (secure) await ftp.startTls({ ca: material.cert, servername: 'localhost' });
    assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
    if (secure) {
      assert.equal((await ftp.cmd('PBSZ 0')).code, 200);
      assert.equal((await ftp.cmd('PROT P')).code, 200);
    }
    assert.equal((await ftp.cmd('TYPE I')).code, 200);
    const port = await ftp.epsv();
    const raw = await connectData(port);
    ftp.send(`RETR ${name}\r\n`);
    let data: Socket = raw;
    if (secure) {
      const tls: TLSSocket = tlsConnect({ socket: raw, ca: material.cert, servername: 'localhost' });
      await new Promise<void>((resolve, reject) => tls.once('secureConnect', resolve).once('error', reject));
      data = tls;
    }
    const got = slowDigest(data);
    assert.equal((await ftp.reply()).code, 150);
    const result = await got;
    assert.equal((await ftp.reply(60_000)).code, 226);
    return result;
  } finally {
    ftp.close();
  }
}

describe('RETR of large files from buffers that go round', () => {
  for (const secure of [false, true]) {
    it(`${secure ? 'FTPS' : 'plain'}: three slow readers at once each get every byte of their own file`, { timeout: 120_000 }, async () => {
      await using t = await startServer(secure ? { tls: { cert: material.cert, key: material.key, reuse: false } } : {});
      const files = [1, 2, 3].map((seed) => {
        const content = pseudoRandom(SIZE, seed);
        writeFileSync(join(t.root, `big${seed}.bin`), content);
        return { name: `big${seed}.bin`, digest: sha(content) };
      });
      const results = await Promise.all(files.map((f) => retrieveSlowly(t, f.name, secure)));
      results.forEach((r, i) => {
        assert.equal(r.bytes, SIZE);
        assert.equal(r.digest, files[i]!.digest, `${files[i]!.name}: bytes differ`);
      });
    });
  }
});

describe('FileSource', () => {
  const folder = tempDir('ftppy-source-');
  after(() => folder.remove());
  /** A reader of `content`, written to a file of its own. */
  const readerOf = (content: Buffer, name: string): Readable => {
    const path = join(folder.dir, name);
    writeFileSync(path, content);
    return fileReader(openSync(path, 'r'), 0, content.length);
  };

  it('without lend(), every chunk is a buffer of its own: a consumer may keep them all', { timeout: 20_000 }, async () => {
    const content = pseudoRandom(4 * READ_SIZE + 99, 5);
    const kept: Buffer[] = [];
    for await (const chunk of readerOf(content, 'kept.bin')) kept.push(chunk as Buffer);
    assert.ok(Buffer.concat(kept).equals(content));
    assert.equal(new Set(kept.map((c) => c.buffer)).size, kept.length, 'no two chunks share a buffer');
  });

  it('when lending, holds at most three buffers out and reads on as they come back', { timeout: 20_000 }, async () => {
    const content = pseudoRandom(30 * READ_SIZE + 7, 6);
    const source = readerOf(content, 'lent.bin') as FileSource;
    assert.ok(source instanceof FileSource);
    source.lend();
    const held: Buffer[] = [];
    const copies: Buffer[] = [];
    const buffers = new Set<ArrayBufferLike>();
    await new Promise<void>((resolve, reject) => {
      source.on('data', (chunk: Buffer) => {
        copies.push(Buffer.from(chunk));
        buffers.add(chunk.buffer);
        held.push(chunk);
        assert.ok(held.length <= 3, `${held.length} chunks out at once`);
        // Given back a little later, oldest first, as socket writes call back.
        setTimeout(() => source.release(held.shift()!), 2);
      });
      source.once('end', resolve).once('error', reject);
    });
    assert.ok(Buffer.concat(copies).equals(content));
    assert.ok(buffers.size <= 3 + 8, `${buffers.size} buffers for 31 reads: they went round`);
  });
});
