// Names a listing may not hand to a client (CVE-2018-10916 in lftp): a name that leads out
// of the listed folder is refused by the parser, in every format, and the caller hears of
// the line; names that merely look odd (`a..b`, `..x`, spaces, unicode) are kept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ListingParser, parseListing } from '../../protocol/listing/index.js';
import { unsafeNameReason } from '../../protocol/listing/path.js';
import { localInside } from '../../lib/tree/roots.js';

const unix = (name: string): string => `-rw-r--r--    1 0        0               5 Jan 01  2024 ${name}`;
const dos = (name: string): string => `01-01-24  10:00AM               5 ${name}`;
const mlsd = (name: string): string => `type=file;size=5; ${name}`;

describe('unsafeNameReason', () => {
  const refused: [string, string][] = [
    ['', 'is empty'],
    ['.', 'is "."'],
    ['..', 'is ".."'],
    ['../x', 'contains "/"'],
    ['a/../../y', 'contains "/"'],
    ['sl/ash', 'contains "/"'],
    ['..\\x', 'contains "\\"'],
    ['a\\b', 'contains "\\"'],
    ['nul\0name', 'contains NUL'],
    ['cr\rname', 'contains CR or LF'],
  ];
  for (const [name, why] of refused) it(`refuses ${JSON.stringify(name)}: ${why}`, () => assert.equal(unsafeNameReason(name), why));
  for (const name of ['a..b', '..x', 'x..', '...', '.hidden', ' lead', 'été 名前', 'x'.repeat(255)]) {
    it(`keeps ${JSON.stringify(name.slice(0, 20))}`, () => assert.equal(unsafeNameReason(name), null));
  }
});

describe('ListingParser refuses names that lead out of the folder', () => {
  const bad = ['../x', 'a/../../y', '..\\x', 'nul\0name', 'back\\slash'];
  for (const [format, line] of [['unix', unix], ['dos', dos], ['mlsd', mlsd]] as const) {
    it(`${format}: skips them, tells of each line, keeps the rest`, () => {
      const heard: [string, string][] = [];
      const parser = new ListingParser({ dir: '/r', format, onRefused: (text, why) => heard.push([text, why]) });
      const text = [...bad, 'good', 'a..b'].map((name) => `${line(name)}\r\n`).join('');
      const entries = [...parser.push(Buffer.from(text)), ...parser.end()];
      assert.deepEqual(entries.map((e) => [e.name, e.path]), [['good', '/r/good'], ['a..b', '/r/a..b']]);
      assert.deepEqual(heard.map(([text]) => text), bad.map(line));
      for (const [, why] of heard) assert.match(why, /^its (name|path) /);
    });
  }

  it('the same when the format is detected from a refused first line', () => {
    assert.deepEqual(parseListing(`${unix('../x')}\r\n${unix('ok')}\r\n`).map((e) => e.name), ['ok']);
  });

  it('MLSD: a pathname with a slash stands for its last name in the folder listed, unless it goes through . or ..', () => {
    const heard: string[] = [];
    const entries = parseListing(['type=file; sl/ash', 'type=file; /abs/y', 'type=file; /abs/../y', 'type=dir; ./z', 'type=file; a/./b'].join('\r\n'), {
      dir: '/r',
      format: 'mlsd',
      onRefused: (_line, why) => heard.push(why),
    });
    assert.deepEqual(entries.map((e) => [e.name, e.path]), [['ash', '/r/ash'], ['y', '/r/y']]);
    assert.deepEqual(heard, Array(3).fill('its name contains "/"'));
  });

  it('tells of lines that are no entry, but not of total, . and .., cdir or pdir', () => {
    const unread: string[] = [];
    const lines = ['total 12', unix('.'), unix('..'), unix('kept'), 'bare-name', 'drwxr-xr-x garbage'];
    parseListing(lines.join('\r\n'), { dir: '/r', onUnread: (line) => unread.push(line) });
    assert.deepEqual(unread, ['bare-name', 'drwxr-xr-x garbage']);
    const facts: string[] = [];
    parseListing('type=cdir; /r\r\ntype=pdir; /\r\ntype=file; ok\r\nno facts here', { format: 'mlsd', onUnread: (line) => facts.push(line) });
    assert.deepEqual(facts, ['no facts here']);
  });

  it('a link keeps its target, slashes and all', () => {
    const [entry] = parseListing('lrwxrwxrwx    1 0        0               5 Jan 01  2024 up -> ../../etc\r\n');
    assert.deepEqual([entry?.name, entry?.target], ['up', '../../etc']);
  });
});

describe('localInside: the last check before a tree operation creates a local path', () => {
  it('gives the path below the root for safe relative paths', () => {
    assert.equal(localInside('/base/root', ''), '/base/root');
    assert.equal(localInside('/base/root', 'a/b..c/..d'), '/base/root/a/b..c/..d');
  });
  for (const rel of ['..', '../x', 'a/../../y', 'a/..', '.', 'a//b', '/abs', 'a\\..\\..\\x', 'n\0ul']) {
    it(`refuses ${JSON.stringify(rel)}`, () => assert.equal(localInside('/base/root', rel), null));
  }
});
