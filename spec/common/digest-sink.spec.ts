// The Writable that a download is hashed into when the server cannot hash (verify
// --checksum): every algorithm must match node:crypto (CRC-32: zlib's check value), and a
// sink that is destroyed before its end must never settle with a digest of part of the data.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { doneAtCallback } from '../../common/lent-chunks.js';
import { digestSink, HASH_ALGORITHMS } from '../../common/hash.js';
import { pseudoRandom } from '../helpers/files.js';

const data = pseudoRandom(3 * 65536 + 17, 3);

async function digestOf(algorithm: (typeof HASH_ALGORITHMS)[number], chunks: Buffer[]): Promise<string> {
  const { sink, digest } = digestSink(algorithm);
  for (const chunk of chunks) sink.write(chunk);
  sink.end();
  return digest;
}

describe('digestSink', () => {
  it('matches node:crypto for each hash, however the bytes are cut', async () => {
    const pieces = [data.subarray(0, 1), data.subarray(1, 70_000), data.subarray(70_000)];
    for (const [algorithm, name] of [['SHA-256', 'sha256'], ['SHA-1', 'sha1'], ['MD5', 'md5']] as const) {
      assert.equal(await digestOf(algorithm, pieces), createHash(name).update(data).digest('hex'), algorithm);
    }
  });

  it('gives CRC-32 as eight hex digits: the standard check value of "123456789", and a leading zero kept', async () => {
    assert.equal(await digestOf('CRC32', [Buffer.from('1234'), Buffer.from('56789')]), 'cbf43926');
    assert.equal(await digestOf('CRC32', []), '00000000');
  });

  it('hashes each chunk before its write calls back, so a download may lend it its buffers', async () => {
    const { sink, digest } = digestSink('SHA-256');
    assert.equal(doneAtCallback(sink), true);
    const lent = Buffer.from(data.subarray(0, 1000));
    await new Promise<void>((resolve, reject) => sink.write(lent, (error) => (error ? reject(error) : resolve())));
    lent.fill(0); // what a data connection does with its buffer once the write has called back
    sink.end();
    assert.equal(await digest, createHash('sha256').update(data.subarray(0, 1000)).digest('hex'));
  });

  it('rejects when destroyed before its end, with or without an error', async () => {
    const cut = digestSink('MD5');
    cut.sink.on('error', () => {}); // the download that destroys it listens
    cut.sink.write(data);
    cut.sink.destroy(new Error('the download failed'));
    await assert.rejects(cut.digest, /the download failed/);
    const dropped = digestSink('MD5');
    dropped.sink.destroy();
    await assert.rejects(dropped.digest, /not finished/);
  });
});
