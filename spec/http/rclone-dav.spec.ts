// rclone's WebDAV backend against our server, configured by environment variables only:
// `rclone copy` of a tree of 500 files whose names have spaces and non-ASCII letters,
// `rclone sync` after files were changed, added and deleted, `rclone check` (contents
// compared), and a copy back down. The files on the server's disk are compared too.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, it } from 'node:test';
import { expectSuccess, run, skipUnless } from '../helpers/external-clients.js';
import { pseudoRandom, sha256, tempDir } from '../helpers/files.js';
import { startWeb, type WebFixture } from './support/web.js';

const skip = skipUnless('rclone');
const work = tempDir('ftppy-rclone-dav-');
const local = join(work.dir, 'local');
const back = join(work.dir, 'back');
let w: WebFixture;
let env: Record<string, string>;

/** Every file below `dir`: relative path → SHA-256 of its contents. */
function tree(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else found.set(relative(dir, path), sha256(readFileSync(path)));
    }
  };
  walk(dir);
  return found;
}

const rclone = async (...args: string[]): Promise<string> =>
  expectSuccess(await run('rclone', [...args, '--transfers', '8', '--checkers', '8', '--retries', '1', '--low-level-retries', '2'], { env, timeoutMs: 170_000 }), `rclone ${args[0]}`);

before(async () => {
  if (skip !== false) return;
  w = await startWeb({}, { users: [{ name: 'dav', password: 'dav pw' }] });
  const obscured = expectSuccess(await run('rclone', ['obscure', 'dav pw']), 'rclone obscure').trim();
  env = {
    RCLONE_CONFIG: join(work.dir, 'none.conf'),
    RCLONE_CONFIG_X_TYPE: 'webdav',
    RCLONE_CONFIG_X_URL: `http://127.0.0.1:${w.port}/files/`,
    RCLONE_CONFIG_X_VENDOR: 'other',
    RCLONE_CONFIG_X_USER: 'dav',
    RCLONE_CONFIG_X_PASS: obscured,
  };
  // 10 folders of 50 files: spaces, accents, CJK, and an emoji outside the BMP.
  for (let d = 0; d < 10; d++) {
    const folder = join(local, `dossier été ${d}`, d % 2 ? `sous 名前 ${d}` : '');
    mkdirSync(folder, { recursive: true });
    for (let f = 0; f < 50; f++) writeFileSync(join(folder, `fichier ${f} ü 😀.txt`), pseudoRandom(100 + ((d * 50 + f) % 997), d * 50 + f + 1));
  }
});
after(async () => {
  await w?.close();
  work.remove();
});

it('rclone copy, sync and check a tree of 500 files with spaces and non-ASCII names', { skip, timeout: 600_000 }, async () => {
  assert.equal(tree(local).size, 500);
  await rclone('copy', local, 'X:tree');
  assert.deepEqual(tree(join(w.root, 'tree')), tree(local), 'the server holds what was sent');

  // Changed (other sizes), added and deleted files; a folder gone.
  const names = [...tree(local).keys()].sort();
  for (const name of names.slice(0, 20)) writeFileSync(join(local, name), `changed ${name}`);
  for (const name of names.slice(20, 40)) rmSync(join(local, name));
  rmSync(join(local, 'dossier été 9'), { recursive: true });
  for (let i = 0; i < 20; i++) writeFileSync(join(local, 'dossier été 0', `nouveau ${i} ß.bin`), pseudoRandom(5000 + i, 900 + i));
  await rclone('sync', local, 'X:tree');
  assert.deepEqual(tree(join(w.root, 'tree')), tree(local), 'after sync the server mirrors the local tree');

  const checked = await run('rclone', ['check', local, 'X:tree', '--download', '--checkers', '8'], { env, timeoutMs: 170_000 });
  assert.equal(checked.code, 0, checked.stderr);
  assert.match(checked.stderr, /0 differences found/);

  await rclone('copy', 'X:tree', back);
  assert.deepEqual(tree(back), tree(local), 'and comes back down the same');
});
