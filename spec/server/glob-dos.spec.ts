// A glob in LIST, NLST or STAT is matched on the one thread that serves every session:
// it must take time linear in name × pattern whatever the pattern, and a bad pattern is
// the client's mistake, not a server fault.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { globMatcher } from '../../protocol/glob.js';
import { connectData, RawFtp } from '../helpers/raw-ftp.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';

let t: TestServer;
before(async () => {
  t = await startServer();
});
after(() => t.close());

/** The longest gap between ticks of a 5 ms timer while `work` runs: how long the event loop was held. */
async function longestStall(work: () => Promise<void>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(worst, performance.now() - last);
}

describe('a glob of many stars', () => {
  // A RegExp of `.*a.*a…` backtracks O(n^k) on a name that almost matches: 30 bytes and
  // 12 stars held every session for seconds, 40 bytes for hours, for any user who may
  // list (anonymous too).
  it('against a long name does not hold the event loop (other sessions)', { timeout: 60_000 }, async () => {
    writeFileSync(join(t.root, 'pub', 'a'.repeat(30)), '');
    const ftp = await RawFtp.connect(t.port);
    assert.equal((await ftp.login('anonymous', 'x@y')).code, 230);
    const port = await ftp.epsv();
    const data = await connectData(port);
    data.resume();
    const closed = new Promise((resolve) => data.once('close', resolve));
    const stall = await longestStall(async () => {
      const opening = await ftp.cmd(`NLST /pub/${'*a'.repeat(12)}b`, 50_000);
      assert.equal(opening.code, 150, opening.message);
      assert.equal((await ftp.reply(50_000)).code, 226);
      await closed;
    });
    ftp.close();
    assert.ok(stall < 200, `one NLST held the event loop (every session) for ${stall.toFixed(0)} ms`);
  });

  it('matches in linear time, for the server and for the client search alike', { timeout: 20_000 }, () => {
    const name = 'a'.repeat(5000);
    const start = performance.now();
    assert.equal(globMatcher(`${'*a'.repeat(200)}b`)(name), false);
    assert.equal(globMatcher(`${'*a'.repeat(200)}*`)(name), true);
    assert.ok(performance.now() - start < 1000, `${(performance.now() - start).toFixed(0)} ms`);
  });
});

describe('a glob that is no valid pattern', () => {
  // `[z-a]` is an out-of-order range: it matches nothing, so the listing is empty (226),
  // as ls and vsftpd answer; it used to reach the RegExp constructor, throw, and give 451.
  it('NLST [z-a] is an empty listing (226), not a server fault (451)', { timeout: 20_000 }, async () => {
    const ftp = await RawFtp.connect(t.port);
    assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
    const data = await connectData(await ftp.epsv());
    const chunks: Buffer[] = [];
    data.on('data', (chunk: Buffer) => chunks.push(chunk));
    const closed = new Promise((resolve) => data.once('close', resolve));
    const first = await ftp.cmd('NLST /pub/[z-a]');
    const last = first.code === 150 ? await ftp.reply() : first;
    if (first.code === 150) await closed;
    data.destroy();
    ftp.close();
    assert.equal(last.code, 226, `${last.code} ${last.message}`);
    assert.equal(Buffer.concat(chunks).toString(), '');
  });
});
