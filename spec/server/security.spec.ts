// RFC 2577 and vsftpd practice, each with its own test: no bounce, no data-port theft,
// no user enumeration, login throttling, connection and line limits, idle and data
// timeouts, and a root that neither `..` nor a symbolic link can leave.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Reply } from '../../protocol/reply.js';
import { connectData, RawFtp, readAll } from '../helpers/raw-ftp.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';
import { within } from '../helpers/wait.js';

async function loggedIn(t: TestServer, options: { localAddress?: string } = {}): Promise<RawFtp> {
  const ftp = await RawFtp.connect(t.port, options);
  assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
  assert.equal((await ftp.cmd('TYPE I')).code, 200);
  return ftp;
}

const elapsed = async (fn: () => Promise<unknown>): Promise<number> => {
  const start = performance.now();
  await fn();
  return performance.now() - start;
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

describe('no bounce (RFC 2577 §3)', () => {
  let t: TestServer;
  before(async () => (t = await startServer()));
  after(() => t.close());

  it('PORT and EPRT only to the control connection’s own address and to ports ≥ 1024', async () => {
    const ftp = await loggedIn(t);
    assert.equal((await ftp.cmd('PORT 127,0,0,2,39,16')).code, 504);
    assert.equal((await ftp.cmd('PORT 10,0,0,1,39,16')).code, 504);
    assert.equal((await ftp.cmd('PORT 127,0,0,1,0,80')).code, 504);
    assert.equal((await ftp.cmd('EPRT |1|192.0.2.1|10000|')).code, 504);
    assert.equal((await ftp.cmd('EPRT |1|127.0.0.1|1023|')).code, 504);
    assert.equal((await ftp.cmd('EPRT |2|::1|10000|')).code, 522);
    assert.equal((await ftp.cmd('PORT 127,0,0,1,39,16')).code, 200);
    // None of the refused ones set anything up: the accepted one is the only target.
    ftp.close();
  });

  it('after EPSV ALL only EPSV sets up data connections', async () => {
    const ftp = await loggedIn(t);
    assert.equal((await ftp.cmd('EPSV ALL')).code, 200);
    assert.equal((await ftp.cmd('PASV')).code, 503);
    assert.equal((await ftp.cmd('PORT 127,0,0,1,39,16')).code, 503);
    assert.equal((await ftp.cmd('EPRT |1|127.0.0.1|10000|')).code, 503);
    assert.equal((await ftp.cmd('EPSV')).code, 229);
    assert.equal((await ftp.cmd('EPSV 2')).code, 522);
    assert.equal((await ftp.cmd('EPSV 1')).code, 229);
    ftp.close();
  });
});

describe('no data-port theft', () => {
  let t: TestServer;
  before(async () => (t = await startServer({ pasv: { min: 40000, max: 40100 } })));
  after(() => t.close());

  it('refuses a data connection from another address (425), then serves the right one', async () => {
    const ftp = await loggedIn(t); // from 127.0.0.1
    const port = await ftp.epsv();
    assert.ok(port >= 40000 && port <= 40100);
    const thief = await connectData(port, { localAddress: '127.0.0.2' });
    const stolen = readAll(thief);
    assert.equal((await ftp.cmd('RETR pub/hello.txt')).code, 425); // alone: no 150 before it
    assert.equal((await stolen).length, 0);
    // The session lives on; a new passive port from the right address works.
    const data = await connectData(await ftp.epsv());
    const received = readAll(data);
    assert.equal((await ftp.cmd('RETR pub/hello.txt')).code, 150);
    assert.equal((await received).toString(), 'hello world\n');
    assert.equal((await ftp.reply()).code, 226);
    ftp.close();
  });

  it('picks passive ports at random within the range', async () => {
    const ftp = await loggedIn(t);
    const ports = new Set<number>();
    for (let i = 0; i < 10; i++) ports.add(await ftp.epsv());
    assert.ok(ports.size >= 5, `ports ${[...ports]}`);
    for (const port of ports) assert.ok(port >= 40000 && port <= 40100);
    ftp.close();
  });
});

describe('no user enumeration, and login throttling', () => {
  // The delay before each session's first 530; the n-th waits n times as long.
  const DELAY_MS = 200;
  let t: TestServer;
  before(async () => (t = await startServer({ anonymous: false, limits: { loginDelay: DELAY_MS / 1000, loginAttempts: 3 } })));
  after(() => t.close());

  it('answers an unknown user exactly as a wrong password, in about the same time', async () => {
    // Timing is what this test is about, so it measures, but robustly: pairs of fresh
    // sessions send their PASS at the same moment (whatever slows the machine slows both),
    // the order alternating; medians of several pairs; and the margin is half the designed
    // delay, which is what a server that skipped or doubled it for one kind would show.
    const tKnown: number[] = [];
    const tUnknown: number[] = [];
    let refusal: Reply | undefined;
    for (let i = 0; i < 7; i++) {
      const known = await RawFtp.connect(t.port);
      const unknown = await RawFtp.connect(t.port);
      assert.deepEqual(await known.cmd(`USER ${USER}`), await unknown.cmd('USER nobody-here'));
      const pass = (ftp: RawFtp, times: number[]) => elapsed(async () => {
        const reply = await ftp.cmd('PASS wrong');
        refusal ??= reply;
        assert.deepEqual(reply, refusal);
      }).then((ms) => times.push(ms));
      await Promise.all(i % 2 ? [pass(known, tKnown), pass(unknown, tUnknown)] : [pass(unknown, tUnknown), pass(known, tKnown)]);
      if (i === 0) {
        // Anonymous is off here: it is just another unknown name.
        assert.deepEqual(await known.login('anonymous', 'x@y'), refusal);
      }
      known.close();
      unknown.close();
    }
    assert.equal(refusal!.code, 530);
    const report = `known ${tKnown.map(Math.round)} ms, unknown ${tUnknown.map(Math.round)} ms`;
    // Every failure waits the delay (a lower bound: timers never fire early)...
    assert.ok(Math.min(...tKnown, ...tUnknown) >= DELAY_MS - 5, report);
    // ...and neither kind noticeably longer than the other.
    assert.ok(Math.abs(median(tKnown) - median(tUnknown)) < DELAY_MS / 2, report);
  });

  it('waits longer after each failure and hangs up after the last allowed one', async () => {
    const ftp = await RawFtp.connect(t.port);
    const first = await elapsed(() => ftp.login(USER, 'wrong'));
    const second = await elapsed(() => ftp.login(USER, 'wrong'));
    // Lower bounds only: each wait is at least its delay (1 ×, then 2 ×); a busy machine
    // only adds to either, so comparing the two measured waits would prove nothing more.
    assert.ok(first >= DELAY_MS - 5 && second >= 2 * DELAY_MS - 5, `${first} then ${second} ms`);
    assert.equal((await ftp.login(USER, 'wrong')).code, 530);
    await ftp.closed();
    assert.equal(t.server.stats().failedLogins >= 3, true);
  });
});

describe('limits', () => {
  it('refuses connections beyond the total (421) and beyond the per-address limit', async () => {
    await using t = await startServer({ limits: { connections: 3, perAddress: 2 } });
    const a = await RawFtp.connect(t.port);
    const b = await RawFtp.connect(t.port);
    const c = await RawFtp.connect(t.port);
    assert.equal(c.greeting.code, 421);
    assert.match(c.greeting.message, /your address/);
    const d = await RawFtp.connect(t.port, { localAddress: '127.0.0.2' });
    assert.equal(d.greeting.code, 220);
    const e = await RawFtp.connect(t.port, { localAddress: '127.0.0.3' });
    assert.equal(e.greeting.code, 421);
    assert.match(e.greeting.message, /Too many connections/);
    // A refused client that talks before reading the 421 is still hung up on once it leaves.
    const eager = await connectData(t.port);
    const refusal = readAll(eager);
    eager.end(`USER ${USER}\r\n`);
    assert.match((await refusal).toString(), /^421 /);
    // Once the server has seen a go (its place counted out), a new one is welcome.
    const gone = once(t.server, 'session-end');
    a.close();
    await within(gone, 'the server to end the closed session');
    const f = await RawFtp.connect(t.port);
    assert.equal(f.greeting.code, 220);
    for (const ftp of [b, d, f]) ftp.close();
    assert.ok(t.server.stats().refused >= 2);
  });

  it('closes on a command line past the limit, and accepts one at the limit', async () => {
    await using t = await startServer({ limits: { lineBytes: 512 } });
    const ftp = await RawFtp.connect(t.port);
    assert.equal((await ftp.cmd(`NOOP ${'x'.repeat(507)}`)).code, 501); // 512 bytes: read, and NOOP takes no argument
    ftp.send(`USER ${'a'.repeat(600)}`); // no end of line at all
    assert.equal((await ftp.reply()).code, 500);
    await ftp.closed();
  });

  it('says 421 and closes an idle control connection', async () => {
    // 1 s, so that no stall of a busy machine between a reply and the next command lets
    // it strike during the login. Timed from before the login: the idle timer restarts
    // with each command, all sent after that, so this lower bound holds however late this
    // side reads the replies. Without the idle timeout the connection would stay open.
    await using t = await startServer({ timeouts: { idle: 1 } });
    const started = performance.now();
    const ftp = await loggedIn(t);
    assert.equal((await ftp.reply()).code, 421);
    const waited = performance.now() - started;
    assert.ok(waited >= 995, `${waited} ms`);
    await ftp.closed();
  });

  it('counts no idle time while a transfer runs: an upload longer than the idle timeout ends in 226, and 421 comes a full timeout after it', async () => {
    await using t = await startServer({ timeouts: { idle: 0.5 } });
    const ftp = await loggedIn(t);
    const data = await connectData(await ftp.epsv());
    assert.equal((await ftp.cmd('STOR upload/slow-idle.txt')).code, 150);
    for (let piece = 0; piece < 3; piece++) {
      data.write('x'.repeat(100));
      await new Promise((resolve) => setTimeout(resolve, 400)); // 1.2 s in all: more than two idle timeouts
    }
    data.end();
    assert.equal((await ftp.reply()).code, 226);
    const ended = performance.now();
    assert.equal((await ftp.reply()).code, 421);
    const waited = performance.now() - ended;
    assert.ok(waited >= 450, `421 ${waited} ms after the transfer ended`);
    await ftp.closed();
  });

  it('gives up on a data connection that is not made in time (425) or that stalls (426)', async () => {
    await using t = await startServer({ timeouts: { data: 0.3, stall: 0.3 } });
    const ftp = await loggedIn(t);
    await ftp.epsv();
    // Neither the data connection nor its data ever comes: the reply waits are only bounds for a hang.
    assert.equal((await ftp.cmd('RETR pub/hello.txt')).code, 425); // no 150: no connection came
    const data = await connectData(await ftp.epsv());
    assert.equal((await ftp.cmd('STOR upload/stalled.txt')).code, 150);
    assert.equal((await ftp.reply()).code, 426);
    data.destroy();
    assert.equal((await ftp.cmd('NOOP')).code, 200);
    ftp.close();
  });
});

describe('the root cannot be left', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({
      users: [
        { name: USER, password: PASSWORD },
        { name: 'bob', password: 'builder', home: '/home/bob' },
        { name: 'reader', password: 'r', rights: { write: false, delete: false, mkdir: false, rename: false } },
        { name: 'dropbox', password: 'd', home: '/upload', rights: { read: false, delete: false, rename: false } },
      ],
    });
    mkdirSync(join(t.root, 'home/bob'), { recursive: true });
    writeFileSync(join(t.root, 'home/bob/mine.txt'), 'bob');
    symlinkSync('/etc', join(t.root, 'pub/etc-link'));
    symlinkSync('/etc/hostname', join(t.root, 'pub/hostname-link'));
    symlinkSync(join(t.root, 'nowhere'), join(t.root, 'upload/dangling'));
    symlinkSync('hello.txt', join(t.root, 'pub/inside-link'));
    symlinkSync(join(t.root, 'pub'), join(t.root, 'home/bob/pub-link'));
  });
  after(() => t.close());

  it('`..`, absolute paths, repeated slashes and NUL stay inside', async () => {
    const ftp = await loggedIn(t);
    assert.equal((await ftp.cmd('SIZE ../../../../etc/hostname')).code, 550);
    assert.equal((await ftp.cmd('SIZE /etc/hostname')).code, 550);
    assert.equal((await ftp.cmd('SIZE //pub///hello.txt')).message, '12');
    assert.equal((await ftp.cmd('SIZE pub/../../pub/./hello.txt')).message, '12');
    assert.equal((await ftp.cmd('SIZE pub/hello.txt\0.jpg')).code, 553);
    ftp.close();
  });

  it('a symbolic link out of the root leads nowhere; one inside works', async () => {
    const ftp = await loggedIn(t);
    assert.equal((await ftp.cmd('CWD pub/etc-link')).code, 550);
    assert.equal((await ftp.cmd('SIZE pub/etc-link/hostname')).code, 550);
    assert.equal((await ftp.cmd('SIZE pub/hostname-link')).code, 550);
    assert.equal((await ftp.cmd('SIZE pub/inside-link')).message, '12');
    await ftp.epsv();
    assert.equal((await ftp.cmd('STOR upload/dangling')).code, 550); // would create the link's target
    const data = await connectData(await ftp.epsv());
    const listing = readAll(data);
    await ftp.cmd('NLST pub');
    const names = (await listing).toString();
    assert.equal((await ftp.reply()).code, 226);
    assert.ok(names.includes('pub/inside-link') && !names.includes('etc-link') && !names.includes('hostname-link'));
    ftp.close();
  });

  it('a user with a home sees only it; a link from it to elsewhere in the server root is refused', async () => {
    const ftp = await RawFtp.connect(t.port);
    assert.equal((await ftp.login('bob', 'builder')).code, 230);
    assert.equal((await ftp.cmd('SIZE /mine.txt')).message, '3');
    assert.equal((await ftp.cmd('SIZE /pub/hello.txt')).code, 550);
    assert.equal((await ftp.cmd('CWD ..')).code, 250);
    assert.match((await ftp.cmd('PWD')).message, /^"\/" /);
    assert.equal((await ftp.cmd('SIZE pub-link/hello.txt')).code, 550);
    ftp.close();
  });

  it('rights: read-only users cannot change anything, a drop box cannot read or replace', async () => {
    const reader = await RawFtp.connect(t.port);
    assert.equal((await reader.login('reader', 'r')).code, 230);
    for (const line of ['MKD x', 'DELE pub/hello.txt', 'RMD pub/nested', 'RNFR pub/hello.txt', 'MFMT 20200101000000 pub/hello.txt', 'SITE CHMOD 777 pub/hello.txt']) {
      assert.equal((await reader.cmd(line)).code, 550, line);
    }
    await reader.epsv();
    assert.equal((await reader.cmd('STOR upload/x')).code, 550);
    reader.close();
    writeFileSync(join(t.root, 'upload/existing.txt'), 'keep');
    const box = await RawFtp.connect(t.port);
    assert.equal((await box.login('dropbox', 'd')).code, 230);
    await box.epsv();
    assert.equal((await box.cmd('RETR existing.txt')).code, 550);
    assert.equal((await box.cmd('LIST')).code, 550);
    assert.equal((await box.cmd('STOR existing.txt')).code, 550); // replacing is deleting
    assert.equal((await box.cmd('DELE existing.txt')).code, 550);
    const data = await connectData(await box.epsv());
    assert.equal((await box.cmd('STOR new.txt')).code, 150);
    data.end('dropped');
    assert.equal((await box.reply()).code, 226);
    box.close();
  });
});
