// Pluggable authentication: `authenticate(name, password, { address, secure, certificate,
// signal })` decides FTP and web logins alike, after the `users` list; a slow or throwing
// authenticator fails that login only, and every failed login, whatever its reason, gets
// the same answer at the same time, so names cannot be told apart.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FtpPy } from '../../lib/index.js';
import { serverOptions } from '../../lib/serve.js';
import { resolveOptions } from '../../server/options.js';
import type { Authenticator, LoginContext } from '../../server/index.js';
import { expectSuccess, python, run, skipUnless } from '../helpers/external-clients.js';
import { tempDir } from '../helpers/files.js';
import { RawFtp } from '../helpers/raw-ftp.js';
import { PASSWORD, startServer, USER } from '../helpers/test-server.js';
import { within } from '../helpers/wait.js';
import { ask, startWeb } from '../http/support/web.js';

const INCORRECT = { code: 530, message: 'Login incorrect', lines: ['Login incorrect'] };

// A directory service: bob/builder, read-only, at home in /pub.
const directory: Authenticator = async (name, password) => {
  await sleep(5);
  return name === 'bob' && password === 'builder' ? { name: 'bob', home: '/pub', rights: { write: false, delete: false, mkdir: false, rename: false } } : null;
};

describe('an authenticator', { timeout: 60_000 }, () => {
  it('logs FTP users in with the account it returns, told who is asking', async () => {
    const seen: [string, string | null, Omit<LoginContext, 'signal'>][] = [];
    await using t = await startServer({
      authenticate: async (name, password, { signal, ...context }) => {
        assert.ok(signal instanceof AbortSignal);
        seen.push([name, password, context]);
        return directory(name, password, { signal, ...context });
      },
    });
    const ftp = await RawFtp.connect(t.port);
    assert.equal((await ftp.login('bob', 'builder')).code, 230);
    assert.deepEqual(seen, [['bob', 'builder', { address: '127.0.0.1', secure: false, certificate: null }]]);
    assert.equal((await ftp.cmd('SIZE hello.txt')).code, 213); // /pub is bob's root
    assert.equal((await ftp.cmd('DELE hello.txt')).code, 550); // and he may not delete
    ftp.close();
  });

  it('comes after the users list, which decides the names it knows', async () => {
    const asked: string[] = [];
    await using t = await startServer({
      authenticate: async (name, password) => {
        asked.push(name);
        return { name, home: '/', password }; // accepts anyone: only reached for names the list does not know
      },
    });
    const ftp = await RawFtp.connect(t.port);
    assert.deepEqual(await ftp.login(USER, 'wrong'), INCORRECT);
    assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
    assert.deepEqual(asked, []);
    assert.equal((await ftp.cmd('REIN')).code, 220);
    assert.equal((await ftp.login('carol', 'x')).code, 230);
    assert.deepEqual(asked, ['carol']);
    ftp.close();
  });

  it('a slow authenticator times out into 530, its signal aborted, and the server goes on serving', async () => {
    let aborted: Promise<unknown> | null = null;
    await using t = await startServer({
      timeouts: { authenticate: 0.3 },
      authenticate: (name, _password, { signal }) => {
        if (name !== 'slow') return directory(name, _password, { signal, address: '', secure: false, certificate: null });
        aborted = once(signal, 'abort');
        return new Promise(() => {}); // never answers
      },
    });
    const errors: unknown[] = [];
    t.server.on('authenticate-error', (e) => errors.push(e.error));
    const slow = await RawFtp.connect(t.port);
    const answer = slow.login('slow', 'pw');
    const other = await RawFtp.connect(t.port);
    assert.equal((await other.login('bob', 'builder')).code, 230); // not held up by the slow one
    assert.deepEqual(await answer, INCORRECT);
    await within(aborted!, 'the signal aborted');
    assert.match(String(errors[0]), /authenticate took longer than 0\.3 s/);
    slow.close();
    other.close();
  });

  it('a throwing authenticator, or one returning junk, fails that login only, told to the server’s owner', async () => {
    await using t = await startServer({
      authenticate: async (name) => {
        if (name === 'junk') return { home: 42 } as never;
        throw new Error('directory down');
      },
    });
    const errors: unknown[] = [];
    t.server.on('authenticate-error', (e) => errors.push(e.error));
    const ftp = await RawFtp.connect(t.port);
    assert.deepEqual(await ftp.login('anyone', 'pw'), INCORRECT);
    assert.deepEqual(await ftp.login('junk', 'pw'), INCORRECT);
    assert.equal((await ftp.cmd('NOOP')).code, 200);
    assert.match(String(errors[0]), /directory down/);
    assert.match(String(errors[1]), /home must be a string/);
    ftp.close();
  });

  it('unknown user, wrong password, wrong address, a throwing authenticator, a slow check: the same 530 at the same time', async () => {
    const delay = 0.4;
    await using t = await startServer({
      // 'fenced' is given its right password, from an address it may not log in from.
      users: [{ name: 'listed', password: 'right' }, { name: 'fenced', password: 'wrong', addresses: ['127.0.0.2'] }],
      limits: { loginDelay: delay },
      authenticate: async (name, password) => {
        if (name === 'thrower') throw new Error('boom');
        // A real check (scrypt, a database) takes longer for a name that exists.
        if (name === 'hashed') await sleep(200);
        return name === 'hashed' && password === 'right' ? { name } : null;
      },
    });
    t.server.on('authenticate-error', () => {});
    const attempt = async (name: string): Promise<{ reply: unknown; ms: number }> => {
      const ftp = await RawFtp.connect(t.port);
      try {
        assert.equal((await ftp.cmd(`USER ${name}`)).code, 331);
        const start = performance.now();
        const reply = await ftp.cmd('PASS wrong');
        return { reply, ms: performance.now() - start };
      } finally {
        ftp.close();
      }
    };
    const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const times: Record<string, number> = {};
    for (const name of ['nobody', 'listed', 'fenced', 'thrower', 'hashed']) {
      const runs = [await attempt(name), await attempt(name), await attempt(name)];
      for (const r of runs) assert.deepEqual(r.reply, INCORRECT, name);
      times[name] = median(runs.map((r) => r.ms));
    }
    const all = Object.values(times);
    assert.ok(Math.min(...all) >= delay * 1000 - 5, `each waits the login delay: ${JSON.stringify(times)}`);
    // The delay runs from PASS, not from the check's end: a 200 ms check is hidden inside
    // it. Without that, 'hashed' would answer 200 ms after the others; loose for a busy machine.
    assert.ok(Math.max(...all) - Math.min(...all) < 150, `the same time for every reason: ${JSON.stringify(times)}`);
  });

  it('decides web logins too: 200 with its account, 401 when it refuses, throws or times out', async () => {
    const w = await startWeb({}, {
      anonymous: false,
      timeouts: { authenticate: 0.3 },
      authenticate: async (name, password, context) => {
        if (name === 'thrower') throw new Error('boom');
        if (name === 'slow') return new Promise(() => {});
        return directory(name, password, context);
      },
    });
    try {
      w.ftp.server.on('authenticate-error', () => {});
      assert.equal((await ask(w.port, 'GET', '/files/hello.txt', { auth: 'bob:builder' })).text, 'hello world\n');
      assert.equal((await ask(w.port, 'DELETE', '/files/hello.txt', { auth: 'bob:builder' })).status, 403);
      for (const auth of ['bob:wrong', 'nobody:x', 'thrower:x', 'slow:x']) {
        const a = await ask(w.port, 'GET', '/files/hello.txt', { auth });
        assert.equal(a.status, 401, auth);
        assert.equal(a.json<{ error: string }>().error, 'Login incorrect', auth);
      }
    } finally {
      await w.close();
    }
  });
});

describe('an authenticator with real clients', { timeout: 60_000 }, () => {
  it('lftp logs in through it', { skip: skipUnless('lftp') }, async () => {
    await using t = await startServer({ authenticate: directory });
    const commands = 'set net:max-retries 1; set net:timeout 10; set cmd:fail-exit yes; set ftp:ssl-allow no; cat hello.txt; quit';
    const login = (password: string): ReturnType<typeof run> => run('lftp', ['-u', `bob,${password}`, '-e', commands, `ftp://127.0.0.1:${t.port}`], { timeoutMs: 30_000 });
    assert.equal(expectSuccess(await login('builder'), 'lftp'), 'hello world\n');
    const refused = await login('wrong');
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /530 Login incorrect/);
  });

  it('curl and ftplib log in through it', { skip: skipUnless('curl') || skipUnless('python3') }, async () => {
    await using t = await startServer({ authenticate: directory });
    const url = `ftp://127.0.0.1:${t.port}/hello.txt`;
    assert.equal(expectSuccess(await run('curl', ['-sS', '--max-time', '20', '-u', 'bob:builder', url]), 'curl'), 'hello world\n');
    assert.equal((await run('curl', ['-sS', '--max-time', '20', '-u', 'bob:wrong', url])).code, 67); // CURLE_LOGIN_DENIED
    const script = 'import ftplib, sys\nf = ftplib.FTP()\nf.connect("127.0.0.1", int(sys.argv[1]))\nprint(f.login("bob", "builder"))\nprint(f.size("hello.txt"))\nf.quit()';
    assert.match(expectSuccess(await python(script, [t.port]), 'ftplib'), /^230 .*\n12\n$/);
  });
});

describe('ftp.server() options', () => {
  it('carry authenticate, ban and login.timeout to the server, checked', async () => {
    const options = await serverOptions(new FtpPy('ftp://localhost'), { authenticate: directory, ban: { failures: 5 }, login: { timeout: 2 } });
    assert.equal(options.authenticate, directory);
    assert.deepEqual(options.ban, { failures: 5 });
    assert.equal(options.timeouts?.authenticate, 2);
    await assert.rejects(new FtpPy('ftp://127.0.0.1:0').server({ web: false, authenticate: 42 as never }), /authenticate must be a function/);
  });

  it('take authenticate as the path of a module exporting it, as a config file can', async () => {
    const folder = tempDir('ftppy-authenticator-');
    try {
      const module = join(folder.dir, 'authenticator.mjs');
      writeFileSync(module, 'export default async (name, password) => (password === "sesame" ? { name, home: "/pub" } : null);\n');
      writeFileSync(join(folder.dir, 'none.mjs'), 'export const x = 1;\n');
      await using server = await new FtpPy('ftp://127.0.0.1:0').server({ root: folder.dir, web: false, authenticate: module });
      assert.equal((await server.authenticate('ali', 'sesame'))?.home, '/pub');
      assert.equal(await server.authenticate('ali', 'nope'), null);
      await assert.rejects(new FtpPy('ftp://127.0.0.1:0').server({ web: false, authenticate: join(folder.dir, 'none.mjs') }), /none\.mjs must export a function as its default export/);
      await assert.rejects(new FtpPy('ftp://127.0.0.1:0').server({ web: false, authenticate: join(folder.dir, 'missing.mjs') }), /authenticate: cannot load .*missing\.mjs/);
    } finally {
      folder.remove();
    }
    await assert.rejects(new FtpPy('ftp://127.0.0.1:0').server({ web: false, login: { timeout: 0 } }), /timeouts\.authenticate must be a positive number of seconds/);
  });
});

describe('what an authenticator may grant', { timeout: 20_000 }, () => {
  it('rights with keys that are not rights (constructor, toString, __proto__) are refused, in users and in its results', async () => {
    for (const rights of [{ constructor: true }, { toString: false }, JSON.parse('{"__proto__": true}') as object]) {
      assert.throws(() => resolveOptions({ users: [{ name: 'a', password: 'b', rights: rights as never }] }), /unknown right/, JSON.stringify(rights));
    }
    await using t = await startServer({ authenticate: async (name) => ({ name, home: '/', rights: { constructor: true } as never }) });
    const errors: unknown[] = [];
    t.server.on('authenticate-error', (e) => errors.push(e.error));
    assert.equal(await t.server.authenticate('eve', 'x'), null);
    assert.match(String(errors[0]), /unknown right "constructor"/);
  });

  it('a home above the root stays inside it', async () => {
    await using t = await startServer({ authenticate: async (name) => ({ name, home: '../../..', rights: { write: false } }) });
    const ftp = await RawFtp.connect(t.port);
    assert.equal((await ftp.login('eve', 'x')).code, 230);
    assert.equal((await ftp.cmd('SIZE pub/hello.txt')).code, 213); // the server's root, not the disk's
    assert.equal((await ftp.cmd('CWD ../../..')).code, 250);
    assert.match((await ftp.cmd('PWD')).message, /^"\/"/);
    ftp.close();
  });
});
