import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findNetrc, parseNetrc } from '../../lib/cli/netrc.js';

describe('.netrc', () => {
  it('reads machine and default entries, quoted tokens, and skips account and macro bodies', () => {
    const entries = parseNetrc([
      'machine ftp.example.com',
      '  login alice',
      '  password "two words \\" quoted"',
      '  account ignored',
      'macdef init',
      'machine not.an.entry login nope',
      '',
      'machine other.example login bob password pw',
      'default login anonymous password me@example.com',
    ].join('\n'));
    assert.deepEqual(entries, [
      { machine: 'ftp.example.com', login: 'alice', password: 'two words " quoted' },
      { machine: 'other.example', login: 'bob', password: 'pw' },
      { machine: null, login: 'anonymous', password: 'me@example.com' },
    ]);
  });

  it('finds the host (any case), matching the login when one is known, else default', () => {
    const entries = parseNetrc('machine h login a password 1\nmachine H login b password 2\ndefault login d password 4\n');
    assert.equal(findNetrc(entries, 'h')?.password, '1');
    assert.equal(findNetrc(entries, 'h', 'b')?.password, '2');
    assert.equal(findNetrc(entries, 'h', 'c'), null); // default's login is d, not c
    assert.equal(findNetrc(entries, 'elsewhere')?.login, 'd');
    assert.equal(findNetrc(parseNetrc('machine h login a'), 'x'), null);
  });

  it('survives what a hand-edited file holds: empty text, a lone keyword, an unterminated quote', () => {
    assert.deepEqual(parseNetrc(''), []);
    assert.deepEqual(parseNetrc('machine'), [{ machine: '' }]);
    assert.deepEqual(parseNetrc('machine h password "open'), [{ machine: 'h', password: 'open' }]);
    assert.deepEqual(parseNetrc('login stray machine h'), [{ machine: 'h' }]);
  });
});
