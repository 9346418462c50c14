// The ban list: failed logins counted per address across connections, FTP and web
// alike; past `ban.failures` within `ban.window`, the address is refused at connect (421,
// 429 on the web) for `ban.duration` seconds, then let in again. The account is never
// locked: it logs in from another address meanwhile. The table is bounded.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { BanList } from '../../server/ban-list.js';
import { resolveOptions } from '../../server/options.js';
import { run, skipUnless } from '../helpers/external-clients.js';
import { RawFtp } from '../helpers/raw-ftp.js';
import { PASSWORD, startServer, USER } from '../helpers/test-server.js';
import { untilAsync } from '../helpers/wait.js';
import { ask, startWeb } from '../http/support/web.js';

describe('the ban table', () => {
  const options = { failures: 3, window: 10, duration: 60, capacity: 4 };

  it('bans on the n-th failure within the window, for the duration, then counts afresh', () => {
    let now = 0;
    const bans = new BanList(options, () => now);
    assert.equal(bans.failed('a'), false);
    now = 9_000;
    assert.equal(bans.failed('a'), false);
    now = 12_000; // the first failure has left the window
    assert.equal(bans.failed('a'), false);
    assert.equal(bans.remaining('a'), 0);
    assert.equal(bans.failed('a'), true);
    assert.equal(bans.remaining('a'), 60_000);
    assert.equal(bans.banned, 1);
    assert.equal(bans.failed('a'), false); // already banned: no new ban, no longer one
    assert.equal(bans.remaining('a'), 60_000);
    now = 72_000;
    assert.equal(bans.remaining('a'), 0);
    assert.equal(bans.banned, 0);
    assert.equal(bans.failed('a'), false);
  });

  it('holds at most `capacity` addresses: the least recently seen unbanned ones go first', () => {
    let now = 0;
    const bans = new BanList(options, () => now);
    for (let i = 0; i < 3; i++) bans.failed('banned');
    for (const address of ['b', 'c', 'd', 'e', 'f', 'g']) {
      now += 1;
      bans.failed(address);
    }
    assert.equal(bans.size, 4);
    assert.ok(bans.remaining('banned') > 0, 'a ban outlives the churn of single failures');
    // Failures spread over many addresses never add up to a ban of a forgotten one.
    for (let i = 0; i < 1000; i++) bans.failed(`spray-${i}`);
    assert.equal(bans.size, 4);
    assert.equal(bans.banned, 1);
  });

  it('forgets expired entries as it goes', () => {
    let now = 0;
    const bans = new BanList(options, () => now);
    for (const address of ['a', 'b', 'c']) bans.failed(address);
    now = 11_000;
    bans.failed('d');
    assert.equal(bans.size, 1);
  });

  it('is on by default (10 failures in 600 s ban for 600 s), off with ban: false, checked', () => {
    assert.deepEqual(resolveOptions({}).ban, { failures: 10, window: 600, duration: 600, capacity: 10_000 });
    assert.equal(resolveOptions({ ban: false }).ban, null);
    assert.throws(() => resolveOptions({ ban: { failures: 0 } }), /ban\.failures must be a whole number from 1/);
    assert.throws(() => resolveOptions({ ban: { duration: -1 } }), /ban\.duration must be a positive number of seconds/);
  });
});

describe('banning over the network', { timeout: 60_000 }, () => {
  it('10 failures over 10 connections: 421 at connect, an event, counted; another address still logs in; lifted after the duration', async () => {
    await using t = await startServer({ ban: { failures: 10, window: 60, duration: 1 } });
    const events: unknown[] = [];
    t.server.on('ban', (e) => events.push(e));
    const banned = once(t.server, 'ban');
    let bannedAt = 0;
    t.server.on('ban', () => (bannedAt = performance.now())); // in this process, as the server bans
    for (let i = 0; i < 10; i++) {
      const ftp = await RawFtp.connect(t.port);
      assert.equal(ftp.greeting.code, 220, `connection ${i + 1}`);
      assert.equal((await ftp.login(USER, 'wrong')).code, 530);
      ftp.close();
    }
    await banned;
    const refused = await RawFtp.connect(t.port);
    assert.equal(refused.greeting.code, 421);
    assert.match(refused.greeting.message, /^Too many failed logins from your address: try again in 1 s$/);
    await refused.closed();
    assert.deepEqual(events, [{ address: '127.0.0.1', failures: 10, seconds: 1 }]);
    const stats = t.server.stats();
    assert.equal(stats.bannedAddresses, 1);
    assert.equal(stats.bannedRefused, 1);
    // The account is not locked: its owner logs in from elsewhere.
    const elsewhere = await RawFtp.connect(t.port, { localAddress: '127.0.0.2' });
    assert.equal((await elsewhere.login(USER, PASSWORD)).code, 230);
    elsewhere.close();
    // Lifted: a connection is greeted again, no sooner than the duration.
    await untilAsync(async () => {
      const ftp = await RawFtp.connect(t.port);
      ftp.close();
      return ftp.greeting.code === 220;
    }, 'the ban lifted');
    assert.ok(performance.now() - bannedAt >= 995, `lifted after ${performance.now() - bannedAt} ms`);
    assert.equal(t.server.stats().bannedAddresses, 0);
    const again = await RawFtp.connect(t.port);
    assert.equal((await again.login(USER, PASSWORD)).code, 230);
    again.close();
  });

  it('web and FTP failures add up, and a banned address gets 429 on the web with Retry-After', async () => {
    const w = await startWeb({}, { anonymous: false, ban: { failures: 4, window: 60, duration: 30 } });
    try {
      for (let i = 0; i < 2; i++) assert.equal((await ask(w.port, 'GET', '/files/pub/hello.txt', { auth: `${USER}:wrong` })).status, 401);
      for (let i = 0; i < 2; i++) {
        const ftp = await RawFtp.connect(w.ftp.port);
        assert.equal((await ftp.login('nobody', 'x')).code, 530);
        ftp.close();
      }
      const refused = await ask(w.port, 'GET', '/files/pub/hello.txt', { auth: `${USER}:${PASSWORD}` });
      assert.equal(refused.status, 429);
      assert.equal(refused.headers['retry-after'], '30');
      assert.deepEqual(refused.json(), { error: 'Too many failed logins from your address: try again in 30 s', status: 429 });
      const ftp = await RawFtp.connect(w.ftp.port);
      assert.equal(ftp.greeting.code, 421);
      ftp.close();
    } finally {
      await w.close();
    }
  });

  it('curl: ten failed logins, then the eleventh connection is turned away with 421', { skip: skipUnless('curl') }, async () => {
    await using t = await startServer({ ban: { failures: 10, window: 60, duration: 30 } });
    const curl = (password: string): ReturnType<typeof run> => run('curl', ['-sS', '--max-time', '20', '-u', `${USER}:${password}`, `ftp://127.0.0.1:${t.port}/pub/hello.txt`]);
    for (let i = 0; i < 10; i++) assert.equal((await curl('wrong')).code, 67, `attempt ${i + 1}`); // CURLE_LOGIN_DENIED
    const refused = await run('curl', ['-sS', '-v', '--max-time', '20', '-u', `${USER}:${PASSWORD}`, `ftp://127.0.0.1:${t.port}/pub/hello.txt`]);
    assert.equal(refused.code, 28); // curl reports any 421 as CURLE_OPERATION_TIMEDOUT (servers send 421 on idle timeouts)
    assert.match(refused.stderr, /< 421 Too many failed logins from your address/);
  });

  it('ban: false never bans', async () => {
    await using t = await startServer({ ban: false, limits: { loginAttempts: 20 } });
    const ftp = await RawFtp.connect(t.port);
    for (let i = 0; i < 12; i++) assert.equal((await ftp.login(USER, 'wrong')).code, 530);
    ftp.close();
    const after = await RawFtp.connect(t.port);
    assert.equal(after.greeting.code, 220);
    after.close();
  });
});

describe('a ban that cannot be sidestepped', { timeout: 20_000 }, () => {
  it('a login still being decided when its address gets banned is refused, even with the right password', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let asked = 0;
    await using t = await startServer({
      ban: { failures: 3, window: 60, duration: 60 },
      authenticate: async (name, password) => {
        asked++;
        await gate;
        if (password !== 'right') return null;
        await sleep(20); // answers after the three wrong guesses sent alongside it
        return { name, home: '/' };
      },
    });
    const from = { address: '10.7.7.7' };
    const guesses = ['wrong', 'wrong', 'wrong', 'right'].map((password) => t.server.authenticate('mallory', password, from));
    await untilAsync(async () => asked === 4, 'the four guesses asked');
    release();
    const accounts = await Promise.all(guesses);
    assert.ok(t.server.bannedFor('10.7.7.7') > 0);
    assert.deepEqual(accounts, [null, null, null, null], 'the guess that came back after the ban is not let in');
  });

  it('counts an IPv4-mapped address as the IPv4 address it is', async () => {
    await using t = await startServer({ ban: { failures: 3, window: 60, duration: 60 } });
    for (let i = 0; i < 3; i++) assert.equal(await t.server.authenticate('nobody', 'x', { address: i % 2 ? '10.8.8.8' : '::ffff:10.8.8.8' }), null);
    assert.ok(t.server.bannedFor('10.8.8.8') > 0, 'banned as 10.8.8.8');
    assert.ok(t.server.bannedFor('::ffff:10.8.8.8') > 0, 'and as ::ffff:10.8.8.8');
  });
});
