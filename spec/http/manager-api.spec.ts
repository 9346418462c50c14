// The REST endpoints the file manager page needs beyond GET/POST/PUT/DELETE on /files/:
// POST /mkdir/{path}, POST /move/{path}?to=…, GET /zip/{folder}[?name=…], GET
// /search/{folder}?pattern=…, and GET /events (the live figures, server-sent events).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../helpers/files.js';
import { ALICE, ask, startWeb, type WebFixture } from './support/web.js';

interface Problem {
  error: string;
  status: number;
}

describe('the file manager endpoints', { timeout: 60_000 }, () => {
  let w: WebFixture;
  const at = (path: string): string => join(w.root, path);
  before(async () => (w = await startWeb()));
  after(() => w.close());

  it('POST /mkdir makes a folder (201); an existing name is a 409 that says so; no right is a 401/403', async () => {
    const made = await ask(w.port, 'POST', '/mkdir/upload/new%20folder', { auth: ALICE });
    assert.equal(made.status, 201, made.text);
    assert.deepEqual(made.json(), { path: '/upload/new folder' });
    assert.equal(existsSync(at('upload/new folder')), true);
    const again = await ask(w.port, 'POST', '/mkdir/upload/new%20folder', { auth: ALICE });
    assert.equal(again.status, 409);
    assert.match(again.json<Problem>().error, /already exists/i);
    assert.equal((await ask(w.port, 'POST', '/mkdir/upload/by-anonymous')).status, 401);
    assert.equal((await ask(w.port, 'POST', '/mkdir/upload/x', { auth: 'anonymous:me@example.com' })).status, 403);
    assert.equal(existsSync(at('upload/x')), false);
  });

  it('POST /move renames and moves files and folders; never over an existing name', async () => {
    mkdirSync(at('upload/m/sub'), { recursive: true });
    writeFileSync(at('upload/m/a.txt'), 'a');
    writeFileSync(at('upload/m/b.txt'), 'b');
    const renamed = await ask(w.port, 'POST', `/move/upload/m/a.txt?to=${encodeURIComponent('/upload/m/été.txt')}`, { auth: ALICE });
    assert.equal(renamed.status, 200, renamed.text);
    assert.deepEqual(renamed.json(), { from: '/upload/m/a.txt', to: '/upload/m/été.txt' });
    assert.equal(readFileSync(at('upload/m/été.txt'), 'utf8'), 'a');
    const moved = await ask(w.port, 'POST', `/move/upload/m/sub?to=${encodeURIComponent('/upload/sub2')}`, { auth: ALICE });
    assert.equal(moved.status, 200);
    assert.equal(existsSync(at('upload/sub2')), true);
    const clash = await ask(w.port, 'POST', `/move/upload/m/b.txt?to=${encodeURIComponent('/upload/m/été.txt')}`, { auth: ALICE });
    assert.equal(clash.status, 409);
    assert.match(clash.json<Problem>().error, /already exists: \/upload\/m\/été\.txt/);
    assert.equal(readFileSync(at('upload/m/été.txt'), 'utf8'), 'a', 'the existing file is kept');
    const bad = await ask(w.port, 'POST', `/move/upload/m/b.txt?to=${encodeURIComponent('../../etc')}`, { auth: ALICE });
    assert.equal(bad.status, 400);
    assert.equal((await ask(w.port, 'POST', '/move/upload/m/b.txt', { auth: ALICE })).status, 400, 'no ?to');
    assert.equal((await ask(w.port, 'POST', '/move/upload/m/missing?to=/upload/x', { auth: ALICE })).status, 404);
  });

  it('GET /zip streams a folder, or the names chosen in it, and unzip gets the files back', async () => {
    mkdirSync(at('upload/z/inner'), { recursive: true });
    writeFileSync(at('upload/z/one.txt'), 'one\n');
    writeFileSync(at('upload/z/inner/two.txt'), 'two\n');
    writeFileSync(at('upload/z/three.txt'), 'three\n');
    const whole = await ask(w.port, 'GET', '/zip/upload/z', { auth: ALICE });
    assert.equal(whole.status, 200, whole.text);
    assert.equal(whole.headers['content-type'], 'application/zip');
    assert.equal(whole.headers['transfer-encoding'], 'chunked', 'streamed as it is made');
    assert.match(String(whole.headers['content-disposition']), /attachment; filename="z\.zip"/);
    const picked = await ask(w.port, 'GET', '/zip/upload/z?name=inner&name=three.txt', { auth: ALICE });
    assert.equal(picked.status, 200);
    const out = tempDir('ftppy-zip-get-');
    try {
      writeFileSync(join(out.dir, 'whole.zip'), whole.body);
      writeFileSync(join(out.dir, 'picked.zip'), picked.body);
      const names = (file: string): string[] => execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print("\\n".join(sorted(z.namelist())))', join(out.dir, file)], { encoding: 'utf8' }).trim().split('\n');
      assert.deepEqual(names('whole.zip'), ['z/', 'z/inner/', 'z/inner/two.txt', 'z/one.txt', 'z/three.txt']);
      assert.deepEqual(names('picked.zip'), ['inner/', 'inner/two.txt', 'three.txt']);
    } finally {
      out.remove();
    }
    assert.equal((await ask(w.port, 'GET', '/zip/upload/z?name=..', { auth: ALICE })).status, 400);
    assert.equal((await ask(w.port, 'GET', '/zip/upload/z?name=nothing', { auth: ALICE })).status, 404, 'checked before the first byte');
  });

  it('GET /search finds names by glob in the folder and below, case-insensitively; a plain word matches a part', async () => {
    const glob = await ask(w.port, 'GET', `/search/pub?pattern=${encodeURIComponent('*.TXT')}`, { auth: ALICE });
    assert.equal(glob.status, 200, glob.text);
    const paths = glob.json<{ path: string }[]>().map((e) => e.path).sort();
    assert.deepEqual(paths, ['/pub/hello.txt', '/pub/lines.txt', '/pub/name with spaces.txt', '/pub/nested/deeper/deep.txt', '/pub/unicode-été-名前.txt']);
    const word = await ask(w.port, 'GET', '/search/pub?pattern=deep', { auth: ALICE });
    assert.deepEqual(word.json<{ path: string }[]>().map((e) => e.path).sort(), ['/pub/nested/deeper', '/pub/nested/deeper/deep.txt']);
    assert.equal((await ask(w.port, 'GET', '/search/pub', { auth: ALICE })).status, 400, 'no pattern');
  });

  it('GET /events sends the live figures to an account with every right, and refuses others', async () => {
    const refused = await ask(w.port, 'GET', '/events', { auth: 'anonymous:me@example.com' });
    assert.equal(refused.status, 403);
    // an upload under way, half sent, shows in `active` with its progress
    const upload = request({ host: '127.0.0.1', port: w.port, method: 'PUT', path: '/files/upload/slow.bin', headers: { Authorization: `Basic ${Buffer.from(ALICE).toString('base64')}`, 'Content-Length': 1000 } });
    upload.on('error', () => {});
    upload.write(Buffer.alloc(400));
    const first = await nextFigures((figures) => (figures.active as { bytes: number }[]).some((t) => t.bytes === 400));
    upload.destroy();
    for (const key of ['sessions', 'logins', 'failedLogins', 'bans', 'transfers', 'throughput', 'active']) assert.ok(key in first, `${key} in ${JSON.stringify(first)}`);
    assert.ok(Array.isArray(first.throughput));
    assert.deepEqual((first.active as object[]).map((t) => ({ ...t, id: 0, started: '' })), [{ id: 0, started: '', user: 'alice', direction: 'upload', path: '/upload/slow.bin', bytes: 400, total: 1000 }]);
  });

  /** Reads /events until a message satisfies `wanted`. */
  function nextFigures(wanted: (figures: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: w.port, path: '/events', headers: { Authorization: `Basic ${Buffer.from(ALICE).toString('base64')}` } }, (res) => {
        assert.equal(res.headers['content-type'], 'text/event-stream');
        let held = '';
        res.on('data', (chunk: Buffer) => {
          held += chunk.toString('utf8');
          for (let end = held.indexOf('\n\n'); end !== -1; end = held.indexOf('\n\n')) {
            const data = held.slice(0, end).split('\n').find((line) => line.startsWith('data: '));
            held = held.slice(end + 2);
            const figures = JSON.parse(data!.slice(6)) as Record<string, unknown>;
            if (!wanted(figures)) continue;
            req.destroy();
            resolve(figures);
          }
        });
      });
      req.on('error', reject);
      req.end();
    });
  }
});
