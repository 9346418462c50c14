// Every tree operation against one server, checked on the server's own disk: run for our
// server and for the reference peers. Transfers are counted by the server (its events) or
// by the proxy in front of it, so "a second run transfers nothing" is the server's word.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client, FtpPy, FtpPyOptions, TreeProgress } from '../../lib/index.js';
import { tempDir } from './files.js';
import type { FtpProxy } from './proxy.js';
import { assertSameTree, fixtureKeys, mkdirOpen, OLD_TIME, snapshot, writeAt, writeFixture, type SnapshotEntry } from './tree-fixture.js';
import { captureWarnings, settled } from './warnings.js';

export interface TreeTarget {
  /** A factory for the server, through `proxy`. */
  factory(options?: FtpPyOptions): FtpPy;
  proxy: FtpProxy;
  /** A remote folder of this suite's own, and where the server keeps it on disk. */
  base: string;
  disk: string;
  /** Uploads and downloads the server has seen so far. */
  transfers(): number;
  /** Whether verify({ checksum }) is answered by the server (HASH) rather than by downloads. */
  hashes: boolean;
  close(): Promise<void>;
}

const allTrue = (results: Record<string, boolean>): boolean => Object.values(results).every(Boolean);
const falseKeys = (results: Record<string, boolean>): string[] => Object.entries(results).filter(([, ok]) => !ok).map(([path]) => path);
const withoutParts = (tree: Map<string, SnapshotEntry>): Map<string, SnapshotEntry> =>
  new Map([...tree].filter(([path]) => !/(^|\/)\.[^/]*\.ftppy-part$/.test(path)));

export function treeSuite(name: string, open: () => Promise<TreeTarget>): void {
  describe(`tree operations against ${name}`, () => {
    const local = tempDir('ftppy-tree-');
    const src = join(local.dir, 'src');
    const files = writeFixture(src);
    let t: TreeTarget;
    let client: Client;

    /** Runs `fn` and returns its result with the transfers the server saw meanwhile. */
    async function counted<T>(fn: () => Promise<T>): Promise<[T, number]> {
      const start = t.transfers();
      const result = await fn();
      await settled();
      return [result, t.transfers() - start];
    }

    before(async () => {
      t = await open();
      client = await t.factory().client();
    });
    after(async () => {
      try {
        if (client) {
          await client.rmdir(t.base, { recursive: true });
          await client.close();
        }
      } finally {
        await t?.close();
        local.remove();
      }
    });

    it('sync up sends every file and folder (empty ones, dot files, spaces, unicode, 3 MiB), times carried; a second run transfers nothing', async () => {
      const [results, sent] = await counted(() => client.sync(src, `${t.base}/up`, 'up'));
      assert.deepEqual(Object.keys(results), fixtureKeys());
      assert.deepEqual(falseKeys(results), []);
      assert.equal(sent, files.length);
      assertSameTree(snapshot(join(t.disk, 'up')), snapshot(src));
      const [again, resent] = await counted(() => client.sync(src, `${t.base}/up`, 'up'));
      assert.ok(allTrue(again));
      assert.equal(resent, 0);
    });

    it('sync up sends a file that differs only in time (newer) and one that differs only in size, not one that is older here', async () => {
      const original = files.find((f) => f.path === 'size-only.txt')!;
      writeAt(src, 'time-only.txt', 'same size, new time\n', Date.now() - 5000);
      writeAt(src, 'size-only.txt', 'thirteen byte', original.time);
      writeAt(src, 'nested/a/side.log', 'log\n', OLD_TIME - 86_400_000);
      const [results, sent] = await counted(() => client.sync(src, `${t.base}/up`, 'up'));
      assert.ok(allTrue(results));
      assert.equal(sent, 2);
      const remote = snapshot(join(t.disk, 'up'));
      const mine = snapshot(src);
      for (const path of ['time-only.txt', 'size-only.txt']) assert.deepEqual(remote.get(path), mine.get(path), path);
      assert.notEqual(remote.get('nested/a/side.log')!.seconds, mine.get('nested/a/side.log')!.seconds);
      assert.equal((await counted(() => client.sync(src, `${t.base}/up`, 'up')))[1], 0);
    });

    it('sync down brings the tree into a new folder with the server\'s times, reports progress, and a second run transfers nothing', async () => {
      const down = join(local.dir, 'down');
      const reports: TreeProgress[] = [];
      const [results, got] = await counted(() => client.sync(down, `${t.base}/up`, 'down', { progress: (p) => reports.push(p) }));
      assert.deepEqual(Object.keys(results), fixtureKeys());
      assert.ok(allTrue(results));
      assert.equal(got, files.length);
      assertSameTree(snapshot(down), snapshot(join(t.disk, 'up')));
      const last = reports.at(-1)!;
      assert.equal(last.done, last.total);
      assert.equal(last.bytes, last.totalBytes);
      assert.equal(last.totalBytes, files.reduce((sum, f) => sum + f.data.length, 0) + 1);
      assert.ok(reports.some((p) => p.ok === null && p.action === 'download'));
      const [again, regot] = await counted(() => client.sync(down, `${t.base}/up`, 'down'));
      assert.ok(allTrue(again));
      assert.equal(regot, 0);
    });

    it("sync both: each side's news go across, the newer side wins where both changed, nothing is deleted; then nothing moves", async () => {
      const remote = join(t.disk, 'up');
      const now = Date.now();
      writeAt(src, 'nested/a/b/c/deep.txt', 'changed here\n', now - 10_000);
      writeAt(remote, 'many/d00/f1.dat', 'changed there\n', now - 10_000);
      writeAt(src, 'name with spaces/file with spaces.txt', 'older change here\n', now - 20_000);
      writeAt(remote, 'name with spaces/file with spaces.txt', 'newer change there\n', now - 5000);
      writeAt(src, 'local-new.txt', 'new here\n', now - 3000);
      writeAt(remote, 'remote-new.txt', 'new there\n', now - 3000);
      mkdirOpen(remote, 'remote-dir');
      writeAt(remote, 'remote-dir/x.txt', 'x\n', now - 3000);
      mkdirSync(join(src, 'local-empty'));
      rmSync(join(src, 'many/d01/f2.dat'));
      const [results, moved] = await counted(() => client.sync(src, `${t.base}/up`, 'both'));
      assert.deepEqual(falseKeys(results), []);
      // 2 up (deep.txt, local-new.txt), 6 down (f1.dat, the newer file with spaces,
      // remote-new.txt, remote-dir/x.txt, f2.dat deleted here, side.log made older here)
      assert.equal(moved, 8);
      assertSameTree(snapshot(src), snapshot(remote));
      assert.equal(snapshot(src).get('name with spaces/file with spaces.txt')!.size, 'newer change there\n'.length);
      assert.ok(existsSync(join(src, 'many/d01/f2.dat')));
      assert.equal((await counted(() => client.sync(src, `${t.base}/up`, 'both')))[1], 0);
    });

    it('verify compares sizes, and with checksum the content too (the server hashes when it can)', async () => {
      const remote = join(t.disk, 'up');
      assert.ok(allTrue(await client.verify(src, `${t.base}/up`)));
      const [checked, downloads] = await counted(() => client.verify(src, `${t.base}/up`, { checksum: true }));
      assert.ok(allTrue(checked));
      assert.equal(downloads, t.hashes ? 0 : Object.keys(checked).length);
      const victim = snapshot(remote).get('many/d03/f3.dat')!;
      writeAt(remote, 'many/d03/f3.dat', Buffer.alloc(victim.size, 1), victim.seconds * 1000);
      writeAt(remote, 'only-there.txt', 'x', OLD_TIME);
      const sizes = await client.verify(src, `${t.base}/up`);
      assert.deepEqual(falseKeys(sizes), ['only-there.txt']);
      const content = await client.verify(src, `${t.base}/up`, { checksum: true });
      assert.deepEqual(falseKeys(content), ['many/d03/f3.dat', 'only-there.txt']);
    });

    it('search finds names by glob below a folder, with full paths; list deep walks everything', async () => {
      const base = `${t.base}/up`;
      const txt = await client.search('*.txt', base);
      const expected = [...snapshot(join(t.disk, 'up')).keys()].filter((path) => /\.txt$/.test(path)).map((path) => `${base}/${path}`).sort();
      assert.deepEqual(txt?.map((entry) => entry.path), expected);
      const f1x = await client.search('f1?.dat', base);
      assert.equal(f1x?.length, 12 * 10);
      assert.ok(f1x?.every((entry) => entry.type === 'file' && /^f1\d\.dat$/.test(entry.name)));
      assert.deepEqual((await client.search('[!fm]*', `${base}/many/d05`))?.length, 0);
      assert.deepEqual((await client.search('.h*', base))?.map((entry) => entry.name), ['.hidden']);
      const deep = await client.list(base, { deep: true, concurrency: 3 });
      assert.deepEqual(deep?.map((entry) => entry.path.slice(base.length + 1)), [...snapshot(join(t.disk, 'up')).keys()].sort());
    });

    it('mirror: a dry run changes nothing and says what would; the real one makes the server equal to the local tree, then nothing moves', async () => {
      const target = `${t.base}/mirror`;
      const disk = join(t.disk, 'mirror');
      const [first, sent] = await counted(() => client.mirror(src, target));
      assert.ok(allTrue(first));
      assert.equal(sent, snapshot(src).size - [...snapshot(src).values()].filter((e) => e.dir).length);
      rmSync(join(src, 'many/d02'), { recursive: true });
      rmSync(join(src, 'empty-file.txt'));
      writeAt(src, 'clash', 'a file here, a folder there\n', OLD_TIME);
      writeAt(disk, 'extra.txt', 'extra', OLD_TIME);
      mkdirOpen(disk, 'extra-dir/sub');
      writeAt(disk, 'extra-dir/sub/y.txt', 'y', OLD_TIME);
      mkdirOpen(disk, 'clash/inside');
      writeAt(disk, 'clash/inside/z.txt', 'z', OLD_TIME);
      writeAt(disk, '.left.bin.0badf00d.ftppy-part', 'half', OLD_TIME);
      const before = snapshot(disk);
      const reports: TreeProgress[] = [];
      const [dry, dryMoves] = await counted(() => client.mirror(src, target, { dryRun: true, progress: (p) => reports.push(p) }));
      assert.equal(dryMoves, 0);
      assertSameTree(snapshot(disk), before);
      const gone = ['many/d02', ...Array.from({ length: 20 }, (_, i) => `many/d02/f${i}.dat`), 'empty-file.txt', 'extra.txt', 'extra-dir', 'extra-dir/sub', 'extra-dir/sub/y.txt', 'clash/inside', 'clash/inside/z.txt', '.left.bin.0badf00d.ftppy-part'];
      assert.deepEqual(Object.keys(dry).sort(), [...gone, 'clash'].sort());
      assert.ok(allTrue(dry));
      assert.deepEqual(reports.filter((p) => p.action === 'delete').map((p) => p.path).sort(), [...gone, 'clash'].sort());
      const [real, moves] = await counted(() => client.mirror(src, target));
      assert.deepEqual(falseKeys(real), []);
      assert.equal(moves, 1);
      assertSameTree(snapshot(disk), snapshot(src));
      const [again, none] = await counted(() => client.mirror(src, target));
      assert.ok(allTrue(again));
      assert.equal(none, 0);
    });

    it('mirror refuses a missing or empty local folder (warning, no change) unless forced', async () => {
      const disk = join(t.disk, 'mirror');
      const before = snapshot(disk);
      const empty = join(local.dir, 'empty');
      mkdirSync(join(empty, 'only/empty/folders'), { recursive: true });
      const warnings = captureWarnings();
      try {
        assert.deepEqual(await client.mirror(join(local.dir, 'missing'), `${t.base}/mirror`), {});
        assert.deepEqual(await client.mirror(empty, `${t.base}/mirror`), {});
        await settled();
        assert.deepEqual(warnings.list.map((w) => w.code), ['FTPPY_ERR_MIRROR_REFUSED', 'FTPPY_ERR_MIRROR_REFUSED']);
      } finally {
        warnings.stop();
      }
      assertSameTree(snapshot(disk), before);
      const wiped = await client.mirror(empty, `${t.base}/mirror`, { force: true });
      assert.ok(allTrue(wiped));
      assertSameTree(snapshot(disk), snapshot(empty));
    });

    it('backup: timestamped folders, newest first; keep prunes after a success, never after a failure; restore brings one back with its times', async () => {
      const target = `${t.base}/backups`;
      const sources = [src, join(src, 'large.bin')];
      for (let i = 0; i < 3; i++) {
        const [results, sent] = await counted(() => client.backup(sources, target, { keep: 2 }));
        assert.deepEqual(results, { [src]: true, [sources[1]!]: true });
        // the folder's files, large.bin, and the backup's manifest
        assert.equal(sent, [...snapshot(src).values()].filter((e) => !e.dir).length + 2);
      }
      const kept = await client.backups(target);
      assert.equal(kept?.length, 2);
      assert.ok(kept!.every((b) => /^backup_\d{8}_\d{6}$/.test(b.name) && b.path === `${target}/${b.name}`));
      assert.ok(kept![0]!.created > kept![1]!.created);
      assert.ok(Math.abs(kept![0]!.created.getTime() - Date.now()) < 120_000);

      const warnings = captureWarnings();
      try {
        const failed = await client.backup([src, join(local.dir, 'missing')], target, { keep: 1 });
        assert.deepEqual(failed, { [src]: true, [join(local.dir, 'missing')]: false });
        await settled();
        assert.ok(warnings.list.some((w) => w.message.includes('missing')));
      } finally {
        warnings.stop();
      }
      const all = await client.backups(target);
      assert.equal(all?.length, 3);

      const restored = join(local.dir, 'restored');
      const [results, got] = await counted(() => client.restore(all![0]!.path, restored));
      assert.ok(allTrue(results));
      assert.ok('src/many/d00/f0.dat' in results && 'src/empty' in results);
      assertSameTree(snapshot(join(restored, 'src')), snapshot(src));
      // the files, and the manifest read for their modes and folder times
      assert.equal(got, [...snapshot(src).values()].filter((e) => !e.dir).length + 1);
      const fromOlder = join(local.dir, 'restored-older');
      assert.ok(allTrue(await client.restore(all![1]!.path, fromOlder)));
      assert.deepEqual(snapshot(fromOlder).get('large.bin'), snapshot(src).get('large.bin'));
      assert.equal((await counted(() => client.restore(all![0]!.path, restored)))[1], 1); // the manifest alone
    });

    it('an interrupted sync (connection cut mid-file, no retries) leaves that file false and no half file; running it again completes it', async () => {
      // No retries, so that the cut is a failure; long timeouts, so that nothing else is on a loaded machine.
      const noRetry = t.factory({ retry: { total: 0 }, timeout: { connect: 10, read: 30, write: 30 } });
      const down = join(local.dir, 'interrupted-down');
      const warnings = captureWarnings();
      try {
        await noRetry.client(async (c) => {
          t.proxy.fail('drop-control', 1_000_000);
          const cut = await c.sync(down, `${t.base}/up`, 'down');
          assert.deepEqual(falseKeys(cut), ['large.bin']);
          assert.equal(t.proxy.armed, 0);
          assert.ok(!existsSync(join(down, 'large.bin')));
          assert.deepEqual([...snapshot(down).keys()].filter((path) => path.includes('ftppy-part')), []);

          const up = `${t.base}/interrupted-up`;
          t.proxy.fail('drop-data', 1_000_000);
          const cutUp = await c.sync(src, up, 'up');
          assert.deepEqual(falseKeys(cutUp), ['large.bin']);
          assert.ok(!existsSync(join(t.disk, 'interrupted-up', 'large.bin')));
        });
        await settled();
        assert.ok(warnings.list.some((w) => w.message.includes('large.bin')));
      } finally {
        warnings.stop();
      }
      const [again, got] = await counted(() => client.sync(down, `${t.base}/up`, 'down'));
      assert.ok(allTrue(again));
      assert.equal(got, 1);
      assertSameTree(snapshot(down), snapshot(join(t.disk, 'up')));
      const [againUp, sent] = await counted(() => client.sync(src, `${t.base}/interrupted-up`, 'up'));
      assert.ok(allTrue(againUp));
      assert.equal(sent, 1);
      assertSameTree(withoutParts(snapshot(join(t.disk, 'interrupted-up'))), snapshot(src));
    });
  });
}
