// The ZIP writer on its own: entries in, bytes out. Each archive is checked by readers we
// did not write: Python's zipfile (which reads ZIP64) and Info-ZIP's `unzip -t`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, writeSync, ftruncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FtpPyError } from '../../common/errors.js';
import { zipArchive, type ZipEntry } from '../../http/zip-writer.js';
import { skipOutsideCi } from '../helpers/ci.js';
import { installed } from '../helpers/external-clients.js';
import { tempDir } from '../helpers/files.js';

const noUnzip = skipOutsideCi(installed('unzip') ? false : 'unzip is not installed: run `apt-get install -y unzip` (as .ci/run does)');

async function* chunks(...parts: (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield Buffer.from(part);
}

const file = (name: string, ...parts: (string | Buffer)[]): ZipEntry => ({ name, kind: 'file', modified: new Date(2024, 4, 6, 7, 8, 10), open: async () => chunks(...parts) });
const folder = (name: string): ZipEntry => ({ name, kind: 'dir', modified: new Date(2024, 4, 6, 7, 8, 10) });

async function collect(entries: ZipEntry[], options?: Parameters<typeof zipArchive>[1]): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const piece of zipArchive(entries, options)) out.push(piece);
  return Buffer.concat(out);
}

/** Python's verdict on the archive: its test, and each member's name, size and content (hex). */
function python(path: string): { bad: string | null; members: { name: string; size: number; dir: boolean; data: string }[] } {
  const script = `
import sys, zipfile, json
z = zipfile.ZipFile(sys.argv[1])
bad = z.testzip()
out = []
for i in z.infolist():
    data = b'' if i.is_dir() or i.file_size > 1 << 20 else z.read(i)
    out.append({'name': i.filename, 'size': i.file_size, 'dir': i.is_dir(), 'data': data.hex()})
print(json.dumps({'bad': bad, 'members': out}))`;
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8', timeout: 300_000 })) as ReturnType<typeof python>;
}

describe('zipArchive: a ZIP streamed as it is made', { timeout: 60_000 }, () => {
  it('deflates and stores, keeps folders, UTF-8 names and empty files, and python reads every byte back', async () => {
    const dir = tempDir('ftppy-zip-');
    try {
      const big = Buffer.alloc(300_000, 'abcdefgh');
      const archive = await collect([
        folder('docs/'),
        file('docs/hello.txt', 'hello ', 'world\n'),
        file('docs/été 名前.txt', 'unicode\n'),
        file('empty.bin'),
        file('big.txt', big.subarray(0, 100_000), big.subarray(100_000)),
        file('photo.jpg', 'not really a jpeg'),
      ]);
      const path = join(dir.dir, 'a.zip');
      writeFileSync(path, archive);
      const { bad, members } = python(path);
      assert.equal(bad, null);
      assert.deepEqual(members.map((m) => [m.name, m.size, m.dir]), [
        ['docs/', 0, true], ['docs/hello.txt', 12, false], ['docs/été 名前.txt', 8, false], ['empty.bin', 0, false], ['big.txt', 300_000, false], ['photo.jpg', 17, false],
      ]);
      assert.equal(Buffer.from(members[1]!.data, 'hex').toString(), 'hello world\n');
      assert.ok(Buffer.from(members[4]!.data, 'hex').equals(big));
      assert.ok(archive.length < 20_000, `repetitive text is deflated (${archive.length} bytes)`);
      // the UTF-8 flag (bit 11) on a folder's local header, and with it the data descriptor flag (bit 3) on a file's
      assert.equal(archive.readUInt16LE(6), 0x0800);
      assert.equal(archive.readUInt16LE(30 + 'docs/'.length + 6), 0x0808);
    } finally {
      dir.remove();
    }
  });

  it('passes unzip -t, stored and deflated', { skip: noUnzip }, async () => {
    const dir = tempDir('ftppy-zip-');
    try {
      for (const method of ['store', 'deflate'] as const) {
        const path = join(dir.dir, `${method}.zip`);
        writeFileSync(path, await collect([folder('a/'), file('a/b.txt', 'bee\n'), file('c d.txt', 'x'.repeat(5000))], { method }));
        const out = execFileSync('unzip', ['-t', path], { encoding: 'utf8' });
        assert.match(out, /No errors detected/, out);
      }
    } finally {
      dir.remove();
    }
  });

  it('refuses a name that would lead out of the folder it is unpacked in', async () => {
    for (const name of ['/etc/passwd', 'a/../../b', '', 'a\\..\\b']) {
      await assert.rejects(collect([file(name, 'x')]), (error: unknown) => error instanceof FtpPyError && error.code === 'FTPPY_ERR_INVALID_ARGUMENT' && error.message.includes('ZIP entry name'));
    }
  });

  it('stops reading an entry when the reader stops: nothing left open', async () => {
    for (const method of ['store', 'deflate'] as const) {
    let closed = false;
    async function* endless(): AsyncGenerator<Buffer> {
      try {
        for (;;) yield Buffer.alloc(65536);
      } finally {
        closed = true;
      }
    }
    const archive = zipArchive([{ name: 'endless', kind: 'file', modified: new Date(), open: async () => endless() }], { method });
    let seen = 0;
    for await (const piece of archive) if ((seen += piece.length) > 1 << 16) break;
    assert.equal(closed, true, method);
    }
  });

  it('writes the ZIP64 end records for more than 65535 entries', async () => {
    const dir = tempDir('ftppy-zip-');
    try {
      const many = Array.from({ length: 70_000 }, (_, i) => folder(`d${i}/`));
      const path = join(dir.dir, 'many.zip');
      writeFileSync(path, await collect(many));
      const count = execFileSync('python3', ['-c', 'import sys, zipfile; print(len(zipfile.ZipFile(sys.argv[1]).infolist()))', path], { encoding: 'utf8' });
      assert.equal(count.trim(), '70000');
    } finally {
      dir.remove();
    }
  });

  // ZIP64: an entry over 4 GiB, so its sizes and the central directory's offset need the
  // 64-bit fields. The data is one zero buffer yielded again and again, stored, and the
  // archive is written as a sparse file (the zero buffer's runs are skipped, not written),
  // so it costs CPU for the CRC and python's check, not 4 GiB of disk.
  it('writes ZIP64 for a file over 4 GiB and python checks its CRC', { timeout: 600_000 }, async () => {
    const dir = tempDir('ftppy-zip64-');
    try {
      const zero = Buffer.alloc(8 << 20);
      const size = 4 * 1024 ** 3 + 12345;
      async function* zeros(): AsyncGenerator<Buffer> {
        let left = size;
        while (left > 0) {
          const n = Math.min(left, zero.length);
          left -= n;
          yield n === zero.length ? zero : zero.subarray(0, n);
        }
      }
      const path = join(dir.dir, 'big.zip');
      const fd = openSync(path, 'w');
      let at = 0;
      try {
        const entries: ZipEntry[] = [file('before.txt', 'before\n'), { name: 'zeros.bin', kind: 'file', modified: new Date(), open: async () => zeros() }, file('after.txt', 'after\n')];
        for await (const piece of zipArchive(entries, { method: 'store' })) {
          if (piece.buffer !== zero.buffer) writeSync(fd, piece, 0, piece.length, at);
          at += piece.length;
        }
        ftruncateSync(fd, at);
      } finally {
        closeSync(fd);
      }
      assert.ok(at > size);
      const { bad, members } = python(path);
      assert.equal(bad, null);
      assert.deepEqual(members.map((m) => [m.name, m.size]), [['before.txt', 7], ['zeros.bin', size], ['after.txt', 6]]);
      assert.equal(Buffer.from(members[2]!.data, 'hex').toString(), 'after\n', 'an entry after the 4 GiB offset');
    } finally {
      dir.remove();
    }
  });
});
