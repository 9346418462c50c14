// cadaver (Debian package cadaver), the command-line WebDAV client, scripted on its
// standard input against our server, credentials from a ~/.netrc in a temporary HOME:
// mkcol, put, get, move, propset/propget, lock/unlock, delete, rmcol; the files on the
// server's disk are checked after each script.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { run, skipUnless } from '../helpers/external-clients.js';
import { tempDir } from '../helpers/files.js';
import { startWeb, type WebFixture } from './support/web.js';

const skip = skipUnless('cadaver');
const work = tempDir('ftppy-cadaver-');
const home = join(work.dir, 'home');
const here = join(work.dir, 'here');
let w: WebFixture;

before(async () => {
  if (skip !== false) return;
  w = await startWeb({}, { users: [{ name: 'cad', password: 'cad-pw' }] });
  mkdirSync(home);
  mkdirSync(here);
  writeFileSync(join(home, '.netrc'), 'machine 127.0.0.1\nlogin cad\npassword cad-pw\n');
  chmodSync(join(home, '.netrc'), 0o600);
  writeFileSync(join(here, 'local file.txt'), 'sent by cadaver ✓\n');
});
after(async () => {
  await w?.close();
  work.remove();
});

async function cadaver(script: string[]): Promise<string> {
  const result = await run('cadaver', [`http://127.0.0.1:${w.port}/files/`], {
    cwd: here,
    env: { HOME: home },
    input: `${[...script, 'quit'].join('\n')}\n`,
    timeoutMs: 30_000,
  });
  const output = result.stdout + result.stderr;
  assert.equal(result.code, 0, output);
  return output;
}

it('cadaver: mkcol, put, get, move, propset, lock, delete, rmcol', { skip, timeout: 90_000 }, async () => {
  const first = await cadaver([
    'mkcol dossier',
    'cd dossier',
    'put "local file.txt" a.txt',
    'get a.txt "back file.txt"',
    'move a.txt "b é.txt"',
    'propset "b é.txt" colour blue',
    'propget "b é.txt" colour',
    'lock "b é.txt"',
    'unlock "b é.txt"',
    'ls',
  ]);
  assert.doesNotMatch(first, /failed/i, first);
  assert.match(first, /Value of colour is: blue/, first);
  assert.equal(readFileSync(join(w.root, 'dossier/b é.txt'), 'utf8'), 'sent by cadaver ✓\n');
  assert.equal(existsSync(join(w.root, 'dossier/a.txt')), false);
  assert.equal(readFileSync(join(here, 'back file.txt'), 'utf8'), 'sent by cadaver ✓\n');

  const second = await cadaver(['delete "dossier/b é.txt"', 'rmcol dossier']);
  assert.doesNotMatch(second, /failed/i, second);
  assert.equal(existsSync(join(w.root, 'dossier')), false);
});
