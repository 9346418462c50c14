// The web API's memory stays flat whatever the file size: a large multipart upload and
// its download go through a server in a child process whose peak RSS must stay under
// 100 MB. The child runs compiled JavaScript on plain node (tsx's loader alone costs
// some 45 MB, which is not the server's). 128 MiB always; 1 GiB when FTPPY_MEMORY_GIB=1
// (it writes 1 GiB to disk and takes longer).
//
// What grows past the loaded server (some 55 MB) is not held data but freed stream
// buffers: every 64 KiB read from a socket is a new buffer outside V8's heap, and V8
// frees those only at its next collection, which with its default young generation
// comes after tens of megabytes. The FTP server's own RETR showed the same (53 → 94 MB
// for 256 MiB) until its reads went round lent buffers; the web API's GET and WebDAV's
// COPY read that way too, so what is left is the upload's socket reads: a peak of some
// 77-85 MB with `--max-semi-space-size=1` (97-106 MB when GET and COPY read into fresh
// buffers), some 100-105 MB with V8's defaults. The 100 MB bound is asserted with that
// flag; the default run must stay below 120 MB, which any leak of transfer data would
// break at once.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, it } from 'node:test';
import { promisify } from 'node:util';
import { pseudoRandom, tempDir } from '../helpers/files.js';

const MiB = 1024 * 1024;
const size = process.env.FTPPY_MEMORY_GIB === '1' ? 1024 * MiB : 128 * MiB;
const work = tempDir('ftppy-web-memory-');
const build = join(work.dir, 'build');
const served = join(work.dir, 'served');
after(() => work.remove());

before(async () => {
  const repo = join(import.meta.dirname, '..', '..');
  const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  await promisify(execFile)(process.execPath, [
    tsc, join(import.meta.dirname, 'fixtures', 'web-memory-child.ts'), '--ignoreConfig', '--outDir', build,
    '--rootDir', repo, '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--target', 'es2022', '--skipLibCheck', '--types', 'node', '--lib', 'es2023,esnext.disposable',
  ]).catch(() => {}); // type errors elsewhere still emit
  writeFileSync(join(build, 'package.json'), '{"type":"module"}');
});

/** `size` bytes, made block by block as they are sent, never all at once. */
async function* content(hash: ReturnType<typeof createHash>): AsyncGenerator<Buffer> {
  const block = pseudoRandom(MiB, 5);
  for (let i = 0; i < size / MiB; i++) {
    block.writeUInt32LE(i, 0); // no two blocks alike
    const copy = Buffer.from(block);
    hash.update(copy);
    yield copy;
  }
}

/** A multipart POST (the web API), or a raw PUT as WebDAV clients send it. */
function upload(port: number, hash: ReturnType<typeof createHash>, method: 'POST' | 'PUT'): Promise<number> {
  const boundary = 'ftppy-memory-boundary';
  const raw = method === 'PUT';
  const head = raw ? Buffer.alloc(0) : Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = raw ? Buffer.alloc(0) : Buffer.from(`\r\n--${boundary}--\r\n`);
  const auth = Buffer.from('alice:wonderland').toString('base64');
  const type = raw ? 'application/octet-stream' : `multipart/form-data; boundary=${boundary}`;
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, method, path: '/files/big.bin',
      headers: { Authorization: `Basic ${auth}`, 'Content-Type': type, 'Content-Length': head.length + size + tail.length },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    const body = Readable.from((async function* () {
      yield head;
      yield* content(hash);
      yield tail;
    })());
    pipeline(body, req).catch(reject);
  });
}

/** WebDAV's COPY of the big file to big-copy.bin, on the server. */
function copy(port: number): Promise<number> {
  const auth = Buffer.from('alice:wonderland').toString('base64');
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, method: 'COPY', path: '/files/big.bin', headers: { Authorization: `Basic ${auth}`, Destination: '/files/big-copy.bin' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject).end();
  });
}

function download(port: number, path = '/files/big.bin'): Promise<{ status: number; sha: string; bytes: number }> {
  const auth = Buffer.from('alice:wonderland').toString('base64');
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers: { Authorization: `Basic ${auth}` } }, (res) => {
      const hash = createHash('sha256');
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        hash.update(c);
        bytes += c.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, sha: hash.digest('hex'), bytes }));
      res.on('error', reject);
    }).on('error', reject).end();
  });
}

async function measure(nodeFlags: string[], dav = false): Promise<{ seconds: number; baseline: number; maxRSS: number }> {
  rmSync(served, { recursive: true, force: true });
  mkdirSync(served);
  const child = spawn(process.execPath, [...nodeFlags, join(build, 'spec', 'http', 'fixtures', 'web-memory-child.js'), served], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const lines = child.stdout.setEncoding('utf8')[Symbol.asyncIterator]();
    let buffered = '';
    const nextLine = async (): Promise<string> => {
      while (!buffered.includes('\n')) {
        const next = await lines.next();
        if (next.done) throw new Error('the server child exited early');
        buffered += next.value as string;
      }
      const at = buffered.indexOf('\n');
      const line = buffered.slice(0, at);
      buffered = buffered.slice(at + 1);
      return line;
    };
    const { port } = JSON.parse(await nextLine()) as { port: number };
    const started = performance.now();
    const sent = createHash('sha256');
    assert.equal(await upload(port, sent, dav ? 'PUT' : 'POST'), 201);
    if (dav) assert.equal(await copy(port), 201);
    const back = await download(port, dav ? '/files/big-copy.bin' : '/files/big.bin');
    const seconds = (performance.now() - started) / 1000;
    assert.equal(back.status, 200);
    assert.equal(back.bytes, size);
    assert.equal(back.sha, sent.digest('hex'));
    child.stdin.write('report\n');
    const report = JSON.parse(await nextLine()) as { baseline: number; peak: number; maxRSS: number };
    return { seconds, ...report };
  } finally {
    child.kill();
  }
}

const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;

it(`uploads and downloads ${size / MiB} MiB through the web API with the server's RSS under 100 MB`, { timeout: 600_000 }, async (t) => {
  const prompt = await measure(['--max-semi-space-size=1']);
  t.diagnostic(`--max-semi-space-size=1: ${size / MiB} MiB up and down in ${prompt.seconds.toFixed(1)}s, server RSS ${mb(prompt.baseline)} at start, peak ${mb(prompt.maxRSS)}`);
  const plain = await measure([]);
  t.diagnostic(`V8 defaults: ${size / MiB} MiB up and down in ${plain.seconds.toFixed(1)}s, server RSS ${mb(plain.baseline)} at start, peak ${mb(plain.maxRSS)}`);
  assert.ok(prompt.maxRSS < 100e6, `peak RSS ${mb(prompt.maxRSS)} with --max-semi-space-size=1`);
  assert.ok(plain.maxRSS < 120e6, `peak RSS ${mb(plain.maxRSS)} with V8's defaults`);
});

it(`WebDAV: PUT, COPY and GET of ${size / MiB} MiB with the server's RSS under 100 MB`, { timeout: 600_000 }, async (t) => {
  const prompt = await measure(['--max-semi-space-size=1'], true);
  t.diagnostic(`WebDAV, --max-semi-space-size=1: ${size / MiB} MiB PUT, COPY and GET in ${prompt.seconds.toFixed(1)}s, server RSS ${mb(prompt.baseline)} at start, peak ${mb(prompt.maxRSS)}`);
  const plain = await measure([], true);
  t.diagnostic(`WebDAV, V8 defaults: ${size / MiB} MiB PUT, COPY and GET in ${plain.seconds.toFixed(1)}s, server RSS ${mb(plain.baseline)} at start, peak ${mb(plain.maxRSS)}`);
  assert.ok(prompt.maxRSS < 100e6, `peak RSS ${mb(prompt.maxRSS)} with --max-semi-space-size=1`);
  // Before COPY and GET lent their read buffers, twice the buffers waited for V8's next
  // collection here, and a loaded machine reached 134 MB; the bound stays loose for such
  // machines. Holding the file (128 MiB over a 57 MB start) would pass 180 MB.
  assert.ok(plain.maxRSS < 160e6, `peak RSS ${mb(plain.maxRSS)} with V8's defaults`);
});
