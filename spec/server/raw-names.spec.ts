// Names on disk that are not valid UTF-8 (a Latin-1 é, byte 0xE9) are listed with their
// raw bytes and reached by those bytes, as vsftpd does: a backup over FTP misses none of
// them, and a folder holding only such a file can be emptied and removed (issue 12, item 13).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expectSuccess, python, run, skipUnless } from '../helpers/external-clients.js';
import { connectData, RawFtp, readAll, writeAll } from '../helpers/raw-ftp.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';

const CAFE = Buffer.from('caf\xe9.txt', 'latin1'); // not UTF-8
const FOLDER = Buffer.from('d\xe9j\xe0', 'latin1');

let t: TestServer;
const rootBuffer = (): Buffer => Buffer.from(t.root);
const onDisk = (...parts: (string | Buffer)[]): Buffer =>
  Buffer.concat([rootBuffer(), ...parts.flatMap((p) => [Buffer.from('/'), Buffer.from(p)])]);

before(async () => {
  t = await startServer();
  mkdirSync(join(t.root, 'raw'));
  writeFileSync(onDisk('raw', CAFE), 'latin-1 named\n');
  writeFileSync(join(t.root, 'raw', 'café-utf8.txt'), 'utf-8 named\n');
  mkdirSync(onDisk('raw', FOLDER));
  writeFileSync(onDisk('raw', FOLDER, CAFE), 'inside\n');
});
after(() => t.close());

async function loggedIn(): Promise<RawFtp> {
  const ftp = await RawFtp.connect(t.port);
  assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
  assert.equal((await ftp.cmd('TYPE I')).code, 200);
  return ftp;
}

const line = (...parts: (string | Buffer)[]): Buffer => Buffer.concat([...parts.map((p) => Buffer.from(p)), Buffer.from('\r\n')]);

async function transfer(ftp: RawFtp, command: Buffer): Promise<Buffer> {
  const data = await connectData(await ftp.epsv());
  const received = readAll(data);
  ftp.send(command);
  const opening = await ftp.reply();
  assert.equal(opening.code, 150, `${command.toString('latin1')}: ${opening.code} ${opening.message}`);
  const bytes = await received;
  assert.equal((await ftp.reply()).code, 226);
  return bytes;
}

describe('names that are not UTF-8', () => {
  it('are listed with their raw bytes by LIST, NLST and MLSD', { timeout: 20_000 }, async () => {
    const ftp = await loggedIn();
    for (const verb of ['LIST', 'NLST', 'MLSD']) {
      const bytes = await transfer(ftp, line(`${verb} /raw`));
      assert.ok(bytes.includes(CAFE), `${verb} holds the raw bytes: ${bytes.toString('latin1')}`);
      assert.ok(bytes.includes(FOLDER), verb);
      assert.ok(bytes.includes(Buffer.from('café-utf8.txt')), verb);
      assert.ok(!bytes.includes(Buffer.from('\uFFFD')), `${verb} replaced a byte`);
    }
    ftp.close();
  });

  it('are reached by those bytes: SIZE, RETR, CWD, PWD, NLST inside, DELE, RMD', { timeout: 20_000 }, async () => {
    const ftp = await loggedIn();
    ftp.send(line('SIZE /raw/', CAFE));
    assert.equal((await ftp.reply()).message, '14');
    assert.equal((await transfer(ftp, line('RETR /raw/', CAFE))).toString(), 'latin-1 named\n');
    assert.equal((await transfer(ftp, line('RETR /raw/café-utf8.txt'))).toString(), 'utf-8 named\n');
    ftp.send(line('CWD /raw/', FOLDER));
    assert.equal((await ftp.reply()).code, 250);
    ftp.socket.removeAllListeners('data');
    const pwd = new Promise<Buffer>((resolve) => ftp.socket.once('data', resolve));
    ftp.send('PWD\r\n');
    assert.ok((await pwd).includes(Buffer.concat([Buffer.from('"/raw/'), FOLDER, Buffer.from('"')])), 'PWD names the raw bytes');
    ftp.close();

    const again = await loggedIn();
    again.send(line('CWD /raw/', FOLDER));
    assert.equal((await again.reply()).code, 250);
    assert.deepEqual(await transfer(again, line('NLST')), line(CAFE));
    again.send(line('RMD /raw/', FOLDER));
    assert.equal((await again.reply()).code, 550); // the working directory
    again.send(line('CWD /raw'));
    await again.reply();
    again.send(line('DELE ', FOLDER, '/', CAFE));
    assert.equal((await again.reply()).code, 250);
    again.send(line('RMD ', FOLDER));
    assert.equal((await again.reply()).code, 250);
    assert.equal(existsSync(onDisk('raw', FOLDER)), false);
    again.close();
  });

  it('can be stored, renamed and made under raw bytes', { timeout: 20_000 }, async () => {
    const ftp = await loggedIn();
    const made = Buffer.from('made-\xff', 'latin1');
    ftp.send(line('MKD /raw/', made));
    assert.equal((await ftp.reply()).code, 257);
    ftp.send(line('RNFR /raw/', made));
    assert.equal((await ftp.reply()).code, 350);
    const renamed = Buffer.from('renamed-\xfe', 'latin1');
    ftp.send(line('RNTO /raw/', renamed));
    assert.equal((await ftp.reply()).code, 250);
    assert.ok(readdirSync(onDisk('raw'), { encoding: 'buffer' }).some((n) => n.equals(renamed)));
    const stored = Buffer.from('stored-\xe9.bin', 'latin1');
    const data = await connectData(await ftp.epsv());
    ftp.send(line('STOR /raw/', stored));
    assert.equal((await ftp.reply()).code, 150);
    await writeAll(data, 'up');
    assert.equal((await ftp.reply()).code, 226);
    assert.equal(readFileSync(onDisk('raw', stored), 'utf8'), 'up');
    ftp.close();
  });

  it('python ftplib with encoding latin-1 lists and downloads them', { timeout: 30_000, skip: skipUnless('python3') }, async () => {
    const result = await python(`
import ftplib, io, sys
ftp = ftplib.FTP(encoding='latin-1')
ftp.connect('127.0.0.1', int(sys.argv[1]))
ftp.login(sys.argv[2], sys.argv[3])
names = ftp.nlst('/raw')
target = [n for n in names if n.endswith('caf\\xe9.txt')][0]
out = io.BytesIO()
ftp.retrbinary('RETR ' + target, out.write)
lines = []
ftp.retrlines('LIST /raw', lines.append)
print(target, out.getvalue().decode().strip(), any(l.endswith(' caf\\xe9.txt') for l in lines), sep='|')
ftp.quit()
`, [t.port, USER, PASSWORD]);
    assert.equal(expectSuccess(result, 'ftplib').trim(), '/raw/café.txt|latin-1 named|True');
  });

  it('curl lists them and downloads one by its percent-encoded bytes', { timeout: 30_000, skip: skipUnless('curl') }, async () => {
    const base = `ftp://${USER}:${PASSWORD}@127.0.0.1:${t.port}/raw/`;
    const list = await run('curl', ['-sS', '--list-only', base]);
    assert.match(expectSuccess(list, 'curl --list-only'), /^caf\uFFFD\.txt$/m); // the lone byte 0xE9, not UTF-8's é
    const got = await run('curl', ['-sS', `${base}caf%E9.txt`]);
    assert.equal(expectSuccess(got, 'curl RETR'), 'latin-1 named\n');
  });
});
