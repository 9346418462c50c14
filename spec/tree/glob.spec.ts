import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globMatcher } from '../../lib/tree/glob.js';

describe('glob patterns', () => {
  const table: [string, string[], string[]][] = [
    ['*.log', ['a.log', '.log', 'x.y.log'], ['a.log.1', 'log', 'a.LOG']],
    ['config.*', ['config.yml', 'config.'], ['config', 'my-config.yml']],
    ['backup_2024*.zip', ['backup_2024.zip', 'backup_20241225_143022.zip'], ['backup_2023.zip', 'backup_2024.zip.tmp']],
    ['?.txt', ['a.txt', 'é.txt', '名.txt'], ['ab.txt', '.txt']],
    ['[abc]*', ['apple', 'cat'], ['dog', 'Apple']],
    ['[!a]*', ['bat', '1'], ['apple']],
    ['[^a]*', ['bat'], ['apple']],
    ['file[0-9].bin', ['file1.bin', 'file9.bin'], ['filea.bin', 'file10.bin']],
    ['[]]x', [']x'], ['x', 'ax']],
    ['[a-]x', ['ax', '-x'], ['bx']],
    ['[a\\-c]', ['a', '-', 'c'], ['b']],
    ['*a*b', ['ab', 'xaxxb', 'aab'], ['ba', 'a']],
    ['a\\*b', ['a*b'], ['ab', 'axb']],
    ['name with spaces.txt', ['name with spaces.txt'], ['name_with_spaces.txt']],
    ['(x)+.txt', ['(x)+.txt'], ['x.txt', 'xx.txt']],
    ['*', ['anything', ''], ['a/b']],
  ];
  for (const [pattern, yes, no] of table) {
    it(`${pattern} matches ${yes.join(', ')} and not ${no.join(', ')}`, () => {
      const match = globMatcher(pattern);
      for (const name of yes) assert.equal(match(name), true, name);
      for (const name of no) assert.equal(match(name), false, name);
    });
  }

  it('can ignore case', () => assert.equal(globMatcher('*.LOG', { ignoreCase: true })('a.log'), true));

  it('refuses an empty pattern and an unclosed class', () => {
    assert.throws(() => globMatcher(''), TypeError);
    assert.throws(() => globMatcher('[abc'), /unclosed/);
    assert.throws(() => globMatcher('[z-a]'), /out-of-order range/);
  });
});
