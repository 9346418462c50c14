// Hostile input never crashes the server: random bytes and mutated command lines, cut
// at random places, over real connections, while a well-behaved client keeps logging in
// and transferring on the side and must see every one of its replies right. Seeded:
// FTPPY_FUZZ_SEED=n replays a run, FTPPY_FUZZ_SESSIONS=n makes it longer.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { mutate, randomBytes, randomChunks, seeded } from '../helpers/chunks.js';
import { connectData, RawFtp, readAll } from '../helpers/raw-ftp.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';
import { tlsMaterial } from '../helpers/tls-material.js';
import { until } from '../helpers/wait.js';

const SEED = Number(process.env.FTPPY_FUZZ_SEED ?? Date.now() % 100_000);
const SESSIONS = Number(process.env.FTPPY_FUZZ_SESSIONS ?? 160);
const PARALLEL = 8;

const CORPUS = [
  'USER anonymous', `USER ${USER}`, `PASS ${PASSWORD}`, 'PASS x', 'ACCT a', 'HOST example.com', 'REIN', 'NOOP', 'SYST',
  'STAT', 'STAT /pub', 'HELP', 'HELP RETR', 'FEAT', 'OPTS UTF8 ON', 'OPTS MLST type;size;', 'OPTS HASH MD5', 'TYPE I',
  'TYPE A', 'TYPE L 8', 'MODE S', 'STRU F', 'ALLO 10', 'PWD', 'CWD /pub', 'CWD ..', 'CDUP', 'XPWD', 'MKD /upload/f',
  'RMD /upload/f', 'DELE /upload/x', 'RNFR /upload/x', 'RNTO /upload/y', 'SIZE /pub/hello.txt', 'MDTM /pub/hello.txt',
  'MFMT 20200101000000 /upload/x', 'SITE CHMOD 644 /upload/x', 'SITE HELP', 'HASH /pub/hello.txt', 'LIST', 'LIST -la /pub',
  'NLST /pub', 'MLSD /pub', 'MLST /pub', 'RETR /pub/hello.txt', 'STOR /upload/x', 'STOU', 'APPE /upload/x', 'REST 5',
  'ABOR', 'PASV', 'EPSV', 'EPSV ALL', 'EPSV 2', 'PORT 127,0,0,2,200,10', 'EPRT |1|127.0.0.2|51000|', 'EPRT |2|::1|5|',
  'AUTH TLS', 'AUTH SSL', 'PBSZ 0', 'PROT P', 'PROT C', 'CCC', 'QUIT',
];

function fuzzLine(random: () => number): Buffer {
  const pick = random();
  if (pick < 0.2) return randomBytes(random, Math.floor(random() * 200));
  const line = Buffer.from(`${CORPUS[Math.floor(random() * CORPUS.length)]}\r\n`);
  if (pick < 0.6) return mutate(line, random);
  if (pick < 0.7) return Buffer.concat([line.subarray(0, line.length - 2), randomBytes(random, Math.floor(random() * 64)), Buffer.from('\r\n')]);
  return line;
}

/** One hostile session: connect from 127.0.0.2 (so PORT can only point there), spray, hang up. */
function hostile(port: number, random: () => number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
    socket.on('error', () => {});
    socket.on('data', () => {});
    socket.once('close', () => resolve());
    socket.once('connect', async () => {
      const lines = Array.from({ length: 1 + Math.floor(random() * 30) }, () => fuzzLine(random));
      if (random() < 0.5) lines.unshift(Buffer.from(`USER ${USER}\r\nPASS ${PASSWORD}\r\n`));
      for (const chunk of randomChunks(Buffer.concat(lines), random, 64)) {
        if (socket.destroyed) break;
        socket.write(chunk);
        if (random() < 0.3) await new Promise((r) => setTimeout(r, Math.floor(random() * 5)));
      }
      setTimeout(() => socket.destroy(), Math.floor(random() * 50));
    });
  });
}

describe(`fuzz (seed ${SEED})`, () => {
  let t: TestServer;
  const problems: unknown[] = [];
  before(async () => {
    const material = tlsMaterial();
    t = await startServer({
      tls: { cert: material.cert, key: material.key, requireLogin: false, requireData: false },
      limits: { perAddress: PARALLEL + 2, loginDelay: 0.001, loginAttempts: 1000 },
      // Short enough that a hostile session stuck in a transfer does not hold the test up
      // for long, long enough that the steady client's transfers never stall out on a busy
      // machine (a timer that fires runs before the I/O that would have beaten it).
      timeouts: { data: 5, stall: 5 },
    });
    t.server.on('session-error', (e) => problems.push(e.error));
  });
  after(() => t.close());

  it('keeps serving a well-behaved client while hostile sessions hammer it', async () => {
    const random = seeded(SEED);
    let stop = false;
    let rounds = 0;
    const steady = (async () => {
      const ftp = await RawFtp.connect(t.port);
      assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
      assert.equal((await ftp.cmd('TYPE I')).code, 200);
      while (!stop) {
        const data = await connectData(await ftp.epsv());
        const received = readAll(data);
        assert.equal((await ftp.cmd('RETR /pub/hello.txt')).code, 150);
        assert.equal((await received).toString(), 'hello world\n');
        assert.equal((await ftp.reply()).code, 226);
        assert.equal((await ftp.cmd('NOOP')).code, 200);
        rounds++;
      }
      assert.equal((await ftp.cmd('QUIT')).code, 221);
    })();
    let next = 0;
    await Promise.all(Array.from({ length: PARALLEL }, async () => {
      while (next < SESSIONS) {
        next++;
        await hostile(t.port, random);
      }
    }));
    stop = true;
    await steady;
    assert.ok(rounds > 0);
    assert.deepEqual(problems, [], `seed ${SEED}`);
    // Still whole: a new client logs in and transfers.
    const ftp = await RawFtp.connect(t.port);
    assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
    assert.equal((await ftp.cmd('SIZE /pub/hello.txt')).message, '12');
    ftp.close();
    const { sessions, refused } = t.server.stats();
    assert.ok(sessions + refused >= SESSIONS, `${sessions} sessions and ${refused} refused`);
    // Every hostile session ends, whatever state it was left in (one that stopped reading
    // behind a queue of transfers that wait for data connections takes the data timeout
    // per transfer: the bound is for a hang).
    await until(() => t.server.stats().connections === 0, 'every session to end', 120_000);
  });
});
