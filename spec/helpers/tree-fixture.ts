// A local tree that exercises what tree operations get wrong: hundreds of files in nested
// folders, empty folders, names with spaces, non-ASCII and leading dots, a large file,
// and fixed old modification times (so that LIST shows only the day and MDTM has to be
// asked). `snapshot` reads a tree on disk, ours or a server's, for byte and time compares.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeRaw, nativePath } from '../../protocol/text.js';
import { pseudoRandom } from './files.js';

/** 2024-03-01 10:00:00 UTC: far enough back that `ls -l` shows the year, not the time. */
export const OLD_TIME = Date.UTC(2024, 2, 1, 10, 0, 0);

export interface FixtureFile {
  path: string;
  data: Buffer;
  /** Modification time, ms. */
  time: number;
}

/** The fixture's files (relative paths) and its folders, empty ones included. */
export function fixtureFiles(): { files: FixtureFile[]; dirs: string[] } {
  const files: FixtureFile[] = [];
  const dirs = new Set<string>();
  let n = 0;
  const add = (path: string, data: Buffer | string): void => {
    files.push({ path, data: Buffer.isBuffer(data) ? data : Buffer.from(data), time: OLD_TIME + n++ * 7000 });
    for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) dirs.add(path.slice(0, i));
  };
  for (let d = 0; d < 12; d++) {
    for (let f = 0; f < 20; f++) add(`many/d${String(d).padStart(2, '0')}/f${f}.dat`, pseudoRandom((d * 20 + f) * 37 % 5000, d * 100 + f));
  }
  add('.hidden', 'dot file\n');
  add('.config/settings.json', '{"a":1}\n');
  add('name with spaces/file with spaces.txt', 'spaces\n');
  add('unicode-été-名前/ünïcødé ✓.txt', 'unicode\n');
  add('nested/a/b/c/deep.txt', 'deep\n');
  add('nested/a/side.log', 'log\n');
  add('empty-file.txt', '');
  add('large.bin', pseudoRandom(3 * 1024 * 1024 + 5, 11));
  add('time-only.txt', 'same size, new time\n');
  add('size-only.txt', 'twelve bytes');
  for (const dir of ['empty', 'nested/empty-inside/also-empty']) {
    for (let i = dir.indexOf('/'); i !== -1; i = dir.indexOf('/', i + 1)) dirs.add(dir.slice(0, i));
    dirs.add(dir);
  }
  return { files, dirs: [...dirs].sort() };
}

/** Writes the fixture below `root`, times included. Returns its files. */
export function writeFixture(root: string): FixtureFile[] {
  const { files, dirs } = fixtureFiles();
  for (const dir of dirs) mkdirSync(join(root, dir), { recursive: true });
  for (const file of files) writeAt(root, file.path, file.data, file.time);
  return files;
}

export function writeAt(root: string, path: string, data: Buffer | string, time: number): void {
  const full = join(root, path);
  writeFileSync(full, data);
  utimesSync(full, new Date(time), new Date(time));
}

/**
 * A folder made on a server's disk behind its back, writable by everyone: vsftpd serves as
 * user ftp, and must be able to delete what the tests put there.
 */
export function mkdirOpen(root: string, path: string): void {
  let at = '';
  for (const name of path.split('/')) {
    at = at === '' ? name : `${at}/${name}`;
    mkdirSync(join(root, at), { recursive: true });
    chmodSync(join(root, at), 0o777);
  }
}

export interface SnapshotEntry {
  dir: boolean;
  size: number;
  sha: string;
  /** Whole seconds. */
  seconds: number;
}

/**
 * Every file and folder below `root`, by relative path; `.ftppy-part`/`.ftppy-upload` leftovers are reported too.
 * Names are read as bytes (a name that is not UTF-8 is keyed as decodeRaw reads it), so two trees compare byte for byte.
 */
export function snapshot(root: string): Map<string, SnapshotEntry> {
  const out = new Map<string, SnapshotEntry>();
  const walk = (rel: string): void => {
    for (const entry of readdirSync(nativePath(join(root, rel)), { withFileTypes: true, encoding: 'buffer' })) {
      const name = decodeRaw(entry.name);
      const path = rel === '' ? name : `${rel}/${name}`;
      const info = statSync(nativePath(join(root, path)));
      if (entry.isDirectory()) {
        out.set(path, { dir: true, size: 0, sha: '', seconds: 0 });
        walk(path);
      } else {
        const sha = createHash('sha256').update(readFileSync(nativePath(join(root, path)))).digest('hex');
        out.set(path, { dir: false, size: info.size, sha, seconds: Math.floor(info.mtimeMs / 1000) });
      }
    }
  };
  walk('');
  return out;
}

/** Asserts that two trees hold the same names, bytes and (with `times`) modification times to the second. */
export function assertSameTree(actual: Map<string, SnapshotEntry>, expected: Map<string, SnapshotEntry>, { times = true } = {}): void {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
  for (const [path, want] of expected) {
    const got = actual.get(path)!;
    assert.equal(got.dir, want.dir, `${path}: kind`);
    assert.equal(got.sha, want.sha, `${path}: content`);
    if (times && !want.dir) assert.equal(got.seconds, want.seconds, `${path}: modification time`);
  }
}

/** The keys a tree operation reports for the whole fixture: every file and folder. */
export function fixtureKeys(): string[] {
  const { files, dirs } = fixtureFiles();
  return [...files.map((f) => f.path), ...dirs].sort();
}
