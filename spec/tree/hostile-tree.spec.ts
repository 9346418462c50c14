// A property of sync: for random trees whose names are odd but legal (unicode, `..` inside
// a name, leading and trailing blanks, glob and listing punctuation, bytes that are not
// UTF-8, up to the 255 bytes a file system allows),
// `sync up` then `sync down` against our server gives back the tree byte for byte, and no
// file appears outside the roots on either side. The seed is printed on failure;
// FTPPY_SEED=n replays it.
//
// Names are strings as protocol/text.ts carries them (decodeRaw: each byte that is not
// UTF-8 as U+DC80+byte), written to disk as their bytes and compared as bytes (snapshot).
// Limits, on purpose: no name holds `\`, which listings refuse (see
// spec/client/hostile-names.spec.ts), nor `/` or NUL, which no file system name can.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Basic, FtpPy } from '../../lib/index.js';
import { decodeRaw, encodeRaw, nativePath } from '../../protocol/text.js';
import { seeded } from '../helpers/chunks.js';
import { pseudoRandom, tempDir } from '../helpers/files.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';
import { assertSameTree, snapshot } from '../helpers/tree-fixture.js';

const ITERATIONS = 50;
const MAX_NAME_BYTES = 255;

const PIECES = [
  'a..b', '..x', 'x..', '...', '.hidden', ' lead', 'trail ', 'two  spaces', 'été', '名前', 'Ωmega', 'e\u0301', '😀',
  'semi;colon', 'type=file; x', '-rw-r--r-- 1 a b 1 Jan 01  2024 x', '*?[glob]', '#hash', '%41', "quo'te", 'dq"uote',
  'a -> b', '~tilde', '$HOME', '-a', 'UPPER', 'upper', '\u00a0nbsp', 'tab\there', 'CON', 'x.ftppy-partial',
  // bytes that are not UTF-8: Latin-1 é, 0xFF, a lone continuation byte, a cut sequence, an overlong '/'
  'caf\uDCE9', '\uDCFF', 'x\uDC80y', '\uDCE2\uDC82', '\uDCC0\uDCAF', '\uDCE9t\uDCE9',
];

/** A name of 1 to MAX_NAME_BYTES bytes, from odd pieces and now and then a long run. */
function randomName(random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  let name = pick(PIECES);
  if (random() < 0.4) name += pick(PIECES);
  if (random() < 0.15) name += pick(['x', 'é', '名', '\uDCE9']).repeat(40 + Math.floor(random() * 240));
  while (encodeRaw(name).length > MAX_NAME_BYTES) name = [...name].slice(0, -1).join('');
  if (name === '.' || name === '..') name += 'x';
  // As a listing will read it: raw bytes that happen to join into UTF-8 (C3 + A9) are that character.
  return decodeRaw(encodeRaw(name));
}

interface Shape {
  files: Map<string, Buffer>;
  dirs: string[];
}

/** A random tree: up to three levels, some empty folders, files of 0 to ~70 KiB. */
function randomTree(random: () => number): Shape {
  const files = new Map<string, Buffer>();
  const dirs: string[] = [];
  const fill = (dir: string, depth: number): void => {
    const used = new Set<string>();
    const count = 1 + Math.floor(random() * 4);
    for (let i = 0; i < count; i++) {
      const name = randomName(random);
      if (used.has(name)) continue;
      used.add(name);
      const path = dir === '' ? name : `${dir}/${name}`;
      if (depth < 3 && random() < 0.35) {
        dirs.push(path);
        fill(path, depth + 1);
      } else if (depth < 3 && random() < 0.08) {
        dirs.push(path); // empty
      } else {
        const size = random() < 0.1 ? 65_536 + Math.floor(random() * 5000) : Math.floor(random() * 3000);
        files.set(path, pseudoRandom(size, Math.floor(random() * 2 ** 31)));
      }
    }
  };
  fill('', 0);
  return { files, dirs };
}

function writeShape(root: string, shape: Shape): void {
  mkdirSync(root, { recursive: true });
  for (const dir of shape.dirs) mkdirSync(nativePath(join(root, ...dir.split('/'))), { recursive: true });
  const time = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
  for (const [path, data] of shape.files) {
    const file = nativePath(join(root, ...path.split('/')));
    writeFileSync(file, data);
    utimesSync(file, time, time);
  }
}

describe('sync up then down with hostile but legal names', { timeout: 90_000 }, () => {
  let t: TestServer;
  const local = tempDir('ftppy-hostile-tree-');
  before(async () => {
    t = await startServer();
  });
  after(async () => {
    await t.close();
    local.remove();
  });

  it(`gives back the tree byte for byte and writes nothing outside the roots (${ITERATIONS} random trees)`, async () => {
    const seed = Number(process.env.FTPPY_SEED ?? Date.now() % 2 ** 31);
    const served = readdirSync(t.root).sort();
    const ftp = new FtpPy(`ftp://127.0.0.1:${t.port}`, { auth: new Basic(USER, PASSWORD), retry: { total: 1, backoff: 0.05 } });
    await ftp.client(async (client) => {
      for (let i = 0; i < ITERATIONS; i++) {
        const random = seeded(seed + i);
        const shape = randomTree(random);
        const base = join(local.dir, `run${i}`);
        const src = join(base, 'src');
        const dst = join(base, 'dst');
        const remote = `/upload/t${i}`;
        try {
          writeShape(src, shape);
          const up = await client.sync(src, remote, 'up');
          assert.ok(Object.values(up).every(Boolean), `sync up: ${JSON.stringify(up)}`);
          const down = await client.sync(dst, remote, 'down');
          assert.ok(Object.values(down).every(Boolean), `sync down: ${JSON.stringify(down)}`);
          const want = snapshot(src);
          assertSameTree(snapshot(dst), want);
          assertSameTree(snapshot(join(t.root, 'upload', `t${i}`)), want, { times: false });
          assert.deepEqual(readdirSync(base).sort(), ['dst', 'src']);
          assert.deepEqual(readdirSync(t.root).sort(), served);
          assert.deepEqual(readdirSync(join(t.root, 'upload')).sort(), Array.from({ length: i + 1 }, (_, n) => `t${n}`).sort());
        } catch (error) {
          const names = [...shape.dirs, ...shape.files.keys()].map((name) => JSON.stringify(name)).join(', ');
          throw new Error(`seed ${seed + i} (FTPPY_SEED=${seed}, tree ${i}): ${(error as Error).message}\n  names: ${names}`, { cause: error });
        }
      }
    });
  });
});
