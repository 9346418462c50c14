// FTPS, driven with Node's tls so that every step is visible: AUTH TLS, PBSZ, PROT and
// their ordering; the policy options; TLS session reuse on data connections (required
// by default, 522 otherwise, and only a TLS session of the same FTP session or of
// another of the same user's counts);
// implicit FTPS; and AUTH TLS with commands pipelined behind it in plain text.
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { ServerTlsOptions } from '../../server/index.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expectSuccess, python, skipUnless } from '../helpers/external-clients.js';
import { connectData, RawFtp, readAll } from '../helpers/raw-ftp.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';
import { tlsMaterial } from '../helpers/tls-material.js';

const material = tlsMaterial();
const client: ConnectionOptions = { ca: material.cert, servername: 'localhost' };
const tlsOptions = (extra: Partial<ServerTlsOptions> = {}): ServerTlsOptions => ({ cert: material.cert, key: material.key, ...extra });

/** Remembers the latest TLS session a socket was given (TLS 1.3 tickets come after the handshake). */
function sessions(socket: TLSSocket): () => Buffer | undefined {
  let latest: Buffer | undefined;
  socket.on('session', (s: Buffer) => (latest = s));
  return () => latest ?? socket.getSession();
}

const BOB = { name: 'bob', password: 'builder' };

async function secureLogin(t: TestServer, user = USER, password = PASSWORD): Promise<{ ftp: RawFtp; session: () => Buffer | undefined }> {
  const ftp = await RawFtp.connect(t.port);
  const secure = await ftp.startTls(client);
  const session = sessions(secure);
  assert.equal((await ftp.login(user, password)).code, 230);
  assert.equal((await ftp.cmd('PBSZ 0')).code, 200);
  assert.equal((await ftp.cmd('PROT P')).code, 200);
  assert.equal((await ftp.cmd('TYPE I')).code, 200);
  return { ftp, session };
}

async function tlsData(port: number, session: Buffer | undefined): Promise<TLSSocket> {
  const raw: Socket = await connectData(port);
  const data = tlsConnect({ socket: raw, ...client, ...(session ? { session } : {}) });
  data.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    data.once('secureConnect', resolve);
    data.once('error', reject);
  });
  return data;
}

describe('explicit FTPS', () => {
  let t: TestServer;
  before(async () => (t = await startServer({ tls: tlsOptions(), users: [{ name: USER, password: PASSWORD }, BOB] })));
  after(() => t.close());

  it('advertises AUTH TLS, PBSZ and PROT, and requires TLS before login', async () => {
    const ftp = await RawFtp.connect(t.port);
    const feat = (await ftp.cmd('FEAT')).lines;
    assert.ok(feat.includes(' AUTH TLS') && feat.includes(' PBSZ') && feat.includes(' PROT'));
    assert.equal((await ftp.cmd(`USER ${USER}`)).code, 530);
    assert.equal((await ftp.cmd('PBSZ 0')).code, 503);
    assert.equal((await ftp.cmd('PROT P')).code, 503);
    assert.equal((await ftp.cmd('CCC')).code, 533);
    assert.equal((await ftp.cmd('AUTH KERBEROS_V4')).code, 504);
    ftp.close();
  });

  it('AUTH TLS, then PBSZ before PROT, PROT P only, CCC refused', async () => {
    const ftp = await RawFtp.connect(t.port);
    await ftp.startTls(client);
    assert.equal((await ftp.cmd('AUTH TLS')).code, 503);
    assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
    assert.equal((await ftp.cmd('PROT P')).code, 503);
    assert.deepEqual(await ftp.cmd('PBSZ 16384'), { code: 200, message: 'PBSZ=0', lines: ['PBSZ=0'] });
    assert.equal((await ftp.cmd('PROT C')).code, 534);
    assert.equal((await ftp.cmd('PROT S')).code, 536);
    assert.equal((await ftp.cmd('PROT Q')).code, 504);
    assert.equal((await ftp.cmd('CCC')).code, 534);
    await ftp.epsv();
    assert.equal((await ftp.cmd('RETR pub/hello.txt')).code, 521); // no PROT P yet
    assert.equal((await ftp.cmd('PROT P')).code, 200);
    ftp.close();
  });

  it('a data connection that resumes the control connection’s TLS session works', async () => {
    const { ftp, session } = await secureLogin(t);
    for (let i = 0; i < 2; i++) {
      const port = await ftp.epsv();
      const data = await tlsData(port, session());
      assert.ok(data.isSessionReused());
      const received = readAll(data);
      assert.equal((await ftp.cmd('RETR pub/hello.txt')).code, 150);
      assert.equal((await received).toString(), 'hello world\n');
      assert.equal((await ftp.reply()).code, 226);
    }
    const port = await ftp.epsv();
    const data = await tlsData(port, session());
    assert.equal((await ftp.cmd('STOR upload/secure.txt')).code, 150);
    await new Promise<void>((resolve) => data.end('over TLS', () => resolve()));
    assert.equal((await ftp.reply()).code, 226);
    ftp.close();
  });

  it('a data connection with a fresh TLS session gets 522', async () => {
    const { ftp } = await secureLogin(t);
    const port = await ftp.epsv();
    const data = await tlsData(port, undefined).catch(() => null);
    const opening = await ftp.cmd('RETR pub/hello.txt');
    assert.equal(opening.code, 150);
    const refused = await ftp.reply();
    assert.equal(refused.code, 522);
    assert.match(refused.message, /reuse/);
    data?.destroy();
    ftp.close();
  });

  /** A data connection of `victim` that offers `other`'s TLS session resumes nothing and gets 522. */
  async function refusesOthersSession(victim: Awaited<ReturnType<typeof secureLogin>>, other: Awaited<ReturnType<typeof secureLogin>>): Promise<void> {
    await other.ftp.cmd('NOOP'); // let the tickets arrive
    const port = await victim.ftp.epsv();
    const data = await tlsData(port, other.session()).catch(() => null);
    assert.equal(data?.isSessionReused() ?? false, false);
    assert.equal((await victim.ftp.cmd('RETR pub/hello.txt')).code, 150);
    assert.equal((await victim.ftp.reply()).code, 522);
    data?.destroy();
    victim.ftp.close();
    other.ftp.close();
  }

  it('another user’s TLS session does not count: a data connection resuming it gets 522', async () => {
    await refusesOthersSession(await secureLogin(t, BOB.name, BOB.password), await secureLogin(t));
  });

  it('an anonymous session’s TLS session does not count for another anonymous session', async () => {
    await refusesOthersSession(await secureLogin(t, 'anonymous', 'guest@'), await secureLogin(t, 'anonymous', 'guest@'));
  });

  it('a TLS session of another control connection of the same user counts (Go shares one session cache)', async () => {
    const first = await secureLogin(t);
    const second = await secureLogin(t);
    await first.ftp.cmd('NOOP'); // let the tickets arrive
    const port = await second.ftp.epsv();
    const data = await tlsData(port, first.session());
    assert.ok(data.isSessionReused());
    const received = readAll(data);
    assert.equal((await second.ftp.cmd('RETR pub/hello.txt')).code, 150);
    assert.equal((await received).toString(), 'hello world\n');
    assert.equal((await second.ftp.reply()).code, 226);
    first.ftp.close();
    second.ftp.close();
  });

  it('drops commands pipelined in plain text behind AUTH TLS', async () => {
    const ftp = await RawFtp.connect(t.port);
    ftp.send(`AUTH TLS\r\nUSER ${USER}\r\n`);
    assert.equal((await ftp.reply()).code, 234);
    await ftp.upgrade(client);
    assert.equal((await ftp.cmd(`PASS ${PASSWORD}`)).code, 503); // the USER never ran
    ftp.close();
  });
});

describe('FTPS policies', () => {
  it('reuse: false serves data connections with fresh TLS sessions', async () => {
    await using t = await startServer({ tls: tlsOptions({ reuse: false }) });
    const { ftp } = await secureLogin(t);
    const port = await ftp.epsv();
    const data = await tlsData(port, undefined);
    const received = readAll(data);
    assert.equal((await ftp.cmd('RETR pub/hello.txt')).code, 150);
    assert.equal((await received).toString(), 'hello world\n');
    assert.equal((await ftp.reply()).code, 226);
    ftp.close();
  });

  it('TLS offered but not required: plain logins and PROT C work', async () => {
    await using t = await startServer({ tls: tlsOptions({ requireLogin: false, requireData: false }) });
    const plain = await RawFtp.connect(t.port);
    assert.equal((await plain.login(USER, PASSWORD)).code, 230);
    plain.close();
    const ftp = await RawFtp.connect(t.port);
    await ftp.startTls(client);
    await ftp.login(USER, PASSWORD);
    await ftp.cmd('PBSZ 0');
    assert.equal((await ftp.cmd('PROT C')).code, 200);
    await ftp.cmd('TYPE I');
    const data = await connectData(await ftp.epsv());
    const received = readAll(data);
    assert.equal((await ftp.cmd('RETR pub/hello.txt')).code, 150);
    assert.equal((await received).toString(), 'hello world\n');
    assert.equal((await ftp.reply()).code, 226);
    ftp.close();
  });

  it('without TLS material, AUTH is not implemented and FEAT says nothing of it', async () => {
    await using t = await startServer();
    const ftp = await RawFtp.connect(t.port);
    assert.equal((await ftp.cmd('AUTH TLS')).code, 502);
    assert.ok(!(await ftp.cmd('FEAT')).message.includes('AUTH'));
    ftp.close();
  });
});

describe('implicit FTPS', () => {
  let t: TestServer;
  before(async () => (t = await startServer({ tls: tlsOptions({ implicit: true }) })));
  after(() => t.close());

  it('speaks TLS from the first byte, then FTP as usual', async () => {
    const ftp = await RawFtp.connect(t.port, { tls: client });
    assert.equal(ftp.greeting.code, 220);
    const session = sessions(ftp.socket as TLSSocket);
    assert.ok(!(await ftp.cmd('FEAT')).message.includes('AUTH TLS'));
    assert.equal((await ftp.cmd('AUTH TLS')).code, 503);
    assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
    await ftp.cmd('PBSZ 0');
    await ftp.cmd('PROT P');
    await ftp.cmd('TYPE I');
    const port = await ftp.epsv();
    const data = await tlsData(port, session());
    const received = readAll(data);
    assert.equal((await ftp.cmd('RETR pub/hello.txt')).code, 150);
    assert.equal((await received).toString(), 'hello world\n');
    assert.equal((await ftp.reply()).code, 226);
    ftp.close();
  });

  it('a client that does not speak TLS is dropped', async () => {
    const plain = await connectData(t.port);
    const answer = readAll(plain);
    plain.write('USER anonymous\r\n');
    assert.ok(!(await answer).toString().includes('220'));
  });
});

describe('a TLS 1.3 upload cut by a reset', () => {
  let t: TestServer;
  before(async () => (t = await startServer({ tls: tlsOptions({ reuse: false }) })));
  after(() => t.close());

  // A full handshake on the data connection: the server sends its session tickets after
  // it, the client never reads them and closes with them unread, so its kernel resets
  // the connection and drops what it had not sent yet (rclone did this at 98,304 bytes).
  const cutUpload = `
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
data = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[1]))))
assert data.version() == 'TLSv1.3', data.version()
data.sendall(b'x' * 1500000)
data.close()  # no unwrap(): the tickets stay unread
`;

  it('answers 426 and stores nothing, instead of 226 for the part that came', { timeout: 20_000, skip: skipUnless('python3') }, async () => {
    const { ftp } = await secureLogin(t);
    const port = await ftp.epsv();
    // All sent (and reset) before STOR: the server reads what reached it only then, as
    // when a transfer command comes after the data connection (and rclone's did).
    expectSuccess(await python(cutUpload, [port]), 'the cut upload');
    assert.equal((await ftp.cmd('STOR upload/cut.bin')).code, 150);
    const done = await ftp.reply();
    assert.equal(done.code, 426, `${done.code} ${done.message}`);
    assert.ok(!existsSync(join(t.root, 'upload/cut.bin')));
    ftp.close();
  });
});
