import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Basic, FtpPy, Guest, Limits, Retry, SSL, Timeout } from '../../lib/index.js';
import { credentials } from '../../lib/credentials.js';

describe('FtpPy options', () => {
  it('parses endpoints: scheme, port defaults, IPv6, credentials and path', () => {
    assert.deepEqual(new FtpPy('ftp://localhost').endpoint, { scheme: 'ftp', security: 'none', host: 'localhost', port: 21, path: null });
    assert.equal(new FtpPy('ftps://h').endpoint.security, 'explicit');
    const implicit = new FtpPy('ftps://h', { ssl: new SSL({ implicit: true }) }).endpoint;
    assert.deepEqual([implicit.security, implicit.port], ['implicit', 990]);
    assert.deepEqual(new FtpPy('ftp://[::1]:2121/some%20dir/x').endpoint, { scheme: 'ftp', security: 'none', host: '::1', port: 2121, path: '/some dir/x' });
    const ftp = new FtpPy('ftp://us%40er:p%3Ass@h:2121');
    assert.ok(ftp.auth instanceof Basic);
    assert.deepEqual(credentials(ftp.auth), { user: 'us@er', password: 'p:ss' });
    assert.equal(new FtpPy({ endpoint: 'ftp://h', auth: new Basic('a', 'b') }).auth?.constructor, Basic);
  });

  it('logs in anonymously, or as a guest with its identifier as password', () => {
    assert.deepEqual(credentials(undefined), { user: 'anonymous', password: 'anonymous@' });
    assert.deepEqual(credentials(new Guest('webapp-client-v1.0')), { user: 'anonymous', password: 'webapp-client-v1.0' });
  });

  it('takes plain objects where a config class is expected', () => {
    const ftp = new FtpPy('ftp://h', { timeout: { connect: 5 }, retry: { total: 1 }, limits: { connections: 3 } });
    assert.deepEqual([ftp.timeout.connect, ftp.timeout.read, ftp.retry.total, ftp.limits.connections, ftp.limits.keepalive, ftp.limits.host], [5, 30, 1, 3, 3, 3]);
    assert.equal(ftp.passive, true);
    assert.equal(ftp.trustPasvAddress, false);
  });

  const bad: [string, () => unknown, ErrorConstructor, RegExp][] = [
    ['an unknown scheme', () => new FtpPy('http://h'), TypeError, /ftp:\/\/ or ftps:\/\//],
    ['a port out of range', () => new FtpPy('ftp://h:70000'), RangeError, /70000/],
    ['no endpoint', () => new FtpPy({}), TypeError, /endpoint/],
    ['a negative timeout', () => new FtpPy('ftp://h', { timeout: { connect: -1 } }), RangeError, /Timeout.connect/],
    ['a misspelt timeout', () => new Timeout({ conect: 1 } as never), TypeError, /conect/],
    ['a fractional retry count', () => new Retry({ total: 1.5 }), RangeError, /Retry.total/],
    ['a reply code out of range', () => new Retry({ status: [42] }), RangeError, /Retry.status\[0\]/],
    ['zero connections', () => new Limits({ connections: 0 }), RangeError, /Limits.connections/],
    ['a non-boolean verify', () => new SSL({ verify: 'yes' as never }), TypeError, /SSL.verify/],
    ['implicit TLS on ftp://', () => new FtpPy('ftp://h', { ssl: { implicit: true } }), TypeError, /ftps/],
    ['an unknown option', () => new FtpPy('ftp://h', { limit: 3 } as never), TypeError, /limit/],
    ['auth that is not Basic or Guest', () => new FtpPy('ftp://h', { auth: { user: 'x' } as never }), TypeError, /auth/],
    ['a password with a line break', () => new Basic('u', 'p\r\nDELE x'), TypeError, /CR, LF or NUL/],
    ['a non-boolean trustPasvAddress', () => new FtpPy('ftp://h', { trustPasvAddress: 'yes' as never }), TypeError, /trustPasvAddress must be true or false/],
    ['a hook that is not a function', () => new FtpPy('ftp://h', { hooks: { upload: 1 } as never }), TypeError, /hooks.upload/],
  ];
  for (const [name, make, type, message] of bad) {
    it(`throws at construction on ${name}, naming the field`, () => {
      assert.throws(make, (e: unknown) => e instanceof type && message.test((e as Error).message));
    });
  }

  it('computes the retry delay as backoff × 2^attempt', () => {
    const retry = new Retry({ backoff: 2 });
    assert.deepEqual([0, 1, 2].map((n) => retry.delay(n)), [2, 4, 8]);
  });
});
