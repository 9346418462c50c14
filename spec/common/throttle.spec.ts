// The token bucket shared by the client's and the server's rate limits, on a fake clock:
// the pace and the bound on bursts are checked without waiting.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Readable } from 'node:stream';
import { parseRate, paced, Throttle, TokenBucket } from '../../common/throttle.js';

const MB = 1_000_000;

/** Sends `total` bytes in `chunk`-sized pieces as fast as the throttle lets them, on a fake clock; the time of each send. */
function simulate(throttle: Throttle, clock: { now: number }, total: number, chunk: number): { at: number; bytes: number }[] {
  const sends: { at: number; bytes: number }[] = [];
  for (let sent = 0; sent < total; sent += chunk) {
    const bytes = Math.min(chunk, total - sent);
    sends.push({ at: clock.now, bytes });
    clock.now += throttle.take(bytes);
  }
  return sends;
}

it('20 MB at 5 MB/s take 4 s ± 10%, and no one-second window carries more than twice the rate', { timeout: 20_000 }, () => {
  const clock = { now: 1000 };
  const throttle = new Throttle([new TokenBucket(5 * MB, () => clock.now)]);
  const sends = simulate(throttle, clock, 20 * MB, 65_536);
  const seconds = (clock.now - 1000) / 1000;
  assert.ok(seconds > 3.6 && seconds < 4.4, `took ${seconds} s`);
  let most = 0;
  for (let i = 0, j = 0, inWindow = 0; i < sends.length; i++) {
    inWindow += sends[i]!.bytes;
    while (sends[i]!.at - sends[j]!.at >= 1000) inWindow -= sends[j++]!.bytes;
    most = Math.max(most, inWindow);
  }
  assert.ok(most <= 2 * 5 * MB, `a one-second window carried ${most} bytes`);
});

it('a bucket left idle holds at most a quarter second of its rate: a pause buys no long burst', { timeout: 20_000 }, () => {
  const clock = { now: 0 };
  const bucket = new TokenBucket(1 * MB, () => clock.now);
  clock.now += 60_000;
  assert.equal(bucket.take(250_000), 0);
  assert.ok(bucket.take(100_000) >= 99, 'past the quarter second, the next bytes wait');
});

it('several transfers sharing one bucket share its rate', { timeout: 20_000 }, () => {
  const clock = { now: 0 };
  const shared = new TokenBucket(2 * MB, () => clock.now);
  const a = new Throttle([shared]);
  const b = new Throttle([shared]);
  // Each takes 64 KiB in turn, and the later of their waits is when the next round goes.
  let sent = 0;
  while (sent < 8 * MB) {
    clock.now += Math.max(a.take(65_536), b.take(65_536));
    sent += 2 * 65_536;
  }
  assert.ok(clock.now > 3600 && clock.now < 4400, `8 MB over two transfers at 2 MB/s took ${clock.now} ms`);
});

it('a throttle of several buckets goes at the pace of the slowest', { timeout: 20_000 }, () => {
  const clock = { now: 0 };
  const throttle = new Throttle([new TokenBucket(10 * MB, () => clock.now), new TokenBucket(1 * MB, () => clock.now)]);
  simulate(throttle, clock, 4 * MB, 65_536);
  assert.ok(clock.now > 3500 && clock.now < 4100, `4 MB at min(10, 1) MB/s took ${clock.now} ms`);
  assert.equal(Throttle.of(null, undefined), null, 'no bucket: no throttle');
});

it('paced() cuts large chunks so that a slow rate still moves bytes every few hundred ms', { timeout: 20_000 }, async () => {
  const throttle = new Throttle([new TokenBucket(400_000)]);
  const started = performance.now();
  const pieces: number[] = [];
  for await (const piece of paced(Readable.from([Buffer.alloc(200_000)]), throttle)) pieces.push(piece.length);
  assert.equal(pieces.reduce((a, b) => a + b, 0), 200_000);
  assert.ok(pieces.length >= 2 && Math.max(...pieces) <= 100_000, `pieces ${pieces.join(', ')}`);
  assert.ok(performance.now() - started >= 200, 'the bytes past the bucket waited');
});

it("rates are read with curl's suffixes", { timeout: 20_000 }, () => {
  assert.equal(parseRate('5M'), 5 * 1024 * 1024);
  assert.equal(parseRate('100k'), 102_400);
  assert.equal(parseRate('1G'), 1024 ** 3);
  assert.equal(parseRate('65536'), 65_536);
  assert.equal(parseRate('1.5m'), 1.5 * 1024 * 1024);
  for (const bad of ['', 'fast', '5X', '-1', '0', '1k1']) assert.throws(() => parseRate(bad), RangeError, bad);
});
