// The tree commands of `ftppy` (sync, mirror, verify, backup, backups, restore, search)
// as child processes against our server.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ftppy, lines, localFolder, specServer } from './support/cli.js';

const served = specServer();
const url = served.url;

/** A small local tree: two files and a nested one. */
function site(): string {
  const dir = localFolder('ftppy-cli-site-');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'index.html'), '<h1>hi</h1>\n');
  writeFileSync(join(dir, 'style.css'), 'h1 {}\n');
  writeFileSync(join(dir, 'sub/page.html'), '<p>page</p>\n');
  return dir;
}

describe('ftppy sync', () => {
  it('up: a line per change and a summary; a second run changes nothing', async () => {
    const local = site();
    const first = await ftppy(['sync', 'up', local, url('upload/site')]);
    assert.equal(first.code, 0, first.stderr);
    const out = lines(first.stdout);
    assert.deepEqual(out.slice(0, -1).sort(), ['made folder sub', 'uploaded index.html', 'uploaded style.css', 'uploaded sub/page.html']);
    assert.match(out.at(-1)!, /^sync up: 1 folder made, 3 uploaded, 30 B in [\d.]+ s$/);
    assert.equal(readFileSync(join(served.root, 'upload/site/sub/page.html'), 'utf8'), '<p>page</p>\n');
    const again = await ftppy(['sync', 'up', local, url('upload/site')]);
    assert.match(again.stdout, /^sync up: 4 unchanged in [\d.]+ s\n$/);
  });

  it('down into a new folder, --json with results and counts; --quiet prints nothing', async () => {
    const local = join(localFolder(), 'copy');
    const r = await ftppy(['sync', 'down', '--json', local, url('pub/nested')]);
    assert.equal(r.code, 0, r.stderr);
    const document = JSON.parse(r.stdout) as { ok: boolean; results: Record<string, boolean>; counts: Record<string, number> };
    assert.deepEqual(document.results, { deeper: true, 'deeper/deep.txt': true });
    assert.deepEqual(document.counts, { mkdir: 1, download: 1 });
    assert.equal(readFileSync(join(local, 'deeper/deep.txt'), 'utf8'), 'deep\n');
    const quiet = await ftppy(['sync', 'down', '-q', local, url('pub/nested')]);
    assert.equal(quiet.code, 0);
    assert.equal(quiet.stdout, '');
  });

  it('a local folder that is not there: exit 1 and the warning', async () => {
    const r = await ftppy(['sync', 'up', join(localFolder(), 'absent'), url('upload/never')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^warning: sync .*absent: no such local folder\n$/);
  });
});

describe('ftppy mirror and verify', () => {
  it('mirror --dry-run says what it would do and changes nothing; mirror does it', async () => {
    mkdirSync(join(served.root, 'upload/www'));
    writeFileSync(join(served.root, 'upload/www/stale.txt'), 'old\n');
    const local = site();
    const dry = await ftppy(['mirror', '--dry-run', local, url('upload/www')]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^would delete stale\.txt$/m);
    assert.match(dry.stdout, /^would upload index\.html$/m);
    assert.match(dry.stdout, /^mirror \(dry run\): .*1 to delete/m);
    assert.deepEqual(readdirSync(join(served.root, 'upload/www')), ['stale.txt']);
    const real = await ftppy(['mirror', local, url('upload/www')]);
    assert.equal(real.code, 0, real.stderr);
    assert.deepEqual(readdirSync(join(served.root, 'upload/www')).sort(), ['index.html', 'style.css', 'sub']);
  });

  it('mirror refuses an empty local folder (exit 1) unless --force', async () => {
    mkdirSync(join(served.root, 'upload/keep'));
    writeFileSync(join(served.root, 'upload/keep/precious.txt'), 'keep me\n');
    const empty = localFolder();
    const refused = await ftppy(['mirror', empty, url('upload/keep')]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^warning: mirror .* refused: the local folder has no files/);
    assert.ok(existsSync(join(served.root, 'upload/keep/precious.txt')));
    const forced = await ftppy(['mirror', '--force', empty, url('upload/keep')]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.ok(!existsSync(join(served.root, 'upload/keep/precious.txt')));
  });

  it('verify: the same tree is exit 0; a file that differs is exit 1 and named', async () => {
    const local = site();
    await ftppy(['sync', 'up', local, url('upload/checked')]);
    const same = await ftppy(['verify', '--checksum', local, url('upload/checked')]);
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stdout, /^verify: 3 same in/m);
    writeFileSync(join(local, 'style.css'), 'h1 { color: red }\n');
    const differs = await ftppy(['verify', local, url('upload/checked')]);
    assert.equal(differs.code, 1);
    assert.match(differs.stdout, /^differs style\.css$/m);
    assert.match(differs.stdout, /^verify: 2 same, 1 differ in/m);
  });
});

describe('ftppy backup, backups, restore', () => {
  it('backup names its folder; backups lists it; restore brings the newest back', async () => {
    const local = site();
    const made = await ftppy(['backup', local, url('upload/backups')]);
    assert.equal(made.code, 0, made.stderr);
    const folder = /^backup: (\/upload\/backups\/backup_\d{8}_\d{6})$/m.exec(made.stdout)?.[1];
    assert.ok(folder, made.stdout);
    const listed = await ftppy(['backups', '--json', url('upload/backups')]);
    assert.deepEqual((JSON.parse(listed.stdout) as { backups: { path: string }[] }).backups.map((b) => b.path), [folder]);
    const target = join(localFolder(), 'restored');
    const restored = await ftppy(['restore', url('upload/backups'), target]);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, new RegExp(`^restore: ${folder}$`, 'm'));
    const name = local.split('/').at(-1)!;
    assert.equal(readFileSync(join(target, name, 'sub/page.html'), 'utf8'), '<p>page</p>\n');
  });

  it('restore from a folder without backups: exit 1 and why', async () => {
    const r = await ftppy(['restore', url('pub/nested'), localFolder()]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^warning: restore \/pub\/nested: holds no backup_YYYYMMDD_HHMMSS folder$/m);
  });
});

describe('ftppy search', () => {
  it('prints matching paths; -i ignores case; --json gives entries; no match is not a failure', async () => {
    const r = await ftppy(['search', '*.txt', url('pub')]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), ['/pub/hello.txt', '/pub/lines.txt', '/pub/name with spaces.txt', '/pub/nested/deeper/deep.txt', '/pub/unicode-été-名前.txt']);
    const folded = await ftppy(['search', '-i', 'HELLO.*', url('pub')]);
    assert.deepEqual(lines(folded.stdout), ['/pub/hello.txt']);
    const json = await ftppy(['search', '--json', 'deep*', url('pub')]);
    assert.deepEqual((JSON.parse(json.stdout) as { entries: { path: string }[] }).entries.map((e) => e.path), ['/pub/nested/deeper', '/pub/nested/deeper/deep.txt']);
    const none = await ftppy(['search', '*.nothing', url('pub')]);
    assert.equal(none.code, 0);
    assert.equal(none.stdout, '');
  });

  it('an unclosed [ is a usage error', async () => {
    const r = await ftppy(['search', '[abc', url('pub')]);
    assert.equal(r.code, 2);
  });
});
