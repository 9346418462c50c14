// GET and HEAD /files/{path} against a real FTP server's files: headers, ranges,
// conditional requests, folder listings in the design's listing-entry shape.
import assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { WebEntry } from '../../http/index.js';
import type { ListingEntry } from '../../protocol/listing/entry.js';
import { BINARY } from '../helpers/test-server.js';
import { ALICE, ask, startWeb, type WebFixture } from './support/web.js';

// The web entry is the design's listing entry, with the date as text (JSON has none).
const sameShape = (entry: WebEntry): Omit<ListingEntry, 'modified'> & { modified: string | null } => entry;

describe('GET and HEAD /files', () => {
  let w: WebFixture;
  before(async () => {
    w = await startWeb();
    utimesSync(join(w.root, 'pub/hello.txt'), new Date('2026-03-04T05:06:07Z'), new Date('2026-03-04T05:06:07Z'));
  });
  after(() => w.close());

  it('streams a file with its type, length, date and tag', async () => {
    const a = await ask(w.port, 'GET', '/files/pub/hello.txt');
    assert.equal(a.status, 200);
    assert.equal(a.text, 'hello world\n');
    assert.equal(a.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(a.headers['content-length'], '12');
    assert.equal(a.headers['last-modified'], 'Wed, 04 Mar 2026 05:06:07 GMT');
    assert.match(a.headers.etag ?? '', /^"[0-9a-f]+-[0-9a-f]+"$/);
    assert.equal(a.headers['accept-ranges'], 'bytes');
    assert.equal(a.headers['x-content-type-options'], 'nosniff');
    assert.equal(a.headers['content-security-policy'], 'sandbox');
    const big = await ask(w.port, 'GET', '/files/pub/data.bin', { auth: ALICE });
    assert.equal(big.headers['content-type'], 'application/octet-stream');
    assert.ok(big.body.equals(BINARY));
  });

  it('decodes names once: spaces, UTF-8', async () => {
    assert.equal((await ask(w.port, 'GET', '/files/pub/name%20with%20spaces.txt')).text, 'spaces\n');
    assert.equal((await ask(w.port, 'GET', '/files/pub/unicode-%C3%A9t%C3%A9-%E5%90%8D%E5%89%8D.txt')).text, 'unicode\n');
  });

  it('HEAD: the same headers, no body', async () => {
    const get = await ask(w.port, 'GET', '/files/pub/hello.txt');
    const head = await ask(w.port, 'HEAD', '/files/pub/hello.txt');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    for (const name of ['content-type', 'content-length', 'last-modified', 'etag']) assert.equal(head.headers[name], get.headers[name], name);
  });

  it('offers a download under the file name (?download=1)', async () => {
    const a = await ask(w.port, 'GET', '/files/pub/unicode-%C3%A9t%C3%A9-%E5%90%8D%E5%89%8D.txt?download=1');
    assert.equal(a.headers['content-disposition'], `attachment; filename="unicode-_t_-__.txt"; filename*=UTF-8''unicode-%C3%A9t%C3%A9-%E5%90%8D%E5%89%8D.txt`);
  });

  it('Range: 206 with Content-Range, a suffix, an open end', async () => {
    const part = await ask(w.port, 'GET', '/files/pub/data.bin', { headers: { Range: 'bytes=100-199' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers['content-range'], `bytes 100-199/${BINARY.length}`);
    assert.equal(part.headers['content-length'], '100');
    assert.ok(part.body.equals(BINARY.subarray(100, 200)));
    const tail = await ask(w.port, 'GET', '/files/pub/data.bin', { headers: { Range: 'bytes=-17' } });
    assert.ok(tail.body.equals(BINARY.subarray(BINARY.length - 17)));
    const open = await ask(w.port, 'GET', '/files/pub/data.bin', { headers: { Range: `bytes=${BINARY.length - 5}-` } });
    assert.ok(open.body.equals(BINARY.subarray(BINARY.length - 5)));
    const several = await ask(w.port, 'GET', '/files/pub/hello.txt', { headers: { Range: 'bytes=0-1,3-4' } });
    assert.equal(several.status, 200);
    assert.equal(several.text, 'hello world\n');
  });

  it('Range past the end: 416 with the size', async () => {
    const a = await ask(w.port, 'GET', '/files/pub/hello.txt', { headers: { Range: 'bytes=12-' } });
    assert.equal(a.status, 416);
    assert.equal(a.headers['content-range'], 'bytes */12');
    assert.deepEqual(a.json(), { error: 'Range not satisfiable: /pub/hello.txt has 12 bytes', status: 416 });
  });

  it('If-Range with a stale tag sends the whole file', async () => {
    const { headers } = await ask(w.port, 'HEAD', '/files/pub/hello.txt');
    const fresh = await ask(w.port, 'GET', '/files/pub/hello.txt', { headers: { Range: 'bytes=0-4', 'If-Range': headers.etag! } });
    assert.equal(fresh.status, 206);
    assert.equal(fresh.text, 'hello');
    const stale = await ask(w.port, 'GET', '/files/pub/hello.txt', { headers: { Range: 'bytes=0-4', 'If-Range': '"stale"' } });
    assert.equal(stale.status, 200);
    assert.equal(stale.text, 'hello world\n');
  });

  it('304 for a matching If-None-Match or an unchanged If-Modified-Since, on GET and HEAD', async () => {
    const { headers } = await ask(w.port, 'GET', '/files/pub/hello.txt');
    for (const method of ['GET', 'HEAD']) {
      const byTag = await ask(w.port, method, '/files/pub/hello.txt', { headers: { 'If-None-Match': headers.etag! } });
      assert.equal(byTag.status, 304);
      assert.equal(byTag.body.length, 0);
      assert.equal(byTag.headers.etag, headers.etag);
      const byDate = await ask(w.port, method, '/files/pub/hello.txt', { headers: { 'If-Modified-Since': headers['last-modified']! } });
      assert.equal(byDate.status, 304);
    }
    const older = await ask(w.port, 'GET', '/files/pub/hello.txt', { headers: { 'If-Modified-Since': 'Tue, 03 Mar 2026 00:00:00 GMT' } });
    assert.equal(older.status, 200);
    const otherTag = await ask(w.port, 'GET', '/files/pub/hello.txt', { headers: { 'If-None-Match': '"nope"', 'If-Modified-Since': headers['last-modified']! } });
    assert.equal(otherTag.status, 200);
  });

  it('a new upload changes the tag', async () => {
    writeFileSync(join(w.root, 'upload/changing.txt'), 'one');
    const before = (await ask(w.port, 'HEAD', '/files/upload/changing.txt')).headers.etag;
    await ask(w.port, 'PUT', '/files/upload/changing.txt', { auth: ALICE, body: 'two!' });
    const now = (await ask(w.port, 'HEAD', '/files/upload/changing.txt')).headers.etag;
    assert.notEqual(now, before);
    assert.equal((await ask(w.port, 'GET', '/files/upload/changing.txt', { headers: { 'If-None-Match': before! } })).status, 200);
  });

  it('a folder answers its listing as JSON listing entries', async () => {
    for (const target of ['/files/pub', '/files/pub/', '/files//pub']) {
      const a = await ask(w.port, 'GET', target);
      assert.equal(a.status, 200);
      assert.equal(a.headers['content-type'], 'application/json');
      const entries = a.json<WebEntry[]>().map(sameShape).sort((x, y) => x.name.localeCompare(y.name));
      assert.deepEqual(entries.map((e) => e.name), ['data.bin', 'hello.txt', 'lines.txt', 'name with spaces.txt', 'nested', 'unicode-été-名前.txt']);
      const hello = entries.find((e) => e.name === 'hello.txt')!;
      assert.deepEqual(hello, { name: 'hello.txt', path: '/pub/hello.txt', size: 12, dir: false, modified: '2026-03-04T05:06:07.000Z', permissions: '644', type: 'file' });
      const nested = entries.find((e) => e.name === 'nested')!;
      assert.equal(nested.dir, true);
      assert.equal(nested.type, 'dir');
      assert.equal(nested.path, '/pub/nested');
    }
    const root = await ask(w.port, 'GET', '/files');
    assert.deepEqual(root.json<WebEntry[]>().map((e) => e.name).sort(), ['pub', 'upload']);
    const head = await ask(w.port, 'HEAD', '/files/pub');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
  });

  it('an empty folder is []', async () => {
    await ask(w.port, 'PUT', '/files/empty-folder/x.txt?dirs=1', { auth: ALICE, body: 'x' });
    await ask(w.port, 'DELETE', '/files/empty-folder/x.txt', { auth: ALICE });
    assert.equal((await ask(w.port, 'GET', '/files/empty-folder')).text, '[]');
  });

  it('404 for what is not there, also below a file', async () => {
    for (const target of ['/files/nope.txt', '/files/pub/hello.txt/more', '/files/pub/hello.txt/']) {
      const a = await ask(w.port, 'GET', target);
      assert.equal(a.status, 404, target);
      assert.equal(a.json<{ status: number }>().status, 404);
    }
  });
});
