// uploadFrom(readable) takes the stream's chunks one at a time, as they were pushed
// (lib/client/readable-chunks.ts): a Readable's own async iterator joins whatever is
// buffered into a fresh copy, which made a 1 GiB upload from memory fault in 2 MiB
// copies (3× basic-ftp's page faults). Bytes still arrive exactly, errors still fail.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Basic, FtpPy, SSL } from '../../lib/index.js';
import { UploadBody } from '../../lib/client/sources.js';
import { pseudoRandom } from '../helpers/files.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';
import { tlsMaterial } from '../helpers/tls-material.js';

const CHUNK = Buffer.alloc(1024 * 1024, 0x5a);

function repeated(times: number): Readable {
  let left = times;
  return new Readable({
    read() {
      this.push(left-- > 0 ? CHUNK : null);
    },
  });
}

describe('uploadFrom(readable): the chunks', () => {
  it('are the ones the stream pushed, not joined copies, even when the consumer is slow', { timeout: 20_000 }, async () => {
    const body = new UploadBody(repeated(8));
    const sizes: number[] = [];
    let copies = 0;
    for await (const chunk of body.chunks()) {
      sizes.push(chunk.length);
      if (chunk.buffer !== CHUNK.buffer) copies++;
      await new Promise(setImmediate); // the stream fills its buffer meanwhile
    }
    assert.deepEqual(sizes, Array(8).fill(CHUNK.length));
    assert.equal(copies, 0);
  });

  it('end in the stream\'s error', { timeout: 20_000 }, async () => {
    let n = 0;
    const failing = new Readable({
      read() {
        if (n++ < 2) this.push(CHUNK);
        else this.destroy(new Error('disk gone'));
      },
    });
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const chunk of new UploadBody(failing).chunks()) seen.push(chunk.length);
      })(),
      /disk gone/,
    );
    assert.equal(seen.length, 2);
  });

  it('of a stream that had ended already: none', { timeout: 20_000 }, async () => {
    const empty = Readable.from([]);
    await new Promise((resolve) => empty.once('end', resolve).resume());
    const got: Buffer[] = [];
    for await (const chunk of new UploadBody(empty).chunks()) got.push(chunk);
    assert.equal(got.length, 0);
  });
});

describe('uploadFrom(readable) to our server, byte for byte', () => {
  const data = pseudoRandom(9 * 1024 * 1024 + 77, 23);
  const servers = new Map<'plain' | 'tls', TestServer>();
  before(async () => {
    const { cert, key } = tlsMaterial();
    servers.set('plain', await startServer());
    servers.set('tls', await startServer({ tls: { cert, key } }));
  });
  after(async () => {
    for (const server of servers.values()) await server.close();
  });
  for (const mode of ['plain', 'tls'] as const) {
    it(mode, { timeout: 60_000 }, async () => {
      // Pieces of odd sizes, some pushed in bursts.
      let at = 0;
      const source = new Readable({
        read() {
          for (let burst = 0; burst < 3 && at < data.length; burst++) {
            const n = Math.min(data.length - at, 4096 + ((at * 31) % 700_000));
            this.push(data.subarray(at, at + n));
            at += n;
          }
          if (at >= data.length) this.push(null);
        },
      });
      const ftp = new FtpPy(`${mode === 'plain' ? 'ftp' : 'ftps'}://127.0.0.1:${servers.get(mode)!.port}`, {
        auth: new Basic(USER, PASSWORD),
        ...(mode === 'tls' ? { ssl: new SSL({ bundle: tlsMaterial().certPath }) } : {}),
      });
      await ftp.client(async (client) => {
        assert.equal(await client.uploadFrom(source, '/upload/stream.bin'), true);
      });
      assert.ok(readFileSync(join(servers.get(mode)!.root, 'upload/stream.bin')).equals(data));
    });
  }
});
