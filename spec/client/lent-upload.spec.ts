// A large upload from disk reads the file into a few buffers that go round
// (common/file-source.ts): each is read into again once the data socket's write of it
// has called back. A buffer given back before that would be overwritten while its bytes
// still wait to be written. Over a socket the copy waits for 'drain' after any write
// that queues (256 KiB chunks against a 16 KiB high-water mark), which hides an early
// release; a sink that takes 4 MiB before it pushes back does not, and checks each
// chunk's bytes only at its callback. End to end: a server that reads at 16 MiB/s gets
// 24 MiB byte for byte, plain and over TLS.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { SinkWriter } from '../../common/backpressure.js';
import { fileReader } from '../../common/disk-file.js';
import { lenderOf } from '../../common/lent-chunks.js';
import { openSync } from 'node:fs';
import { Basic, FtpPy, SSL } from '../../lib/index.js';
import { pseudoRandom, tempDir } from '../helpers/files.js';
import { PASSWORD, startServer, USER } from '../helpers/test-server.js';
import { tlsMaterial } from '../helpers/tls-material.js';

const SIZE = 24 * 1024 * 1024 + 777;
const material = tlsMaterial();

describe('uploads from disk through buffers that go round', () => {
  for (const secure of [false, true]) {
    it(`${secure ? 'FTPS' : 'plain'}: a server that reads slowly gets every byte`, { timeout: 60_000 }, async () => {
      await using t = await startServer({ rate: { upload: 16 * 1024 * 1024 }, ...(secure ? { tls: { cert: material.cert, key: material.key } } : {}) });
      const local = tempDir('ftppy-lent-upload-');
      try {
        const content = pseudoRandom(SIZE, 11);
        const path = join(local.dir, 'big.bin');
        writeFileSync(path, content);
        const ftp = new FtpPy(`${secure ? 'ftps' : 'ftp'}://127.0.0.1:${t.port}`, { auth: new Basic(USER, PASSWORD), ...(secure ? { ssl: new SSL({ bundle: material.certPath }) } : {}) });
        await ftp.client(async (client) => assert.equal(await client.upload(path, '/upload/big.bin'), true));
        const stored = readFileSync(join(t.root, 'upload/big.bin'));
        assert.equal(stored.length, SIZE);
        assert.ok(stored.equals(content), 'the stored bytes differ from the file');
      } finally {
        local.remove();
      }
    });
  }
});

it('a lent chunk goes back only at its write\'s callback: a slow sink sees its bytes intact then', { timeout: 20_000 }, async () => {
  const local = tempDir('ftppy-lent-copy-');
  try {
    const content = pseudoRandom(40 * 256 * 1024 + 5, 12);
    const path = join(local.dir, 'f.bin');
    writeFileSync(path, content);
    let at = 0;
    let bad = -1;
    const sink = new Writable({
      highWaterMark: 4 * 1024 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        const start = at;
        at += chunk.length;
        // The bytes are looked at when the write "completes", as a socket would send them then.
        setTimeout(() => {
          if (bad < 0 && !chunk.equals(content.subarray(start, start + chunk.length))) bad = start;
          callback();
        }, 1);
      },
    });
    const source = fileReader(openSync(path, 'r'), 0, content.length);
    const lender = lenderOf(source)!;
    lender.lend();
    await new SinkWriter(sink, () => new Error('closed')).copy(source[Symbol.asyncIterator](), { written: (chunk) => lender.release(chunk) });
    await new Promise<void>((resolve) => sink.end(resolve));
    assert.equal(at, content.length);
    assert.equal(bad, -1, `the chunk at ${bad} was overwritten before its write called back`);
  } finally {
    local.remove();
  }
});
