// DELETE /files, GET / (status JSON and the page), and what the router answers for
// every route alike: 404, 405 with Allow, OPTIONS, errors as { error, status }.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ALICE, ask, startWeb, type WebFixture } from './support/web.js';

describe('DELETE /files', () => {
  let w: WebFixture;
  const at = (path: string): string => join(w.root, path);
  before(async () => (w = await startWeb()));
  after(() => w.close());

  it('a file: 204, gone; again: 404', async () => {
    writeFileSync(at('upload/old.txt'), 'old');
    const a = await ask(w.port, 'DELETE', '/files/upload/old.txt', { auth: ALICE });
    assert.equal(a.status, 204);
    assert.equal(a.body.length, 0);
    assert.equal(existsSync(at('upload/old.txt')), false);
    assert.equal((await ask(w.port, 'DELETE', '/files/upload/old.txt', { auth: ALICE })).status, 404);
  });

  it('a folder goes with all it holds, as WebDAV requires (RFC 4918 §9.6.1); ?recursive=1 is still taken', async () => {
    mkdirSync(at('upload/empty'));
    assert.equal((await ask(w.port, 'DELETE', '/files/upload/empty', { auth: ALICE })).status, 204);
    for (const target of ['/files/upload/tree', '/files/upload/tree?recursive=1']) {
      mkdirSync(at('upload/tree/a/b'), { recursive: true });
      writeFileSync(at('upload/tree/a/b/c.txt'), 'c');
      writeFileSync(at('upload/tree/top.txt'), 't');
      assert.equal((await ask(w.port, 'DELETE', target, { auth: ALICE })).status, 204, target);
      assert.equal(existsSync(at('upload/tree')), false, target);
    }
  });

  it('a link to a folder goes, the folder and what it holds stay', async () => {
    mkdirSync(at('upload/kept'));
    writeFileSync(at('upload/kept/precious.txt'), 'p');
    mkdirSync(at('upload/links'));
    symlinkSync(at('upload/kept'), at('upload/links/to-kept'));
    assert.equal((await ask(w.port, 'DELETE', '/files/upload/links?recursive=1', { auth: ALICE })).status, 204);
    assert.equal(existsSync(at('upload/links')), false);
    assert.equal(existsSync(at('upload/kept/precious.txt')), true);
  });

  it('the root cannot be deleted (403)', async () => {
    for (const target of ['/files', '/files/', '/files/?recursive=1']) {
      assert.equal((await ask(w.port, 'DELETE', target, { auth: ALICE })).status, 403, target);
    }
  });
});

describe('GET /', () => {
  let w: WebFixture;
  before(async () => (w = await startWeb({ version: '9.9.9' })));
  after(() => w.close());

  it('answers the status as JSON', async () => {
    const a = await ask(w.port, 'GET', '/', { auth: ALICE });
    assert.equal(a.status, 200);
    const s = a.json<Record<string, unknown>>();
    assert.equal(s.name, 'FtpPy');
    assert.equal(s.version, '9.9.9');
    assert.equal(typeof s.uptime, 'number');
    assert.deepEqual(s.ports, { ftp: w.ftp.port, web: w.port });
    assert.equal(s.tls, 'off');
    for (const key of ['connections', 'logins', 'transfers']) assert.equal(typeof s[key], 'number', key);
    assert.deepEqual(Object.keys(s.bytes as object), ['in', 'out']);
    assert.deepEqual((s.user as { name: string }).name, 'alice');
    assert.equal((s.web as { requests: number }).requests >= 1, true);
  });

  it('gives a browser the page, self-contained, with a policy allowing only itself', async () => {
    const a = await ask(w.port, 'GET', '/', { headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    assert.equal(a.status, 200);
    assert.equal(a.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(a.text, /^<!doctype html>/);
    assert.doesNotMatch(a.text, /\b(?:src|href)="(?:https?:)?\/\//, 'no external assets');
    const nonce = /<script nonce="([^"]+)">/.exec(a.text)?.[1];
    assert.ok(nonce);
    assert.match(String(a.headers['content-security-policy']), new RegExp(`default-src 'none'; script-src 'nonce-${nonce.replace(/[+/]/g, '\\$&')}'`));
    const again = await ask(w.port, 'GET', '/', { headers: { Accept: 'text/html' } });
    assert.notEqual(/<script nonce="([^"]+)">/.exec(again.text)?.[1], nonce, 'a fresh nonce each time');
    assert.equal((await ask(w.port, 'GET', '/', { headers: { Accept: 'application/json, text/html' } })).headers['content-type'], 'application/json');
  });

  it('?login=1 makes an anonymous visitor log in', async () => {
    const a = await ask(w.port, 'GET', '/?login=1');
    assert.equal(a.status, 401);
    assert.match(a.headers['www-authenticate'] ?? '', /^Basic realm="FtpPy"/);
    assert.equal((await ask(w.port, 'GET', '/?login=1', { auth: ALICE })).status, 200);
  });
});

describe('router', () => {
  let w: WebFixture;
  before(async () => (w = await startWeb()));
  after(() => w.close());

  it('404 for unknown paths, as JSON', async () => {
    for (const target of ['/nope', '/filesx/a', '/favicon.ico']) {
      const a = await ask(w.port, 'GET', target);
      assert.equal(a.status, 404, target);
      assert.equal(a.headers['content-type'], 'application/json');
      assert.equal(a.json<{ status: number }>().status, 404);
    }
  });

  it('405 with Allow for a method a route lacks', async () => {
    const a = await ask(w.port, 'PATCH', '/files/pub/hello.txt', { auth: ALICE });
    assert.equal(a.status, 405);
    assert.equal(a.headers.allow, 'GET, POST, PUT, DELETE, PROPFIND, PROPPATCH, MKCOL, COPY, MOVE, LOCK, UNLOCK, HEAD, OPTIONS');
    assert.deepEqual(a.json(), { error: 'Method PATCH is not allowed here', status: 405 });
    const root = await ask(w.port, 'DELETE', '/');
    assert.equal(root.status, 405);
    assert.equal(root.headers.allow, 'GET, HEAD, OPTIONS');
  });

  it('OPTIONS says what is allowed', async () => {
    const a = await ask(w.port, 'OPTIONS', '/files/pub');
    assert.equal(a.status, 204);
    assert.equal(a.headers.allow, 'GET, POST, PUT, DELETE, PROPFIND, PROPPATCH, MKCOL, COPY, MOVE, LOCK, UNLOCK, HEAD, OPTIONS');
    assert.equal(a.headers.dav, '1, 2');
  });

  it('keeps one connection alive across requests, errors included', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    for (const path of ['/files/pub/hello.txt', '/nope', '/files/pub/hello.txt']) {
      await new Promise<void>((resolve, reject) => {
        request({ host: '127.0.0.1', port: w.port, path, agent }, (res) => {
          sockets.add(res.socket);
          res.resume().on('end', resolve);
        }).on('error', reject).end();
      });
    }
    agent.destroy();
    assert.equal(sockets.size, 1);
  });
});
