// verify({ checksum }) against a scripted server for the digest commands our server and
// the peers do not have: XSHA256, XCRC, HASH with another algorithm chosen by OPTS HASH,
// an X command listed in FEAT but not understood (downloaded and hashed instead).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FtpPy } from '../../lib/index.js';
import { parseFeatures } from '../../protocol/features.js';
import { crc32 } from '../../common/hash.js';
import { remoteHasher } from '../../lib/tree/checksum.js';
import { pseudoRandom, tempDir } from '../helpers/files.js';
import { startScriptServer, type ScriptServer } from '../helpers/script-server.js';

const features = (...lines: string[]): ReturnType<typeof parseFeatures> =>
  parseFeatures({ code: 211, message: '', lines: ['Features:', ...lines.map((l) => ` ${l}`), 'End'] } as never);

describe('which digest the server is asked for', () => {
  it('the algorithm HASH has selected, else one it offers that we compute, else an X command', () => {
    assert.deepEqual(remoteHasher(features('HASH SHA-256*;SHA-1;MD5')), { command: 'HASH', algorithm: 'SHA-256', select: false });
    assert.deepEqual(remoteHasher(features('HASH SHA-512*;MD5;CRC32')), { command: 'HASH', algorithm: 'MD5', select: true });
    assert.deepEqual(remoteHasher(features('HASH SHA-512*', 'XSHA1', 'XCRC')), { command: 'XSHA1', algorithm: 'SHA-1', select: false });
    assert.deepEqual(remoteHasher(features('XCRC', 'XMD5')), { command: 'XMD5', algorithm: 'MD5', select: false });
    assert.equal(remoteHasher(features('SIZE', 'MDTM')), null);
    assert.equal(remoteHasher(undefined), null);
  });
});

describe('verify with checksums against a scripted server', () => {
  const local = tempDir('ftppy-verify-');
  const good = pseudoRandom(10_000, 3);
  const bad = Buffer.from(good);
  bad[5000] = bad[5000]! ^ 0xff;
  let script: ScriptServer;

  before(async () => {
    script = await startScriptServer();
    script.dirs.add('/v');
    script.files.set('/v/good.bin', good);
    script.files.set('/v/bad.bin', bad);
    mkdirSync(join(local.dir, 'tree'));
    writeFileSync(join(local.dir, 'tree/good.bin'), good);
    writeFileSync(join(local.dir, 'tree/bad.bin'), good);
  });
  after(async () => {
    await script.close();
    local.remove();
  });

  const digest = (algorithm: string, data: Buffer): string => createHash(algorithm).update(data).digest('hex');
  async function verifyWith(featureLines: string[]): Promise<[Record<string, boolean>, string[]]> {
    script.features = ['EPSV', 'SIZE', ...featureLines];
    const start = script.log.length;
    const results = await new FtpPy(`ftp://127.0.0.1:${script.port}`, { retry: { total: 0 } }).client((client) => client.verify(join(local.dir, 'tree'), '/v', { checksum: true }));
    return [results, script.log.slice(start).flat()];
  }

  it('XSHA256 answered as 250 <hex>: one command per file, no download', async () => {
    script.on('XSHA256', (session, arg) => {
      session.reply(`250 ${digest('sha256', script.files.get(arg)!)}`);
      return true;
    });
    const [results, log] = await verifyWith(['XSHA256']);
    assert.deepEqual(results, { 'bad.bin': false, 'good.bin': true });
    assert.equal(log.filter((c) => c.startsWith('RETR')).length, 0);
    assert.equal(log.filter((c) => c.startsWith('XSHA256')).length, 2);
  });

  it('XCRC answered in upper case, with the path after it', async () => {
    script.on('XCRC', (session, arg) => {
      session.reply(`250 ${crc32(script.files.get(arg)!).toString(16).toUpperCase()} ${arg}`);
      return true;
    });
    const [results] = await verifyWith(['XCRC']);
    assert.deepEqual(results, { 'bad.bin': false, 'good.bin': true });
  });

  it('HASH with SHA-512 selected: MD5 chosen with OPTS HASH first', async () => {
    script.on('HASH', (session, arg) => {
      const data = script.files.get(arg)!;
      session.reply(`213 MD5 0-${data.length} ${digest('md5', data)} ${arg}`);
      return true;
    });
    const [results, log] = await verifyWith(['HASH SHA-512*;MD5']);
    assert.deepEqual(results, { 'bad.bin': false, 'good.bin': true });
    assert.ok(log.includes('OPTS HASH MD5'));
  });

  it('an X command that FEAT lists but the server does not understand: downloaded and hashed here', async () => {
    script.on('XMD5', (session) => {
      session.reply('500 Unknown command');
      return true;
    });
    const [results, log] = await verifyWith(['XMD5']);
    assert.deepEqual(results, { 'bad.bin': false, 'good.bin': true });
    assert.equal(log.filter((c) => c.startsWith('RETR')).length, 2);
  });
});
