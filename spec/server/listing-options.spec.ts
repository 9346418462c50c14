// LIST and NLST take what `ls` takes, as vsftpd does: option words (-1, -a, -l, -R, `--`)
// before the path, and a glob in its last component; listings come sorted by name, dot
// files only with -a (MLSD always shows them). ncftpls and tnftp's `mget *.txt` depend on
// these (issue 12, items 14 and 22).
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expectSuccess, run, skipUnless } from '../helpers/external-clients.js';
import { tempDir } from '../helpers/files.js';
import { connectData, RawFtp, readAll } from '../helpers/raw-ftp.js';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';

let t: TestServer;
before(async () => {
  t = await startServer();
  const dir = join(t.root, 'ls');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  for (const name of ['b.txt', 'a.txt', 'c.log', '.hidden', '-a', '*', 'Z.txt']) writeFileSync(join(dir, name), name);
  writeFileSync(join(dir, 'sub', 'inner.txt'), 'inner');
});
after(() => t.close());

async function loggedIn(): Promise<RawFtp> {
  const ftp = await RawFtp.connect(t.port);
  assert.equal((await ftp.login(USER, PASSWORD)).code, 230);
  return ftp;
}

/** The lines a listing command sends, with its 150 and 226 checked. */
async function listed(ftp: RawFtp, command: string): Promise<string[]> {
  const data = await connectData(await ftp.epsv());
  const received = readAll(data);
  const opening = await ftp.cmd(command);
  assert.equal(opening.code, 150, `${command}: ${opening.code} ${opening.message}`);
  const bytes = await received;
  const done = await ftp.reply();
  assert.equal(done.code, 226, `${command}: ${done.code} ${done.message}`);
  return bytes.toString().split('\r\n').filter(Boolean);
}

const names = (lines: string[]): string[] => lines.map((line) => line.split(' ').at(-1)!);

describe('ls options and globs', () => {
  it('NLST -1, LIST -1 and LIST -- list the working folder', { timeout: 20_000 }, async () => {
    const ftp = await loggedIn();
    await ftp.cmd('CWD /ls');
    assert.deepEqual(await listed(ftp, 'NLST -1'), ['*', '-a', 'Z.txt', 'a.txt', 'b.txt', 'c.log', 'sub']);
    assert.deepEqual(names(await listed(ftp, 'LIST -1')), ['*', '-a', 'Z.txt', 'a.txt', 'b.txt', 'c.log', 'sub']);
    assert.deepEqual(names(await listed(ftp, 'LIST --')), ['*', '-a', 'Z.txt', 'a.txt', 'b.txt', 'c.log', 'sub']);
    assert.deepEqual(names(await listed(ftp, 'LIST -l -- sub')), ['inner.txt']);
    ftp.close();
  });

  it('-a shows dot files, in LIST and NLST; without it they are hidden; MLSD shows all, sorted', { timeout: 20_000 }, async () => {
    const ftp = await loggedIn();
    assert.deepEqual(names(await listed(ftp, 'LIST /ls')), ['*', '-a', 'Z.txt', 'a.txt', 'b.txt', 'c.log', 'sub']);
    assert.deepEqual(names(await listed(ftp, 'LIST -a /ls')), ['*', '-a', '.hidden', 'Z.txt', 'a.txt', 'b.txt', 'c.log', 'sub']);
    assert.deepEqual(names(await listed(ftp, 'LIST -la /ls')), ['*', '-a', '.hidden', 'Z.txt', 'a.txt', 'b.txt', 'c.log', 'sub']);
    assert.deepEqual(await listed(ftp, 'NLST -a /ls'), ['*', '-a', '.hidden', 'Z.txt', 'a.txt', 'b.txt', 'c.log', 'sub'].map((n) => `/ls/${n}`));
    assert.deepEqual(names(await listed(ftp, 'MLSD /ls')), ['*', '-a', '.hidden', 'Z.txt', 'a.txt', 'b.txt', 'c.log', 'sub']);
    ftp.close();
  });

  it('a glob in the last component lists the names that match', { timeout: 20_000 }, async () => {
    const ftp = await loggedIn();
    await ftp.cmd('CWD /ls');
    assert.deepEqual(await listed(ftp, 'NLST *.txt'), ['Z.txt', 'a.txt', 'b.txt']);
    assert.deepEqual(await listed(ftp, 'NLST -1 /ls/[ab].tx?'), ['/ls/a.txt', '/ls/b.txt']);
    assert.deepEqual(names(await listed(ftp, 'LIST -l *.log')), ['c.log']);
    assert.deepEqual(await listed(ftp, 'NLST *.nothing'), []);
    assert.deepEqual(await listed(ftp, 'NLST .h*'), ['.hidden']);
    ftp.close();
  });

  it('a file named like an option or a glob is reachable: `--`, ./ and an exact name first', { timeout: 20_000 }, async () => {
    const ftp = await loggedIn();
    await ftp.cmd('CWD /ls');
    assert.deepEqual(await listed(ftp, 'NLST -- -a'), ['-a']);
    assert.deepEqual(await listed(ftp, 'NLST ./-a'), ['./-a']);
    assert.deepEqual(names(await listed(ftp, 'LIST *')), ['*']);
    ftp.close();
  });
});

describe('ls-driven clients', () => {
  it('ncftpls lists with -1 and -l', { timeout: 30_000, skip: skipUnless('ncftpls') }, async () => {
    const url = `ftp://127.0.0.1:${t.port}/ls/`;
    const short = expectSuccess(await run('ncftpls', ['-u', USER, '-p', PASSWORD, '-1', url]), 'ncftpls -1');
    assert.deepEqual(short.split('\n').filter(Boolean), ['*', '-a', 'Z.txt', 'a.txt', 'b.txt', 'c.log', 'sub']);
    const long = expectSuccess(await run('ncftpls', ['-u', USER, '-p', PASSWORD, '-l', url]), 'ncftpls -l');
    assert.match(long, / a\.txt\n/);
  });

  it('tnftp mget *.txt downloads the matching files', { timeout: 30_000, skip: skipUnless('tnftp') }, async () => {
    const local = tempDir();
    try {
      const script = `user ${USER} ${PASSWORD}\nbinary\nprompt\ncd ls\nmget *.txt\nquit\n`;
      expectSuccess(await run('tnftp', ['-n', '-p', '127.0.0.1', String(t.port)], { cwd: local.dir, input: script }), 'tnftp');
      assert.deepEqual(readdirSync(local.dir).sort(), ['Z.txt', 'a.txt', 'b.txt']);
      assert.equal(readFileSync(join(local.dir, 'a.txt'), 'utf8'), 'a.txt');
    } finally {
      local.remove();
    }
  });
});
