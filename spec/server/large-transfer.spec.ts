// Transfers stream in constant memory: a large RETR and STOR through a server running in
// its own process, whose RSS is sampled throughout. 200 MiB each way always; 1 GiB each
// way with FTPPY_LARGE=1 (about half a minute on a 2-core machine).
import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pseudoRandom, tempDir } from '../helpers/files.js';
import { connectData, RawFtp } from '../helpers/raw-ftp.js';

const SIZE = process.env.FTPPY_LARGE === '1' ? 1024 ** 3 : 200 * 1024 ** 2;
const MAX_GROWTH = 100 * 1024 ** 2;
const MiB = 1024 ** 2;

class ServerProcess {
  readonly #child: ChildProcessByStdio<Writable, Readable, null>;
  readonly #lines: AsyncIterator<string>;

  constructor(root: string) {
    const script = join(import.meta.dirname, '../helpers/rss-server.ts');
    this.#child = spawn(process.execPath, ['--import', 'tsx', script, root], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.#lines = createInterface({ input: this.#child.stdout })[Symbol.asyncIterator]();
  }

  async next(): Promise<Record<string, number | undefined>> {
    const { value, done } = await this.#lines.next();
    if (done) throw new Error('the server process ended');
    return JSON.parse(value as string);
  }

  async ask(line: string): Promise<Record<string, number | undefined>> {
    this.#child.stdin.write(`${line}\n`);
    return this.next();
  }

  reset(): void {
    this.#child.stdin.write('reset\n');
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.stdin.end('close\n');
    await exited;
  }
}

async function session(port: number): Promise<RawFtp> {
  const ftp = await RawFtp.connect(port);
  assert.equal((await ftp.login('big', 'big')).code, 230);
  assert.equal((await ftp.cmd('TYPE I')).code, 200);
  return ftp;
}

describe(`a ${SIZE / MiB} MiB transfer each way in constant memory`, () => {
  const folder = tempDir('ftppy-large-');
  let server: ServerProcess;
  let port: number;
  before(async () => {
    writeFileSync(join(folder.dir, 'big.bin'), '');
    truncateSync(join(folder.dir, 'big.bin'), SIZE); // sparse: no disk space, real reads
    server = new ServerProcess(folder.dir);
    port = (await server.next()).port!;
  });
  after(async () => {
    await server.close();
    folder.remove();
  });

  it('RETR', { timeout: 300_000 }, async () => {
    const ftp = await session(port);
    server.reset();
    const data = await connectData(await ftp.epsv());
    let received = 0;
    data.on('data', (chunk: Buffer) => (received += chunk.length));
    const ended = new Promise((resolve) => data.once('close', resolve));
    assert.equal((await ftp.cmd('RETR big.bin')).code, 150);
    await ended;
    assert.equal((await ftp.reply(60_000)).code, 226);
    assert.equal(received, SIZE);
    const { baseline, peak } = await server.ask('report');
    console.log(`RETR ${SIZE / MiB} MiB: server RSS ${(baseline! / MiB).toFixed(0)} → peak ${(peak! / MiB).toFixed(0)} MiB`);
    assert.ok(peak! - baseline! < MAX_GROWTH, `RSS grew by ${((peak! - baseline!) / MiB).toFixed(0)} MiB`);
    ftp.close();
  });

  it('STOR', { timeout: 300_000 }, async () => {
    const ftp = await session(port);
    server.reset();
    const data = await connectData(await ftp.epsv());
    assert.equal((await ftp.cmd('STOR upload.bin')).code, 150);
    const block = pseudoRandom(MiB, 11);
    for (let sent = 0; sent < SIZE; sent += block.length) {
      if (!data.write(block)) await new Promise((resolve) => data.once('drain', resolve));
    }
    await new Promise<void>((resolve) => data.end(() => resolve()));
    assert.equal((await ftp.reply(60_000)).code, 226);
    assert.equal(statSync(join(folder.dir, 'upload.bin')).size, SIZE);
    const { baseline, peak } = await server.ask('report');
    console.log(`STOR ${SIZE / MiB} MiB: server RSS ${(baseline! / MiB).toFixed(0)} → peak ${(peak! / MiB).toFixed(0)} MiB`);
    assert.ok(peak! - baseline! < MAX_GROWTH, `RSS grew by ${((peak! - baseline!) / MiB).toFixed(0)} MiB`);
    ftp.close();
  });
});
