import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs, UsageError, type OptionSpec } from '../../lib/cli/args.js';

const specs: OptionSpec[] = [
  { name: 'recursive', short: 'R', kind: 'flag' },
  { name: 'long', short: 'l', kind: 'flag' },
  { name: 'parallel', short: 'P', kind: 'number' },
  { name: 'user', kind: 'string', repeat: true },
  { name: 'root', kind: 'string' },
];

describe('command-line arguments', () => {
  it('reads long, short, bundled and inline options and keeps positionals in order', () => {
    assert.deepEqual(parseArgs(['ls', '-Rl', 'ftp://h/x', '--parallel', '4', '--root=./d', '--user', 'a:b', '--user=c:d', '-P8'], specs), {
      positionals: ['ls', 'ftp://h/x'],
      options: { recursive: true, long: true, parallel: 8, root: './d', user: ['a:b', 'c:d'] },
    });
  });

  it('stops at -- and takes a lone - as a positional', () => {
    assert.deepEqual(parseArgs(['get', '--', '--not-an-option', '-'], specs).positionals, ['get', '--not-an-option', '-']);
    assert.deepEqual(parseArgs(['put', '-', 'ftp://h/x'], specs).positionals, ['put', '-', 'ftp://h/x']);
  });

  for (const [argv, message] of [
    [['--nope'], /unknown option --nope/],
    [['-x'], /unknown option -x/],
    [['--parallel'], /needs a value/],
    [['--parallel', 'many'], /wants a number/],
    [['--long=yes'], /takes no value/],
  ] as const) {
    it(`refuses ${argv.join(' ')} with a usage error`, () => {
      assert.throws(() => parseArgs(argv, specs), (e: unknown) => e instanceof UsageError && message.test(e.message));
    });
  }
});
