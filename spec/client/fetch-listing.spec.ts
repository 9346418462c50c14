// A fetch of many files from one folder learns their sizes from one listing of it, not
// from a SIZE per file (lib/client/listed-sizes.ts). The listing only saves commands:
// what it does not show is asked as before, and a size it got wrong is asked again.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Basic, FtpPy } from '../../lib/index.js';
import { LISTED_FROM } from '../../lib/client/listed-sizes.js';
import { pseudoRandom, tempDir } from '../helpers/files.js';
import { factoryFor, peer, skipUnlessUp, uniqueName } from '../helpers/peers.js';
import { FtpProxy } from '../helpers/proxy.js';
import { startScriptServer } from '../helpers/script-server.js';
import { PASSWORD, startServer, USER } from '../helpers/test-server.js';

const local = tempDir('ftppy-fetch-listing-');
after(() => local.remove());

const verbs = (proxy: FtpProxy, verb: string): string[] => proxy.commands.filter((c) => c === verb || c.startsWith(`${verb} `));
const body = (i: number): Buffer => pseudoRandom(1000 + i * 37, i);
const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `f${String(i).padStart(3, '0')}.bin`);

function fill(dir: string, count: number): string[] {
  mkdirSync(dir, { recursive: true });
  const made = names(count);
  made.forEach((name, i) => writeFileSync(join(dir, name), body(i)));
  return made;
}

/** Each file of `made` (named by names(): its number says its body) arrived whole in `dir`. */
function assertLanded(dir: string, made: string[]): void {
  for (const name of made) assert.deepEqual(readFileSync(join(dir, name)), body(Number(name.slice(1, 4))), name);
}

/**
 * Fetches `names` from the remote folder `from` into a new local folder `folder` with
 * `ftp`, `limit` at a time, and checks that every one succeeded; the local folder.
 */
async function fetchInto(ftp: FtpPy, from: string, names: string[], folder: string, limit = 4): Promise<string> {
  const into = join(local.dir, folder);
  mkdirSync(into);
  const results = await ftp.client((c) => c.fetch(names.map((name) => [`${from}/${name}`, join(into, name)]), { limit }));
  assert.ok(Object.values(results).every(Boolean), JSON.stringify(results));
  return into;
}

/**
 * A scripted server holding LISTED_FROM files in /d whose `verb` (MLSD or LIST) sends
 * `listing`; fetches them all into a new folder and checks they arrived. The commands
 * the client sent.
 */
async function fetchFromScripted(verb: 'MLSD' | 'LIST', listing: (made: string[]) => string, features: string[] = []): Promise<string[]> {
  const server = await startScriptServer();
  try {
    server.features.push(...features);
    const made = names(LISTED_FROM);
    made.forEach((name, i) => server.files.set(`/d/${name}`, body(i)));
    server.on(verb, async (session) => {
      const data = await session.data();
      session.reply('150 Here it comes');
      data.end(listing(made), () => session.reply('226 Done'));
      return true;
    });
    const ftp = new FtpPy(`ftp://127.0.0.1:${server.port}`, { auth: new Basic('u', 'p'), retry: { total: 0 } });
    const into = await fetchInto(ftp, '/d', made, `scripted-${verb}-${server.port}`);
    assertLanded(into, made);
    return server.log.flat();
  } finally {
    await server.close();
  }
}

describe('fetch: sizes from one listing of the folder', { timeout: 60_000 }, () => {
  it(`our server: ${LISTED_FROM} files of one folder cost one MLSD and no SIZE; fewer cost a SIZE each`, async () => {
    await using t = await startServer();
    const made = fill(join(t.root, 'pub/many'), LISTED_FROM);
    const proxy = await FtpProxy.start({ host: '127.0.0.1', port: t.port });
    try {
      const ftp = new FtpPy(`ftp://127.0.0.1:${proxy.port}`, { auth: new Basic(USER, PASSWORD) });
      const into = await fetchInto(ftp, '/pub/many', made, 'own-many');
      assertLanded(into, made);
      assert.deepEqual(verbs(proxy, 'MLSD'), ['MLSD /pub/many']);
      assert.deepEqual(verbs(proxy, 'SIZE'), []);

      proxy.commands.length = 0;
      const few = made.slice(0, LISTED_FROM - 1);
      const intoFew = await fetchInto(ftp, '/pub/many', few, 'own-few');
      assertLanded(intoFew, few);
      assert.deepEqual(verbs(proxy, 'MLSD'), []);
      assert.equal(verbs(proxy, 'SIZE').length, few.length);
    } finally {
      await proxy.close();
    }
  });

  it('a file that shrank after the listing fails its first try and is fetched whole on the retry, which asks SIZE', async () => {
    await using t = await startServer();
    const dir = join(t.root, 'pub/shrinks');
    const made = fill(dir, LISTED_FROM + 4);
    const shrunk = made[10]!;
    const proxy = await FtpProxy.start({ host: '127.0.0.1', port: t.port });
    try {
      // One at a time, so the folder is listed (by the first download) before the hook of the eleventh file cuts it short.
      const hooks = { download: (source: string) => void (source.endsWith(shrunk) && writeFileSync(join(dir, shrunk), 'short')) };
      const ftp = new FtpPy(`ftp://127.0.0.1:${proxy.port}`, { auth: new Basic(USER, PASSWORD), hooks, retry: { total: 2, backoff: 0.01 } });
      const into = await fetchInto(ftp, '/pub/shrinks', made, 'shrinks', 1);
      assert.equal(readFileSync(join(into, shrunk), 'latin1'), 'short');
      assertLanded(into, made.filter((name) => name !== shrunk));
      assert.deepEqual(verbs(proxy, 'SIZE'), [`SIZE /pub/shrinks/${shrunk}`]);
      assert.equal(verbs(proxy, 'RETR').filter((c) => c.endsWith(shrunk)).length, 2);
    } finally {
      await proxy.close();
    }
  });

  it('a huge folder is read only as far as the fetch needs: files past that point are asked with SIZE', async () => {
    await using t = await startServer();
    const dir = join(t.root, 'pub/huge');
    mkdirSync(dir);
    // 1,600 names of 190 bytes: an MLSD listing of ~400 KB, well past the 256 KiB read for 16 files.
    const pad = 'x'.repeat(180);
    for (let i = 0; i < 1600; i++) writeFileSync(join(dir, `${pad}${String(i).padStart(5, '0')}`), String(i));
    const ftp = new FtpPy(`ftp://127.0.0.1:${t.port}`, { auth: new Basic(USER, PASSWORD) });
    // The last files in the server's own listing order: the ones a cut read never reaches.
    const listed = (await ftp.client((c) => c.list('/pub/huge')))!.map((entry) => entry.name);
    const last = listed.slice(-LISTED_FROM);
    const proxy = await FtpProxy.start({ host: '127.0.0.1', port: t.port });
    try {
      const viaProxy = new FtpPy(`ftp://127.0.0.1:${proxy.port}`, { auth: new Basic(USER, PASSWORD) });
      const into = await fetchInto(viaProxy, '/pub/huge', last, 'huge');
      for (const name of last) assert.equal(readFileSync(join(into, name), 'latin1'), String(Number(name.slice(pad.length))));
      assert.deepEqual(verbs(proxy, 'MLSD'), ['MLSD /pub/huge']);
      assert.equal(verbs(proxy, 'SIZE').length, LISTED_FROM);
    } finally {
      await proxy.close();
    }
  });

  it('an MLSD entry without size= is not taken for an empty file: each such file is asked with SIZE', async () => {
    const sent = await fetchFromScripted('MLSD', (made) => made.map((name) => `type=file;modify=20240101000000; ${name}\r\n`).join(''), ['MLST type*;modify*;']);
    assert.equal(sent.filter((c) => c.startsWith('MLSD ')).length, 1);
    assert.equal(sent.filter((c) => c.startsWith('SIZE ')).length, LISTED_FROM);
  });

  it('a listing the parser cannot read (a line of 40 KiB among 230 KiB of good ones) fails only itself: every file is asked with SIZE and arrives', async () => {
    const line = (name: string, size: number): string => `-rw-r--r--    1 0        0        ${String(size).padStart(8)} Jan 01  2024 ${name}\r\n`;
    const sent = await fetchFromScripted('LIST', (made) => {
      let text = made.map((name, i) => line(name, body(i).length)).join('');
      for (let i = 0; Buffer.byteLength(text) < 230 * 1024; i++) text += line(`other-${i}`, 1);
      return text + 'x'.repeat(40 * 1024);
    });
    assert.equal(sent.filter((c) => c.startsWith('SIZE ')).length, LISTED_FROM, 'nothing of an unreadable listing is used');
  });

  it('vsftpd (no MLSD): one LIST of the folder, no SIZE', { skip: skipUnlessUp('vsftpd') }, async () => {
    const p = peer('vsftpd');
    const folder = `${p.writable_dir}/${uniqueName('fetch-listing')}`;
    const sources = join(local.dir, 'vsftpd-sources');
    const made = fill(sources, LISTED_FROM);
    const direct = factoryFor(p);
    await direct.client(async (c) => {
      assert.equal(await c.mkdir(folder), true);
      const sent = await c.batch(made.map((name) => [join(sources, name), `${folder}/${name}`]));
      assert.ok(Object.values(sent).every(Boolean));
    });
    const proxy = await FtpProxy.start({ host: p.host, port: p.port });
    try {
      const ftp = new FtpPy(`ftp://127.0.0.1:${proxy.port}`, { auth: new Basic(p.user, p.password) });
      const into = await fetchInto(ftp, folder, made, 'vsftpd-into');
      assertLanded(into, made);
      assert.deepEqual(verbs(proxy, 'LIST'), [`LIST ${folder}`]);
      assert.deepEqual(verbs(proxy, 'SIZE'), []);
    } finally {
      await proxy.close();
      await direct.client((c) => c.rmdir(folder, { recursive: true }));
    }
  });
});
