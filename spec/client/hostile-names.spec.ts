// A hostile server's listings against the client's tree operations: names such as `../x`
// or `a/../../y` must never make the client write outside the local folder it was given
// (the class of lftp's CVE-2018-10916). Each bad entry is skipped with a warning that
// names its line, and the good entries still arrive.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { Basic, FtpPy, type Client } from '../../lib/index.js';
import { tempDir } from '../helpers/files.js';
import { startScriptServer, type ScriptServer, type Session } from '../helpers/script-server.js';
import { captureWarnings, settled } from '../helpers/warnings.js';

type Format = 'unix' | 'dos' | 'mlsd';
interface Item {
  name: string;
  dir: boolean;
}

const GOOD = Buffer.from('good\n');
const EVIL = Buffer.from('EVIL!'); // the same size, so that a download of it would succeed
const BAD_FILES = ['../x', 'a/../../y', '..\\x', 'nul\0name', 'back\\slash'];
// An MLSD pathname with a `/` is read as a path (a few servers write paths there), so
// `sl/ash` is `ash` in MLSD; in a LIST it is a name with a slash, refused.
const LIST_ONLY = ['sl/ash'];
const BAD_DIRS = ['../../dir'];

function line(format: Format, { name, dir }: Item): string {
  if (format === 'unix') return `${dir ? 'drwxr-xr-x' : '-rw-r--r--'}    1 0        0        ${String(dir ? 4096 : 5).padStart(8)} Jan 01  2024 ${name}`;
  if (format === 'dos') return `01-01-24  10:00AM       ${dir ? '<DIR>    ' : '        5'} ${name}`;
  return `type=${dir ? 'dir' : 'file'};size=${dir ? 0 : 5};modify=20240101000000; ${name}`;
}

function listingOf(format: Format, dir: string): Item[] {
  if (dir === '/r') {
    const bad = [...BAD_FILES, ...(format === 'mlsd' ? [] : LIST_ONLY)].map((name) => ({ name, dir: false }));
    return [{ name: 'good.txt', dir: false }, { name: 'sub', dir: true }, ...bad, ...BAD_DIRS.map((name) => ({ name, dir: true }))];
  }
  if (dir === '/r/sub') return [{ name: 'inner.txt', dir: false }];
  // Wherever a bad folder name leads: a file, which would land outside the local root.
  return [{ name: 'deep.txt', dir: false }];
}

async function sendData(session: Session, bytes: Buffer): Promise<void> {
  const data = await session.data();
  session.reply('150 Opening BINARY mode data connection');
  data.end(bytes, () => session.reply('226 Transfer complete'));
}

function hostile(server: ScriptServer, format: Format): void {
  server.dirs.add('/r');
  server.dirs.add('/r/sub');
  if (format === 'mlsd') server.features = [...server.features, 'MLST type*;size*;modify*;'];
  const listing = (session: Session, arg: string): Promise<boolean> => {
    const dir = arg.replace(/^-a /, '');
    const text = listingOf(format, dir).map((item) => `${line(format, item)}\r\n`).join('');
    return sendData(session, Buffer.from(text)).then(() => true);
  };
  server.on(format === 'mlsd' ? 'MLSD' : 'LIST', listing);
  // Anything may be asked for: the good files get their bytes, and whatever a bad name led to gets EVIL.
  server.on('RETR', (session, arg) => sendData(session, arg === '/r/good.txt' || arg === '/r/sub/inner.txt' ? GOOD : EVIL).then(() => true));
  server.on('SIZE', (session) => (session.reply('213 5'), true));
}

/** Every path below `base` except what lies inside `root`. */
function outside(base: string, root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      found.push(relative(base, path));
      if (entry.isDirectory() && path !== root) walk(path);
    }
  };
  walk(base);
  return found.sort();
}

/** Every path inside `root`, files with their contents. */
function inside(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        found.push(`${relative(root, path)}/`);
        walk(path);
      } else {
        found.push(`${relative(root, path)}=${readFileSync(path, 'utf8')}`);
      }
    }
  };
  walk(root);
  return found.sort();
}

const local = tempDir('ftppy-hostile-');
after(() => local.remove());

let server: ScriptServer;
let warnings: ReturnType<typeof captureWarnings>;
let run = 0;
beforeEach(async () => {
  server = await startScriptServer();
  warnings = captureWarnings();
});
afterEach(async () => {
  warnings.stop();
  await server.close();
});

/** A fresh `base/a/b/root` (root not made: the operation makes it). */
function layout(): { base: string; root: string } {
  const base = join(local.dir, `run${run++}`);
  mkdirSync(join(base, 'a', 'b'), { recursive: true });
  return { base, root: join(base, 'a', 'b', 'root') };
}

function client<T>(use: (client: Client) => Promise<T>): Promise<T> {
  const ftp = new FtpPy(`ftp://127.0.0.1:${server.port}`, { auth: new Basic('u', 'p'), retry: { total: 0, backoff: 0.01 } });
  return ftp.client(use);
}

function badNames(format: Format): string[] {
  return [...BAD_FILES, ...BAD_DIRS, ...(format === 'mlsd' ? [] : LIST_ONLY)];
}

/** Every bad name is named (as JSON writes it) by some warning. */
async function assertWarned(format: Format): Promise<void> {
  await settled();
  for (const name of badNames(format)) {
    const quoted = JSON.stringify(name).slice(1, -1);
    assert.ok(warnings.list.some((w) => w.message.includes(quoted)), `no warning names ${quoted}: ${JSON.stringify(warnings.list)}`);
  }
}

const GOOD_TREE = ['good.txt=good\n', 'sub/', 'sub/inner.txt=good\n'];
const GOOD_PATHS = ['/r/good.txt', '/r/sub', '/r/sub/inner.txt'];

for (const format of ['unix', 'dos', 'mlsd'] as const) {
  describe(`a server listing hostile names (${format})`, { timeout: 20_000 }, () => {
    beforeEach(() => hostile(server, format));

    it('sync down writes only inside the local root', async () => {
      const { base, root } = layout();
      const results = await client((c) => c.sync(root, '/r', 'down'));
      assert.deepEqual(outside(base, root), ['a', 'a/b', 'a/b/root']);
      assert.deepEqual(inside(root), GOOD_TREE);
      assert.deepEqual(Object.keys(results).sort(), ['good.txt', 'sub', 'sub/inner.txt']);
      await assertWarned(format);
    });

    it('restore writes only inside the local root', async () => {
      const { base, root } = layout();
      await client((c) => c.restore('/r', root));
      assert.deepEqual(outside(base, root), ['a', 'a/b', 'a/b/root']);
      assert.deepEqual(inside(root), GOOD_TREE);
      await assertWarned(format);
    });

    it('fetch of what list gave, by name, writes only inside the local root', async () => {
      const { base, root } = layout();
      mkdirSync(root);
      await client(async (c) => {
        const entries = (await c.list('/r')) ?? [];
        assert.deepEqual(entries.map((e) => e.name).sort(), ['good.txt', 'sub']);
        const results = await c.fetch(entries.filter((e) => !e.dir).map((e) => [e.path, join(root, e.name)] as const));
        assert.deepEqual(results, { '/r/good.txt': true });
      });
      assert.deepEqual(outside(base, root), ['a', 'a/b', 'a/b/root']);
      assert.deepEqual(inside(root), ['good.txt=good\n']);
      await assertWarned(format);
    });

    it('list({ deep }) and search give only the entries inside the folder', async () => {
      await client(async (c) => {
        const deep = await c.list('/r', { deep: true });
        assert.deepEqual(deep?.map((e) => e.path), GOOD_PATHS);
        const found = await c.search('*', '/r');
        assert.deepEqual(found?.map((e) => e.path), GOOD_PATHS);
      });
      await assertWarned(format);
    });
  });
}
