// POST /files/{path} (multipart/form-data) and PUT /files/{path} (raw body) into a real
// FTP server's folder: where files land, what the answer says, the bounds (413), and
// that nothing half-written ever appears under a target name.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { WebEntry } from '../../http/index.js';
import { pseudoRandom } from '../helpers/files.js';
import { ALICE, ask, formBody, leftovers, startWeb, type WebFixture } from './support/web.js';

type Stored = { files: WebEntry[] };

describe('POST and PUT /files', () => {
  let w: WebFixture;
  const at = (path: string): string => join(w.root, path);
  const post = (target: string, parts: Parameters<typeof formBody>[0], headers: Record<string, string> = {}) => {
    const { body, contentType } = formBody(parts);
    return ask(w.port, 'POST', target, { auth: ALICE, body, headers: { 'Content-Type': contentType, ...headers } });
  };
  before(async () => (w = await startWeb({ limits: { bodyBytes: 256 * 1024, parts: 5, partHeaderBytes: 1024 } })));
  after(() => w.close());

  it('POST a form with one file to a file path: 201, stored there, with its entry', async () => {
    const a = await post('/files/upload/remote.txt', [{ content: 'remote content\n' }]);
    assert.equal(a.status, 201);
    assert.equal(a.headers.location, '/files/upload/remote.txt');
    const [entry] = a.json<Stored>().files;
    assert.equal(entry?.path, '/upload/remote.txt');
    assert.equal(entry?.size, 15);
    assert.equal(readFileSync(at('upload/remote.txt'), 'utf8'), 'remote content\n');
    // replacing it: 200
    assert.equal((await post('/files/upload/remote.txt', [{ content: 'new' }])).status, 200);
    assert.equal(readFileSync(at('upload/remote.txt'), 'utf8'), 'new');
  });

  it('POST to a folder stores every file part under its own name; plain fields are ignored', async () => {
    const a = await post('/files/upload/', [
      { field: 'note', filename: null, content: 'ignored' },
      { filename: 'one.txt', content: '1' },
      { filename: 'C:\\Users\\me\\two.txt', content: '22' },
      { filename: '', content: '' }, // a file input left empty
    ]);
    assert.equal(a.status, 201);
    assert.deepEqual(a.json<Stored>().files.map((f) => f.path), ['/upload/one.txt', '/upload/two.txt']);
    assert.equal(readFileSync(at('upload/two.txt'), 'utf8'), '22');
    const existing = await post('/files/upload', [{ filename: 'three.txt', content: '333' }]);
    assert.equal(existing.status, 201);
    assert.equal(readFileSync(at('upload/three.txt'), 'utf8'), '333');
  });

  it('binary content survives byte for byte', async () => {
    const bytes = pseudoRandom(200_000, 3);
    assert.equal((await post('/files/upload/binary.bin', [{ content: bytes }])).status, 201);
    assert.ok(readFileSync(at('upload/binary.bin')).equals(bytes));
  });

  it('PUT stores the raw body', async () => {
    const a = await ask(w.port, 'PUT', '/files/upload/raw.txt', { auth: ALICE, body: 'raw body' });
    assert.equal(a.status, 201);
    assert.equal(readFileSync(at('upload/raw.txt'), 'utf8'), 'raw body');
    assert.equal((await ask(w.port, 'PUT', '/files/upload/raw.txt', { auth: ALICE, body: '' })).status, 200);
    assert.equal(readFileSync(at('upload/raw.txt'), 'utf8'), '');
    const chunked = await ask(w.port, 'PUT', '/files/upload/chunked.txt', { auth: ALICE, body: 'chunks', headers: { 'Transfer-Encoding': 'chunked' } });
    assert.equal(chunked.status, 201);
  });

  it('?dirs=1 creates the missing folders; without it, 409', async () => {
    const missing = await post('/files/upload/a/b/c.txt', [{ content: 'c' }]);
    assert.equal(missing.status, 409);
    assert.match(missing.json<{ error: string }>().error, /dirs=1/);
    assert.equal((await ask(w.port, 'PUT', '/files/upload/a/b/c.txt', { auth: ALICE, body: 'c' })).status, 409);
    assert.equal((await post('/files/upload/a/b/c.txt?dirs=1', [{ content: 'c' }])).status, 201);
    assert.equal(readFileSync(at('upload/a/b/c.txt'), 'utf8'), 'c');
    assert.equal((await post('/files/upload/new-folder/?dirs=1', [{ filename: 'd.txt', content: 'd' }])).status, 201);
    assert.equal(readFileSync(at('upload/new-folder/d.txt'), 'utf8'), 'd');
    // a file standing where a folder should be
    assert.equal((await post('/files/pub/hello.txt/x.txt?dirs=1', [{ content: 'x' }])).status, 409);
  });

  it('409 for a folder as the target of a file', async () => {
    assert.equal((await ask(w.port, 'PUT', '/files/upload', { auth: ALICE, body: 'x' })).status, 409);
    assert.equal((await ask(w.port, 'PUT', '/files/upload/new/', { auth: ALICE, body: 'x' })).status, 409);
  });

  it('400: not multipart, no boundary, no file part, two files for one path, a bad file name', async () => {
    assert.equal((await ask(w.port, 'POST', '/files/upload/x.txt', { auth: ALICE, body: 'x', headers: { 'Content-Type': 'text/plain' } })).status, 400);
    assert.equal((await ask(w.port, 'POST', '/files/upload/x.txt', { auth: ALICE, body: 'x', headers: { 'Content-Type': 'multipart/form-data' } })).status, 400);
    assert.equal((await post('/files/upload/x.txt', [{ field: 'f', filename: null, content: 'x' }])).status, 400);
    assert.equal((await post('/files/upload/x.txt', [{ content: '1' }, { content: '2' }])).status, 400);
    assert.equal((await post('/files/upload/', [{ filename: '..', content: '1' }])).status, 400);
    assert.equal(existsSync(at('upload/x.txt')), false);
  });

  it('a body cut before its closing boundary stores nothing, and keeps the old file', async () => {
    writeFileSync(at('upload/keep.txt'), 'old');
    const { body, contentType } = formBody([{ content: 'new content that never completes' }]);
    const cut = body.subarray(0, body.length - 10);
    const a = await ask(w.port, 'POST', '/files/upload/keep.txt', { auth: ALICE, body: cut, headers: { 'Content-Type': contentType } });
    assert.equal(a.status, 400);
    assert.equal(readFileSync(at('upload/keep.txt'), 'utf8'), 'old');
    // a folder upload is all or nothing: the first file is not kept when the second fails
    const two = formBody([{ filename: 'first.txt', content: 'complete' }, { filename: 'second.txt', content: 'cut short here' }]);
    const b = await ask(w.port, 'POST', '/files/upload/', { auth: ALICE, body: two.body.subarray(0, two.body.length - 20), headers: { 'Content-Type': two.contentType } });
    assert.equal(b.status, 400);
    assert.equal(existsSync(at('upload/first.txt')), false);
    assert.deepEqual(leftovers(w.root), []);
  });

  it('413: a declared length over the bound, a streamed body over it, too many parts, part headers too large', async () => {
    const big = Buffer.alloc(300 * 1024, 0x61);
    const declared = await ask(w.port, 'PUT', '/files/upload/big.bin', { auth: ALICE, body: big });
    assert.equal(declared.status, 413);
    assert.deepEqual(declared.json(), { error: 'Request body larger than 262144 bytes', status: 413 });
    const streamed = await ask(w.port, 'PUT', '/files/upload/big.bin', { auth: ALICE, body: big, headers: { 'Transfer-Encoding': 'chunked' } });
    assert.equal(streamed.status, 413);
    const form = await post('/files/upload/big.bin', [{ content: big }], { 'Transfer-Encoding': 'chunked' });
    assert.equal(form.status, 413);
    const parts = await post('/files/upload/', Array.from({ length: 6 }, (_, i) => ({ filename: `p${i}.txt`, content: 'p' })));
    assert.equal(parts.status, 413);
    const header = await post('/files/upload/h.txt', [{ filename: 'x'.repeat(2000), content: 'h' }]);
    assert.equal(header.status, 413);
    for (const name of ['big.bin', 'p0.txt', 'h.txt']) assert.equal(existsSync(at(`upload/${name}`)), false, name);
    assert.deepEqual(leftovers(w.root), []);
  });

  it('the connection still serves requests after a refused body', async () => {
    assert.equal((await ask(w.port, 'GET', '/files/pub/hello.txt')).status, 200);
  });
});
