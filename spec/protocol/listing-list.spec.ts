// LIST lines in the forms their documentation shows (ls(1) of GNU, Solaris, AIX and
// OpenBSD strmode(3) for the mode letters and the ACL/SELinux marks after them, IIS for
// the DOS style), one table per format, each line read field by field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ListingParser, parseListing, type ListingEntry } from '../../protocol/listing/index.js';
import { splits } from '../helpers/chunks.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const at = (iso: string): Date => new Date(`${iso}Z`);

type Sample = [string, string, Partial<ListingEntry>];

function entry(name: string, fields: Partial<ListingEntry>): ListingEntry {
  const type = fields.type ?? 'file';
  return { name, path: name, size: 0, dir: type === 'dir', modified: null, permissions: null, type, ...fields };
}

const unix: Sample[] = [
  ['a folder', 'drwxr-xr-x    2 ftp      ftp          4096 Nov 25 11:31 folder',
    { name: 'folder', type: 'dir', dir: true, size: 4096, modified: at('2026-11-25T11:31'), permissions: '755', owner: 'ftp', group: 'ftp' }],
  ['a symlink dated with a year', 'lrwxrwxrwx    1 ftp      ftp            11 Jan  5  2020 latest -> releases/v2',
    { name: 'latest', target: 'releases/v2', type: 'link', size: 11, modified: at('2020-01-05T00:00'), permissions: '777', owner: 'ftp', group: 'ftp' }],
  ['a symlink whose name and target have spaces', 'lrwxrwxrwx 1 u g 9 Nov 25 11:31 my link -> my target',
    { name: 'my link', target: 'my target', type: 'link', size: 9, modified: at('2026-11-25T11:31'), permissions: '777', owner: 'u', group: 'g' }],
  ['a file whose name holds an arrow (only links have targets)', '-rw-r--r-- 1 u g 1 Nov 25 11:31 a -> b',
    { name: 'a -> b', size: 1, modified: at('2026-11-25T11:31'), permissions: '644', owner: 'u', group: 'g' }],
  ['a character device: major, minor instead of a size', 'crw-rw----    1 root     tty        4,   1 Nov 25 11:31 tty1',
    { name: 'tty1', type: 'other', modified: at('2026-11-25T11:31'), permissions: '660', owner: 'root', group: 'tty' }],
  ['a block device with major,minor in one column', 'brw-rw----   1 root  disk  8,0 Oct 10 09:15 sda',
    { name: 'sda', type: 'other', modified: at('2026-10-10T09:15'), permissions: '660', owner: 'root', group: 'disk' }],
  ['a named pipe', 'prw-r--r-- 1 u g 0 Nov 25 11:31 fifo',
    { name: 'fifo', type: 'other', modified: at('2026-11-25T11:31'), permissions: '644', owner: 'u', group: 'g' }],
  ['a socket', 'srwxrwxrwx 1 u g 0 Nov 25 11:31 sock',
    { name: 'sock', type: 'other', modified: at('2026-11-25T11:31'), permissions: '777', owner: 'u', group: 'g' }],
  ['setuid', '-rwsr-xr-x 1 root root 54256 Mar 14  2022 passwd',
    { name: 'passwd', size: 54256, modified: at('2022-03-14T00:00'), permissions: '4755', owner: 'root', group: 'root' }],
  ['setgid without group execute (S)', 'drwxr-Sr-x 2 u g 4096 Nov 25 11:31 shared',
    { name: 'shared', type: 'dir', dir: true, size: 4096, modified: at('2026-11-25T11:31'), permissions: '2745', owner: 'u', group: 'g' }],
  ['sticky (t)', 'drwxrwxrwt 10 root root 4096 Nov 25 11:31 tmp',
    { name: 'tmp', type: 'dir', dir: true, size: 4096, modified: at('2026-11-25T11:31'), permissions: '1777', owner: 'root', group: 'root' }],
  ['sticky without other execute (T)', 'drwxrwxrwT 2 root root 4096 Nov 25 11:31 drop',
    { name: 'drop', type: 'dir', dir: true, size: 4096, modified: at('2026-11-25T11:31'), permissions: '1776', owner: 'root', group: 'root' }],
  ['all three special bits', '-rwsr-sr-t 1 u g 1 Nov 25 11:31 every',
    { name: 'every', size: 1, modified: at('2026-11-25T11:31'), permissions: '7755', owner: 'u', group: 'g' }],
  ['mandatory locking (l: setgid without group execute, Solaris)', '-rw-r-l--- 1 u g 1 Nov 25 11:31 locked',
    { name: 'locked', size: 1, modified: at('2026-11-25T11:31'), permissions: '2640', owner: 'u', group: 'g' }],
  ['an ACL mark (+)', '-rw-rw-r--+ 1 u g 10 Nov 25 11:31 acl.txt',
    { name: 'acl.txt', size: 10, modified: at('2026-11-25T11:31'), permissions: '664', owner: 'u', group: 'g' }],
  ['an SELinux context mark (.)', '-rw-r--r--. 1 root root 10 Nov 25 11:31 selinux.txt',
    { name: 'selinux.txt', size: 10, modified: at('2026-11-25T11:31'), permissions: '644', owner: 'root', group: 'root' }],
  ['numeric owner and group', '-rw-r--r--    1 1000     1000           5 Nov 25 11:31 ids.txt',
    { name: 'ids.txt', size: 5, modified: at('2026-11-25T11:31'), permissions: '644', owner: '1000', group: '1000' }],
  ['owner only (no group column, as ls -o)', '-rw-r--r--   1 ftp          1234 Nov 25 11:31 owner-only.txt',
    { name: 'owner-only.txt', size: 1234, modified: at('2026-11-25T11:31'), permissions: '644', owner: 'ftp' }],
  ['owner and group but no link count', '-rw-r--r-- ftp ftp 1234 Nov 25 11:31 no-links.txt',
    { name: 'no-links.txt', size: 1234, modified: at('2026-11-25T11:31'), permissions: '644', owner: 'ftp', group: 'ftp' }],
  ['a name with leading and trailing spaces', '-rw-r--r-- 1 u g 5 Nov 25 11:31   two leading, one trailing ',
    { name: '  two leading, one trailing ', size: 5, modified: at('2026-11-25T11:31'), permissions: '644', owner: 'u', group: 'g' }],
  ['a year right-aligned, then one space', '-rw-r--r-- 1 root root 12755 Feb  8  2006 test2.exe',
    { name: 'test2.exe', size: 12755, modified: at('2006-02-08T00:00'), permissions: '644', owner: 'root', group: 'root' }],
  ['a zero-padded day (AIX)', '-rwxrwxr-x 2 janet acct 512 Mar 01 13:33 january',
    { name: 'january', size: 512, modified: at('2026-03-01T13:33'), permissions: '775', owner: 'janet', group: 'acct' }],
  ['a date without a year more than a day ahead: last year', '-rw-r--r-- 1 u g 1 Dec 24 10:00 xmas',
    { name: 'xmas', size: 1, modified: at('2025-12-24T10:00'), permissions: '644', owner: 'u', group: 'g' }],
  ['a date without a year less than a day ahead: this year', '-rw-r--r-- 1 u g 1 Nov 26 10:00 tomorrow',
    { name: 'tomorrow', size: 1, modified: at('2026-11-26T10:00'), permissions: '644', owner: 'u', group: 'g' }],
  ['Feb 29 without a year: the latest leap year', '-rw-r--r-- 1 u g 1 Feb 29 10:00 leap',
    { name: 'leap', size: 1, modified: at('2024-02-29T10:00'), permissions: '644', owner: 'u', group: 'g' }],
  ['a day that does not exist: no date, the rest kept', '-rw-r--r-- 1 u g 1 Feb 31  2020 bad-date',
    { name: 'bad-date', size: 1, modified: null, permissions: '644', owner: 'u', group: 'g' }],
  ['a size beyond 32 bits', '-rw-r--r-- 1 u g 5368709120 Nov 25 11:31 big.iso',
    { name: 'big.iso', size: 5368709120, modified: at('2026-11-25T11:31'), permissions: '644', owner: 'u', group: 'g' }],
  ['an owner and a group named like months', '-rw-r--r-- 1 may jun 7 Nov 25 11:31 months',
    { name: 'months', size: 7, modified: at('2026-11-25T11:31'), permissions: '644', owner: 'may', group: 'jun' }],
  ['UTF-8 in the name', '-rw-r--r-- 1 u g 25 Nov 25 11:31 unicode-été-名前.txt',
    { name: 'unicode-été-名前.txt', size: 25, modified: at('2026-11-25T11:31'), permissions: '644', owner: 'u', group: 'g' }],
];

const dos: Sample[] = [
  ['IIS: a folder, two-digit year, 12-hour clock', '12-25-24  02:30PM       <DIR>          name',
    { name: 'name', type: 'dir', dir: true, modified: at('2024-12-25T14:30') }],
  ['IIS long dates: four-digit year, 24-hour clock', '12-25-2024  14:30                 1234 name.txt',
    { name: 'name.txt', size: 1234, modified: at('2024-12-25T14:30') }],
  ['a two-digit year from 70 up is 19xx', '06-29-99  12:05AM       <DIR>          old',
    { name: 'old', type: 'dir', dir: true, modified: at('1999-06-29T00:05') }],
  ['noon is 12:xxPM', '01-01-70  12:00PM                    0 epoch.txt',
    { name: 'epoch.txt', modified: at('1970-01-01T12:00') }],
  ['a name with spaces, a size grouped with commas', '10-10-23  09:15AM                1,234 my file.txt',
    { name: 'my file.txt', size: 1234, modified: at('2023-10-10T09:15') }],
  ['AM/PM after a space', '12-25-2024  02:30 PM 7 spaced.txt',
    { name: 'spaced.txt', size: 7, modified: at('2024-12-25T14:30') }],
  ['a lower-case <dir>', '04-05-02  02:18PM  <dir>  lower',
    { name: 'lower', type: 'dir', dir: true, modified: at('2002-04-05T14:18') }],
  ['a month that does not exist: no date, the rest kept', '13-01-24  10:00AM  3 bad.txt',
    { name: 'bad.txt', size: 3, modified: null }],
];

for (const [format, samples] of [['Unix ls -l', unix], ['DOS/IIS', dos]] as const) {
  describe(`LIST, ${format}`, () => {
    for (const [what, line, fields] of samples) {
      it(what, () => {
        assert.deepEqual(parseListing(`${line}\r\n`, { now: NOW }), [entry(fields.name!, fields)]);
      });
    }

    it('the whole table as one listing, split at every byte, bare LF line ends', () => {
      const want = samples.map(([, , fields]) => entry(fields.name!, fields));
      const bytes = Buffer.from(samples.map(([, line]) => `${line}\n`).join(''));
      for (const chunks of splits(bytes)) {
        const parser = new ListingParser({ now: NOW });
        assert.deepEqual(chunks.flatMap((chunk) => parser.push(chunk)).concat(parser.end()), want);
      }
    });
  });
}

describe('LIST lines that are not entries', () => {
  const skipped = [
    'total 1068',
    '-rw-r--r-- 1 u g 1 Nov 25 11:31', // no name
    '-rw-r--r-- 1 u g 1 Nov 25 11:31 ', // only the separating space
    '-rw-r--r-- 1 u g x Nov 25 11:31 bad-size',
    '-rw-r--r-- 1 u g 1 Nox 25 11:31 bad-month',
    '-rw-r--r-- 1 u g 1 Nov 255 11:31 bad-day',
    '-rw-r--r-- 1 u g 1 Nov 25 11-31 bad-time',
    '-rw-r--r-- 1 u g 1 Nov 25 25:61 bad-clock', // ls never writes this; no date, the entry stays
    '-rwxr-xr-q 1 u g 1 Nov 25 11:31 bad-mode',
    '-rwlr-xr-x 1 u g 1 Nov 25 11:31 locking-bit-of-the-owner',
    'xrw-r--r-- 1 u g 1 Nov 25 11:31 bad-type',
    '-rw-r--r--X 1 u g 1 Nov 25 11:31 bad-mark',
    `-rw-r--r-- ${'1 '.repeat(20)}Nov 25 11:31 too-many-columns`,
    '-rw-r--r-- 1 u g 4, 1 Nov 25 11:31 device-numbers-on-a-file',
  ]; // a size above 2^53 is read (exactSize): spec/protocol/listing-formats.spec.ts
  it('skips each of them', () => {
    const names = parseListing(skipped.join('\r\n'), { now: NOW, format: 'unix' }).map((e) => [e.name, e.modified]);
    assert.deepEqual(names, [['bad-clock', null]]);
  });
});
