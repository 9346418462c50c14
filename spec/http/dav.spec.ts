// WebDAV on /files/ (http/dav/): what litmus does not pin down, or what is our own
// choice: Depth infinity refused with its precondition, hrefs of names with spaces and
// non-ASCII, dead properties kept beside the file and following it, the modification time
// set as Windows sets it, PROPPATCH all or nothing, locks and their tokens, If-Match and
// If-None-Match, the same rights as the web API, a fragment refused.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pseudoRandom } from '../helpers/files.js';
import { tlsMaterial } from '../helpers/tls-material.js';
import { ALICE, ask, startWeb, type Answer, type WebFixture } from './support/web.js';

const XML = { 'Content-Type': 'application/xml; charset=utf-8' };
const propfindBody = (props: string): string => `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop>${props}</D:prop></D:propfind>`;
const patchBody = (inner: string): string => `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:schemas-microsoft-com:" xmlns:x="urn:x">${inner}</D:propertyupdate>`;
const lockBody = (scope: 'exclusive' | 'shared'): string =>
  `<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:${scope}/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>mailto:a@example.com</D:href></D:owner></D:lockinfo>`;
const hrefs = (a: Answer): string[] => [...a.text.matchAll(/<D:href>([^<]*)<\/D:href>/g)].map((m) => m[1]!);

describe('WebDAV', { timeout: 30_000 }, () => {
  let w: WebFixture;
  const at = (path: string): string => join(w.root, path);
  const dav = (method: string, target: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> =>
    ask(w.port, method, target, { auth: ALICE, headers: body === undefined ? headers : { ...XML, ...headers }, ...(body === undefined ? {} : { body }) });
  before(async () => (w = await startWeb()));
  after(() => w.close());

  it('PROPFIND: Depth 0 and 1 with encoded hrefs; Depth infinity, or none, is 403 propfind-finite-depth', async () => {
    const file = await dav('PROPFIND', '/files/pub/hello.txt', { Depth: '0' }, propfindBody('<D:getcontentlength/><D:getetag/><D:resourcetype/><D:nosuch/>'));
    assert.equal(file.status, 207);
    assert.match(file.text, /<D:getcontentlength>12<\/D:getcontentlength>/);
    const etag = (await dav('HEAD', '/files/pub/hello.txt')).headers.etag!;
    assert.ok(file.text.includes(`<D:getetag>${etag}</D:getetag>`), file.text);
    assert.match(file.text, /<D:nosuch\/><\/D:prop><D:status>HTTP\/1.1 404 Not Found/);
    const folder = await dav('PROPFIND', '/files/pub/', { Depth: '1' });
    assert.equal(folder.status, 207);
    const listed = hrefs(folder);
    assert.equal(listed[0], '/files/pub/');
    assert.ok(listed.includes('/files/pub/name%20with%20spaces.txt'), listed.join(' '));
    assert.ok(listed.includes(`/files/pub/${encodeURIComponent('unicode-été-名前.txt')}`), listed.join(' '));
    assert.ok(listed.includes('/files/pub/nested/'), 'a folder ends in /');
    assert.match(folder.text, /<D:href>\/files\/pub\/nested\/<\/D:href><D:propstat><D:prop><D:resourcetype><D:collection\/><\/D:resourcetype>/);
    for (const depth of [{ Depth: 'infinity' }, {}] as Record<string, string>[]) {
      const deep = await dav('PROPFIND', '/files/pub/', depth);
      assert.equal(deep.status, 403);
      assert.match(deep.text, /<D:error xmlns:D="DAV:"><D:propfind-finite-depth\/>/);
    }
    assert.equal((await dav('PROPFIND', '/files/pub/', { Depth: '0' }, '<D:propfind xmlns:D="DAV:"><D:prop>')).status, 400);
    assert.equal((await dav('PROPFIND', '/files/pub/', { Depth: '0' }, '<D:propfind><D:prop/></D:propfind>')).status, 400, 'undeclared prefix');
    assert.equal((await dav('PROPFIND', '/files/pub/none.txt', { Depth: '0' })).status, 404);
  });

  // GET and COPY lend a large file's 256 KiB read buffers to the response and to the
  // file writer, and read into them again at each write's callback: what arrives must
  // be the file, byte for byte, even with two such transfers sharing the buffers.
  it('GET, a Range and COPY of files past 256 KiB give their exact bytes, two at once', async () => {
    mkdirSync(at('upload/large'), { recursive: true });
    const one = pseudoRandom(24 * 1024 * 1024 + 5, 21); // more than loopback's socket buffers hold
    const two = pseudoRandom(2 * 1024 * 1024 + 7, 22);
    writeFileSync(at('upload/large/one.bin'), one);
    writeFileSync(at('upload/large/two.bin'), two);
    // One reader waits before it reads: the server's writes queue up behind a full socket.
    const slowly = (path: string): Promise<Buffer> => new Promise((resolve, reject) => {
      const auth = `Basic ${Buffer.from(ALICE).toString('base64')}`;
      request({ host: '127.0.0.1', port: w.port, path, headers: { Authorization: auth } }, (res) => {
        const chunks: Buffer[] = [];
        res.pause();
        setTimeout(() => res.on('data', (c: Buffer) => chunks.push(c)).resume(), 300);
        res.on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
      }).on('error', reject).end();
    });
    const [a, b] = await Promise.all([slowly('/files/upload/large/one.bin'), dav('GET', '/files/upload/large/two.bin')]);
    assert.ok(a.equals(one), 'one.bin');
    assert.ok(b.body.equals(two), 'two.bin');
    const part = await dav('GET', '/files/upload/large/one.bin', { Range: 'bytes=262000-800000' });
    assert.equal(part.status, 206);
    assert.ok(part.body.equals(one.subarray(262000, 800001)), 'the range across read buffers');
    const copies = await Promise.all([
      dav('COPY', '/files/upload/large/one.bin', { Destination: '/files/upload/large/one-copy.bin' }),
      dav('COPY', '/files/upload/large/two.bin', { Destination: '/files/upload/large/two-copy.bin' }),
    ]);
    assert.deepEqual(copies.map((c) => c.status), [201, 201]);
    assert.ok(readFileSync(at('upload/large/one-copy.bin')).equals(one), 'one-copy.bin');
    assert.ok(readFileSync(at('upload/large/two-copy.bin')).equals(two), 'two-copy.bin');
  });

  it('PROPPATCH stores dead properties beside the file, hidden, and they follow MOVE and COPY and go with DELETE', async () => {
    writeFileSync(at('upload/props.txt'), 'p');
    const set = await dav('PROPPATCH', '/files/upload/props.txt', {}, patchBody('<D:set><D:prop><x:colour x:a="1">blue <x:deep xmlns:y="urn:y"><y:z/></x:deep></x:colour></D:prop></D:set>'));
    assert.equal(set.status, 207);
    assert.match(set.text, /HTTP\/1.1 200 OK/);
    const read = async (path: string): Promise<string> => (await dav('PROPFIND', path, { Depth: '0' }, propfindBody('<x:colour xmlns:x="urn:x"/>'))).text;
    assert.match(await read('/files/upload/props.txt'), /<colour xmlns="urn:x" xmlns:a0="urn:x" a0:a="1">blue <deep><z xmlns="urn:y"\/><\/deep><\/colour>/);
    assert.ok(existsSync(at('.ftppy-dav')), 'kept in the hidden folder at the root');
    const root = await dav('PROPFIND', '/files/', { Depth: '1' });
    assert.ok(!root.text.includes('ftppy-dav'), 'never listed');
    assert.equal((await dav('GET', '/files/.ftppy-dav/')).status, 403, 'never served');
    assert.equal((await dav('MOVE', '/files/upload/props.txt', { Destination: '/files/upload/moved.txt' })).status, 201);
    assert.match(await read('/files/upload/moved.txt'), /blue/);
    assert.equal((await dav('COPY', '/files/upload/moved.txt', { Destination: `http://127.0.0.1:${w.port}/files/upload/copied.txt` })).status, 201);
    assert.match(await read('/files/upload/copied.txt'), /blue/);
    assert.equal((await dav('DELETE', '/files/upload/copied.txt')).status, 204);
    writeFileSync(at('upload/copied.txt'), 'new');
    assert.doesNotMatch(await read('/files/upload/copied.txt'), /blue/, 'a new file of the same name starts bare');
    const removed = await dav('PROPPATCH', '/files/upload/moved.txt', {}, patchBody('<D:remove><D:prop><x:colour/></D:prop></D:remove>'));
    assert.equal(removed.status, 207);
    assert.doesNotMatch(await read('/files/upload/moved.txt'), /blue/);
  });

  it('PROPPATCH sets the modification time as Windows does; a protected property fails it all (403, the rest 424)', async () => {
    writeFileSync(at('upload/times.txt'), 't');
    const when = 'Tue, 02 Jan 2001 03:04:05 GMT';
    assert.equal((await dav('PROPPATCH', '/files/upload/times.txt', {}, patchBody(`<D:set><D:prop><D:getlastmodified>${when}</D:getlastmodified></D:prop></D:set>`))).status, 207);
    assert.equal(statSync(at('upload/times.txt')).mtime.toUTCString(), when);
    const windows = 'Wed, 03 Jan 2001 03:04:05 GMT';
    const patched = await dav('PROPPATCH', '/files/upload/times.txt', {}, patchBody(`<D:set><D:prop><Z:Win32LastModifiedTime>${windows}</Z:Win32LastModifiedTime><Z:Win32FileAttributes>00000020</Z:Win32FileAttributes></D:prop></D:set>`));
    assert.match(patched.text, /HTTP\/1.1 200 OK/);
    assert.equal(statSync(at('upload/times.txt')).mtime.toUTCString(), windows);
    assert.equal((await dav('HEAD', '/files/upload/times.txt')).headers['last-modified'], windows);
    const refused = await dav('PROPPATCH', '/files/upload/times.txt', {}, patchBody('<D:set><D:prop><x:kept>no</x:kept><D:getetag>"x"</D:getetag></D:prop></D:set>'));
    assert.match(refused.text, /<D:getetag\/><\/D:prop><D:status>HTTP\/1.1 403 Forbidden/);
    assert.match(refused.text, /<kept xmlns="urn:x"\/><\/D:prop><D:status>HTTP\/1.1 424 Failed Dependency/);
    const after = await dav('PROPFIND', '/files/upload/times.txt', { Depth: '0' }, propfindBody('<x:kept xmlns:x="urn:x"/>'));
    assert.match(after.text, /404 Not Found/, 'nothing of a failed PROPPATCH is applied');
  });

  it('MKCOL, COPY and MOVE: 201, 405 when there, 409 without a parent, 415 with a body, 412 for Overwrite F, 502 elsewhere', async () => {
    assert.equal((await dav('MKCOL', '/files/upload/made/')).status, 201);
    assert.ok(statSync(at('upload/made')).isDirectory());
    assert.equal((await dav('MKCOL', '/files/upload/made/')).status, 405);
    assert.equal((await dav('MKCOL', '/files/upload/none/made/')).status, 409);
    assert.equal((await dav('MKCOL', '/files/upload/body/', {}, '<x/>')).status, 415);
    writeFileSync(at('upload/made/inner.txt'), 'i');
    assert.equal((await dav('COPY', '/files/upload/made/', { Destination: '/files/upload/shallow/', Depth: '0' })).status, 201);
    assert.ok(statSync(at('upload/shallow')).isDirectory());
    assert.ok(!existsSync(at('upload/shallow/inner.txt')), 'Depth 0 copies the folder alone');
    assert.equal((await dav('COPY', '/files/upload/made/', { Destination: '/files/upload/shallow/', Overwrite: 'F' })).status, 412);
    assert.equal((await dav('COPY', '/files/upload/made/', { Destination: '/files/upload/shallow/' })).status, 204);
    assert.equal(readFileSync(at('upload/shallow/inner.txt'), 'utf8'), 'i');
    assert.equal((await dav('MOVE', '/files/upload/made/', { Destination: '/files/upload/made/in/' })).status, 403, 'into itself');
    assert.equal((await dav('MOVE', '/files/upload/made/', { Destination: 'http://elsewhere.example/x/' })).status, 502);
    assert.equal((await dav('MOVE', '/files/upload/made/', { Destination: '/files/upload/gone/deeper/' })).status, 409);
    assert.equal((await dav('MOVE', '/files/upload/made/', { Destination: '/files/upload/shallow/' })).status, 204);
    assert.ok(!existsSync(at('upload/made')));
  });

  it('LOCK: 423 without the token, the token in If lets its owner write; shared locks; refresh; UNLOCK; a lock of nothing makes an empty file', async () => {
    writeFileSync(at('upload/locked.txt'), 'l');
    const taken = await dav('LOCK', '/files/upload/locked.txt', { Timeout: 'Second-600' }, lockBody('exclusive'));
    assert.equal(taken.status, 200);
    const token = /^<(urn:uuid:[^>]+)>$/.exec(taken.headers['lock-token'] as string)![1]!;
    assert.match(taken.text, /<D:timeout>Second-(600|599)<\/D:timeout>/);
    assert.match(taken.text, /<owner xmlns="DAV:"><href>mailto:a@example.com<\/href><\/owner>/);
    const put = await dav('PUT', '/files/upload/locked.txt', {}, 'changed');
    assert.equal(put.status, 423);
    assert.match(put.text, /<D:lock-token-submitted><D:href>\/files\/upload\/locked.txt<\/D:href>/);
    assert.equal((await dav('DELETE', '/files/upload/locked.txt')).status, 423);
    assert.equal((await dav('MOVE', '/files/upload/locked.txt', { Destination: '/files/upload/x.txt' })).status, 423);
    assert.equal((await dav('LOCK', '/files/upload/locked.txt', {}, lockBody('shared'))).status, 423, 'no lock beside an exclusive one');
    assert.equal((await dav('PUT', '/files/upload/locked.txt', { If: `(<${token}>)` }, 'changed')).status, 200);
    assert.equal(readFileSync(at('upload/locked.txt'), 'utf8'), 'changed');
    const refreshed = await dav('LOCK', '/files/upload/locked.txt', { If: `(<${token}>)`, Timeout: 'Second-100' });
    assert.equal(refreshed.status, 200);
    assert.match(refreshed.text, /Second-(100|99)</);
    assert.equal((await dav('UNLOCK', '/files/upload/locked.txt', { 'Lock-Token': '<urn:uuid:not-a-lock>' })).status, 409);
    assert.equal((await dav('UNLOCK', '/files/upload/locked.txt', { 'Lock-Token': `<${token}>` })).status, 204);
    assert.equal((await dav('PUT', '/files/upload/locked.txt', {}, 'free')).status, 200);

    const first = await dav('LOCK', '/files/upload/locked.txt', {}, lockBody('shared'));
    const second = await dav('LOCK', '/files/upload/locked.txt', {}, lockBody('shared'));
    assert.deepEqual([first.status, second.status], [200, 200]);
    const shared = (second.headers['lock-token'] as string).slice(1, -1);
    assert.equal((await dav('PUT', '/files/upload/locked.txt', {}, 'x')).status, 423);
    assert.equal((await dav('PUT', '/files/upload/locked.txt', { If: `(<${shared}>)` }, 'x')).status, 200, 'one shared token is enough');
    assert.equal((await dav('LOCK', '/files/upload/locked.txt', {}, lockBody('exclusive'))).status, 423);

    const unmapped = await dav('LOCK', '/files/upload/new.txt', {}, lockBody('exclusive'));
    assert.equal(unmapped.status, 201);
    assert.equal(readFileSync(at('upload/new.txt'), 'utf8'), '');
    assert.equal((await dav('LOCK', '/files/upload/none/new.txt', {}, lockBody('exclusive'))).status, 409);
  });

  it('a depth-infinity lock on a folder guards what it holds; a MOVE or DELETE of the folder needs it too', async () => {
    mkdirSync(at('upload/guarded'));
    writeFileSync(at('upload/guarded/in.txt'), 'i');
    const taken = await dav('LOCK', '/files/upload/guarded/', {}, lockBody('exclusive'));
    const token = (taken.headers['lock-token'] as string).slice(1, -1);
    assert.equal((await dav('PUT', '/files/upload/guarded/new.txt', {}, 'n')).status, 423);
    assert.equal((await dav('PUT', '/files/upload/guarded/new.txt', { If: `</files/upload/guarded/> (<${token}>)` }, 'n')).status, 201);
    const inner = await dav('PROPFIND', '/files/upload/guarded/in.txt', { Depth: '0' }, propfindBody('<D:lockdiscovery/>'));
    assert.ok(inner.text.includes(token), 'the lock shows on what it covers');
    assert.equal((await dav('DELETE', '/files/upload/guarded/')).status, 423);
    assert.equal((await dav('DELETE', '/files/upload/guarded/', { If: `(<${token}>)` })).status, 204);
    assert.equal((await dav('MKCOL', '/files/upload/guarded/')).status, 201, 'the lock went with the folder');
  });

  it('If-Match and If-None-Match guard PUT; a false If header is 412', async () => {
    writeFileSync(at('upload/tagged.txt'), 'one');
    const etag = (await dav('HEAD', '/files/upload/tagged.txt')).headers.etag!;
    assert.equal((await dav('PUT', '/files/upload/tagged.txt', { 'If-None-Match': '*' }, 'two')).status, 412);
    assert.equal((await dav('PUT', '/files/upload/tagged.txt', { 'If-Match': '"nope"' }, 'two')).status, 412);
    assert.equal((await dav('PUT', '/files/upload/tagged.txt', { If: '(["nope"])' }, 'two')).status, 412);
    assert.equal((await dav('PUT', '/files/upload/tagged.txt', { If: `([${etag}])` }, 'two')).status, 200);
    assert.equal((await dav('PUT', '/files/upload/tagged.txt', { 'If-Match': etag }, 'three')).status, 412, 'the tag changed with the content');
    assert.equal((await dav('PUT', '/files/upload/fresh.txt', { 'If-None-Match': '*' }, 'new')).status, 201);
    assert.equal((await dav('PUT', '/files/upload/tagged.txt', { If: '(<urn:uuid:x' }, 'two')).status, 400, 'a malformed If header');
  });

  it('the rights are the web API\'s: anonymous reads, and is asked to log in for the rest; a fragment is refused', async () => {
    const anonymous = (method: string, target: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> =>
      ask(w.port, method, target, { headers, ...(body === undefined ? {} : { body }) });
    assert.equal((await anonymous('PROPFIND', '/files/pub/', { Depth: '1' })).status, 207);
    assert.equal((await anonymous('MKCOL', '/files/pub/anon/')).status, 401);
    assert.equal((await anonymous('PROPPATCH', '/files/pub/hello.txt', XML, patchBody('<D:set><D:prop><x:a>1</x:a></D:prop></D:set>'))).status, 401);
    assert.equal((await anonymous('LOCK', '/files/pub/hello.txt', XML, lockBody('exclusive'))).status, 401);
    assert.equal((await anonymous('DELETE', '/files/pub/hello.txt')).status, 401);
    assert.equal((await ask(w.port, 'PROPFIND', '/files/pub/', { auth: 'alice:wrong', headers: { Depth: '0' } })).status, 401);
    mkdirSync(at('upload/frag'));
    assert.equal((await dav('DELETE', '/files/upload/frag/#x')).status, 400);
    assert.ok(existsSync(at('upload/frag')));
  });
});

describe('WebDAV over HTTPS', { timeout: 30_000 }, () => {
  it('serves PROPFIND and MKCOL with Basic authentication when the web API has a certificate', async () => {
    const { cert, key } = tlsMaterial();
    const w = await startWeb({ tls: { cert, key } });
    try {
      const send = (method: string, path: string, headers: Record<string, string>): Promise<{ status: number; text: string }> =>
        new Promise((resolve, reject) => {
          const auth = `Basic ${Buffer.from(ALICE).toString('base64')}`;
          httpsRequest({ host: '127.0.0.1', port: w.port, method, path, headers: { ...headers, Authorization: auth }, rejectUnauthorized: false }, (res) => {
            let text = '';
            res.setEncoding('utf8').on('data', (c: string) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          }).on('error', reject).end();
        });
      const found = await send('PROPFIND', '/files/pub/', { Depth: '1' });
      assert.equal(found.status, 207);
      assert.match(found.text, /<D:href>\/files\/pub\/hello.txt<\/D:href>/);
      assert.equal((await send('MKCOL', '/files/upload/secure/', {})).status, 201);
      assert.ok(statSync(join(w.root, 'upload/secure')).isDirectory());
    } finally {
      await w.close();
    }
  });
});

describe('WebDAV locks across accounts', { timeout: 30_000 }, () => {
  it('a lock is on the file, whatever path another account sees it by; only its taker may use the token', async () => {
    const w = await startWeb({}, { users: [{ name: 'alice', password: 'wonderland' }, { name: 'bob', password: 'builder', home: '/upload' }] });
    try {
      writeFileSync(join(w.root, 'upload/both.txt'), 'b');
      const taken = await ask(w.port, 'LOCK', '/files/upload/both.txt', { auth: ALICE, headers: XML, body: lockBody('exclusive') });
      assert.equal(taken.status, 200);
      const token = (taken.headers['lock-token'] as string).slice(1, -1);
      const bob = (headers: Record<string, string>): Promise<Answer> => ask(w.port, 'PUT', '/files/both.txt', { auth: 'bob:builder', headers, body: 'bob' });
      assert.equal((await bob({})).status, 423, 'bob sees the file as /both.txt, locked all the same');
      assert.equal((await bob({ If: `(<${token}>)` })).status, 423, "alice's token is no use to bob");
      assert.equal(readFileSync(join(w.root, 'upload/both.txt'), 'utf8'), 'b');
    } finally {
      await w.close();
    }
  });
});
