// The file commands of `ftppy` (ls, get, put, cat, stat, rm, mkdir, mv, cp) as child
// processes against our server: exit statuses, plain, --quiet and --json output, and
// what ends up on the server's disk.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sha256 } from '../helpers/files.js';
import { BINARY } from '../helpers/test-server.js';
import { ftppy, lines, localFolder, specServer } from './support/cli.js';

const served = specServer();
const url = served.url;

describe('ftppy ls', { concurrency: 3 }, () => {
  it('lists names, folders with a slash, sorted', async () => {
    const r = await ftppy(['ls', url('pub')]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), ['data.bin', 'hello.txt', 'lines.txt', 'name with spaces.txt', 'nested/', 'unicode-été-名前.txt']);
    assert.equal(r.stderr, '');
  });

  it('-l: mode, size, time and name; -R: paths below the folder', async () => {
    const long = await ftppy(['ls', '-l', url('pub/nested')]);
    assert.match(long.stdout, /^drwxr-xr-x {2}.* {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}deeper\/\n$/);
    const deep = await ftppy(['ls', '-R', url('pub/nested')]);
    assert.deepEqual(lines(deep.stdout), ['deeper/', 'deeper/deep.txt']);
  });

  it('--json: the entries and no warnings; --quiet: the names still', async () => {
    const json = await ftppy(['ls', '-R', '--json', url('pub/nested')]);
    const document = JSON.parse(json.stdout) as { ok: boolean; entries: { path: string; type: string; size: number }[]; warnings: unknown[] };
    assert.equal(document.ok, true);
    assert.deepEqual(document.entries.map((e) => [e.path, e.type]), [['/pub/nested/deeper', 'dir'], ['/pub/nested/deeper/deep.txt', 'file']]);
    assert.deepEqual(document.warnings, []);
    const quiet = await ftppy(['ls', '-q', url('pub/nested')]);
    assert.equal(quiet.stdout, 'deeper/\n');
  });

  it('a folder that is not there: exit 1 and one readable warning, not Node\'s', async () => {
    const r = await ftppy(['ls', url('nope')]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'warning: list /nope failed: 550 /nope: No such file or directory\n');
    const json = await ftppy(['ls', '--json', url('nope')]);
    assert.equal(json.code, 1);
    assert.deepEqual(JSON.parse(json.stdout), {
      ok: false, entries: null,
      warnings: [{ message: 'list /nope failed: 550 /nope: No such file or directory', code: 'FTPPY_ERR_REPLY' }],
    });
    assert.equal(json.stderr, '');
  });

  it('active mode lists as passive does', async () => {
    const r = await ftppy(['ls', '--active', url('pub/nested')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'deeper/\n');
  });
});

describe('ftppy put and get', { concurrency: 3 }, () => {
  it('put: several files into a folder (-p makes it), a line each and a total', async () => {
    const here = localFolder();
    writeFileSync(join(here, 'a.txt'), 'alpha\n');
    writeFileSync(join(here, 'b.bin'), BINARY);
    const r = await ftppy(['put', '-p', 'a.txt', 'b.bin', url('upload/put-many/')], { cwd: here });
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    assert.deepEqual(out.slice(0, 2).sort(), ['uploaded a.txt -> upload/put-many/a.txt  6 B', 'uploaded b.bin -> upload/put-many/b.bin  1.0 MiB']);
    assert.match(out[2]!, /^2 of 2 files, 1\.0 MiB in [\d.]+ s \(.*\/s\)$/);
    assert.equal(readFileSync(join(served.root, 'upload/put-many/a.txt'), 'utf8'), 'alpha\n');
    assert.equal(sha256(join(served.root, 'upload/put-many/b.bin')), sha256(BINARY));
  });

  it('put -: stdin under the URL\'s name; --json results', async () => {
    const r = await ftppy(['put', '--json', '-', url('upload/from-stdin.txt')], { input: 'piped in\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { ok: true, results: { '-': true }, warnings: [] });
    assert.equal(readFileSync(join(served.root, 'upload/from-stdin.txt'), 'utf8'), 'piped in\n');
  });

  it('put: a local file that is missing fails (exit 1) and the others still go', async () => {
    const here = localFolder();
    writeFileSync(join(here, 'there.txt'), 'here\n');
    const r = await ftppy(['put', 'missing.txt', 'there.txt', url('upload/')], { cwd: here });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^warning: upload missing\.txt -> \/upload\/missing\.txt failed: ENOENT/);
    assert.match(r.stdout, /1 of 2 files, .*; 1 failed/);
    assert.ok(existsSync(join(served.root, 'upload/there.txt')));
  });

  it('get: one file under a name, several into a folder (made), -n leaves a file alone', async () => {
    const here = localFolder();
    const one = await ftppy(['get', url('pub/hello.txt'), 'greeting.txt'], { cwd: here });
    assert.equal(one.code, 0, one.stderr);
    assert.equal(one.stdout, 'downloaded pub/hello.txt -> greeting.txt  12 B\n');
    assert.equal(readFileSync(join(here, 'greeting.txt'), 'utf8'), 'hello world\n');
    const many = await ftppy(['get', url('pub/hello.txt'), url('pub/data.bin'), 'into/'], { cwd: here });
    assert.equal(many.code, 0, many.stderr);
    assert.equal(sha256(join(here, 'into/data.bin')), sha256(BINARY));
    writeFileSync(join(here, 'greeting.txt'), 'mine\n');
    const kept = await ftppy(['get', '-n', url('pub/hello.txt'), 'greeting.txt'], { cwd: here });
    assert.equal(kept.code, 0, kept.stderr);
    assert.equal(readFileSync(join(here, 'greeting.txt'), 'utf8'), 'mine\n');
  });

  it('get: a missing file is exit 1 with its warning, and no file left behind', async () => {
    const here = localFolder();
    const r = await ftppy(['get', '--quiet', url('pub/absent.txt')], { cwd: here });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'warning: download /pub/absent.txt -> absent.txt failed: 550 /pub/absent.txt: No such file or directory\n');
    assert.ok(!existsSync(join(here, 'absent.txt')));
  });
});

describe('ftppy get: local names from the URL', { concurrency: 2 }, () => {
  // `%2F` puts a slash inside a segment, past the URL parser's own `.`/`..` handling; the
  // server normalises the path and serves the file, and the local name would be `.` or `..`.
  for (const path of ['pub/hello.txt%2F.', 'pub/hello.txt%2F..', 'pub%2Fx%5C..%5C..%5Chello.txt']) {
    it(`refuses ${path}: usage, exit 2, nothing written`, async () => {
      const base = localFolder();
      const here = join(base, 'here');
      mkdirSync(here);
      const r = await ftppy(['get', url(path)], { cwd: here });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /gives no file name to write locally/);
      assert.deepEqual(readdirSync(base), ['here']);
      assert.deepEqual(readdirSync(here), []);
    });
  }
});

describe('ftppy cat and stat', { concurrency: 2 }, () => {
  it('cat writes the bytes, one file after another', async () => {
    const r = await ftppy(['cat', url('pub/hello.txt'), url('pub/data.bin'), url('pub/lines.txt')]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.bytes.equals(Buffer.concat([Buffer.from('hello world\n'), BINARY, Buffer.from('one\ntwo\nthree\n')])));
  });

  it('stat: fields of each path; --json: the entries; a missing one: exit 1', async () => {
    const r = await ftppy(['stat', url('pub/hello.txt')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^path {8}\/pub\/hello\.txt\ntype {8}file\nsize {8}12 \(12 B\)\nmodified {4}\d{4}-.*Z\npermissions 644 \(-rw-r--r--\)\n/);
    const json = await ftppy(['stat', '--json', url('pub/nested'), url('pub/gone')]);
    assert.equal(json.code, 1);
    const document = JSON.parse(json.stdout) as { ok: boolean; entries: { path: string; dir: boolean }[]; warnings: { message: string }[] };
    assert.equal(document.ok, false);
    assert.deepEqual(document.entries.map((e) => [e.path, e.dir]), [['/pub/nested', true]]);
    assert.match(document.warnings[0]!.message, /^metadata \/pub\/gone failed/);
  });

  it('a reader that stops early (| head) ends cat quietly', async () => {
    const r = await ftppy(['cat', url('pub/data.bin'), url('pub/data.bin')], { stopReading: true });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
  });

  it('cat refuses --json (usage, exit 2)', async () => {
    const r = await ftppy(['cat', '--json', url('pub/hello.txt')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--json does not apply/);
  });
});

describe('ftppy mkdir, mv, cp, rm', () => {
  it('mkdir -p makes the chain; mv renames beside the source; cp copies into a folder', async () => {
    const made = await ftppy(['mkdir', '-p', url('upload/m/n/o')]);
    assert.equal(made.code, 0, made.stderr);
    assert.equal(made.stdout, 'made upload/m/n/o\n');
    writeFileSync(join(served.root, 'upload/m/first.txt'), 'first\n');
    const moved = await ftppy(['mv', url('upload/m/first.txt'), 'second.txt']);
    assert.equal(moved.code, 0, moved.stderr);
    assert.equal(moved.stdout, 'moved upload/m/first.txt -> upload/m/second.txt\n');
    assert.ok(existsSync(join(served.root, 'upload/m/second.txt')));
    const copied = await ftppy(['cp', url('upload/m/second.txt'), url('upload/m/n/')]);
    assert.equal(copied.code, 0, copied.stderr);
    assert.equal(readFileSync(join(served.root, 'upload/m/n/second.txt'), 'utf8'), 'first\n');
    assert.ok(existsSync(join(served.root, 'upload/m/second.txt')));
  });

  it('mv is mv: into a folder that exists, and to a path whose folders are made', async () => {
    await ftppy(['mkdir', '-p', url('upload/mv/box')]);
    writeFileSync(join(served.root, 'upload/mv/a.txt'), 'a\n');
    const into = await ftppy(['mv', url('upload/mv/a.txt'), url('upload/mv/box')]);
    assert.equal(into.code, 0, into.stderr);
    assert.equal(readFileSync(join(served.root, 'upload/mv/box/a.txt'), 'utf8'), 'a\n');
    const deep = await ftppy(['mv', url('upload/mv/box/a.txt'), '/upload/mv/new/deeper/b.txt']);
    assert.equal(deep.code, 0, deep.stderr);
    assert.equal(readFileSync(join(served.root, 'upload/mv/new/deeper/b.txt'), 'utf8'), 'a\n');
  });

  it('rm removes files; a folder needs -r; -r removes it with its contents', async () => {
    writeFileSync(join(served.root, 'upload/lone.txt'), 'x');
    await ftppy(['mkdir', '-p', url('upload/tree/inner')]);
    writeFileSync(join(served.root, 'upload/tree/inner/f.txt'), 'f');
    const file = await ftppy(['rm', url('upload/lone.txt')]);
    assert.equal(file.code, 0, file.stderr);
    assert.ok(!existsSync(join(served.root, 'upload/lone.txt')));
    const refused = await ftppy(['rm', url('upload/tree')]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^warning: remove \/upload\/tree failed: 550/);
    const gone = await ftppy(['rm', '-r', '--json', url('upload/tree')]);
    assert.equal(gone.code, 0, gone.stderr);
    assert.deepEqual(JSON.parse(gone.stdout), { ok: true, results: { 'upload/tree': true }, warnings: [] });
    assert.ok(!existsSync(join(served.root, 'upload/tree')));
  });

  it('a right the login lacks: exit 1 (anonymous may only read here)', async () => {
    const r = await ftppy(['mkdir', `ftp://127.0.0.1:${served.port}/upload/anon`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^warning: mkdir \/upload\/anon failed: 550/);
  });
});
