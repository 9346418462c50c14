// The client's memory stays flat whatever the file size: a large upload and download run
// in a child process whose peak RSS must stay under 100 MB. The child runs compiled
// JavaScript on plain node: tsx's loader alone costs some 45 MB, which is not the
// client's. 128 MiB always; 1 GiB when FTPPY_MEMORY_GIB=1 (it writes 3 GiB to disk).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { after, before, it } from 'node:test';
import { promisify } from 'node:util';
import { pseudoRandom, tempDir } from '../helpers/files.js';
import { peer, uniqueName } from '../helpers/peers.js';

const MiB = 1024 * 1024;
const size = process.env.FTPPY_MEMORY_GIB === '1' ? 1024 * MiB : 128 * MiB;
const local = tempDir();
const build = join(local.dir, 'build');
after(() => local.remove());

before(async () => {
  const tsc = join(import.meta.dirname, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');
  await promisify(execFile)(process.execPath, [
    tsc, join(import.meta.dirname, 'fixtures', 'memory-child.ts'), '--ignoreConfig', '--outDir', build,
    '--rootDir', join(import.meta.dirname, '..', '..'), '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--target', 'es2022', '--skipLibCheck', '--types', 'node', '--lib', 'es2023,esnext.disposable',
  ]).catch(() => {}); // type errors elsewhere still emit
  writeFileSync(join(build, 'package.json'), '{"type":"module"}');
});

async function writeBig(path: string, bytes: number): Promise<void> {
  const block = pseudoRandom(MiB, 11);
  const out = createWriteStream(path);
  for (let i = 0; i < bytes / MiB; i++) {
    block.writeUInt32LE(i, 0); // no two blocks alike
    if (!out.write(Buffer.from(block))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

async function sha(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

it(`uploads and downloads ${size / MiB} MiB with the client's RSS under 100 MB`, { timeout: 600_000 }, async () => {
  const p = peer('vsftpd');
  const source = join(local.dir, 'big.bin');
  const back = join(local.dir, 'back.bin');
  await writeBig(source, size);
  const { stdout } = await promisify(execFile)(process.execPath, [
    join(build, 'spec', 'client', 'fixtures', 'memory-child.js'),
    `ftp://${p.host}:${p.port}`, p.user, p.password, source, `${p.writable_dir}/${uniqueName('memory')}.bin`, back,
  ], { maxBuffer: MiB });
  const report = JSON.parse(stdout) as { up: boolean; down: boolean; baseline: number; peak: number; maxRSS: number; seconds: number };
  const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;
  console.log(`# ${size / MiB} MiB up and down in ${report.seconds.toFixed(1)}s: RSS ${mb(report.baseline)} at start, peak ${mb(report.maxRSS)}`);
  assert.deepEqual([report.up, report.down], [true, true]);
  assert.ok(report.maxRSS < 100e6, `peak RSS ${mb(report.maxRSS)}`);
  assert.equal(await sha(back), await sha(source));
});
