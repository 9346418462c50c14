// How `ftppy` logs in and fails: credentials from the URL, FTPPY_USER/FTPPY_PASSWORD and
// ~/.netrc; FTPS with --ca, --insecure and --implicit; a server that refuses; usage
// errors (exit 2) and help (exit 0).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PASSWORD, startServer, USER, type TestServer } from '../helpers/test-server.js';
import { tlsMaterial } from '../helpers/tls-material.js';
import { ftppy, localFolder } from './support/cli.js';

let plain: TestServer;
let explicit: TestServer;
let implicit: TestServer;

before(async () => {
  const { cert, key } = tlsMaterial();
  plain = await startServer({ anonymous: false });
  explicit = await startServer({ tls: { cert, key } });
  implicit = await startServer({ tls: { cert, key, implicit: true } });
});
after(async () => {
  await Promise.all([plain.close(), explicit.close(), implicit.close()]);
});

describe('ftppy credentials', { concurrency: 3 }, () => {
  it('FTPPY_USER and FTPPY_PASSWORD when the URL has none', async () => {
    const r = await ftppy(['ls', `ftp://127.0.0.1:${plain.port}/pub/nested`], { env: { FTPPY_USER: USER, FTPPY_PASSWORD: PASSWORD } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'deeper/\n');
  });

  it('~/.netrc: the machine entry, else default (quoted tokens, macdef skipped)', async () => {
    const home = localFolder('ftppy-cli-netrc-');
    writeFileSync(join(home, '.netrc'), [
      'macdef init', 'cd /pub', 'ls', '',
      'machine elsewhere.example login nobody password nothing',
      `machine 127.0.0.1 login ${USER} password "${PASSWORD}"`,
      '',
    ].join('\n'));
    const machine = await ftppy(['ls', `ftp://127.0.0.1:${plain.port}/pub/nested`], { env: { HOME: home } });
    assert.equal(machine.code, 0, machine.stderr);
    assert.equal(machine.stdout, 'deeper/\n');
    writeFileSync(join(home, '.netrc'), `default login ${USER} password ${PASSWORD}\n`);
    const fallback = await ftppy(['ls', `ftp://localhost:${plain.port}/pub/nested`], { env: { HOME: home } });
    assert.equal(fallback.code, 0, fallback.stderr);
  });

  it('a wrong password: the server\'s 530, exit 1, also as --json', async () => {
    const r = await ftppy(['ls', '--retries', '0', `ftp://${USER}:wrong@127.0.0.1:${plain.port}/`]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `ftppy ls: cannot connect to 127.0.0.1:${plain.port}: 530 Login incorrect\n`);
    const json = await ftppy(['ls', '--json', '--retries', '0', `ftp://${USER}:wrong@127.0.0.1:${plain.port}/`]);
    assert.deepEqual(JSON.parse(json.stdout).error, { code: 'FTPPY_ERR_CONNECTION', message: `cannot connect to 127.0.0.1:${plain.port}: 530 Login incorrect` });
  });

  it('nothing listening: exit 1 with the reason', async () => {
    const r = await ftppy(['ls', '--retries', '0', 'ftp://127.0.0.1:1/']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^ftppy ls: cannot connect to 127\.0\.0\.1:1: .*ECONNREFUSED/);
  });
});

describe('ftppy over FTPS', { concurrency: 3 }, () => {
  it('ftps:// with --ca trusting the server\'s certificate', async () => {
    const r = await ftppy(['ls', '--ca', tlsMaterial().certPath, `ftps://${USER}:${PASSWORD}@localhost:${explicit.port}/pub/nested`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'deeper/\n');
  });

  it('an untrusted certificate fails (exit 1); --insecure goes on without checking', async () => {
    const refused = await ftppy(['ls', '--retries', '0', `ftps://localhost:${explicit.port}/pub/nested`]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^ftppy ls: cannot connect to localhost:\d+: .*certificate/i);
    const insecure = await ftppy(['cat', '-k', `ftps://localhost:${explicit.port}/pub/hello.txt`]);
    assert.equal(insecure.code, 0, insecure.stderr);
    assert.equal(insecure.stdout, 'hello world\n');
  });

  it('--implicit: TLS from the first byte', async () => {
    const r = await ftppy(['cat', '--implicit', '--ca', tlsMaterial().certPath, `ftps://localhost:${implicit.port}/pub/hello.txt`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello world\n');
  });
});

describe('ftppy usage and help', { concurrency: 3 }, () => {
  for (const [argv, message] of [
    [['ls'], /ls takes one URL/],
    [['ls', 'ftp://h/', '--nope'], /unknown option --nope/],
    [['ls', 'http://h/'], /wants an ftp:\/\/ or ftps:\/\/ URL/],
    [['get', 'ftp://h/folder/'], /is a folder \(sync down brings folders\)/],
    [['ls', '--json', '--quiet', 'ftp://h/'], /--json and --quiet exclude each other/],
    [['ls', '--passive', '--active', 'ftp://h/'], /exclude each other/],
    [['ls', '--parallel', '0', 'ftp://h/'], /--parallel wants a whole number ≥ 1/],
    [['ls', 'ftp://h:99999/'], /not a valid URL/],
    [['get', 'ftp://h/a', 'ftp://other/b', '.'], /one server/],
    [['put', 'a', 'b', 'ftp://h/file'], /end the URL with \//],
    [['sync', 'sideways', '.', 'ftp://h/'], /up, down or both/],
    [['serve', 'extra'], /serve takes no arguments/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ] as const) {
    it(`${argv.join(' ')}: exit 2`, async () => {
      const r = await ftppy(argv);
      assert.equal(r.code, 2);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    });
  }

  it('ftppy --help lists every command; ftppy COMMAND --help its options; no command: the help and exit 2', async () => {
    const main = await ftppy(['--help']);
    assert.equal(main.code, 0);
    for (const name of ['serve', 'ls', 'get', 'put', 'cat', 'stat', 'rm', 'mkdir', 'mv', 'cp', 'sync', 'mirror', 'verify', 'backup', 'backups', 'restore', 'search']) {
      assert.match(main.stdout, new RegExp(`^  ${name} `, 'm'));
    }
    const ls = await ftppy(['ls', '--help']);
    assert.equal(ls.code, 0);
    assert.match(ls.stdout, /^Usage: ftppy ls \[-R\] \[-l\] URL/);
    assert.match(ls.stdout, /--parallel N/);
    const serve = await ftppy(['help', 'serve']);
    assert.match(serve.stdout, /^Usage: ftppy serve/);
    const none = await ftppy([]);
    assert.equal(none.code, 2);
    assert.match(none.stdout, /^Usage: ftppy COMMAND/);
  });
});
