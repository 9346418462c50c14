// Per-account address allow lists: an account with `addresses` logs in only from those
// ranges; from anywhere else it gets the same 530 (401 on the web) as a wrong password.
// Clients are bound to two loopback source addresses, 127.0.0.2 (allowed) and 127.0.0.3.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectSuccess, python, run, skipUnless } from '../helpers/external-clients.js';
import { RawFtp } from '../helpers/raw-ftp.js';
import { startServer } from '../helpers/test-server.js';
import { ask, startWeb } from '../http/support/web.js';

const INCORRECT = { code: 530, message: 'Login incorrect', lines: ['Login incorrect'] };
const fenced = { name: 'fenced', password: 'pw', addresses: ['127.0.0.2/32', '2001:db8::/32'] };

describe('address allow lists', { timeout: 60_000 }, () => {
  it('a users entry logs in from its ranges only, refused like a wrong password elsewhere', async () => {
    await using t = await startServer({ users: [fenced] });
    const inside = await RawFtp.connect(t.port, { localAddress: '127.0.0.2' });
    assert.equal((await inside.login('fenced', 'pw')).code, 230);
    inside.close();
    const outside = await RawFtp.connect(t.port, { localAddress: '127.0.0.3' });
    const refused = await outside.login('fenced', 'pw');
    assert.deepEqual(refused, await outside.login('fenced', 'wrong'));
    assert.deepEqual(refused, INCORRECT);
    outside.close();
  });

  it('an account from the authenticator carries its ranges too', async () => {
    await using t = await startServer({ authenticate: (name, password) => (password === 'pw' ? { name, addresses: ['127.0.0.2'] } : null) });
    const inside = await RawFtp.connect(t.port, { localAddress: '127.0.0.2' });
    assert.equal((await inside.login('dana', 'pw')).code, 230);
    inside.close();
    const outside = await RawFtp.connect(t.port, { localAddress: '127.0.0.3' });
    assert.deepEqual(await outside.login('dana', 'pw'), INCORRECT);
    outside.close();
  });

  it('bad ranges are refused when the server is made, naming the account', async () => {
    await assert.rejects(startServer({ users: [{ ...fenced, addresses: ['127.0.0.1/8'] }] }), /users\[0\]\.addresses\[0\]: "127\.0\.0\.1\/8" has bits set past its \/8 prefix/);
    await assert.rejects(startServer({ users: [{ ...fenced, addresses: '127.0.0.0/8' as never }] }), /users\[0\]\.addresses must be an array/);
  });

  it('curl and ftplib, bound to 127.0.0.2 and 127.0.0.3', { skip: skipUnless('curl') || skipUnless('python3') }, async () => {
    await using t = await startServer({ users: [fenced] });
    const url = `ftp://127.0.0.1:${t.port}/pub/hello.txt`;
    const curl = (from: string): ReturnType<typeof run> => run('curl', ['-sS', '--max-time', '20', '--interface', from, '-u', 'fenced:pw', url]);
    assert.equal(expectSuccess(await curl('127.0.0.2'), 'curl from 127.0.0.2'), 'hello world\n');
    assert.equal((await curl('127.0.0.3')).code, 67); // CURLE_LOGIN_DENIED
    const script = [
      'import ftplib, sys',
      'f = ftplib.FTP(source_address=(sys.argv[2], 0))',
      'f.connect("127.0.0.1", int(sys.argv[1]))',
      'try:',
      '    print(f.login("fenced", "pw"))',
      'except ftplib.error_perm as e:',
      '    print(e)',
    ].join('\n');
    assert.match(expectSuccess(await python(script, [t.port, '127.0.0.2']), 'ftplib'), /^230 /);
    assert.equal(expectSuccess(await python(script, [t.port, '127.0.0.3']), 'ftplib'), '530 Login incorrect\n');
  });

  it('the web API: 200 from inside, 401 from outside (curl --interface)', { skip: skipUnless('curl') }, async () => {
    const w = await startWeb({}, { users: [fenced], anonymous: false });
    try {
      const curl = (from: string): ReturnType<typeof run> => run('curl', ['-sS', '--max-time', '20', '--interface', from, '-u', 'fenced:pw', '-w', '\n%{http_code}', `http://127.0.0.1:${w.port}/files/pub/hello.txt`]);
      assert.equal(expectSuccess(await curl('127.0.0.2'), 'curl'), 'hello world\n\n200');
      assert.match(expectSuccess(await curl('127.0.0.3'), 'curl'), /"Login incorrect".*\n401$/);
      assert.equal((await ask(w.port, 'GET', '/files/pub/hello.txt', { auth: 'fenced:pw' })).status, 401); // from 127.0.0.1
    } finally {
      await w.close();
    }
  });
});
