// Every client operation against one server, byte-compared: run for each reference peer
// and for our own server. `server` says where its files are on disk, so downloads are
// checked against the files themselves.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { Client, ConnectionInfo, FtpPy, ListingEntry } from '../../lib/index.js';
import { pseudoRandom, sha256, tempDir } from './files.js';
import { uniqueName } from './peers.js';
import { captureWarnings, settled } from './warnings.js';

export interface ServerUnderTest {
  name: string;
  /** A factory with the given hooks and options merged in. */
  factory: (extra?: { hooks?: FtpPy['hooks']; passive?: boolean }) => FtpPy;
  /** The served root on disk; `pub` holds the published files (hello.txt, data-1m.bin, …). */
  root: string;
  pub: string;
  writable: string;
  secure: boolean;
  /** Whether SITE CHMOD is allowed to this login. */
  chmod: boolean;
}

class Collector extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.chunks.push(chunk);
    callback();
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export function clientSuite(server: ServerUnderTest): void {
  describe(`client against ${server.name}`, () => {
    const local = tempDir();
    const base = `${server.writable}/${uniqueName('suite')}`;
    const events: string[] = [];
    const connects: ConnectionInfo[] = [];
    const errors: Error[] = [];
    let client: Client;
    const data = pseudoRandom(1_500_000, 42);
    const source = join(local.dir, 'source.bin');
    writeFileSync(source, data);

    before(async () => {
      const ftp = server.factory({
        hooks: {
          connect: async (info) => void connects.push(info),
          upload: async (from, to) => void events.push(`upload ${from} ${to}`),
          download: async (from, to) => void events.push(`download ${from} ${to}`),
          error: async (error) => void errors.push(error),
        },
      });
      client = await ftp.client();
      assert.ok(await client.mkdir(base, { parents: true }));
    });

    after(async () => {
      await client?.rmdir(base, { recursive: true });
      await client?.close();
      local.remove();
    });

    it('connects, logs in, tells the connect hook and stats()', async () => {
      assert.ok(connects.length >= 1);
      assert.equal(connects[0]!.secure, server.secure);
      assert.match(String(connects[0]), /^ftps?:\/\//);
      const stats = await client.stats();
      assert.equal(stats.secure, server.secure);
      assert.equal(stats.passive, true);
      assert.ok(stats.pool >= 1 && stats.active === 0);
      assert.equal(await client.pwd(), '/');
    });

    it('downloads published files byte for byte, names with spaces and non-ASCII too', async () => {
      const seen: number[] = [];
      const target = join(local.dir, 'data-1m.bin');
      assert.ok(await client.download(`${server.pub}/data-1m.bin`, target, { progress: (bytes, total) => seen.push(bytes, total ?? -1) }));
      assert.equal(sha256(target), sha256(join(server.root, 'pub', 'data-1m.bin')));
      assert.deepEqual(seen.slice(-2), [1 << 20, 1 << 20]);
      assert.ok(events.includes(`download ${server.pub}/data-1m.bin ${target}`));
      for (const name of ['name with spaces.txt', 'unicode-été-名前.txt', 'empty.txt', 'crlf.txt']) {
        const into = join(local.dir, name);
        assert.ok(await client.download(`${server.pub}/${name}`, into), name);
        assert.deepEqual(readFileSync(into), readFileSync(join(server.root, 'pub', name)), name);
      }
      assert.deepEqual(readdirSync(local.dir).filter((f) => f.endsWith('.ftppy-part')), []);
    });

    it('uploads (creating parents with dirs) and downloads back the same bytes', async () => {
      const remote = `${base}/deep/er/up.bin`;
      assert.ok(await client.upload(source, remote, { dirs: true }));
      assert.ok(events.includes(`upload ${source} ${remote}`));
      assert.equal(await client.size(remote), data.length);
      const back = join(local.dir, 'nested', 'back.bin');
      assert.ok(await client.download(remote, back, { dirs: true }));
      assert.ok(readFileSync(back).equals(data));
    });

    it('streams: uploadFrom a Buffer and a Readable, downloadTo a Writable', async () => {
      assert.ok(await client.uploadFrom(data, `${base}/from-buffer.bin`));
      assert.ok(await client.uploadFrom(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), `${base}/from-stream.bin`));
      for (const name of ['from-buffer.bin', 'from-stream.bin']) {
        const sink = new Collector();
        assert.ok(await client.downloadTo(`${base}/${name}`, sink));
        assert.ok(sink.bytes.equals(data), name);
      }
    });

    it('replace: false leaves an existing target alone', async () => {
      const remote = `${base}/keep.txt`;
      assert.ok(await client.uploadFrom('first', remote));
      writeFileSync(join(local.dir, 'second.txt'), 'second, longer');
      assert.ok(await client.upload(join(local.dir, 'second.txt'), remote, { replace: false }));
      assert.equal(await client.size(remote), 5);
      const kept = join(local.dir, 'kept.txt');
      writeFileSync(kept, 'local');
      assert.ok(await client.download(remote, kept, { replace: false }));
      assert.equal(readFileSync(kept, 'utf8'), 'local');
    });

    it('mkdir, list, list deep, metadata, exists, size', async () => {
      const dir = `${base}/tree`;
      assert.ok(await client.mkdir(`${dir}/a/b`, { parents: true }));
      assert.ok(await client.uploadFrom('12345', `${dir}/a/one.txt`));
      assert.ok(await client.uploadFrom('1234567', `${dir}/a/b/two.txt`));
      const top = (await client.list(dir))!;
      assert.deepEqual(top.map((e) => [e.name, e.type, e.path]), [['a', 'dir', `${dir}/a`]]);
      const deep = (await client.list(dir, { deep: true }))!;
      assert.deepEqual(deep.map((e: ListingEntry) => [e.path.slice(dir.length), e.dir, e.dir ? 0 : e.size]), [
        ['/a', true, 0], ['/a/b', true, 0], ['/a/b/two.txt', false, 7], ['/a/one.txt', false, 5],
      ]);
      const meta = (await client.metadata(`${dir}/a/one.txt`))!;
      assert.deepEqual([meta.name, meta.path, meta.size, meta.type, meta.dir], ['one.txt', `${dir}/a/one.txt`, 5, 'file', false]);
      assert.ok(meta.modified instanceof Date && Math.abs(meta.modified.getTime() - Date.now()) < 86_400_000 * 2);
      assert.equal((await client.metadata(`${dir}/a`))?.type, 'dir');
      assert.equal(await client.exists(`${dir}/a/one.txt`), true);
      assert.equal(await client.exists(`${dir}/a`), true);
      assert.equal(await client.exists(`${dir}/nothing`), false);
      assert.equal(await client.size(`${dir}/a/b/two.txt`), 7);
      assert.equal(await client.mkdir(`${dir}/a/b`, { parents: true }), true);
    });

    it('cd and pwd are the client\'s own: relative paths resolve against them on any connection', async () => {
      assert.ok(await client.cd(base));
      assert.equal(await client.pwd(), base);
      assert.ok(await client.uploadFrom('relative', 'rel/r.txt', { dirs: true }));
      assert.equal(await client.size(`${base}/rel/r.txt`), 8);
      assert.deepEqual((await client.list('rel'))!.map((e) => e.path), [`${base}/rel/r.txt`]);
      assert.ok(await client.cd('..'));
      assert.equal(await client.pwd(), server.writable);
      assert.ok(await client.cd('/'));
      assert.equal(await client.cd(`${base}/missing`), false);
      assert.equal(await client.pwd(), '/');
    });

    it('rename, move and copy (RETR streamed into STOR)', async () => {
      assert.ok(await client.uploadFrom(data, `${base}/orig.bin`));
      assert.ok(await client.rename(`${base}/orig.bin`, `${base}/renamed.bin`));
      assert.ok(await client.mkdir(`${base}/moved`));
      assert.ok(await client.move(`${base}/renamed.bin`, `${base}/moved/m.bin`));
      assert.equal(await client.exists(`${base}/renamed.bin`), false);
      assert.ok(await client.copy(`${base}/moved/m.bin`, `${base}/copies/c.bin`, { dirs: true }));
      const sink = new Collector();
      assert.ok(await client.downloadTo(`${base}/copies/c.bin`, sink));
      assert.ok(sink.bytes.equals(data));
    });

    it(`chmod ${server.chmod ? 'changes permissions' : 'is refused, with a warning'}`, async () => {
      assert.ok(await client.uploadFrom('#!/bin/sh\n', `${base}/script.sh`));
      const warnings = captureWarnings();
      try {
        assert.equal(await client.chmod(`${base}/script.sh`, '750'), server.chmod);
        await settled();
        if (server.chmod) assert.equal((await client.metadata(`${base}/script.sh`))?.permissions, '750');
        else assert.match(warnings.list[0]?.message ?? '', /^chmod \S+script\.sh failed: 5\d\d /);
      } finally {
        warnings.stop();
      }
    });

    it('batch and fetch', async () => {
      const pairs = Array.from({ length: 6 }, (_, i) => {
        const file = join(local.dir, `b${i}.txt`);
        writeFileSync(file, `file ${i} `.repeat(i * 100));
        return [file, `${base}/batch/b${i}.txt`] as const;
      });
      const up = await client.batch(pairs, { limit: 3, dirs: true });
      assert.deepEqual(Object.values(up), pairs.map(() => true));
      assert.deepEqual(Object.keys(up), pairs.map(([from]) => from));
      const down = await client.fetch(pairs.map(([file, remote]) => [remote, `${file}.back`] as const), 4);
      assert.deepEqual(Object.values(down), pairs.map(() => true));
      for (const [file] of pairs) assert.deepEqual(readFileSync(`${file}.back`), readFileSync(file));
    });

    it('remove and rmdir (recursive)', async () => {
      assert.ok(await client.uploadFrom('x', `${base}/gone/inner/x.txt`, { dirs: true }));
      assert.ok(await client.remove(`${base}/gone/inner/x.txt`));
      assert.ok(await client.rmdir(`${base}/gone/inner`));
      assert.ok(await client.uploadFrom('y', `${base}/gone/y/z.txt`, { dirs: true }));
      assert.ok(await client.uploadFrom('dot', `${base}/gone/y/.hidden`));
      assert.ok((await client.list(`${base}/gone/y`))!.some((e) => e.name === '.hidden'), 'dot files are listed');
      assert.ok(await client.rmdir(`${base}/gone`, { recursive: true }));
      assert.equal(await client.exists(`${base}/gone`), false);
    });

    it('failures resolve to false or null with a warning naming operation, path and reply, and the error hook', async () => {
      const warnings = captureWarnings();
      const before = errors.length;
      try {
        const missing = `${base}/missing.bin`;
        assert.equal(await client.download(missing, join(local.dir, 'never.bin')), false);
        assert.equal(existsSync(join(local.dir, 'never.bin')), false);
        assert.equal(await client.metadata(missing), null);
        assert.equal(await client.size(missing), null);
        assert.equal(await client.remove(missing), false);
        assert.equal(await client.list(`${base}/missing-dir`).then((l) => l === null || l.length === 0), true);
        assert.equal(await client.upload(join(local.dir, 'no-such-local.bin'), `${base}/x.bin`), false);
        await settled();
        const messages = warnings.list.map((w) => w.message);
        assert.match(messages[0]!, new RegExp(`^download ${missing} -> \\S+never\\.bin failed: 5\\d\\d `));
        assert.match(messages[1]!, new RegExp(`^metadata ${missing} failed`));
        assert.match(messages[2]!, new RegExp(`^size ${missing} failed: 5\\d\\d `));
        assert.match(messages[3]!, new RegExp(`^remove ${missing} failed: 5\\d\\d `));
        assert.match(messages.at(-1)!, /^upload \S+no-such-local\.bin -> \S+ failed: ENOENT/);
        assert.ok(errors.length - before >= 5);
      } finally {
        warnings.stop();
      }
    });

    it('active mode (EPRT/PORT): upload, list and download', async () => {
      await server.factory({ passive: false }).client(async (active) => {
        assert.equal((await active.stats()).passive, false);
        assert.ok(await active.upload(source, `${base}/active/a.bin`, { dirs: true }));
        assert.deepEqual((await active.list(`${base}/active`))!.map((e) => e.name), ['a.bin']);
        const back = join(local.dir, 'active.bin');
        assert.ok(await active.download(`${base}/active/a.bin`, back));
        assert.ok(readFileSync(back).equals(data));
      });
    });
  });
}
