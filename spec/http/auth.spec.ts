// Who may do what: HTTP Basic against the FTP server's own users (same rights, same
// homes, same timing for an unknown name as for a wrong password), anonymous access as
// on FTP, paths that cannot leave the user's root, and the request hook.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { WebHookRequest, WebHookResponse } from '../../http/index.js';
import { captureWarnings, settled } from '../helpers/warnings.js';
import { ALICE, ask, startWeb, type WebFixture } from './support/web.js';

const basicChallenge = /^Basic realm="FtpPy", charset="UTF-8"$/;

describe('Basic auth with anonymous access allowed', () => {
  let w: WebFixture;
  before(async () => {
    w = await startWeb({}, {
      users: [
        { name: 'alice', password: 'wonderland' },
        { name: 'reader', password: 'r', rights: { write: false, delete: false, mkdir: false } },
        { name: 'homed', password: 'h', home: '/pub' },
      ],
    });
  });
  after(() => w.close());

  it('anonymous reads without credentials, and is asked to log in (401) to write or delete', async () => {
    assert.equal((await ask(w.port, 'GET', '/files/pub/hello.txt')).status, 200);
    for (const [method, target] of [['PUT', '/files/upload/a.txt'], ['DELETE', '/files/pub/hello.txt'], ['POST', '/files/upload/a.txt']] as const) {
      const a = await ask(w.port, method, target, { body: 'x' });
      assert.equal(a.status, 401, method);
      assert.match(a.headers['www-authenticate'] ?? '', basicChallenge);
      assert.equal(a.json<{ status: number }>().status, 401);
    }
  });

  it('anonymous by name with any password gets anonymous rights: 403, not 401', async () => {
    const a = await ask(w.port, 'PUT', '/files/upload/a.txt', { auth: 'anonymous:me@example.com', body: 'x' });
    assert.equal(a.status, 403);
    assert.equal(a.headers['www-authenticate'], undefined);
  });

  it('a user without write or delete rights: 403', async () => {
    assert.equal((await ask(w.port, 'GET', '/files/pub/hello.txt', { auth: 'reader:r' })).status, 200);
    assert.equal((await ask(w.port, 'PUT', '/files/upload/r.txt', { auth: 'reader:r', body: 'x' })).status, 403);
    assert.equal((await ask(w.port, 'DELETE', '/files/pub/hello.txt', { auth: 'reader:r' })).status, 403);
    assert.equal(existsSync(join(w.root, 'pub/hello.txt')), true);
  });

  it('replacing a file needs the delete right too, as on FTP', async () => {
    const noDelete = 'reader:r';
    assert.equal((await ask(w.port, 'PUT', '/files/pub/hello.txt', { auth: noDelete, body: 'x' })).status, 403);
  });

  it('a user with a home sees it as the root', async () => {
    const list = await ask(w.port, 'GET', '/files/', { auth: 'homed:h' });
    assert.ok(list.json<{ name: string }[]>().some((e) => e.name === 'hello.txt'));
    assert.equal((await ask(w.port, 'GET', '/files/hello.txt', { auth: 'homed:h' })).text, 'hello world\n');
    assert.equal((await ask(w.port, 'GET', '/files/upload', { auth: 'homed:h' })).status, 404);
  });

  it('wrong credentials: 401 with a challenge, whatever is wrong', async () => {
    for (const auth of ['alice:wrong', 'nobody:wonderland', 'alice', ':']) {
      const a = await ask(w.port, 'GET', '/files/pub/hello.txt', { auth });
      assert.equal(a.status, 401, auth);
      assert.match(a.headers['www-authenticate'] ?? '', basicChallenge);
    }
    for (const header of ['Bearer abc', 'Basic !!!', 'Basic']) {
      assert.equal((await ask(w.port, 'GET', '/', { headers: { Authorization: header } })).status, 401, header);
    }
  });
});

describe('Basic auth without anonymous access', () => {
  let w: WebFixture;
  before(async () => (w = await startWeb({}, { anonymous: false, limits: { loginDelay: 0.2 } })));
  after(() => w.close());

  it('401 with a challenge for every route without credentials', async () => {
    for (const target of ['/', '/files/', '/files/pub/hello.txt']) {
      const a = await ask(w.port, 'GET', target);
      assert.equal(a.status, 401, target);
      assert.match(a.headers['www-authenticate'] ?? '', basicChallenge);
    }
    assert.equal((await ask(w.port, 'GET', '/files/pub/hello.txt', { auth: 'anonymous:x' })).status, 401);
    assert.equal((await ask(w.port, 'GET', '/files/pub/hello.txt', { auth: ALICE })).status, 200);
  });

  it('an unknown user takes as long as a wrong password: the FTP delay, both', async () => {
    const time = async (auth: string): Promise<number> => {
      const start = performance.now();
      assert.equal((await ask(w.port, 'GET', '/', { auth })).status, 401);
      return performance.now() - start;
    };
    const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      wrong.push(await time('alice:nope'));
      unknown.push(await time(`nobody${i}:nope`));
    }
    assert.ok(median(wrong) >= 195 && median(unknown) >= 195, `both wait the login delay: ${median(wrong)} / ${median(unknown)} ms`);
    // Loose enough for a loaded machine; an undelayed unknown user would differ by 200 ms.
    assert.ok(Math.abs(median(wrong) - median(unknown)) < 100, `${median(wrong)} vs ${median(unknown)} ms`);
    // A delayed answer takes at least the 200 ms delay, so one answer quicker than that shows
    // the right password skipped it; the quickest of three rides out a loaded machine.
    const rights: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      assert.equal((await ask(w.port, 'GET', '/', { auth: ALICE })).status, 200);
      rights.push(performance.now() - start);
    }
    assert.ok(Math.min(...rights) < 195, `a right password is not delayed (${rights.join(', ')} ms)`);
  });
});

describe('paths stay inside the root', () => {
  let w: WebFixture;
  const outside = mkdtempSync(join(tmpdir(), 'ftppy-outside-'));
  before(async () => {
    w = await startWeb();
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    symlinkSync(outside, join(w.root, 'pub/escape'));
    symlinkSync(join(outside, 'secret.txt'), join(w.root, 'pub/secret-link.txt'));
    symlinkSync(join(w.root, 'pub/hello.txt'), join(w.root, 'upload/inside-link.txt'));
  });
  after(async () => {
    await w.close();
    rmSync(outside, { recursive: true, force: true });
  });

  for (const target of ['/files/../../etc/passwd', '/files/%2e%2e/%2e%2e/etc/passwd', '/files/pub%2f..%2f..%2fetc', '/files/pub/hello.txt%00.png', '/files/.%2E/x']) {
    it(`400 for ${target}, on every method`, async () => {
      for (const method of ['GET', 'PUT', 'DELETE']) assert.equal((await ask(w.port, method, target, { auth: ALICE, body: 'x' })).status, 400, method);
    });
  }

  it('a link out of the root leads nowhere (403), and is left out of listings', async () => {
    assert.equal((await ask(w.port, 'GET', '/files/pub/escape/secret.txt', { auth: ALICE })).status, 403);
    assert.equal((await ask(w.port, 'GET', '/files/pub/secret-link.txt', { auth: ALICE })).status, 403);
    assert.equal((await ask(w.port, 'PUT', '/files/pub/escape/planted.txt', { auth: ALICE, body: 'x' })).status, 403);
    assert.equal(existsSync(join(outside, 'planted.txt')), false);
    const names = (await ask(w.port, 'GET', '/files/pub', { auth: ALICE })).json<{ name: string }[]>().map((e) => e.name);
    assert.ok(!names.includes('escape') && !names.includes('secret-link.txt'), names.join(', '));
  });

  it('a link inside the root is followed', async () => {
    assert.equal((await ask(w.port, 'GET', '/files/upload/inside-link.txt')).text, 'hello world\n');
  });
});

describe('the request hook', () => {
  let w: WebFixture;
  const seen: { request: WebHookRequest; response: WebHookResponse; duration: number }[] = [];
  let throwing: 'no' | 'sync' | 'async' = 'no';
  before(async () => {
    w = await startWeb({
      hooks: {
        request(request, response, duration) {
          seen.push({ request, response, duration });
          if (throwing === 'sync') throw new Error('hook broke');
          if (throwing === 'async') return Promise.reject(new Error('hook broke later'));
          return undefined;
        },
      },
    });
  });
  after(() => w.close());

  it('sees every request with method, path, status and a duration in seconds', async () => {
    await ask(w.port, 'GET', '/files/pub/hello.txt?x=1');
    await ask(w.port, 'DELETE', '/files/pub/hello.txt');
    await ask(w.port, 'GET', '/nope');
    await ask(w.port, 'GET', '/files/%2e%2e');
    await settled();
    assert.deepEqual(seen.map((s) => `${s.request.method} ${s.request.path} ${s.response.status}`), [
      'GET /files/pub/hello.txt 200',
      'DELETE /files/pub/hello.txt 401',
      'GET /nope 404',
      'GET /files/%2e%2e 400',
    ]);
    assert.equal(seen[0]!.request.url, '/files/pub/hello.txt?x=1');
    assert.equal(seen[0]!.response.headers['content-length'], 12);
    assert.ok(seen.every((s) => s.duration > 0 && s.duration < 5));
  });

  it('a hook that throws or rejects becomes a warning; requests go on', async () => {
    const warnings = captureWarnings();
    try {
      throwing = 'sync';
      assert.equal((await ask(w.port, 'GET', '/files/pub/hello.txt')).status, 200);
      throwing = 'async';
      assert.equal((await ask(w.port, 'GET', '/files/pub/hello.txt')).status, 200);
      await settled();
      await settled();
      assert.deepEqual(warnings.list.map((x) => x.code), ['FTPPY_ERR_HOOK', 'FTPPY_ERR_HOOK']);
      assert.match(warnings.list[1]!.message, /hook broke later/);
    } finally {
      throwing = 'no';
      warnings.stop();
    }
  });
});
