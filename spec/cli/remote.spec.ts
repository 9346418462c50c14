import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../lib/cli/args.js';
import { parseNetrc } from '../../lib/cli/netrc.js';
import { credentialsFor, parseRemote, sameServer } from '../../lib/cli/remote.js';

describe('URL arguments', () => {
  it('splits server, login and path; the path is relative to the login folder, %2F makes it absolute', () => {
    assert.deepEqual(parseRemote('ftp://bob:p%40ss@example.com:2121/pub/a%20b.txt'), {
      server: 'ftp://example.com:2121', scheme: 'ftp', host: 'example.com:2121', user: 'bob', password: 'p@ss', path: 'pub/a b.txt', folder: false,
    });
    assert.equal(parseRemote('ftp://h/%2Fetc/motd').path, '/etc/motd');
    assert.equal(parseRemote('ftp://h/%2F').path, '/');
    assert.deepEqual([parseRemote('ftp://h').path, parseRemote('ftp://h').folder], ['.', true]);
    assert.deepEqual([parseRemote('ftps://h/dir/').path, parseRemote('ftps://h/dir/').folder, parseRemote('ftps://h/dir/').scheme], ['dir/', true, 'ftps']);
    assert.equal(parseRemote('ftp://[::1]:2121/x').server, 'ftp://[::1]:2121');
  });

  it('refuses what is not an ftp URL, and commands that span servers', () => {
    for (const arg of ['http://h/', 'file.txt', 'ftp://']) assert.throws(() => parseRemote(arg), UsageError);
    assert.throws(() => sameServer([parseRemote('ftp://a/x'), parseRemote('ftp://b/y')]), /one server/);
    assert.throws(() => sameServer([parseRemote('ftp://u@a/x'), parseRemote('ftp://v@a/y')]), /one user/);
    assert.equal(sameServer([parseRemote('ftp://u@a/x'), parseRemote('ftp://a/y')]).user, 'u');
  });

  it('credentials: the URL, then FTPPY_USER/FTPPY_PASSWORD, then .netrc; none is anonymous', () => {
    const netrc = parseNetrc('machine h login n password np\nmachine h login e password ep\n');
    const none = {};
    assert.deepEqual(credentialsFor(parseRemote('ftp://u:p@h/'), { FTPPY_USER: 'e', FTPPY_PASSWORD: 'x' }, netrc), { user: 'u', password: 'p' });
    assert.deepEqual(credentialsFor(parseRemote('ftp://h/'), { FTPPY_USER: 'e', FTPPY_PASSWORD: 'x' }, netrc), { user: 'e', password: 'x' });
    assert.deepEqual(credentialsFor(parseRemote('ftp://h/'), { FTPPY_USER: 'e' }, netrc), { user: 'e', password: 'ep' });
    assert.deepEqual(credentialsFor(parseRemote('ftp://h:2121/'), none, netrc), { user: 'n', password: 'np' });
    assert.deepEqual(credentialsFor(parseRemote('ftp://e@h/'), none, netrc), { user: 'e', password: 'ep' });
    // FTPPY_PASSWORD belongs to FTPPY_USER: not handed to another login
    assert.deepEqual(credentialsFor(parseRemote('ftp://u@h/'), { FTPPY_USER: 'e', FTPPY_PASSWORD: 'x' }, []), { user: 'u', password: '' });
    assert.deepEqual(credentialsFor(parseRemote('ftp://u@h/'), { FTPPY_PASSWORD: 'x' }, []), { user: 'u', password: 'x' });
    assert.equal(credentialsFor(parseRemote('ftp://other/'), none, netrc), null);
  });
});
