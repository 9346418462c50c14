// Review of issue 12 (hardening), server side: defects found after the merge. Each test
// fails on the code as merged and says what should happen instead.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Basic, FtpPy } from '../../lib/index.js';
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

describe('NLST glob (item 14) and other sessions (item 21)', () => {
  // globMatcher (server/commands/ls-args.ts) turns each `*` into `.*` in one RegExp: a
  // pattern of k stars that almost matches a long name backtracks O(n^k) on the main
  // thread. 30 bytes and 12 stars stay finite (~0.5-2 s here); a 40-byte name takes hours
  // and stops every session of the server, for any user who may list (anonymous too).
  it('a glob of many stars against a long name does not hold the event loop', { timeout: 60_000 }, async () => {
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
});

describe('temporary upload names (item 12) and a user file of that shape', () => {
  // isTemporaryUpload (server/fs/user-fs.ts) hides every name of the temporary shape from
  // listings, and RMD removes such files as a crash's leftovers: a user's file that has
  // that name is stored, then never listed (mirrors and backups miss it), then deleted
  // by RMD of its folder. Such a name should be refused (553) or listed and kept.
  const name = '.ftppy-upload.0123abcd.1';

  it('a file the user stored under that name is listed', { timeout: 20_000 }, async () => {
    const ftp = new FtpPy(`ftp://127.0.0.1:${t.port}`, { auth: new Basic(USER, PASSWORD), retry: { total: 1, backoff: 0.05 } });
    await ftp.client(async (client) => {
      assert.equal(await client.mkdir('/upload/shaped'), true);
      const stored = await client.uploadFrom(Buffer.from('precious'), `/upload/shaped/${name}`);
      if (!stored) return; // refused: acceptable
      const names = (await client.list('/upload/shaped'))?.map((entry) => entry.name);
      assert.deepEqual(names, [name], 'stored, and then missing from the listing (MLSD)');
    });
  });

  it('RMD of its folder does not delete a file the user stored under that name', { timeout: 20_000 }, async () => {
    mkdirSync(join(t.root, 'upload', 'shaped2'));
    writeFileSync(join(t.root, 'upload', 'shaped2', name), 'precious');
    const ftp = await RawFtp.connect(t.port);
    assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
    const reply = await ftp.cmd('RMD /upload/shaped2');
    ftp.close();
    assert.ok(existsSync(join(t.root, 'upload', 'shaped2', name)), `RMD answered ${reply.code} and deleted the user's file`);
  });
});

describe('STOU next to a long name (item 12)', () => {
  // #uploadUnique (server/fs/user-fs.ts) appends `.<8 hex>` to the name asked for when it
  // exists: a 250-byte name gives 259 bytes, ENAMETOOLONG, and the 553 names that
  // internal candidate (`SSS….e26b1ee7`). STOU should pick a name that fits (shorten the
  // stem) and store, or at least never show a name the client did not send.
  it('stores under a unique name when the 250-byte name asked for exists', { timeout: 20_000 }, async () => {
    const long = 'S'.repeat(250);
    writeFileSync(join(t.root, 'upload', long), 'old');
    const ftp = await RawFtp.connect(t.port);
    assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
    const data = await connectData(await ftp.epsv());
    const opening = await ftp.cmd(`STOU /upload/${long}`);
    if (opening.code !== 150) data.destroy();
    else data.end('new');
    const done = opening.code === 150 ? await ftp.reply() : opening;
    ftp.close();
    assert.equal(done.code, 226, `${opening.code} ${opening.message.slice(-40)}`);
  });
});

describe('a glob that is no valid pattern (item 14)', () => {
  // globMatcher copies a bracket set into a RegExp as it is: `[z-a]` is an out-of-order
  // range, the RegExp constructor throws, and the client gets 451 "Local error in
  // processing" — a server fault for a client's bad argument. It should match nothing
  // (226, an empty listing, as ls and vsftpd) or be refused (501).
  it('NLST [z-a] is answered as a client error or an empty listing, not 451', { timeout: 20_000 }, async () => {
    const ftp = await RawFtp.connect(t.port);
    assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
    const data = await connectData(await ftp.epsv());
    data.resume();
    const first = await ftp.cmd('NLST /pub/[z-a]');
    const last = first.code === 150 ? await ftp.reply() : first;
    data.destroy();
    ftp.close();
    assert.ok(last.code === 226 || last.code === 501 || last.code === 550, `${last.code} ${last.message}`);
  });
});
