// Transfers driven by a raw client: downloads, uploads, resumes, ASCII conversion,
// listings, active mode, and what happens mid-transfer: ABOR (426 then 226), STAT,
// QUIT, queued commands, and the guarantee that no truncated upload ever shows under
// the target's name.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { diskPacing } from '../../common/disk-pacing.js';
import { isTemporaryUpload } from '../../server/fs/user-fs.js';
import { pseudoRandom } from '../helpers/files.js';
import { connectData, RawFtp, readAll, writeAll } from '../helpers/raw-ftp.js';
import { BINARY, PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';
import { untilAsync, within } from '../helpers/wait.js';

/** Asks STAT until the running transfer reports at least `bytes` moved: the server has them. */
function transferred(ftp: RawFtp, bytes: number): Promise<void> {
  return untilAsync(async () => {
    const status = await ftp.cmd('STAT');
    assert.equal(status.code, 213, status.message);
    const [, count] = /^Status: (?:RETR|STOR) \S+, (\d+) bytes so far$/.exec(status.message) ?? assert.fail(status.message);
    return Number(count) >= bytes;
  }, `the transfer to reach ${bytes} bytes`);
}

let t: TestServer;
const BIG = pseudoRandom(32 * 1024 * 1024, 3);
before(async () => {
  t = await startServer();
  writeFileSync(join(t.root, 'pub/big.bin'), BIG);
});
after(() => t.close());

async function loggedIn(type = 'I'): Promise<RawFtp> {
  const ftp = await RawFtp.connect(t.port);
  assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
  assert.equal((await ftp.cmd(`TYPE ${type}`)).code, 200);
  return ftp;
}

/** EPSV, the command, its bytes: the replies 150 and 226 checked on the way. */
async function download(ftp: RawFtp, command: string): Promise<Buffer> {
  const data = await connectData(await ftp.epsv());
  const received = readAll(data);
  const opening = await ftp.cmd(command);
  assert.equal(opening.code, 150, `${command}: ${opening.message}`);
  const bytes = await received;
  const done = await ftp.reply();
  assert.equal(done.code, 226, `${command}: ${done.message}`);
  return bytes;
}

async function upload(ftp: RawFtp, command: string, content: Buffer | string): Promise<string> {
  const data = await connectData(await ftp.epsv());
  const opening = await ftp.cmd(command);
  assert.equal(opening.code, 150, `${command}: ${opening.message}`);
  await writeAll(data, content);
  const done = await ftp.reply();
  assert.equal(done.code, 226, `${command}: ${done.message}`);
  return opening.message;
}

const uploads = (): string[] => readdirSync(join(t.root, 'upload'));

describe('downloads and uploads', () => {
  it('RETR sends the file byte for byte in TYPE I', async () => {
    const ftp = await loggedIn();
    assert.ok((await download(ftp, 'RETR /pub/data.bin')).equals(BINARY));
    ftp.close();
  });

  it('REST then RETR starts at the offset; REST applies to one transfer only', async () => {
    const ftp = await loggedIn();
    assert.equal((await ftp.cmd('REST 6')).code, 350);
    assert.equal((await download(ftp, 'RETR pub/hello.txt')).toString(), 'world\n');
    assert.equal((await download(ftp, 'RETR pub/hello.txt')).toString(), 'hello world\n');
    assert.equal((await ftp.cmd('REST 13')).code, 350);
    await ftp.epsv();
    assert.equal((await ftp.cmd('RETR pub/hello.txt')).code, 554);
    ftp.close();
  });

  it('STOR stores, APPE appends, REST + STOR resumes in place', async () => {
    const ftp = await loggedIn();
    await upload(ftp, 'STOR upload/a.txt', 'hello world\n');
    await upload(ftp, 'APPE upload/a.txt', 'more\n');
    assert.equal(readFileSync(join(t.root, 'upload/a.txt'), 'utf8'), 'hello world\nmore\n');
    assert.equal((await ftp.cmd('REST 6')).code, 350);
    await upload(ftp, 'STOR upload/a.txt', 'there\n');
    assert.equal(readFileSync(join(t.root, 'upload/a.txt'), 'utf8'), 'hello there\n');
    await upload(ftp, 'STOR upload/a.txt', BINARY);
    assert.ok(readFileSync(join(t.root, 'upload/a.txt')).equals(BINARY));
    await upload(ftp, 'APPE upload/new-by-appe.txt', 'x');
    assert.equal(readFileSync(join(t.root, 'upload/new-by-appe.txt'), 'utf8'), 'x');
    assert.equal((await ftp.cmd('REST 99999999')).code, 350);
    await ftp.epsv();
    assert.equal((await ftp.cmd('STOR upload/a.txt')).code, 554);
    ftp.close();
  });

  it('a plain upload is stored whole however it comes: all of it, the end included, before the STOR; empty; 32 MiB', async () => {
    const ftp = await loggedIn();
    const early = BIG.subarray(0, 300_000);
    const data = await connectData(await ftp.epsv());
    // Every byte and the end, sent before the command (the server reads nothing before it).
    data.on('error', () => {});
    const closed = new Promise((resolve) => data.once('close', resolve));
    await new Promise<void>((resolve) => data.end(early, resolve));
    const opening = await ftp.cmd('STOR upload/early.bin');
    assert.equal(opening.code, 150, opening.message);
    assert.equal((await ftp.reply()).code, 226);
    await closed;
    assert.ok(readFileSync(join(t.root, 'upload/early.bin')).equals(early), 'what came before the 150');
    await upload(ftp, 'STOR upload/empty.bin', '');
    assert.equal(readFileSync(join(t.root, 'upload/empty.bin')).length, 0);
    await upload(ftp, 'STOR upload/big.bin', BIG);
    assert.ok(readFileSync(join(t.root, 'upload/big.bin')).equals(BIG), '32 MiB byte for byte');
    ftp.close();
  });

  it('a plain upload while the disk is slow (writes in the thread pool): lent reads wait behind the write in flight, every byte stored', async (ctx) => {
    const { poolUntil } = diskPacing;
    diskPacing.poolUntil = Infinity; // as after a write slower than diskPacing.slowMs
    ctx.after(() => void (diskPacing.poolUntil = poolUntil));
    const ftp = await loggedIn();
    await upload(ftp, 'STOR upload/slow-disk.bin', BIG);
    assert.ok(readFileSync(join(t.root, 'upload/slow-disk.bin')).equals(BIG), '32 MiB byte for byte');
    ftp.close();
  });

  it('STOU picks a name that does not exist and says which (RFC 1123)', async () => {
    const ftp = await loggedIn();
    await ftp.cmd('CWD /upload');
    const first = await upload(ftp, 'STOU', 'one');
    const second = await upload(ftp, 'STOU a.txt', 'two');
    const [, name1] = /^FILE: \/upload\/(.+)$/.exec(first)!;
    const [, name2] = /^FILE: \/upload\/(.+)$/.exec(second)!;
    assert.notEqual(name1, name2);
    assert.match(name2!, /^a\.txt\.[0-9a-f]{8}$/);
    assert.equal(readFileSync(join(t.root, 'upload', name1!), 'utf8'), 'one');
    assert.equal(readFileSync(join(t.root, 'upload', name2!), 'utf8'), 'two');
    ftp.close();
  });

  it('TYPE A turns LF into CRLF on the way out and CRLF into LF on the way in', async () => {
    const ftp = await loggedIn('A');
    assert.equal((await download(ftp, 'RETR pub/lines.txt')).toString(), 'one\r\ntwo\r\nthree\r\n');
    await upload(ftp, 'STOR upload/ascii.txt', 'a\r\nb\r\nc\rd\r\n');
    assert.equal(readFileSync(join(t.root, 'upload/ascii.txt'), 'utf8'), 'a\nb\nc\rd\n');
    ftp.close();
  });

  it('RETR of a folder or a missing file is 550, and the data port stays usable', async () => {
    const ftp = await loggedIn();
    await ftp.epsv();
    assert.equal((await ftp.cmd('RETR pub')).code, 550);
    assert.equal((await ftp.cmd('RETR nothing')).code, 550);
    assert.equal((await ftp.cmd('STOR pub')).code, 550);
    assert.equal((await ftp.cmd('STOR no/such/dir/x')).code, 550);
    ftp.close();
  });

  it('a transfer without PASV/PORT is refused with 425, and each PASV serves one connection', async () => {
    const ftp = await loggedIn();
    assert.equal((await ftp.cmd('RETR pub/hello.txt')).code, 425);
    const port = await ftp.epsv();
    const data = await connectData(port);
    const received = readAll(data);
    assert.equal((await ftp.cmd('RETR pub/hello.txt')).code, 150);
    await received;
    assert.equal((await ftp.reply()).code, 226);
    await assert.rejects(connectData(port)); // the listener is gone
    assert.equal((await ftp.cmd('RETR pub/hello.txt')).code, 425);
    ftp.close();
  });
});

describe('listings', () => {
  it('LIST writes ls -l lines, skipping ls options; LIST of a file lists that file', async () => {
    const ftp = await loggedIn();
    const lines = (await download(ftp, 'LIST -la /pub')).toString().split('\r\n').filter(Boolean);
    assert.equal(lines.length, 7);
    for (const line of lines) assert.match(line, /^[-d]rw[-x]r-[-x]r-[-x] +1 ftp +ftp +\d+ \w{3} [ \d]\d +(\d\d:\d\d|\d{4}) .+$/);
    assert.ok(lines.some((l) => l.startsWith('d') && l.endsWith(' nested')));
    assert.ok(lines.some((l) => / 1048593 .+ data\.bin$/.test(l)));
    const one = (await download(ftp, 'LIST pub/hello.txt')).toString();
    assert.match(one, /^-rw-r--r-- +1 ftp +ftp +12 .+ hello\.txt\r\n$/);
    ftp.close();
  });

  it('NLST gives bare names in the working folder, paths for a folder named', async () => {
    const ftp = await loggedIn();
    await ftp.cmd('CWD /pub/nested');
    assert.equal((await download(ftp, 'NLST')).toString(), 'deeper\r\n');
    assert.equal((await download(ftp, 'NLST deeper')).toString(), 'deeper/deep.txt\r\n');
    assert.equal((await download(ftp, 'NLST /pub/nested/deeper/deep.txt')).toString(), '/pub/nested/deeper/deep.txt\r\n');
    ftp.close();
  });

  it('MLSD writes facts lines with the user’s perm letters; MLSD of a file is 501', async () => {
    const ftp = await loggedIn();
    const lines = (await download(ftp, 'MLSD /pub')).toString().split('\r\n').filter(Boolean).sort();
    assert.equal(lines.length, 7);
    assert.match(lines.find((l) => l.endsWith(' nested'))!, /^type=dir;size=0;modify=\d{14}(\.\d+)?;perm=cdeflmp;unix\.mode=0755;/);
    assert.match(lines.find((l) => l.endsWith(' hello.txt'))!, /^type=file;size=12;.*perm=adfrw;/);
    await ftp.epsv();
    assert.equal((await ftp.cmd('MLSD /pub/hello.txt')).code, 501);
    const anon = await RawFtp.connect(t.port);
    await anon.login('anonymous', 'x');
    assert.match((await anon.cmd('MLST /pub')).lines[1]!, /perm=el;/);
    anon.close();
    ftp.close();
  });

  it('a name with a line break cannot forge a listing line', async () => {
    const ftp = await loggedIn();
    await ftp.cmd('MKD /odd');
    writeFileSync(join(t.root, 'odd', 'two\r\nlines'), '');
    assert.equal((await download(ftp, 'NLST /odd')).toString(), '/odd/two??lines\r\n');
    assert.match((await download(ftp, 'LIST /odd')).toString(), / two\?\?lines\r\n$/);
    assert.match((await download(ftp, 'MLSD /odd')).toString(), /; two\?\?lines\r\n$/);
    ftp.close();
  });

  it('a listing of thousands of entries streams out whole', async () => {
    const ftp = await loggedIn();
    await ftp.cmd('MKD /many');
    for (let i = 0; i < 3000; i++) writeFileSync(join(t.root, 'many', `file-${i}.txt`), '');
    const names = (await download(ftp, 'NLST /many')).toString().split('\r\n').filter(Boolean);
    assert.equal(names.length, 3000);
    ftp.close();
  });
});

describe('active mode', () => {
  async function listenOnce(): Promise<{ port: number; socket: Promise<Socket>; close: () => void }> {
    const server = createNetServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const socket = new Promise<Socket>((resolve) => server.once('connection', resolve));
    return { port: (server.address() as AddressInfo).port, socket, close: () => server.close() };
  }

  it('PORT and EPRT make the server connect back for the transfer', async () => {
    const ftp = await loggedIn();
    for (const setup of [(p: number) => `PORT 127,0,0,1,${p >> 8},${p & 255}`, (p: number) => `EPRT |1|127.0.0.1|${p}|`]) {
      const listener = await listenOnce();
      assert.equal((await ftp.cmd(setup(listener.port))).code, 200);
      assert.equal((await ftp.cmd('RETR pub/hello.txt')).code, 150);
      assert.equal((await readAll(await listener.socket)).toString(), 'hello world\n');
      assert.equal((await ftp.reply()).code, 226);
      listener.close();
      // An upload over a connection the server made.
      const back = await listenOnce();
      assert.equal((await ftp.cmd(setup(back.port))).code, 200);
      assert.equal((await ftp.cmd('STOR upload/active.bin')).code, 150);
      await writeAll(await back.socket, BIG.subarray(0, 700_001));
      assert.equal((await ftp.reply()).code, 226);
      assert.ok(readFileSync(join(t.root, 'upload/active.bin')).equals(BIG.subarray(0, 700_001)));
      back.close();
    }
    ftp.close();
  });

  it('works on a dual-stack listener, where IPv4 clients appear as ::ffff:a.b.c.d', async () => {
    await using dual = await startServer({ host: '::' });
    const ftp = await RawFtp.connect(dual.port);
    await ftp.login(USER, PASSWORD);
    const listener = await listenOnce();
    assert.equal((await ftp.cmd(`PORT 127,0,0,1,${listener.port >> 8},${listener.port & 255}`)).code, 200);
    assert.equal((await ftp.cmd('RETR pub/hello.txt')).code, 150);
    assert.equal((await readAll(await listener.socket)).length, 12 + 1); // TYPE A: CRLF
    assert.equal((await ftp.reply()).code, 226);
    assert.match((await ftp.cmd('PASV')).message, /\(127,0,0,1,\d+,\d+\)/);
    listener.close();
    ftp.close();
  });

  it('a PORT target that refuses the connection gives 425', async () => {
    const ftp = await loggedIn();
    const listener = await listenOnce();
    listener.close();
    assert.equal((await ftp.cmd(`EPRT |1|127.0.0.1|${listener.port}|`)).code, 200);
    assert.equal((await ftp.cmd('RETR pub/hello.txt')).code, 150);
    assert.equal((await ftp.reply()).code, 425);
    ftp.close();
  });
});

describe('during a transfer', () => {
  it('ABOR during RETR: 426 for the transfer, then 226 for the ABOR, and the session goes on', async () => {
    const ftp = await loggedIn();
    const data = await connectData(await ftp.epsv());
    data.pause(); // the server fills the socket buffers and waits
    assert.equal((await ftp.cmd('RETR pub/big.bin')).code, 150);
    await transferred(ftp, 1); // under way, and held up by the client that does not read
    assert.equal((await ftp.cmd('ABOR')).code, 426);
    assert.equal((await ftp.reply()).code, 226);
    data.destroy();
    assert.equal((await ftp.cmd('NOOP')).code, 200);
    assert.equal((await download(ftp, 'RETR pub/hello.txt')).toString(), 'hello world\n');
    ftp.close();
  });

  it('STAT during a transfer reports its progress; other commands wait for the end', async () => {
    const ftp = await loggedIn();
    const data = await connectData(await ftp.epsv());
    assert.equal((await ftp.cmd('STOR upload/progress.bin')).code, 150);
    await new Promise<void>((r) => data.write(Buffer.alloc(5000), () => r()));
    ftp.send('NOOP\r\n');
    // STAT is answered at once, and the server counts the 5000 bytes once it has read
    // them, which a busy machine may put off: ask until they are all in (a hang aside).
    await transferred(ftp, 5000);
    const status = await ftp.cmd('STAT');
    assert.match(status.message, /^Status: STOR \/upload\/progress\.bin, 5000 bytes so far$/);
    await writeAll(data, Buffer.alloc(1000));
    assert.equal((await ftp.reply()).code, 226);
    assert.equal((await ftp.reply()).code, 200); // the NOOP, answered after the transfer
    assert.equal(readFileSync(join(t.root, 'upload/progress.bin')).length, 6000);
    ftp.close();
  });

  it('QUIT during a transfer lets it finish, then says goodbye', async () => {
    const ftp = await loggedIn();
    const data = await connectData(await ftp.epsv());
    assert.equal((await ftp.cmd('STOR upload/quit.txt')).code, 150);
    // The server answers STAT at once during a transfer, and reads commands in order: once
    // it has, the QUIT sent before it has arrived, and the upload may end.
    ftp.send('QUIT\r\n');
    assert.equal((await ftp.cmd('STAT')).code, 213);
    await writeAll(data, 'finished');
    assert.equal((await ftp.reply()).code, 226);
    assert.equal((await ftp.reply()).code, 221);
    await ftp.closed();
    assert.equal(readFileSync(join(t.root, 'upload/quit.txt'), 'utf8'), 'finished');
  });

  it('an aborted upload never leaves a truncated file under the target name', async () => {
    writeFileSync(join(t.root, 'upload/keep.txt'), 'the old content');
    const ftp = await loggedIn();
    const data = await connectData(await ftp.epsv());
    assert.equal((await ftp.cmd('STOR upload/keep.txt')).code, 150);
    await new Promise<void>((r) => data.write(Buffer.alloc(100_000, 1), () => r()));
    await transferred(ftp, 100_000);
    // While it runs, the target is untouched and the bytes go to a hidden temporary file.
    assert.equal(readFileSync(join(t.root, 'upload/keep.txt'), 'utf8'), 'the old content');
    assert.ok(uploads().some(isTemporaryUpload));
    assert.equal((await ftp.cmd('ABOR')).code, 426);
    assert.equal((await ftp.reply()).code, 226);
    data.destroy();
    assert.equal(readFileSync(join(t.root, 'upload/keep.txt'), 'utf8'), 'the old content');
    assert.ok(!uploads().some(isTemporaryUpload));
    // A new file cut off the same way leaves nothing at all.
    const data2 = await connectData(await ftp.epsv());
    assert.equal((await ftp.cmd('STOR upload/never.txt')).code, 150);
    await new Promise<void>((r) => data2.write('partial', () => r()));
    await transferred(ftp, 'partial'.length);
    assert.equal((await ftp.cmd('ABOR')).code, 426);
    assert.equal((await ftp.reply()).code, 226);
    assert.ok(!uploads().some((n) => n === 'never.txt' || isTemporaryUpload(n)));
    ftp.close();
  });

  it('a client that disconnects mid-upload leaves no file behind', async () => {
    const ftp = await loggedIn();
    const data = await connectData(await ftp.epsv());
    assert.equal((await ftp.cmd('STOR upload/cut.txt')).code, 150);
    await new Promise<void>((r) => data.write('partial', () => r()));
    // The server reports the failed transfer once it has thrown the partial file away.
    const reported = once(t.server, 'transfer');
    ftp.close();
    data.destroy();
    const [event] = await within(reported, 'the failed upload to be reported');
    assert.deepEqual([event.path, event.ok], ['/upload/cut.txt', false]);
    assert.ok(!uploads().some((n) => n.includes('cut.txt')));
  });
});
