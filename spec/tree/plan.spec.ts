// The pure part of tree operations: comparing times across the wire, and what each mode
// plans for every kind of difference between two trees, without a server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPartName, partName } from '../../lib/client/part-file.js';
import { backupName, backupTime } from '../../lib/tree/backup.js';
import type { Tree, TreeNode } from '../../lib/tree/nodes.js';
import { plan, timeQuestions, type Plan } from '../../lib/tree/plan.js';
import { listWindow, newer } from '../../lib/tree/times.js';

const T = Date.UTC(2025, 5, 1, 10, 30, 0);
const file = (size: number, time: number | null = T, window = 0): TreeNode => ({ kind: 'file', size, time, window });
const dir: TreeNode = { kind: 'dir', size: 0, time: null, window: 0 };
const other: TreeNode = { kind: 'other', size: 0, time: null, window: 0 };
const tree = (nodes: Record<string, TreeNode>, unread: string[] = []): Tree => ({ nodes: new Map(Object.entries(nodes)), unread });

/** A plan reduced to what each path gets, in the order it is done, for readable expectations. */
function actions(p: Plan): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (path: string, what: string): void => void (out[path] = out[path] ? `${out[path]} + ${what}` : what);
  for (const path of p.same) add(path, 'same');
  for (const { path, why } of p.refused) add(path, why === null ? 'refused (warned)' : 'refused');
  for (const { path } of p.clear) add(path, 'clear');
  for (const path of p.localDirs) add(path, 'mkdir here');
  for (const path of p.remoteDirs) add(path, 'mkdir there');
  for (const { path } of p.uploads) add(path, 'upload');
  for (const { path } of p.downloads) add(path, 'download');
  for (const { path } of p.removals) add(path, 'delete');
  return out;
}

describe('times across the wire', () => {
  it('compares whole seconds, with a second of tolerance', () => {
    assert.equal(newer(file(1, T + 900), file(1, T)), 'same');
    assert.equal(newer(file(1, T + 1000), file(1, T)), 'same');
    assert.equal(newer(file(1, T + 2000), file(1, T)), 'a');
    assert.equal(newer(file(1, T), file(1, T + 2500)), 'b');
    assert.equal(newer(file(1, null), file(1, T)), 'unknown');
  });

  it('lets a LIST date stand for its whole minute or day', () => {
    const minute = file(1, T, 60_000);
    assert.equal(newer(file(1, T + 59_000), minute), 'same');
    assert.equal(newer(file(1, T + 61_000), minute), 'a');
    assert.equal(newer(file(1, T - 2000), minute), 'b');
    const day = file(1, Date.UTC(2023, 0, 5), 86_400_000);
    assert.equal(newer(file(1, Date.UTC(2023, 0, 5, 18)), day), 'same');
    assert.equal(listWindow(new Date(Date.UTC(2023, 0, 5))), 86_400_000);
    assert.equal(listWindow(new Date(T)), 60_000);
    assert.equal(listWindow(null), 0);
  });
});

describe('plans', () => {
  it('up: sends what is missing, bigger or smaller, or newer here; creates folders parents first; leaves the rest', () => {
    const local = tree({
      a: dir, 'a/b': dir, 'a/b/new.txt': file(1), 'same.txt': file(5), 'newer.txt': file(5, T + 5000), 'older.txt': file(5, T - 5000),
      'resized.txt': file(6), link: other, '.x.txt.1a2b.ftppy-part': file(3),
    });
    const remote = tree({ 'same.txt': file(5, T + 400), 'newer.txt': file(5), 'older.txt': file(5), 'resized.txt': file(5, T + 9000), 'only-there.txt': file(1) });
    const p = plan('up', local, remote);
    assert.deepEqual(actions(p), {
      a: 'mkdir there', 'a/b': 'mkdir there', 'a/b/new.txt': 'upload', 'same.txt': 'same', 'newer.txt': 'upload', 'older.txt': 'same', 'resized.txt': 'upload',
    });
    assert.deepEqual(p.remoteDirs, ['a', 'a/b']);
    assert.deepEqual(p.uploads.find((m) => m.path === 'newer.txt'), { path: 'newer.txt', size: 5, time: T + 5000, coarse: false });
  });

  it('down: the mirror image, folders made here', () => {
    const p = plan('down', tree({ 'keep.txt': file(1) }), tree({ d: dir, 'd/x': file(2, T, 60_000), 'keep.txt': file(1, T + 90_000) }));
    assert.deepEqual(actions(p), { d: 'mkdir here', 'd/x': 'download', 'keep.txt': 'download' });
    assert.equal(p.downloads[0]!.coarse, true);
  });

  it('one way: a name that is a file on one side and a folder on the other is refused, with everything below it', () => {
    const p = plan('up', tree({ x: dir, 'x/inner.txt': file(1), y: file(1) }), tree({ x: file(3), y: dir }));
    assert.deepEqual(actions(p), { x: 'refused', 'x/inner.txt': 'refused (warned)', y: 'refused' });
  });

  it('nothing is done on the strength of a folder that could not be listed', () => {
    const p = plan('up', tree({ d: dir, 'd/a.txt': file(1), 'e.txt': file(1) }), tree({ d: dir }, ['d']));
    assert.deepEqual(actions(p), { d: 'refused (warned)', 'd/a.txt': 'refused (warned)', 'e.txt': 'upload' });
    const root = plan('up', tree({ 'e.txt': file(1) }), tree({}, ['']));
    assert.deepEqual(actions(root), { 'e.txt': 'refused (warned)' });
  });

  it('both: news go each way, the newer side wins, nothing is deleted, undecidable cases are refused', () => {
    const local = tree({
      'mine.txt': file(1), mydir: dir, 'changed-here.txt': file(9, T + 60_000), 'changed-there.txt': file(9),
      'same.txt': file(4), 'clash.txt': file(4, T + 300), 'no-time.txt': file(4, null), 'no-time-same.txt': file(4, null), kind: dir, links: other,
    });
    const remote = tree({
      'theirs.txt': file(1), theirdir: dir, 'changed-here.txt': file(3), 'changed-there.txt': file(3, T + 60_000),
      'same.txt': file(4), 'clash.txt': file(5), 'no-time.txt': file(5), 'no-time-same.txt': file(4), kind: file(1), links: other,
    });
    assert.deepEqual(actions(plan('both', local, remote)), {
      'mine.txt': 'upload', mydir: 'mkdir there', 'theirs.txt': 'download', theirdir: 'mkdir here', 'changed-here.txt': 'upload',
      'changed-there.txt': 'download', 'same.txt': 'same', 'clash.txt': 'refused', 'no-time.txt': 'refused', 'no-time-same.txt': 'same', kind: 'refused',
    });
  });

  it('mirror: sends what differs either way, deletes what the local side lacks (part files too), clears names taken by the other kind first', () => {
    const local = tree({ 'a.txt': file(1, T - 9000), f: file(2), d: dir, 'd/x': file(1), keep: other });
    const remote = tree({
      'a.txt': file(1), f: dir, 'f/inner': file(1), 'f/sub': dir, 'f/sub/deep': file(1), d: file(5), 'gone.txt': file(1),
      old: dir, 'old/y': file(1), '.z.1234.ftppy-part': file(1), keep: file(1),
    });
    const p = plan('mirror', local, remote);
    assert.deepEqual(actions(p), {
      'a.txt': 'upload', f: 'clear + upload', 'f/inner': 'clear', 'f/sub': 'clear', 'f/sub/deep': 'clear', d: 'clear + mkdir there', 'd/x': 'upload',
      'gone.txt': 'delete', old: 'delete', 'old/y': 'delete', '.z.1234.ftppy-part': 'delete',
    });
    assert.deepEqual(p.clear.map((c) => c.path), ['d', 'f', 'f/inner', 'f/sub', 'f/sub/deep']);
    assert.deepEqual(p.removals.find((r) => r.path === 'old'), { path: 'old', dir: true });
  });

  it('mirror deletes nothing below a local folder that could not be read', () => {
    const p = plan('mirror', tree({ d: dir, 'k.txt': file(1) }, ['d']), tree({ d: dir, 'd/y': file(1), 'k.txt': file(1) }));
    assert.deepEqual(actions(p), { d: 'refused (warned)', 'd/y': 'refused (warned)', 'k.txt': 'same' });
  });

  it('restore: downloads what differs in time either way, keeps local files the backup lacks', () => {
    const p = plan('restore', tree({ 'a.txt': file(1, T + 9000), 'mine.txt': file(1) }), tree({ 'a.txt': file(1), 'b.txt': file(1) }));
    assert.deepEqual(actions(p), { 'a.txt': 'download', 'b.txt': 'download' });
  });

  it('asks exact times only for LIST dates that a decision rests on', () => {
    const local = tree({ same: file(5), bigger: file(9), here: file(1) });
    const remote = tree({ same: file(5, T, 60_000), bigger: file(5, T, 60_000), there: file(1, T, 60_000), exact: file(1) });
    assert.deepEqual(timeQuestions('up', local, remote), ['same']);
    assert.deepEqual(timeQuestions('down', local, remote), ['same']);
    assert.deepEqual(timeQuestions('both', local, remote), ['same', 'bigger']);
  });
});

describe('names', () => {
  it('backup folders are backup_YYYYMMDD_HHMMSS in UTC, and read back', () => {
    const when = new Date(Date.UTC(2024, 11, 25, 14, 30, 22));
    assert.equal(backupName(when), 'backup_20241225_143022');
    assert.deepEqual(backupTime('backup_20241225_143022'), when);
    assert.equal(backupTime('backup_20240230_000000'), null);
    assert.equal(backupTime('backup_2024_1'), null);
  });

  it('temporary transfer names are hidden, unique and recognised', () => {
    const a = partName('report.pdf');
    const b = partName('report.pdf');
    assert.notEqual(a, b);
    assert.match(a, /^\.report\.pdf\.[0-9a-z]+\.ftppy-part$/);
    assert.ok(isPartName(a));
    assert.ok(!isPartName('report.pdf') && !isPartName('x.ftppy-part'));
  });
});
