import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globMatcher, hasGlob, parseLsArgs } from '../../server/commands/ls-args.js';

describe('parseLsArgs', () => {
  it('takes leading option words, up to `--`, and leaves the path with its spaces', () => {
    const cases: [string, { all: boolean; long: boolean; path: string }][] = [
      ['', { all: false, long: false, path: '' }],
      ['-1', { all: false, long: false, path: '' }],
      ['-la /pub', { all: true, long: true, path: '/pub' }],
      ['-l -a  x y', { all: true, long: true, path: 'x y' }],
      ['-- -a', { all: false, long: false, path: '-a' }],
      ['-a -- -l', { all: true, long: false, path: '-l' }],
      ['--', { all: false, long: false, path: '' }],
      ['-R *.txt', { all: false, long: false, path: '*.txt' }],
      ['./-a', { all: false, long: false, path: './-a' }],
      ['-', { all: false, long: false, path: '-' }],
      ['-x.txt', { all: false, long: false, path: '-x.txt' }],
      ['name with spaces', { all: false, long: false, path: 'name with spaces' }],
    ];
    for (const [arg, expected] of cases) assert.deepEqual(parseLsArgs(arg), expected, arg);
  });
});

describe('globMatcher', () => {
  it('matches *, ?, [set], [!set] and ranges on one name; a dot file only to a dotted pattern', () => {
    const cases: [string, string, boolean][] = [
      ['*.txt', 'a.txt', true], ['*.txt', 'a.log', false], ['*.txt', '.h.txt', false], ['.*', '.h.txt', true],
      ['?.txt', 'ab.txt', false], ['??.txt', 'ab.txt', true], ['[ab].txt', 'b.txt', true], ['[!ab].txt', 'b.txt', false],
      ['[^a].txt', 'c.txt', true], ['[a-c]*', 'caf\uDCE9', true], ['a[', 'a[', true], ['a.b', 'axb', false],
      ['*', '*', true], ['(x)+', '(x)+', true], ['*', 'two\nlines', true], ['[]]', ']', true],
    ];
    for (const [pattern, name, expected] of cases) assert.equal(globMatcher(pattern)(name), expected, `${pattern} ~ ${name}`);
    assert.equal(hasGlob('a.txt'), false);
    assert.equal(hasGlob('a*'), true);
  });
});
