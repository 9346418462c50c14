// The client's bandwidth limits: Limits({ rate }) for the whole client (every connection
// shares one bucket), a transfer's own `rate`, and `ftppy --limit-rate`. Measured against
// our server with generous bounds (load only slows a transfer; the limit keeps it from
// going faster); bench/RESULTS.md has the precise figure (bench/rate-limit.ts).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FtpPy, Limits } from '../../lib/index.js';
import { ftppy } from '../cli/support/cli.js';
import { pseudoRandom, sha256, tempDir } from '../helpers/files.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';

const MiB = 1024 * 1024;
const BIG = pseudoRandom(20 * MiB, 5);
const local = tempDir('ftppy-client-rate-');
after(() => local.remove());

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

describe('client bandwidth limits', () => {
  let t: TestServer;
  let url: string;
  before(async () => {
    t = await startServer();
    url = `ftp://${USER}:${PASSWORD}@127.0.0.1:${t.port}/`;
    writeFileSync(join(t.root, 'big.bin'), BIG);
    writeFileSync(join(t.root, 'four.bin'), BIG.subarray(0, 4 * MiB));
  });
  after(() => t?.close());

  it('Limits({ rate: 5 MiB/s }): a 20 MiB download takes about 4 s', { timeout: 30_000 }, async () => {
    const ftp = new FtpPy(url, { limits: new Limits({ rate: 5 * MiB }) });
    const out = join(local.dir, 'big.bin');
    const seconds = await timed(() => ftp.client(async (client) => assert.equal(await client.download('big.bin', out), true)));
    assert.equal(sha256(readFileSync(out)), sha256(BIG));
    assert.ok(seconds > 3.2 && seconds < 15, `took ${seconds.toFixed(2)} s`);
  });

  it("a transfer's own rate: a 4 MiB upload at 2 MiB/s takes about 2 s", { timeout: 30_000 }, async () => {
    const file = join(local.dir, 'four.bin');
    writeFileSync(file, BIG.subarray(0, 4 * MiB));
    const ftp = new FtpPy(url);
    const seconds = await timed(() => ftp.client(async (client) => assert.equal(await client.upload(file, 'up.bin', { rate: 2 * MiB }), true)));
    assert.equal(sha256(readFileSync(join(t.root, 'up.bin'))), sha256(BIG.subarray(0, 4 * MiB)));
    assert.ok(seconds > 1.5 && seconds < 10, `took ${seconds.toFixed(2)} s`);
  });

  it('every connection of a client shares its rate: two 4 MiB downloads at once, 4 MiB/s in all, take about 2 s', { timeout: 30_000 }, async () => {
    const ftp = new FtpPy(url, { limits: new Limits({ rate: 4 * MiB }) });
    const seconds = await timed(() =>
      ftp.client((client) =>
        Promise.all([client.download('four.bin', join(local.dir, 'a.bin')), client.download('four.bin', join(local.dir, 'b.bin'))]),
      ),
    );
    assert.ok(seconds > 1.5 && seconds < 10, `took ${seconds.toFixed(2)} s`);
  });

  it("a batch's or a sync's rate is for all its files together: two 2 MiB files at 2 MiB/s take about 2 s", { timeout: 30_000 }, async () => {
    const up = join(local.dir, 'tree');
    mkdirSync(up);
    writeFileSync(join(up, 'a.bin'), BIG.subarray(0, 2 * MiB));
    writeFileSync(join(up, 'b.bin'), BIG.subarray(2 * MiB, 4 * MiB));
    const ftp = new FtpPy(url);
    const synced = await timed(() => ftp.client(async (client) => assert.ok(await client.sync(up, '/tree', 'up', { rate: 2 * MiB, concurrency: 2 }))));
    assert.ok(synced > 1.5 && synced < 10, `sync took ${synced.toFixed(2)} s`);
    const pairs = [['/tree/a.bin', join(local.dir, 'fa.bin')], ['/tree/b.bin', join(local.dir, 'fb.bin')]] as [string, string][];
    const fetched = await timed(() => ftp.client(async (client) => assert.deepEqual(Object.values(await client.fetch(pairs, { rate: 2 * MiB, limit: 2 })), [true, true])));
    assert.ok(fetched > 1.5 && fetched < 10, `fetch took ${fetched.toFixed(2)} s`);
  });

  it('ftppy get --limit-rate 2M: a 4 MiB download takes about 2 s', { timeout: 30_000 }, async () => {
    const out = join(local.dir, 'cli.bin');
    let code: number | null = null;
    const seconds = await timed(async () => ({ code } = await ftppy(['get', '--limit-rate', '2M', `${url}four.bin`, out])));
    assert.equal(code, 0);
    assert.equal(sha256(readFileSync(out)), sha256(BIG.subarray(0, 4 * MiB)));
    // The CLI's own start (tsx compiling) is in the time: only the lower bound is tight.
    assert.ok(seconds > 1.5 && seconds < 8, `took ${seconds.toFixed(2)} s`);
  });

  it("a transfer's rate is checked like the client's", { timeout: 20_000 }, async () => {
    await new FtpPy(url).client(async (client) => {
      await assert.rejects(client.download('four.bin', join(local.dir, 'x.bin'), { rate: -1 }), /rate/);
      await assert.rejects(client.upload(join(local.dir, 'four.bin'), 'x.bin', { rate: 10 }), /rate/);
    });
  });
});

it('rates are checked: at least 4096 bytes/s, or a string with a suffix', { timeout: 20_000 }, async () => {
  assert.throws(() => new Limits({ rate: 100 }), /Limits\.rate/);
  assert.throws(() => new Limits({ rate: 'fast' as never }), /rate/);
  assert.equal(new Limits({ rate: '5M' }).rate, 5 * MiB);
  assert.equal(new Limits().rate, null);
  const usage = await ftppy(['get', '--limit-rate', 'fast', 'ftp://127.0.0.1:1/x']);
  assert.equal(usage.code, 2, usage.stderr);
});
