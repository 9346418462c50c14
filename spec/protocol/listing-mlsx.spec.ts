// MLSD lines and MLST fact lines (RFC 3659 §7), including the RFC's own §8 examples with
// their capitalised fact names, field by field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError } from '../../common/errors.js';
import { ListingParser, parseListing, parseMlstEntry, type ListingEntry } from '../../protocol/listing/index.js';
import { splits } from '../helpers/chunks.js';

const at = (iso: string): Date => new Date(`${iso}Z`);

function entry(name: string, fields: Partial<ListingEntry>): ListingEntry {
  const type = fields.type ?? 'file';
  return { name, path: name, size: 0, dir: type === 'dir', modified: null, permissions: null, type, ...fields };
}

const samples: [string, string, ListingEntry | null][] = [
  ['RFC 3659 §8.1: cdir with a full path is skipped', 'Type=cdir;Modify=19990219183438; /iana/assignments', null],
  ['RFC 3659 §8.1: pdir is skipped', 'Type=pdir;Modify=19990112030453; ..', null],
  ['RFC 3659 §8.1: a folder, capitalised facts', 'Type=dir;Modify=19990219073522; media-types',
    entry('media-types', { type: 'dir', modified: at('1999-02-19T07:35:22') })],
  ['RFC 3659 §8.1: a file', 'Type=file;Size=44242;Modify=19990217230400; character-sets',
    entry('character-sets', { size: 44242, modified: at('1999-02-17T23:04:00') })],
  ['modify with milliseconds', 'type=file;size=1;modify=20241225143022.123; ms',
    entry('ms', { size: 1, modified: at('2024-12-25T14:30:22.123') })],
  ['modify with one fractional digit', 'type=file;modify=20241225143022.5; tenth',
    entry('tenth', { modified: at('2024-12-25T14:30:22.500') })],
  ['modify with microseconds: a Date keeps the milliseconds', 'type=file;modify=20241225143022.123456; us',
    entry('us', { modified: at('2024-12-25T14:30:22.123') })],
  ['unix.mode with special bits, upper-case fact name', 'type=file;size=5;UNIX.mode=4755; suid',
    entry('suid', { size: 5, permissions: '4755' })],
  ['unix.mode with the file-type bits', 'type=file;unix.mode=100644; typed',
    entry('typed', { permissions: '644' })],
  ['OS.unix=symlink', 'type=OS.unix=symlink;size=9;unix.mode=0777; link',
    entry('link', { type: 'link', size: 9, permissions: '777' })],
  ['OS.unix=slink:target', 'type=OS.unix=slink:/etc/target;size=11; link2',
    entry('link2', { type: 'link', size: 11, target: '/etc/target' })],
  ['a device is other', 'type=OS.unix=chr-4/1;unix.mode=0620; tty1',
    entry('tty1', { type: 'other', permissions: '620' })],
  ['a name beats a number: unix.ownername over unix.owner', 'type=file;UNIX.owner=0;UNIX.ownername=user;UNIX.group=0;UNIX.groupname=ftp; owned',
    entry('owned', { owner: 'user', group: 'ftp' })],
  ['unix.owner over unix.uid, whichever comes first', 'type=file;unix.uid=1000;unix.owner=bob;unix.gid=100;unix.group=users; bobs',
    entry('bobs', { owner: 'bob', group: 'users' })],
  ['uid and gid alone', 'type=file;UNIX.uid=0;UNIX.gid=0; ids', entry('ids', { owner: '0', group: '0' })],
  ['sizd for a folder', 'type=dir;sizd=4096; folder', entry('folder', { type: 'dir', size: 4096 })],
  ['unknown facts are ignored', 'type=file;size=3;unique=fe00g20c07c;lang=en;media-type=text/plain;charset=UTF-8;perm=adfr; other-facts',
    entry('other-facts', { size: 3 })],
  ['a name with spaces and semicolons', 'type=file;size=1; a; b c.txt', entry('a; b c.txt', { size: 1 })],
  ['a name with a leading space', 'type=file;size=1;  lead', entry(' lead', { size: 1 })],
  ['no type fact: a file', 'size=2; untyped', entry('untyped', { size: 2 })],
  ['values that are not numbers or times are dropped', 'type=file;size=abc;modify=2024;unix.mode=999; junk-values', entry('junk-values', {})],
  // an entry of a listing is the folder listed and its name, never a path the server wrote
  ['a relative path in place of a name: its name', 'type=file;size=1; sub/x', entry('x', { size: 1 })],
  ['an absolute path in place of a name: its name', 'type=file;size=1; /abs/y', entry('y', { size: 1 })],
  ['no name', 'type=file;size=1;', null],
  ['an empty name', 'type=file;size=1; ', null],
  ['facts that do not end with ;', 'type=file;size=1 name', null],
  ['a fact without =', 'type=file;typefile; name', null],
  ['a fact without a name', 'type=file;=x; name', null],
];

describe('MLSD', () => {
  for (const [what, line, want] of samples) {
    it(what, () => {
      assert.deepEqual(parseListing(`${line}\r\n`, { format: 'mlsd' }), want === null ? [] : [want]);
    });
  }

  it('the whole table as one listing, split at every byte', () => {
    const want = samples.flatMap(([, , e]) => (e === null ? [] : [e]));
    const bytes = Buffer.from(samples.map(([, line]) => `${line}\r\n`).join(''));
    for (const chunks of splits(bytes)) {
      const parser = new ListingParser();
      assert.deepEqual(chunks.flatMap((chunk) => parser.push(chunk)).concat(parser.end()), want);
    }
  });
});

describe('parseMlstEntry', () => {
  const cases: [string, string, string | undefined, Partial<ListingEntry>][] = [
    ['RFC 3659 §7 form: leading space, absolute path', ' type=file;size=3; /path/name', undefined, { name: 'name', path: '/path/name', size: 3 }],
    ['without the leading space', 'type=file;size=3; /path/name', undefined, { name: 'name', path: '/path/name', size: 3 }],
    ['a relative pathname joins dir', ' type=dir; sub', '/pub', { name: 'sub', path: '/pub/sub', type: 'dir' }],
    ['cdir is the folder itself: a dir', ' type=cdir;modify=20241225143022; /pub/nested/', undefined,
      { name: 'nested', path: '/pub/nested', type: 'dir', modified: at('2024-12-25T14:30:22') }],
    ['the root', ' type=cdir; /', undefined, { name: '/', path: '/', type: 'dir' }],
    ['no facts at all', '  /pub/x', undefined, { name: 'x', path: '/pub/x' }],
    ['spaces in the pathname', ' type=file;size=29; /pub/name with spaces.txt', '/ignored',
      { name: 'name with spaces.txt', path: '/pub/name with spaces.txt', size: 29 }],
  ];
  for (const [what, line, dir, fields] of cases) {
    it(what, () => assert.deepEqual(parseMlstEntry(line, dir), entry(fields.name!, fields)));
  }

  for (const garbage of ['', ' ', 'garbage', ' type=file', ' type=file;size=1;', ' =x; /a', ' type; /a']) {
    it(`throws a ProtocolError on ${JSON.stringify(garbage)}`, () => {
      assert.throws(() => parseMlstEntry(garbage), (e: unknown) => e instanceof ProtocolError && /MLST/.test(e.message));
    });
  }
});
